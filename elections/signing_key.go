package elections

import (
	"context"
	"encoding/base64"
	"encoding/json"
)

// signingKeyPayload is the payload of signing_key.in_use: the key id and the raw public key.
type signingKeyPayload struct {
	KeyID     string `json:"kid"`
	Algorithm string `json:"alg"`
	// PublicKey is the raw Ed25519 public key, base64url without padding (as in a JWK's x).
	PublicKey string `json:"x"`
}

// RecordSigningKey appends signing_key.in_use for the service's Ed25519 key the first time
// the service runs with it (actor is the service), so that the log says which key signed the
// tokens and bundles from then on, and an auditor can check a bundle's key against it. It
// reports whether it recorded the key (false: recorded before).
func (s *Service) RecordSigningKey(ctx context.Context, actor Actor, keyID string, public []byte) (bool, error) {
	recorded := false
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockBoard); err != nil {
			return err
		}
		for after := int64(0); ; {
			page, err := tx.ListEvents(ctx, EventFilter{Kind: EventSigningKeyInUse, AfterID: after, Limit: MaxEventPage})
			if err != nil {
				return err
			}
			for _, ev := range page {
				var p signingKeyPayload
				if json.Unmarshal(ev.Payload, &p) == nil && p.KeyID == keyID {
					return nil
				}
				after = ev.ID
			}
			if len(page) < MaxEventPage {
				break
			}
		}
		recorded = true
		return record(ctx, tx, s.clock.Now().UTC(), actor, 0, EventSigningKeyInUse, signingKeyPayload{
			KeyID: keyID, Algorithm: "EdDSA", PublicKey: base64.RawURLEncoding.EncodeToString(public)})
	})
	return recorded, err
}
