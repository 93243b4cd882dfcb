package api

import (
	"container/list"
	"crypto/sha256"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// bucketLimiter keeps a token bucket (golang.org/x/time/rate) per key, for at most maxKeys
// keys, on the injected clock. The buckets are kept in least-recently-used order, so that
// forgetting idle buckets costs only a look at the old end of the list on each request, never
// a scan of every key. A bucket idle for longer than idle has filled up again, so forgetting
// it gives nothing away. When maxKeys buckets are all in use, a new key is refused rather than
// the memory growing.
type bucketLimiter struct {
	mu      sync.Mutex
	buckets map[string]*list.Element // key → element of lru holding a *bucket
	lru     *list.List               // of *bucket, the most recently used at the front
	every   rate.Limit
	burst   int
	idle    time.Duration
	maxKeys int
	now     func() time.Time
}

// bucket is the token bucket of one key.
type bucket struct {
	key      string
	limiter  *rate.Limiter
	lastSeen time.Time
}

// newBucketLimiter allows perMinute attempts a minute per key on average and burst at once,
// keeping at most maxKeys buckets.
func newBucketLimiter(perMinute float64, burst, maxKeys int, now func() time.Time) *bucketLimiter {
	refill := time.Duration(float64(burst) / perMinute * float64(time.Minute))
	return &bucketLimiter{
		buckets: map[string]*list.Element{},
		lru:     list.New(),
		every:   rate.Limit(perMinute / 60),
		burst:   burst,
		idle:    max(refill, 3*time.Minute),
		maxKeys: maxKeys,
		now:     now,
	}
}

// allow takes one attempt from key's bucket. When the bucket is empty it returns false and how
// long until the next attempt is allowed; when key has no bucket and there is no room for one,
// it also reports full, with how long until the least recently used bucket may be forgotten.
func (l *bucketLimiter) allow(key string) (ok bool, wait time.Duration, full bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.forgetIdle(now)
	el, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			oldest := l.lru.Back().Value.(*bucket)
			return false, l.idle - now.Sub(oldest.lastSeen), true
		}
		el = l.lru.PushFront(&bucket{key: key, limiter: rate.NewLimiter(l.every, l.burst)})
		l.buckets[key] = el
	}
	l.lru.MoveToFront(el)
	b := el.Value.(*bucket)
	b.lastSeen = now
	r := b.limiter.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait, false
	}
	return true, 0, false
}

// forgetIdle drops the buckets idle for l.idle or longer. They sit at the back of the list,
// so it stops at the first bucket in use; each bucket is dropped at most once.
func (l *bucketLimiter) forgetIdle(now time.Time) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		b := el.Value.(*bucket)
		if now.Sub(b.lastSeen) < l.idle {
			return
		}
		l.lru.Remove(el)
		delete(l.buckets, b.key)
	}
}

// size returns how many buckets are kept.
func (l *bucketLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// rateLimited is the 429 answer with Retry-After for a refusal of l.allow: what says whose
// attempts are used up.
func rateLimited(c echo.Context, wait time.Duration, full bool, what string) error {
	secs := int(math.Ceil(wait.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	if full {
		return errorf(CodeRateLimited, "too many clients are trying to sign in; try again in %d seconds", secs)
	}
	return errorf(CodeRateLimited, "too many sign-in attempts %s; try again in %d seconds", what, secs)
}

// addressKey is the rate-limit key of a client address: an IPv4 address as it is, an IPv6
// address by its /64 network, which one client usually holds whole and could otherwise walk
// through. An address that does not parse is its own key.
func addressKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr, 64).Masked().String()
}

// accountKey is the rate-limit key of an e-mail address given at login: a hash of the trimmed,
// lower-cased address, so that a key takes the same small room however long the address.
// It does not depend on whether an account has the address.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return string(sum[:])
}

// loginLimits slows down password guessing: one bucket per client address (see addressKey),
// taken before the body is read, and one per e-mail address tried (see accountKey), taken
// once the body is decoded, so that attempts against one account from many addresses are
// slowed down too.
type loginLimits struct {
	addresses *bucketLimiter
	accounts  *bucketLimiter
}

func newLoginLimits(o Options) *loginLimits {
	return &loginLimits{
		addresses: newBucketLimiter(o.LoginRate, o.LoginBurst, o.LoginMaxKeys, o.Now),
		accounts:  newBucketLimiter(o.LoginAccountRate, o.LoginAccountBurst, o.LoginMaxKeys, o.Now),
	}
}

// byAddress is the middleware that refuses a login with 429 rate_limited and Retry-After once
// the client address has used up its attempts.
func (l *loginLimits) byAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ok, wait, full := l.addresses.allow(addressKey(c.RealIP())); !ok {
			return rateLimited(c, wait, full, "from your address")
		}
		return next(c)
	}
}

// byAccount refuses a login with 429 rate_limited and Retry-After once the e-mail address has
// used up its attempts. It answers the same whether or not an account has the address.
func (l *loginLimits) byAccount(c echo.Context, email string) error {
	if ok, wait, full := l.accounts.allow(accountKey(email)); !ok {
		return rateLimited(c, wait, full, "for this e-mail address")
	}
	return nil
}
