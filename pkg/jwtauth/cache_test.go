package jwtauth

import (
	"crypto/ed25519"
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifyCacheKeepsTimeChecks verifies a token once (so the Manager remembers it), then
// moves one Manager's clock around: the remembered token is refused exactly where an
// unremembered one is (TestVerifyTimeChecks' cases, on a warm cache).
func TestVerifyCacheKeepsTimeChecks(t *testing.T) {
	tests := []struct {
		name    string
		at      time.Time
		leeway  time.Duration
		wantErr error
	}{
		{"just issued", t0, 0, nil},
		{"last second", t0.Add(time.Hour - time.Second), 0, nil},
		{"expired", t0.Add(time.Hour), 0, jwt.ErrTokenExpired},
		{"expired within leeway", t0.Add(time.Hour + 10*time.Second), 30 * time.Second, nil},
		{"not yet valid", t0.Add(-time.Minute), 0, jwt.ErrTokenNotValidYet},
		{"clock skew within leeway", t0.Add(-10 * time.Second), 30 * time.Second, nil},
	}
	key := newEdKey(t)
	issuer := newManager(t, testConfig(key, &clock{now: t0}))
	tok, _, err := issuer.Issue("user-1", "officer", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: t0}
			cfg := testConfig(key, c)
			cfg.Leeway = tt.leeway
			m := newManager(t, cfg)
			if _, err := m.Verify(tok); err != nil { // remembered from here on
				t.Fatal(err)
			}
			if _, ok := m.cache.get(tok); !ok {
				t.Fatal("a verified token is not remembered")
			}
			c.now = tt.at
			_, err := m.Verify(tok)
			checkErr(t, err, tt.wantErr)
		})
	}
}

// TestIssueRemembers checks that an issued token is remembered with exactly the claims a
// verification gives.
func TestIssueRemembers(t *testing.T) {
	key := newEdKey(t)
	m := newManager(t, testConfig(key, &clock{now: t0}))
	tok, _, err := m.Issue("member:ind-0001", "member", "election:1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Verify(tok) // from the cache
	if err != nil {
		t.Fatal(err)
	}
	want, err := newManager(t, testConfig(key, &clock{now: t0})).Verify(tok) // a fresh verification
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != want.Subject || got.Role != want.Role || got.Scope != want.Scope || got.ID != want.ID ||
		!got.IssuedAt.Equal(want.IssuedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("remembered claims %+v, verified %+v", *got, *want)
	}
}

// TestVerifyCacheNeedsTheSameBytes checks that a token differing from a remembered one in any
// byte is verified afresh (and refused when its signature no longer matches).
func TestVerifyCacheNeedsTheSameBytes(t *testing.T) {
	m := newManager(t, testConfig(newEdKey(t), &clock{now: t0}))
	tok, _, err := m.Issue("member:ind-0001", "member", "election:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Verify(tok); err != nil {
		t.Fatal(err)
	}
	tampered := []byte(tok)
	i := len(tampered) - 5 // inside the signature
	tampered[i] ^= 1
	if tampered[i] == '.' || tampered[i] == '=' {
		tampered[i] ^= 3
	}
	if _, err := m.Verify(string(tampered)); err == nil {
		t.Fatal("a token with a changed signature byte was accepted after the original was remembered")
	}
	other := newManager(t, testConfig(newEdKey(t), &clock{now: t0}))
	if _, err := other.Verify(tok); err == nil {
		t.Fatal("another Manager (another key) accepted the token: caches must not be shared")
	}
}

// TestVerifyCacheIsBounded fills a small cache past its size: it never holds more, and every
// token still verifies (forgotten ones are verified again).
func TestVerifyCacheIsBounded(t *testing.T) {
	cfg := testConfig(newEdKey(t), &clock{now: t0})
	cfg.CacheSize = 8
	m := newManager(t, cfg)
	var toks []string
	for i := range 30 {
		tok, _, err := m.Issue(fmt.Sprintf("member:m%d", i), "member", "election:1")
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
		if _, err := m.Verify(tok); err != nil {
			t.Fatal(err)
		}
		if n := len(m.cache.m); n > 8 {
			t.Fatalf("cache holds %d tokens, size 8", n)
		}
	}
	for i, tok := range toks {
		c, err := m.Verify(tok)
		if err != nil || c.Subject != fmt.Sprintf("member:m%d", i) {
			t.Fatalf("token %d: %v %v", i, c, err)
		}
	}
	cfg.CacheSize = -1
	if off := newManager(t, cfg); off.cache != nil {
		t.Fatal("CacheSize -1 must turn the cache off")
	}
}

// BenchmarkVerify compares a cold verification (signature check) with a remembered one.
func BenchmarkVerify(b *testing.B) {
	_, priv, _ := ed25519GenerateKey()
	for _, size := range []int{-1, 0} {
		name := map[int]string{-1: "uncached", 0: "cached"}[size]
		b.Run(name, func(b *testing.B) {
			m, err := New(Config{Signing: Ed25519Key(priv), Issuer: "govboard", Audience: "govboard", TTL: time.Hour, CacheSize: size})
			if err != nil {
				b.Fatal(err)
			}
			tok, _, _ := m.Issue("member:ind-0001", "member", "election:1")
			for b.Loop() {
				if _, err := m.Verify(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ed25519GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(nil)
}
