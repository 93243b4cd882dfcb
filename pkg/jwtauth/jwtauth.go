// Package jwtauth issues and verifies govboard's access tokens (JWT, RFC 7519) with
// github.com/golang-jwt/jwt/v5.
//
// Tokens are signed with EdDSA (Ed25519) by default, or HS256 with a shared secret. Every token
// carries a "kid" header; a Manager holds the signing key plus older keys that still verify, so
// keys can be rotated without logging everyone out. Verification looks the key up by kid and
// accepts only that key's algorithm, so "alg: none" and algorithm-confusion tokens (an HS256
// token "signed" with a public key) are refused. exp, iss and aud are required. The clock is
// injected so expiry is tested exactly.
//
// The package imports none of govboard's own packages.
package jwtauth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrInvalidToken is wrapped by every error Verify returns for a token that must be refused.
var ErrInvalidToken = errors.New("invalid token")

// Config configures a Manager.
type Config struct {
	// Signing is the key new tokens are signed with. It also verifies.
	Signing Key
	// Verify lists older keys whose tokens are still accepted (rotation). Keys with the same ID
	// as Signing are ignored.
	Verify []Key
	// Issuer is written to and required in the "iss" claim.
	Issuer string
	// Audience is written to and required in the "aud" claim.
	Audience string
	// TTL is how long an issued token is valid.
	TTL time.Duration
	// Leeway tolerates clock skew between replicas when checking exp, nbf and iat; zero by default.
	Leeway time.Duration
	// Now tells the time; nil means time.Now.
	Now func() time.Time
	// CacheSize is how many verified tokens Verify remembers (see Manager.Verify); 0 means
	// DefaultCacheSize, a negative number turns the cache off.
	CacheSize int
}

// DefaultCacheSize is the default Config.CacheSize: room for every voter of a large election
// holding a token at once, at a few hundred bytes each.
const DefaultCacheSize = 100_000

// Claims is the verified content of a token.
type Claims struct {
	// Subject identifies the account (the "sub" claim).
	Subject string
	// Role is the caller's role, e.g. "officer".
	Role string
	// Scope optionally narrows the token, e.g. to one election for a member; empty otherwise.
	Scope string
	// IssuedAt and ExpiresAt are the "iat" and "exp" claims.
	IssuedAt, ExpiresAt time.Time
	// ID is the unique token id (the "jti" claim).
	ID string
}

// tokenClaims is the JSON payload of a govboard token.
type tokenClaims struct {
	jwt.RegisteredClaims
	Role  string `json:"role"`
	Scope string `json:"scope,omitempty"`
}

// Manager issues and verifies tokens. It is safe for concurrent use.
type Manager struct {
	signing  Key
	keys     map[string]Key
	issuer   string
	audience string
	ttl      time.Duration
	leeway   time.Duration
	now      func() time.Time
	methods  []string
	cache    *verifiedCache
}

// New checks cfg and returns a Manager.
func New(cfg Config) (*Manager, error) {
	if err := cfg.Signing.check(true); err != nil {
		return nil, err
	}
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("jwtauth: issuer and audience are required")
	}
	if cfg.TTL <= 0 {
		return nil, fmt.Errorf("jwtauth: token TTL must be positive, got %v", cfg.TTL)
	}
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("jwtauth: leeway must not be negative, got %v", cfg.Leeway)
	}
	m := &Manager{
		signing:  cfg.Signing,
		keys:     map[string]Key{cfg.Signing.ID: cfg.Signing},
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		ttl:      cfg.TTL,
		leeway:   cfg.Leeway,
		now:      cfg.Now,
		methods:  []string{cfg.Signing.Algorithm},
	}
	switch {
	case cfg.CacheSize == 0:
		m.cache = newVerifiedCache(DefaultCacheSize)
	case cfg.CacheSize > 0:
		m.cache = newVerifiedCache(cfg.CacheSize)
	}
	if m.now == nil {
		m.now = time.Now
	}
	for _, k := range cfg.Verify {
		if k.ID == cfg.Signing.ID {
			continue
		}
		if err := k.check(false); err != nil {
			return nil, err
		}
		if _, dup := m.keys[k.ID]; dup {
			return nil, fmt.Errorf("jwtauth: key %s listed twice", k.ID)
		}
		m.keys[k.ID] = k
		if !slices.Contains(m.methods, k.Algorithm) {
			m.methods = append(m.methods, k.Algorithm)
		}
	}
	return m, nil
}

// Issue signs a token for subject with role and an optional scope, valid for the configured TTL
// from now. It sets the kid header and the iss, aud, sub, iat, nbf, exp, jti, role and scope
// claims.
func (m *Manager) Issue(subject, role, scope string) (token string, expiresAt time.Time, err error) {
	if subject == "" || role == "" {
		return "", time.Time{}, errors.New("jwtauth: subject and role are required")
	}
	now := m.now().Truncate(time.Second)
	expiresAt = now.Add(m.ttl)
	claims := tokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    m.issuer,
			Subject:   subject,
			Audience:  jwt.ClaimStrings{m.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(expiresAt),
			ID:        newTokenID(),
		},
		Role:  role,
		Scope: scope,
	}
	t := jwt.NewWithClaims(signingMethod(m.signing.Algorithm), claims)
	t.Header["kid"] = m.signing.ID
	token, err = t.SignedString(signingKey(m.signing))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("jwtauth: sign token: %w", err)
	}
	if m.cache != nil {
		// A token this Manager just signed verifies by construction: remember it, so that its
		// first use (a member's first ballot) is as cheap as the later ones.
		m.cache.put(token, &verified{claims: Claims{Subject: subject, Role: role, Scope: scope, ID: claims.ID,
			IssuedAt: now, ExpiresAt: expiresAt}, notBefore: now}, m.now())
	}
	return token, expiresAt, nil
}

