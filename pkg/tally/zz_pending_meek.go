package tally

import "errors"

// Development placeholder, deleted when meek.go exists.
func countMeek(*Election, Options) (*Result, error) { return nil, errors.New("meek: being written") }
