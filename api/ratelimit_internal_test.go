package api

import (
	"fmt"
	"testing"
	"time"

	"github.com/govboard/govboard/elections/electionstest"
)

// An IPv4 client is its address; an IPv6 client is its /64 network, however it writes it.
func TestAddressKey(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"192.0.2.10", "192.0.2.10"},
		{"::ffff:192.0.2.10", "192.0.2.10"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2:0:0:0:7", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		if got := addressKey(tt.ip); got != tt.want {
			t.Errorf("addressKey(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

// The e-mail key ignores case and surrounding space, and its size does not depend on the
// address.
func TestAccountKey(t *testing.T) {
	k := accountKey("admin@example.org")
	for _, same := range []string{"Admin@Example.ORG", "  admin@example.org\t"} {
		if accountKey(same) != k {
			t.Errorf("accountKey(%q) differs from accountKey(%q)", same, "admin@example.org")
		}
	}
	if accountKey("other@example.org") == k {
		t.Error("two addresses share a key")
	}
	if long := accountKey(fmt.Sprintf("%0500d@example.org", 1)); len(long) != len(k) {
		t.Errorf("key of a long address has %d bytes, want %d", len(long), len(k))
	}
}

// The limiter keeps at most maxKeys buckets: while all are in use a new key is refused, with
// the wait until the least recently used one may be forgotten; idle buckets make room.
func TestBucketLimiterBoundsKeys(t *testing.T) {
	clock := electionstest.NewClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	// 60 a minute, burst 5: a bucket is full again after 5 s, but kept for the 3-minute minimum.
	l := newBucketLimiter(60, 5, 3, clock.Now)
	allow := func(key string) (bool, time.Duration, bool) {
		t.Helper()
		return l.allow(key)
	}
	for _, k := range []string{"a", "b", "c"} {
		if ok, _, _ := allow(k); !ok {
			t.Fatalf("%s refused", k)
		}
		clock.Advance(time.Minute)
	}
	clock.Advance(-time.Second) // 2m59s: a, last seen at 0, is idle in 1 s
	ok, wait, full := allow("d")
	if ok || !full || wait != time.Second {
		t.Fatalf("d with 3 keys in use: ok %v full %v wait %v; want refused, full, 1s", ok, full, wait)
	}
	if n := l.size(); n != 3 {
		t.Fatalf("%d keys after a refusal, want 3", n)
	}
	if ok, _, full := allow("b"); !ok || full {
		t.Fatalf("known key b refused while full")
	}
	clock.Advance(time.Second)
	// 3m: a is idle now, and only a: b was just used, c a minute ago.
	if ok, _, _ := allow("d"); !ok {
		t.Fatalf("d refused after a went idle")
	}
	if ok, wait, full := allow("e"); ok || !full || wait != 2*time.Minute {
		t.Fatalf("e: ok %v full %v wait %v; want refused, full, 2m0s (until c, last seen at 2m, is idle at 5m)", ok, full, wait)
	}
	clock.Advance(10 * time.Minute)
	if ok, _, _ := allow("e"); !ok {
		t.Fatalf("e refused once every bucket was idle")
	}
	if n := l.size(); n != 1 {
		t.Errorf("%d keys kept after all others went idle, want 1", n)
	}
}

// A bucket keeps its debt while it is in use: coming back before it is idle does not reset it.
func TestBucketLimiterKeepsDebt(t *testing.T) {
	clock := electionstest.NewClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	l := newBucketLimiter(1, 2, 10, clock.Now) // one a minute, burst 2
	for i := range 2 {
		if ok, _, _ := l.allow("k"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait, full := l.allow("k")
	if ok || full || wait != time.Minute {
		t.Fatalf("third attempt: ok %v full %v wait %v; want refused after 1m0s", ok, full, wait)
	}
	clock.Advance(59 * time.Second)
	if ok, _, _ := l.allow("k"); ok {
		t.Fatal("allowed before the bucket refilled")
	}
	clock.Advance(time.Second)
	if ok, _, _ := l.allow("k"); !ok {
		t.Fatal("refused once the bucket refilled")
	}
}
