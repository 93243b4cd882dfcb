package jwtauth

import (
	"encoding/base64"
	"sort"
)

// JWKS is a JSON Web Key Set (RFC 7517 §5) of public verification keys.
type JWKS struct {
	// Keys lists the keys; never nil, so it encodes as [] when empty.
	Keys []JWK `json:"keys"`
}

// JWK is one public Ed25519 key as an RFC 8037 "OKP" JSON Web Key. It has no "d" member: private
// material is never published.
type JWK struct {
	// KeyType is always "OKP".
	KeyType string `json:"kty"`
	// Curve is always "Ed25519".
	Curve string `json:"crv"`
	// X is the base64url-encoded public key.
	X string `json:"x"`
	// KeyID matches the "kid" header of the tokens the key verifies.
	KeyID string `json:"kid"`
	// Algorithm is always "EdDSA".
	Algorithm string `json:"alg"`
	// Use is always "sig".
	Use string `json:"use"`
}

// JWKS returns the public keys that verify this Manager's tokens: the Ed25519 signing key and
// the Ed25519 verify-only keys, the signing key first. HMAC secrets are never published, so an
// HS256-only Manager returns an empty set.
func (m *Manager) JWKS() JWKS {
	set := JWKS{Keys: []JWK{}}
	var older []JWK
	for id, k := range m.keys {
		if k.Algorithm != AlgEdDSA {
			continue
		}
		jwk := JWK{
			KeyType:   "OKP",
			Curve:     "Ed25519",
			X:         base64.RawURLEncoding.EncodeToString(k.PublicKey),
			KeyID:     id,
			Algorithm: AlgEdDSA,
			Use:       "sig",
		}
		if id == m.signing.ID {
			set.Keys = append(set.Keys, jwk)
		} else {
			older = append(older, jwk)
		}
	}
	sort.Slice(older, func(i, j int) bool { return older[i].KeyID < older[j].KeyID })
	set.Keys = append(set.Keys, older...)
	return set
}
