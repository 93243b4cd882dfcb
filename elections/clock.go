package elections

import "time"

// Clock tells the time. It is injected everywhere a deadline or an expiry is decided, so tests
// can run a whole election calendar exactly.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
