package api

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// loginLimiter limits login attempts per client address with a token bucket per address
// (golang.org/x/time/rate). It is echo's memory rate-limit store plus two things that store
// lacks: the injected clock, and the wait that goes into Retry-After.
type loginLimiter struct {
	mu       sync.Mutex
	visitors map[string]*visitor
	every    rate.Limit
	burst    int
	now      func() time.Time
	// idle is how long an address keeps its bucket after its last attempt: long enough for the
	// bucket to have filled up again, so forgetting it gives nothing away.
	idle        time.Duration
	lastCleanup time.Time
}

type visitor struct {
	limiter  *rate.Limiter
	lastSeen time.Time
}

// newLoginLimiter allows perMinute attempts a minute on average and burst at once.
func newLoginLimiter(perMinute float64, burst int, now func() time.Time) *loginLimiter {
	refill := time.Duration(float64(burst) / perMinute * float64(time.Minute))
	return &loginLimiter{
		visitors:    map[string]*visitor{},
		every:       rate.Limit(perMinute / 60),
		burst:       burst,
		now:         now,
		idle:        max(refill, 3*time.Minute),
		lastCleanup: now(),
	}
}

// allow takes one attempt from key's bucket. When the bucket is empty it returns false and how
// long until the next attempt is allowed.
func (l *loginLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastCleanup) > l.idle {
		for k, v := range l.visitors {
			if now.Sub(v.lastSeen) > l.idle {
				delete(l.visitors, k)
			}
		}
		l.lastCleanup = now
	}
	v, ok := l.visitors[key]
	if !ok {
		v = &visitor{limiter: rate.NewLimiter(l.every, l.burst)}
		l.visitors[key] = v
	}
	v.lastSeen = now
	r := v.limiter.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// middleware refuses a request with 429 rate_limited and Retry-After once the client address
// has used up its attempts.
func (l *loginLimiter) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ok, wait := l.allow(c.RealIP())
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
			return errorf(CodeRateLimited,
				"too many login attempts from your address; try again in %d seconds", secs)
		}
		return next(c)
	}
}
