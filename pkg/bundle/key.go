package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/govboard/govboard/pkg/jwtauth"
)

// ParseTrustedKeys reads the service's public key as the caller obtained it: a PEM
// "PUBLIC KEY" block (PKIX) or a single JWK, returned as Options.Trusted, or a JWKS as
// /api/v1/auth/keys serves it, returned as Options.TrustedSet (its Ed25519 keys; the signature
// check uses only the one whose kid is the manifest's key_id).
func ParseTrustedKeys(data []byte) (Options, error) {
	data = bytes.TrimSpace(data)
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "PUBLIC KEY" {
			return Options{}, fmt.Errorf("the PEM block is a %q, not a \"PUBLIC KEY\"", block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return Options{}, err
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return Options{}, fmt.Errorf("the PEM public key is a %T, not an Ed25519 key", k)
		}
		return Options{Trusted: pub}, nil
	}
	var probe struct {
		Keys json.RawMessage `json:"keys"`
		Kty  string          `json:"kty"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Options{}, errors.New("not a PEM public key, a JWKS or a JWK")
	}
	if probe.Keys == nil {
		var k jwtauth.JWK
		if err := json.Unmarshal(data, &k); err != nil {
			return Options{}, err
		}
		pub, err := PublicKeyFromJWK(k)
		return Options{Trusted: pub}, err
	}
	var set jwtauth.JWKS
	if err := json.Unmarshal(data, &set); err != nil {
		return Options{}, err
	}
	var out Options
	for _, k := range set.Keys {
		if k.KeyType != "OKP" || k.Curve != "Ed25519" {
			continue
		}
		pub, err := PublicKeyFromJWK(k)
		if err != nil {
			return Options{}, err
		}
		out.TrustedSet = append(out.TrustedSet, pub)
	}
	if len(out.TrustedSet) == 0 {
		return Options{}, errors.New("the key set holds no Ed25519 key")
	}
	return out, nil
}
