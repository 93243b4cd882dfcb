package jwtauth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Algorithm names, as they appear in the JWT "alg" header and in JWKS.
const (
	// AlgEdDSA signs with Ed25519 (RFC 8037). It is the default: verifiers need only the public key.
	AlgEdDSA = "EdDSA"
	// AlgHS256 signs with HMAC-SHA256 and a shared secret that signer and verifier both hold.
	AlgHS256 = "HS256"
)

// MinHMACSecretLen is the shortest HS256 secret New accepts, in bytes (RFC 7518 §3.2 asks for a
// key at least as long as the hash output).
const MinHMACSecretLen = 32

// Key is one signing or verification key. ID is the "kid" header of the tokens it signs; a token
// is only ever checked with the key its kid names, and only with that key's Algorithm.
type Key struct {
	// ID is the key identifier. Ed25519Key and HMACKey derive it from the key material.
	ID string
	// Algorithm is AlgEdDSA or AlgHS256.
	Algorithm string
	// PrivateKey is the Ed25519 private key; needed only for the signing key.
	PrivateKey ed25519.PrivateKey
	// PublicKey is the Ed25519 public key that verifies tokens.
	PublicKey ed25519.PublicKey
	// Secret is the HS256 shared secret.
	Secret []byte
}

// Ed25519Key returns the EdDSA key for priv. Its ID is the RFC 7638 JWK thumbprint of the public
// key, so the same key file always yields the same kid on every replica.
func Ed25519Key(priv ed25519.PrivateKey) Key {
	var pub ed25519.PublicKey
	if len(priv) == ed25519.PrivateKeySize {
		pub = priv.Public().(ed25519.PublicKey)
	}
	return Key{ID: thumbprint(pub), Algorithm: AlgEdDSA, PrivateKey: priv, PublicKey: pub}
}

// Ed25519PublicKey returns a verify-only EdDSA key for pub, with the same ID as Ed25519Key gives
// for the matching private key.
func Ed25519PublicKey(pub ed25519.PublicKey) Key {
	return Key{ID: thumbprint(pub), Algorithm: AlgEdDSA, PublicKey: pub}
}

// HMACKey returns the HS256 key for secret. Its ID is derived with HMAC-SHA256 keyed by the
// secret over a fixed label, so the kid identifies the secret without revealing anything
// usable about it.
func HMACKey(secret []byte) Key {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("govboard jwtauth key id"))
	id := "hs256-" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))[:16]
	return Key{ID: id, Algorithm: AlgHS256, Secret: append([]byte(nil), secret...)}
}

// thumbprint computes the RFC 7638 thumbprint of an Ed25519 public key: SHA-256 over the
// required members in lexicographic order, without whitespace.
func thumbprint(pub ed25519.PublicKey) string {
	x := base64.RawURLEncoding.EncodeToString(pub)
	canonical, _ := json.Marshal(struct {
		Crv string `json:"crv"`
		Kty string `json:"kty"`
		X   string `json:"x"`
	}{"Ed25519", "OKP", x})
	sum := sha256.Sum256(canonical)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// check reports what is wrong with k, if anything. signing says whether k must be able to sign.
func (k Key) check(signing bool) error {
	if k.ID == "" {
		return fmt.Errorf("jwtauth: key has no ID")
	}
	switch k.Algorithm {
	case AlgEdDSA:
		if len(k.PublicKey) != ed25519.PublicKeySize {
			return fmt.Errorf("jwtauth: key %s: Ed25519 public key must be %d bytes", k.ID, ed25519.PublicKeySize)
		}
		if signing && len(k.PrivateKey) != ed25519.PrivateKeySize {
			return fmt.Errorf("jwtauth: key %s: signing needs the Ed25519 private key", k.ID)
		}
		if len(k.PrivateKey) == ed25519.PrivateKeySize && !k.PublicKey.Equal(k.PrivateKey.Public()) {
			return fmt.Errorf("jwtauth: key %s: public key does not match private key", k.ID)
		}
	case AlgHS256:
		if len(k.Secret) < MinHMACSecretLen {
			return fmt.Errorf("jwtauth: key %s: HS256 secret must be at least %d bytes", k.ID, MinHMACSecretLen)
		}
	default:
		return fmt.Errorf("jwtauth: key %s: unsupported algorithm %q (want %s or %s)", k.ID, k.Algorithm, AlgEdDSA, AlgHS256)
	}
	return nil
}
