package tally

import "errors"

// Development placeholder, deleted when irv.go exists.
func countIRV(*Election, Options) (*Result, error) { return nil, errors.New("irv: being written") }
