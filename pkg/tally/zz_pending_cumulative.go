package tally

import "errors"

// Development placeholder, deleted when cumulative.go exists.
func countCumulative(*Election, Options) (*Result, error) { return nil, errors.New("cumulative: being written") }
