package main

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"testing"
)

// TestLoginRateLimitBehindTrustedProxy checks that, with http.trusted_proxies set, each client
// named in X-Forwarded-For has its own login budget, and that without it the header is ignored
// (a client cannot escape the limit by inventing addresses).
func TestLoginRateLimitBehindTrustedProxy(t *testing.T) {
	login := func(t *testing.T, base, xff string) int {
		req, _ := http.NewRequest("POST", base+"/api/v1/auth/login",
			bytes.NewBufferString(`{"email":"nobody@example.org","password":"wrong-password-1"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name    string
		proxies string
		// wantOther is the status of a login from a second client after the first used its burst.
		wantOther int
	}{
		{"trusted proxy", "127.0.0.1", http.StatusUnauthorized},
		{"no trusted proxy", "", http.StatusTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOVBOARD_HTTP_TRUSTED_PROXIES", tc.proxies)
			t.Setenv("GOVBOARD_AUTH_LOGIN_BURST", "2")
			t.Setenv("GOVBOARD_AUTH_LOGIN_RATE", "1")
			base := startServer(t, filepath.Join(t.TempDir(), "data"))
			var got []int
			for range 3 {
				got = append(got, login(t, base, "203.0.113.1"))
			}
			if got[0] != 401 || got[1] != 401 || got[2] != 429 {
				t.Fatalf("first client: %v, want [401 401 429]", got)
			}
			if st := login(t, base, "203.0.113.2"); st != tc.wantOther {
				t.Fatalf("second client: %d, want %d", st, tc.wantOther)
			}
		})
	}
}

// TestAccountLoginLimitConfigured checks that auth.account_login_burst reaches the API: logins
// for one address from different clients share one budget.
func TestAccountLoginLimitConfigured(t *testing.T) {
	t.Setenv("GOVBOARD_HTTP_TRUSTED_PROXIES", "127.0.0.1")
	t.Setenv("GOVBOARD_AUTH_ACCOUNT_LOGIN_BURST", "2")
	t.Setenv("GOVBOARD_AUTH_ACCOUNT_LOGIN_RATE", "1")
	base := startServer(t, filepath.Join(t.TempDir(), "data"))
	var got []int
	for _, client := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		req, _ := http.NewRequest("POST", base+"/api/v1/auth/login",
			bytes.NewBufferString(`{"email":"Target@example.org","password":"wrong-password-1"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	if got[0] != 401 || got[1] != 401 || got[2] != 429 {
		t.Fatalf("three clients, one account: %v, want [401 401 429]", got)
	}
}
