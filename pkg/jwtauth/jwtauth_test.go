package jwtauth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

// t0 is the fixed time tests issue tokens at.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newEdKey(t *testing.T) Key {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return Ed25519Key(priv)
}

func testConfig(signing Key, c *clock) Config {
	return Config{Signing: signing, Issuer: "govboard", Audience: "govboard", TTL: time.Hour, Now: c.Now}
}

func newManager(t *testing.T, cfg Config) *Manager {
	t.Helper()
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

// sign builds a token by hand so tests can produce what Issue never would.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

// goodClaims returns claims that pass every check at t0.
func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "govboard", "aud": "govboard", "sub": "user-1", "role": "officer",
		"iat": t0.Unix(), "nbf": t0.Unix(), "exp": t0.Add(time.Hour).Unix(), "jti": "x",
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	for _, key := range []Key{newEdKey(t), HMACKey([]byte(strings.Repeat("s", 32)))} {
		t.Run(key.Algorithm, func(t *testing.T) {
			c := &clock{now: t0.Add(500 * time.Millisecond)}
			m := newManager(t, testConfig(key, c))
			tok, exp, err := m.Issue("user-1", "member", "election-2026")
			if err != nil {
				t.Fatal(err)
			}
			if want := t0.Add(time.Hour); !exp.Equal(want) {
				t.Errorf("expiresAt = %v, want %v", exp, want)
			}
			c.now = t0.Add(59 * time.Minute)
			got, err := m.Verify(tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := &Claims{Subject: "user-1", Role: "member", Scope: "election-2026", IssuedAt: t0, ExpiresAt: t0.Add(time.Hour), ID: got.ID}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			if len(got.ID) < 20 {
				t.Errorf("jti %q is too short to be random", got.ID)
			}
			tok2, _, _ := m.Issue("user-1", "member", "election-2026")
			if got2, _ := m.Verify(tok2); got2 == nil || got2.ID == got.ID {
				t.Errorf("two tokens share jti %q", got.ID)
			}
			header := decodeSegment(t, tok, 0)
			if header["kid"] != key.ID || header["alg"] != key.Algorithm {
				t.Errorf("header = %v, want kid %s alg %s", header, key.ID, key.Algorithm)
			}
		})
	}
}

func decodeSegment(t *testing.T, tok string, i int) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIssueRequiresSubjectAndRole(t *testing.T) {
	m := newManager(t, testConfig(newEdKey(t), &clock{now: t0}))
	if _, _, err := m.Issue("", "officer", ""); err == nil {
		t.Error("Issue without subject succeeded")
	}
	if _, _, err := m.Issue("u", "", ""); err == nil {
		t.Error("Issue without role succeeded")
	}
}

// TestVerifyTimeChecks moves the injected clock around a token issued at t0 with a 1h TTL.
func TestVerifyTimeChecks(t *testing.T) {
	tests := []struct {
		name    string
		at      time.Time
		leeway  time.Duration
		wantErr error // nil means the token is accepted
	}{
		{"just issued", t0, 0, nil},
		{"last second", t0.Add(time.Hour - time.Second), 0, nil},
		{"expired", t0.Add(time.Hour), 0, jwt.ErrTokenExpired},
		{"long expired", t0.Add(48 * time.Hour), 0, jwt.ErrTokenExpired},
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
			cfg := testConfig(key, &clock{now: tt.at})
			cfg.Leeway = tt.leeway
			_, err := newManager(t, cfg).Verify(tok)
			checkErr(t, err, tt.wantErr)
		})
	}
}

// checkErr asserts that err is nil when want is nil, and otherwise wraps both ErrInvalidToken
// and want.
func checkErr(t *testing.T, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("Verify refused a valid token: %v", err)
	case want != nil && err == nil:
		t.Fatalf("Verify accepted the token, want %v", want)
	case want != nil && (!errors.Is(err, ErrInvalidToken) || !errors.Is(err, want)):
		t.Fatalf("Verify error = %v, want ErrInvalidToken and %v", err, want)
	}
}
