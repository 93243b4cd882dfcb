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

// ParsePublicKey reads a trusted Ed25519 public key given as a PEM "PUBLIC KEY" block (PKIX),
// a JWKS as /api/v1/auth/keys serves it, or a single JWK. From a JWKS it takes the key whose
// kid is keyID (the manifest's key_id), else the first OKP Ed25519 key: the signature check
// then says which key signed.
func ParsePublicKey(data []byte, keyID string) (ed25519.PublicKey, error) {
	data = bytes.TrimSpace(data)
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("the PEM block is a %q, not a \"PUBLIC KEY\"", block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the PEM public key is a %T, not an Ed25519 key", k)
		}
		return pub, nil
	}
	var probe struct {
		Keys json.RawMessage `json:"keys"`
		Kty  string          `json:"kty"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, errors.New("not a PEM public key, a JWKS or a JWK")
	}
	if probe.Keys == nil {
		var k jwtauth.JWK
		if err := json.Unmarshal(data, &k); err != nil {
			return nil, err
		}
		return PublicKeyFromJWK(k)
	}
	var set jwtauth.JWKS
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, err
	}
	var first *jwtauth.JWK
	for i, k := range set.Keys {
		if k.KeyType != "OKP" || k.Curve != "Ed25519" {
			continue
		}
		if keyID != "" && k.KeyID == keyID {
			return PublicKeyFromJWK(k)
		}
		if first == nil {
			first = &set.Keys[i]
		}
	}
	if first == nil {
		return nil, errors.New("the key set holds no Ed25519 key")
	}
	return PublicKeyFromJWK(*first)
}
