package tally

import "errors"

// Development placeholder, deleted when schulze.go exists.
func countSchulze(*Election, Options) (*Result, error) { return nil, errors.New("schulze: being written") }
