package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
)

// loginFrom tries to log in as email with pw from the client address addr.
func (e *env) loginFrom(addr, email, pw string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(request{method: "POST", url: "/api/v1/auth/login", remoteAddr: addr,
		body: jsonBody(e.t, map[string]string{"email": email, "password": pw})})
}

// An IPv6 client is limited by its /64 network: new addresses inside it share one bucket,
// another /64 has its own.
func TestLoginRateLimitIPv6Network(t *testing.T) {
	e := newEnv(t, func(o *api.Options, _ *wrapStore) {
		o.LoginRate = 1
		o.LoginBurst = 2
	})
	tests := []struct {
		addr string
		want int
	}{
		{"[2001:db8:1:2::1]:5000", http.StatusUnauthorized},
		{"[2001:db8:1:2::2]:5000", http.StatusUnauthorized},
		{"[2001:db8:1:2:abcd:ef01:2345:6789]:6000", http.StatusTooManyRequests},
		{"[2001:db8:1:3::1]:5000", http.StatusUnauthorized},
		{"192.0.2.1:5000", http.StatusUnauthorized},
		{"192.0.2.2:5000", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		if rec := e.loginFrom(tt.addr, adminEmail, "wrong password 123"); rec.Code != tt.want {
			t.Errorf("from %s: status %d, want %d: %s", tt.addr, rec.Code, tt.want, rec.Body)
		}
	}
}

// limitedAttempt is what a caller can see of one login attempt.
type limitedAttempt struct {
	Status     int
	RetryAfter string
	Code       string
	Detail     string
}

// Attempts against one e-mail address are limited whatever the client address, with the same
// answers for an address that has an account and one that has none.
func TestLoginRateLimitPerAccount(t *testing.T) {
	e := newEnv(t, func(o *api.Options, _ *wrapStore) {
		o.LoginAccountRate = 2 // one attempt every 30 seconds
		o.LoginAccountBurst = 3
	})
	next := 0
	newAddr := func() string { next++; return fmt.Sprintf("192.0.2.%d:4000", next) }
	attempts := func(email, variant string) []limitedAttempt {
		t.Helper()
		var out []limitedAttempt
		for i := range 5 {
			sent := email
			if i == 4 {
				sent = variant
			}
			rec := e.loginFrom(newAddr(), sent, "wrong password 123")
			p := problem(t, rec)
			out = append(out, limitedAttempt{Status: rec.Code, RetryAfter: rec.Header().Get("Retry-After"), Code: p.Code, Detail: p.Detail})
		}
		return out
	}
	known := attempts(adminEmail, "  ADMIN@Example.org ")
	unknown := attempts("nobody@example.org", "NoBody@example.org")
	refused := limitedAttempt{Status: http.StatusTooManyRequests, RetryAfter: "30", Code: "rate_limited",
		Detail: "too many sign-in attempts for this e-mail address; try again in 30 seconds"}
	if diff := cmp.Diff(refused, known[3]); diff != "" {
		t.Errorf("4th attempt on an account (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(known, unknown); diff != "" {
		t.Errorf("an account and an unknown address are told apart (-account +unknown):\n%s", diff)
	}
	for i, a := range known[:3] {
		if a.Status != http.StatusUnauthorized {
			t.Errorf("attempt %d: status %d, want 401", i+1, a.Status)
		}
	}
	if known[4].Status != http.StatusTooManyRequests {
		t.Errorf("the address in other case and with spaces: status %d, want 429", known[4].Status)
	}
	// The right password does not get past the limit; other accounts are not limited.
	if rec := e.loginFrom(newAddr(), adminEmail, adminPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("right password on a limited account: status %d, want 429", rec.Code)
	}
	if rec := e.loginFrom(newAddr(), officerEmail, officerPass); rec.Code != http.StatusOK {
		t.Errorf("another account: status %d, want 200", rec.Code)
	}
	e.clock.Advance(30 * time.Second)
	if rec := e.loginFrom(newAddr(), adminEmail, adminPassword); rec.Code != http.StatusOK {
		t.Errorf("after 30 s: status %d, want 200: %s", rec.Code, rec.Body)
	}
}

// The limiter tracks at most LoginMaxKeys client addresses: while all are in use a new one is
// refused with 429, and it gets in once a bucket has been idle long enough to be forgotten.
func TestLoginRateLimitMaxKeys(t *testing.T) {
	e := newEnv(t, func(o *api.Options, _ *wrapStore) {
		o.LoginRate = 60
		o.LoginBurst = 10 // full again after 10 s; kept for the 3-minute minimum
		o.LoginMaxKeys = 2
	})
	const a, b, c = "192.0.2.1:1000", "192.0.2.2:1000", "192.0.2.3:1000"
	for _, addr := range []string{a, b} {
		if rec := e.loginFrom(addr, adminEmail, "wrong password 123"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("from %s: status %d, want 401", addr, rec.Code)
		}
	}
	e.clock.Advance(time.Minute)
	rec := e.loginFrom(c, adminEmail, "wrong password 123")
	if p := problem(t, rec); rec.Code != http.StatusTooManyRequests || p.Code != "rate_limited" {
		t.Fatalf("a third address with two tracked: status %d code %q, want 429 rate_limited", rec.Code, p.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "120" {
		t.Errorf("Retry-After %q, want 120 (until the oldest bucket is idle)", got)
	}
	if rec := e.loginFrom(a, adminEmail, "wrong password 123"); rec.Code != http.StatusUnauthorized {
		t.Errorf("a tracked address while full: status %d, want 401", rec.Code)
	}
	e.clock.Advance(2 * time.Minute) // as Retry-After said: b is idle, a is not
	if rec := e.loginFrom(c, adminEmail, "wrong password 123"); rec.Code != http.StatusUnauthorized {
		t.Errorf("after b went idle: status %d, want 401", rec.Code)
	}
	if rec := e.loginFrom(b, adminEmail, "wrong password 123"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("b, forgotten, with a and c tracked: status %d, want 429", rec.Code)
	}
}
