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
	rsa := jwtauth.JWK{KeyType: "RSA", KeyID: "rsa-1"}
	tests := []struct {
		name string
		data []byte
		want ed25519.PublicKey
		set  []ed25519.PublicKey
		bad  bool
	}{
		{name: "pem", data: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), want: pub},
		{name: "jwk", data: enc(jwk(pub)), want: pub},
		{name: "jwks", data: enc(jwtauth.JWKS{Keys: []jwtauth.JWK{jwk(other), rsa, jwk(pub)}}), set: []ed25519.PublicKey{other, pub}},
		{name: "jwk with a wrong kid", data: enc(jwtauth.JWK{KeyType: "OKP", Curve: "Ed25519", X: jwk(pub).X, KeyID: "x"}), bad: true},
		{name: "private key pem", data: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), bad: true},
		{name: "empty set", data: []byte(`{"keys":[]}`), bad: true},
		{name: "garbage", data: []byte("hello"), bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTrustedKeys(tt.data)
			if (err != nil) != tt.bad {
				t.Fatalf("ParseTrustedKeys = %+v, %v", got, err)
			}
			if !tt.bad && (!got.Trusted.Equal(tt.want) || len(got.TrustedSet) != len(tt.set)) {
				t.Fatalf("ParseTrustedKeys = %+v, want %x and %x", got, tt.want, tt.set)
			}
			for i := range tt.set {
				if !got.TrustedSet[i].Equal(tt.set[i]) {
					t.Errorf("set key %d is %x, want %x", i, got.TrustedSet[i], tt.set[i])
				}
			}
		})
	}
	_ = kid
}