// Verify checks token and returns its claims. The key is looked up by the kid header and only
// its own algorithm is accepted; the signature, exp (required), nbf, iat, iss (required), aud
// (required), sub and role (required) are checked. Every refusal wraps ErrInvalidToken.
//
// A token that verified is remembered (up to Config.CacheSize tokens), so that its next use
// skips the signature check, which is by far the largest cost of a request on the ballot hot
// path (an Ed25519 verification takes tens of microseconds). The cache is keyed by the whole
// token, so only the very same bytes hit it, and the time claims are checked again on every
// use: a remembered token expires exactly as an unremembered one. The keys of a Manager never
// change, so a remembered verification stays true for the token's lifetime.
func (m *Manager) Verify(token string) (*Claims, error) {
	if m.cache != nil {
		if c, ok := m.cache.get(token); ok {
			if err := m.checkTimes(c); err != nil {
				return nil, err
			}
			out := c.claims
			return &out, nil
		}
	}
	c, err := m.verify(token)
	if err != nil {
		return nil, err
	}
	if m.cache != nil {
		m.cache.put(token, c, m.now())
	}
	out := c.claims
	return &out, nil
}

// checkTimes checks a remembered token's exp, nbf and iat against the clock, as
// jwt.ParseWithClaims does with the Manager's leeway.
func (m *Manager) checkTimes(c *verified) error {
	now := m.now()
	switch {
	case !now.Before(c.claims.ExpiresAt.Add(m.leeway)):
		return fmt.Errorf("%w: %w", ErrInvalidToken, jwt.ErrTokenExpired)
	case !c.notBefore.IsZero() && now.Add(m.leeway).Before(c.notBefore):
		return fmt.Errorf("%w: %w", ErrInvalidToken, jwt.ErrTokenNotValidYet)
	case !c.claims.IssuedAt.IsZero() && now.Add(m.leeway).Before(c.claims.IssuedAt):
		return fmt.Errorf("%w: %w", ErrInvalidToken, jwt.ErrTokenUsedBeforeIssued)
	}
	return nil
}

// verify checks token's signature and claims (Verify without the cache).
func (m *Manager) verify(token string) (*verified, error) {
	var tc tokenClaims
	_, err := jwt.ParseWithClaims(token, &tc, m.keyFor,
		jwt.WithValidMethods(m.methods),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(m.issuer),
		jwt.WithAudience(m.audience),
		jwt.WithLeeway(m.leeway),
		jwt.WithTimeFunc(m.now),
		jwt.WithStrictDecoding(),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if tc.Subject == "" || tc.Role == "" {
		return nil, fmt.Errorf("%w: sub and role are required", ErrInvalidToken)
	}
	v := &verified{claims: Claims{Subject: tc.Subject, Role: tc.Role, Scope: tc.Scope, ID: tc.ID}}
	if tc.IssuedAt != nil {
		v.claims.IssuedAt = tc.IssuedAt.Time
	}
	if tc.NotBefore != nil {
		v.notBefore = tc.NotBefore.Time
	}
	v.claims.ExpiresAt = tc.ExpiresAt.Time // required by WithExpirationRequired
	return v, nil
}

// keyFor is the jwt.Keyfunc: it finds the key named by the kid header and refuses the token
// unless its alg header is exactly that key's algorithm (pinning; no alg is ever taken from
// the token alone).
func (m *Manager) keyFor(t *jwt.Token) (any, error) {
	kid, ok := t.Header["kid"].(string)
	if !ok || kid == "" {
		return nil, errors.New("missing kid header")
	}
	k, ok := m.keys[kid]
	if !ok {
		return nil, fmt.Errorf("unknown kid %q", kid)
	}
	if t.Method == nil || t.Method.Alg() != k.Algorithm {
		return nil, fmt.Errorf("kid %q is an %s key, token says %v", kid, k.Algorithm, t.Header["alg"])
	}
	switch k.Algorithm {
	case AlgEdDSA:
		return k.PublicKey, nil
	case AlgHS256:
		return k.Secret, nil
	}
	return nil, fmt.Errorf("kid %q: unsupported algorithm", kid)
}

// signingMethod maps an algorithm name to its jwt signing method.
func signingMethod(alg string) jwt.SigningMethod {
	if alg == AlgHS256 {
		return jwt.SigningMethodHS256
	}
	return jwt.SigningMethodEdDSA
}

// signingKey returns the key material jwt's SignedString expects for k.
func signingKey(k Key) any {
	if k.Algorithm == AlgHS256 {
		return k.Secret
	}
	return k.PrivateKey
}

// newTokenID returns a random 128-bit token id (jti).
func newTokenID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+).
	return base64.RawURLEncoding.EncodeToString(b)
}
