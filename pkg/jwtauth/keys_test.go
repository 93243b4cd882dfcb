package jwtauth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

func TestRotation(t *testing.T) {
	c := &clock{now: t0}
	old, current := newEdKey(t), newEdKey(t)
	oldHS := HMACKey([]byte(strings.Repeat("o", 32)))
	for _, oldKey := range []Key{old, oldHS} {
		t.Run(oldKey.Algorithm, func(t *testing.T) {
			tok, _, err := newManager(t, testConfig(oldKey, c)).Issue("user-1", "auditor", "")
			if err != nil {
				t.Fatal(err)
			}
			during := testConfig(current, c)
			during.Verify = []Key{oldKey}
			if _, err := newManager(t, during).Verify(tok); err != nil {
				t.Errorf("token of the old key refused while the old key is in Verify: %v", err)
			}
			after := newManager(t, testConfig(current, c))
			_, err = after.Verify(tok)
			checkErr(t, err, ErrInvalidToken)
			newTok, _, _ := newManager(t, during).Issue("user-1", "auditor", "")
			if h := decodeSegment(t, newTok, 0); h["kid"] != current.ID {
				t.Errorf("new token kid = %v, want the signing key %s", h["kid"], current.ID)
			}
		})
	}
}

func TestJWKS(t *testing.T) {
	c := &clock{now: t0}
	current, old := newEdKey(t), newEdKey(t)
	cfg := testConfig(current, c)
	cfg.Verify = []Key{old, HMACKey([]byte(strings.Repeat("h", 32)))}
	m := newManager(t, cfg)
	tok, _, err := m.Issue("u", "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(m.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{jwkOf(current), jwkOf(old)}
	if diff := cmp.Diff(want, doc.Keys); diff != "" {
		t.Errorf("JWKS (-want +got):\n%s", diff)
	}
	for _, k := range doc.Keys {
		if _, ok := k["d"]; ok {
			t.Errorf("JWKS publishes private material: %v", k)
		}
	}
	if strings.Contains(string(raw), base64.RawURLEncoding.EncodeToString(current.PrivateKey.Seed())) {
		t.Error("JWKS contains the private seed")
	}
	if h := decodeSegment(t, tok, 0); h["kid"] != doc.Keys[0]["kid"] {
		t.Errorf("token kid %v does not match JWKS kid %s", h["kid"], doc.Keys[0]["kid"])
	}
	// A verifier holding only the published key accepts the token.
	x, _ := base64.RawURLEncoding.DecodeString(doc.Keys[0]["x"])
	if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return ed25519.PublicKey(x), nil },
		jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithTimeFunc(c.Now)); err != nil {
		t.Errorf("token does not verify with the published key: %v", err)
	}
	hsOnly := newManager(t, testConfig(HMACKey([]byte(strings.Repeat("h", 32))), c))
	if raw, _ := json.Marshal(hsOnly.JWKS()); string(raw) != `{"keys":[]}` {
		t.Errorf("HS256 JWKS = %s, want an empty set", raw)
	}
}

func jwkOf(k Key) map[string]string {
	return map[string]string{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
		"kid": k.ID, "x": base64.RawURLEncoding.EncodeToString(k.PublicKey)}
}

func TestKeyIDs(t *testing.T) {
	// RFC 8037 appendix A.3: the thumbprint of the example Ed25519 key.
	x, _ := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	if got, want := Ed25519PublicKey(x).ID, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Errorf("thumbprint = %s, want %s", got, want)
	}
	secret := []byte(strings.Repeat("a", 32))
	id := HMACKey(secret).ID
	if id != HMACKey(secret).ID || id == HMACKey([]byte(strings.Repeat("b", 32))).ID {
		t.Errorf("HMAC key id %s is not a stable function of the secret", id)
	}
	if strings.Contains(id, "aaaa") || strings.Contains(id, base64.RawURLEncoding.EncodeToString(secret)[:8]) {
		t.Errorf("HMAC key id %s reveals the secret", id)
	}
}

