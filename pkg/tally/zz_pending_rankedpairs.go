package tally

import "errors"

// Development placeholder, deleted when rankedpairs.go exists.
func countRankedPairs(*Election, Options) (*Result, error) { return nil, errors.New("rankedpairs: being written") }
