package jwtauth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// with returns goodClaims changed by f.
func with(f func(jwt.MapClaims)) jwt.MapClaims {
	c := goodClaims()
	f(c)
	return c
}

// tamperPayload re-encodes the token's payload with role=admin and keeps the old signature.
func tamperPayload(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	payload := decodeSegment(t, tok, 1)
	payload["role"] = "admin"
	parts[1] = encodeJSON(t, payload)
	return strings.Join(parts, ".")
}

// tamperSignature flips one bit of the token's signature.
func tamperSignature(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sig[len(sig)/2] ^= 0x01
	parts[2] = base64.RawURLEncoding.EncodeToString(sig)
	return strings.Join(parts, ".")
}

// noneToken builds an unsigned "alg: none" token naming kid.
func noneToken(t *testing.T, kid string) string {
	t.Helper()
	return encodeJSON(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kid}) + "." +
		encodeJSON(t, goodClaims()) + "."
}

func encodeJSON(t *testing.T, v any) string {
	t.Helper()
	return base64.RawURLEncoding.EncodeToString(mustJSON(t, v))
}

// TestVerifyRefuses lists tokens that must be refused by an EdDSA manager whose key set also
// holds an older HS256 key (so HS256 is a method the set knows, and only kid pinning stops
// algorithm confusion).
func TestVerifyRefuses(t *testing.T) {
	ed := newEdKey(t)
	hs := HMACKey([]byte(strings.Repeat("k", 32)))
	stranger := newEdKey(t)
	cfg := testConfig(ed, &clock{now: t0})
	cfg.Verify = []Key{hs}
	m := newManager(t, cfg)
	good, _, err := m.Issue("user-1", "officer", "")
	if err != nil {
		t.Fatal(err)
	}
	edSign := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodEdDSA, ed.PrivateKey, ed.ID, c) }
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"wrong aud", edSign(with(func(c jwt.MapClaims) { c["aud"] = "other-service" })), jwt.ErrTokenInvalidAudience},
		{"missing aud", edSign(with(func(c jwt.MapClaims) { delete(c, "aud") })), jwt.ErrTokenRequiredClaimMissing},
		{"wrong iss", edSign(with(func(c jwt.MapClaims) { c["iss"] = "evil" })), jwt.ErrTokenInvalidIssuer},
		{"missing iss", edSign(with(func(c jwt.MapClaims) { delete(c, "iss") })), jwt.ErrTokenRequiredClaimMissing},
		{"missing exp", edSign(with(func(c jwt.MapClaims) { delete(c, "exp") })), jwt.ErrTokenRequiredClaimMissing},
		{"issued in the future", edSign(with(func(c jwt.MapClaims) { delete(c, "nbf"); c["iat"] = t0.Unix() + 60 })), jwt.ErrTokenUsedBeforeIssued},
		{"missing role", edSign(with(func(c jwt.MapClaims) { delete(c, "role") })), ErrInvalidToken},
		{"missing sub", edSign(with(func(c jwt.MapClaims) { delete(c, "sub") })), ErrInvalidToken},
		{"alg none", noneToken(t, ed.ID), ErrInvalidToken},
		{"alg none via library", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, ed.ID, goodClaims()), ErrInvalidToken},
		{"HS256 keyed with the Ed25519 public key", sign(t, jwt.SigningMethodHS256, []byte(ed.PublicKey), ed.ID, goodClaims()), ErrInvalidToken},
		{"HS256 with any secret under the EdDSA kid", sign(t, jwt.SigningMethodHS256, []byte("guess"), ed.ID, goodClaims()), ErrInvalidToken},
		{"EdDSA token under the HS256 kid", sign(t, jwt.SigningMethodEdDSA, ed.PrivateKey, hs.ID, goodClaims()), ErrInvalidToken},
		{"role escalated in payload", tamperPayload(t, good), jwt.ErrTokenSignatureInvalid},
		{"tampered signature", tamperSignature(t, good), jwt.ErrTokenSignatureInvalid},
		{"unknown kid", sign(t, jwt.SigningMethodEdDSA, stranger.PrivateKey, stranger.ID, goodClaims()), ErrInvalidToken},
		{"no kid", sign(t, jwt.SigningMethodEdDSA, ed.PrivateKey, "", goodClaims()), ErrInvalidToken},
		{"foreign key under our kid", sign(t, jwt.SigningMethodEdDSA, stranger.PrivateKey, ed.ID, goodClaims()), jwt.ErrTokenSignatureInvalid},
		{"garbage", "not.a.token", jwt.ErrTokenMalformed},
		{"empty", "", jwt.ErrTokenMalformed},
	}
	if _, err := m.Verify(edSign(goodClaims())); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := m.Verify(tt.token)
			if claims != nil {
				t.Errorf("Verify returned claims %+v", claims)
			}
			checkErr(t, err, tt.want)
		})
	}
}

// TestHS256TokenAgainstEdDSAKeySet presents HS256 tokens to a manager that knows only EdDSA keys.
func TestHS256TokenAgainstEdDSAKeySet(t *testing.T) {
	ed := newEdKey(t)
	m := newManager(t, testConfig(ed, &clock{now: t0}))
	for _, secret := range [][]byte{ed.PublicKey, []byte(base64.RawURLEncoding.EncodeToString(ed.PublicKey)), []byte(strings.Repeat("x", 32))} {
		tok := sign(t, jwt.SigningMethodHS256, secret, ed.ID, goodClaims())
		_, err := m.Verify(tok)
		checkErr(t, err, ErrInvalidToken)
	}
}

// TestKeyForPinsAlgorithm checks the key lookup itself, independently of the library's own
// method list and key type checks: a key is handed out only for its own algorithm.
func TestKeyForPinsAlgorithm(t *testing.T) {
	ed := newEdKey(t)
	hs := HMACKey([]byte(strings.Repeat("k", 32)))
	cfg := testConfig(ed, &clock{now: t0})
	cfg.Verify = []Key{hs}
	m := newManager(t, cfg)
	tests := []struct {
		name   string
		method jwt.SigningMethod
		kid    any
		ok     bool
	}{
		{"EdDSA key, EdDSA token", jwt.SigningMethodEdDSA, ed.ID, true},
		{"HS256 key, HS256 token", jwt.SigningMethodHS256, hs.ID, true},
		{"EdDSA key, HS256 token", jwt.SigningMethodHS256, ed.ID, false},
		{"EdDSA key, none token", jwt.SigningMethodNone, ed.ID, false},
		{"HS256 key, EdDSA token", jwt.SigningMethodEdDSA, hs.ID, false},
		{"EdDSA key, RS256 token", jwt.SigningMethodRS256, ed.ID, false},
		{"unknown kid", jwt.SigningMethodEdDSA, "nope", false},
		{"kid not a string", jwt.SigningMethodEdDSA, 42, false},
		{"no kid", jwt.SigningMethodEdDSA, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := &jwt.Token{Method: tt.method, Header: map[string]any{"alg": tt.method.Alg()}}
			if tt.kid != nil {
				tok.Header["kid"] = tt.kid
			}
			key, err := m.keyFor(tok)
			if tt.ok != (err == nil) || tt.ok != (key != nil) {
				t.Errorf("keyFor = %T, %v; want ok=%v", key, err, tt.ok)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