func TestNewRejects(t *testing.T) {
	ed := newEdKey(t)
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no issuer", func(c *Config) { c.Issuer = "" }},
		{"no audience", func(c *Config) { c.Audience = "" }},
		{"zero TTL", func(c *Config) { c.TTL = 0 }},
		{"negative leeway", func(c *Config) { c.Leeway = -time.Second }},
		{"short HMAC secret", func(c *Config) { c.Signing = HMACKey([]byte("short")) }},
		{"no signing key", func(c *Config) { c.Signing = Key{} }},
		{"public key only", func(c *Config) { c.Signing = Ed25519PublicKey(ed.PublicKey) }},
		{"unknown algorithm", func(c *Config) { c.Signing.Algorithm = "RS256" }},
		{"mismatched key pair", func(c *Config) { c.Signing.PublicKey = newEdKey(t).PublicKey }},
		{"bad verify key", func(c *Config) { c.Verify = []Key{{ID: "x", Algorithm: AlgEdDSA}} }},
		{"duplicate verify key", func(c *Config) { o := newEdKey(t); c.Verify = []Key{o, o} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ed, &clock{now: t0})
			tt.edit(&cfg)
			if _, err := New(cfg); err == nil {
				t.Error("New accepted the configuration")
			}
		})
	}
}

func TestLoadOrCreateEd25519(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "keys", "signing-ed25519.pem")
	priv, created, err := LoadOrCreateEd25519(path)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	for p, want := range map[string]fs.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s mode = %04o, want %04o", p, got, want)
		}
	}
	again, created, err := LoadOrCreateEd25519(path)
	if err != nil || created {
		t.Fatalf("second call: created=%v err=%v", created, err)
	}
	if !priv.Equal(again) {
		t.Error("reloaded key differs from the created one")
	}
	loaded, err := LoadEd25519(path)
	if err != nil || !priv.Equal(loaded) {
		t.Errorf("LoadEd25519 = %v; equal=%v", err, priv.Equal(loaded))
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want only the key (temporary file left behind?)", len(entries))
	}
}

func TestLoadEd25519Refuses(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pem")
	if _, _, err := LoadOrCreateEd25519(good); err != nil {
		t.Fatal(err)
	}
	pemData, _ := os.ReadFile(good)
	tests := []struct {
		name string
		data string
		mode fs.FileMode
	}{
		{"readable by others", string(pemData), 0o644},
		{"readable by group", string(pemData), 0o640},
		{"not PEM", "hello", 0o600},
		{"wrong PEM type", strings.Replace(string(pemData), "PRIVATE KEY", "PUBLIC KEY", 2), 0o600},
		{"corrupt DER", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "key.pem")
			if err := os.WriteFile(path, []byte(tt.data), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadEd25519(path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want an error naming %s", err, path)
			}
			var insecure *InsecureKeyFileError
			if wantInsecure := tt.mode != 0o600; errors.As(err, &insecure) != wantInsecure {
				t.Errorf("err = %v, InsecureKeyFileError expected: %v", err, wantInsecure)
			}
			if _, _, err := LoadOrCreateEd25519(path); err == nil {
				t.Error("LoadOrCreateEd25519 accepted (or replaced) the bad file")
			}
		})
	}
	_, err := LoadEd25519(filepath.Join(dir, "missing.pem"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing file: err = %v", err)
	}
}

// TestLoadOrCreateEd25519Concurrent starts several creators at once: exactly one creates the
// key and all of them end up with it.
func TestLoadOrCreateEd25519Concurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing.pem")
	const n = 8
	keys := make([]ed25519.PrivateKey, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], created[i], errs[i] = LoadOrCreateEd25519(path) })
	}
	wg.Wait()
	creators := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("creator %d: %v", i, errs[i])
		}
		if created[i] {
			creators++
		}
		if !keys[i].Equal(keys[0]) {
			t.Errorf("creator %d got a different key", i)
		}
	}
	if creators != 1 {
		t.Errorf("%d callers report creating the key, want 1", creators)
	}
}
