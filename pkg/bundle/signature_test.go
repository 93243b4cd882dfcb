package bundle

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/jwtauth"
)

func TestSignatureKeys(t *testing.T) {
	data := writeTest(t)
	other := testKey("other").Public().(ed25519.PublicKey)
	kid := func(k ed25519.PublicKey) string { return jwtauth.Ed25519PublicKey(k).ID }
	tests := []struct {
		name string
		opts Options
		ok   bool
		want []string
	}{
		{name: "no key", want: []string{noTrustedKey}},
		{name: "the bundle's key, accepted", opts: Options{TrustBundleKey: true}, ok: true,
			want: []string{"WARNING", "signed by key " + kid(servicePub()), "not independently trusted"}},
		{name: "a trusted key wins over accepting the bundle's", opts: Options{Trusted: other, TrustBundleKey: true},
			want: []string{"signed by key " + kid(servicePub()) + ", not the trusted key " + kid(other)}},
		{name: "a key set holding the key", opts: Options{TrustedSet: []ed25519.PublicKey{other, servicePub()}}, ok: true,
			want: []string{"signed by the trusted key " + kid(servicePub())}},
		{name: "a key set without the key", opts: Options{TrustedSet: []ed25519.PublicKey{other}},
			want: []string{"names key " + kid(servicePub()) + ", which is not in the trusted key set (keys " + kid(other) + ")"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Open(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			rep := b.VerifyWith(tt.opts)
			sig := rep.Checks[0]
			if sig.Name != CheckSignature || sig.OK != tt.ok || rep.OK != tt.ok {
				t.Fatalf("signature %+v, report OK %v; want %v", sig, rep.OK, tt.ok)
			}
			for _, w := range tt.want {
				if !strings.Contains(sig.Detail, w) {
					t.Errorf("detail %q does not contain %q", sig.Detail, w)
				}
			}
			if len(rep.Failed()) > 1 {
				t.Errorf("other checks fail: %+v", rep.Failed())
			}
		})
	}
}

// A roll.json that differs from round.opened's is reported, unless the roll changed after the
// opening (roll.entry_added records since, whose payloads the bundle withholds).
func TestRollChangedAfterOpening(t *testing.T) {
	_, files := untar(t, writeTest(t))
	b, err := Open(bytes.NewReader(resign(t, files, testKey("service"))))
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{}
	log := b.checkAudit(rep)
	_, rounds := b.contests()
	r := rounds[11][0]
	b.files[r.dir+"roll.json"] = []byte(`{"fingerprint": "ff", "size": 51}`)
	if ok, detail := b.checkRoll(log, r); ok || !strings.Contains(detail, "roll.json has fingerprint ff and size 51") {
		t.Errorf("changed roll: %v %q", ok, detail)
	}
	log.records = append(log.records, elections.ChainRecord{ID: 99, Kind: elections.EventRollEntryAdded, Election: 7})
	if ok, detail := b.checkRoll(log, r); !ok || !strings.Contains(detail, "the roll changed after the opening (1 roll.entry_added record(s) since") {
		t.Errorf("roll changed after the opening: %v %q", ok, detail)
	}
}
