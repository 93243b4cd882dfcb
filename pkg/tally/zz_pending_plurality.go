package tally

import "errors"

// Development placeholder, deleted when plurality.go exists.
func countPlurality(*Election, Options) (*Result, error) { return nil, errors.New("plurality: being written") }
