package bundle

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/govboard/govboard/pkg/jwtauth"
)

func TestParsePublicKey(t *testing.T) {
	pub, other := servicePub(), testKey("other").Public().(ed25519.PublicKey)
	kid := jwtauth.Ed25519PublicKey(pub).ID
	der, _ := x509.MarshalPKIXPublicKey(pub)
	jwk := func(p ed25519.PublicKey) jwtauth.JWK {
		return jwtauth.JWK{KeyType: "OKP", Curve: "Ed25519", X: base64.RawURLEncoding.EncodeToString(p),
			KeyID: jwtauth.Ed25519PublicKey(p).ID, Algorithm: "EdDSA", Use: "sig"}
	}
	enc := func(v any) []byte { b, _ := json.Marshal(v); return b }
	tests := []struct {
		name string
		data []byte
		want ed25519.PublicKey
		bad  bool
	}{
		{"pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), pub, false},
		{"jwk", enc(jwk(pub)), pub, false},
		{"jwks, by kid", enc(jwtauth.JWKS{Keys: []jwtauth.JWK{jwk(other), jwk(pub)}}), pub, false},
		{"jwks, one other key", enc(jwtauth.JWKS{Keys: []jwtauth.JWK{jwk(other)}}), other, false},
		{"jwk with a wrong kid", enc(jwtauth.JWK{KeyType: "OKP", Curve: "Ed25519", X: jwk(pub).X, KeyID: "x"}), nil, true},
		{"private key pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil, true},
		{"empty set", []byte(`{"keys":[]}`), nil, true},
		{"garbage", []byte("hello"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.data, kid)
			if (err != nil) != tt.bad || !got.Equal(tt.want) && !tt.bad {
				t.Fatalf("ParsePublicKey = %x, %v", got, err)
			}
		})
	}
}
