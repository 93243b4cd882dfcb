package tally

import "errors"

// Development placeholder, deleted when ers97.go exists.
func countERS97(*Election, Options) (*Result, error) { return nil, errors.New("ers97: being written") }
