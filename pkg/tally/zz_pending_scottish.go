package tally

import "errors"

// Development placeholder, deleted when scottish.go exists.
func countScottish(*Election, Options) (*Result, error) { return nil, errors.New("scottish: being written") }
