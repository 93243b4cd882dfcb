package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govboard/govboard/pkg/bundle"
	"github.com/govboard/govboard/pkg/bundle/bundletest"
	"github.com/govboard/govboard/pkg/jwtauth"
)

// writeBundle writes bundletest's election as a bundle file signed by key, after edit has
// changed its files (the manifest is not updated: the edit is caught by the manifest check).
func writeBundle(t *testing.T, key ed25519.PrivateKey, edit func(files map[string][]byte)) string {
	t.Helper()
	var buf bytes.Buffer
	if err := bundle.Write(&buf, bundletest.Data(), key); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if edit != nil {
		data = rewriteTar(t, data, edit)
	}
	path := filepath.Join(t.TempDir(), "bundle.tar.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rewriteTar applies edit to the files of a tar.gz and writes it again, in the same order.
func rewriteTar(t *testing.T, data []byte, edit func(files map[string][]byte)) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		names, files[h.Name] = append(names, h.Name), b
	}
	edit(files)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n]))})
		tw.Write(files[n])
	}
	tw.Close()
	zw.Close()
	return out.Bytes()
}

// keyFiles writes the public key of key as PEM and as a JWKS, and returns their paths.
func keyFiles(t *testing.T, key ed25519.PrivateKey) (pemPath, jwksPath string) {
	t.Helper()
	pub := key.Public().(ed25519.PublicKey)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	m, err := jwtauth.New(jwtauth.Config{Issuer: "govboard", Audience: "govboard", TTL: time.Hour, Signing: jwtauth.Ed25519Key(key)})
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(m.JWKS())
	dir := t.TempDir()
	pemPath, jwksPath = filepath.Join(dir, "key.pem"), filepath.Join(dir, "keys.json")
	os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644)
	os.WriteFile(jwksPath, jwks, 0o644)
	return pemPath, jwksPath
}

func TestVerifyCommand(t *testing.T) {
	service := bundletest.Key("service")
	pemKey, jwksKey := keyFiles(t, service)
	good := writeBundle(t, service, nil)
	forged := writeBundle(t, bundletest.Key("forger"), nil)
	edited := writeBundle(t, service, func(files map[string][]byte) {
		files["contests/11/round-1/report.json"] = bytes.Replace(files["contests/11/round-1/report.json"],
			[]byte(`"4.000000000"`), []byte(`"5.000000000"`), 1)
	})
	// Re-signed with the service's key after a winner was dropped: only the checks against
	// the audit log catch it.
	dropped := bundletest.Data()
	dropped.Contests[0].Result.Elected = dropped.Contests[0].Result.Elected[1:]
	var buf bytes.Buffer
	if err := bundle.Write(&buf, dropped, service); err != nil {
		t.Fatal(err)
	}
	resigned := filepath.Join(t.TempDir(), "resigned.tar.gz")
	if err := os.WriteFile(resigned, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	chain := bundletest.Data().Audit.Chain
	head, closed := chain[len(chain)-1], chain[9]
	var receipt string
	for _, b := range bundletest.Data().Contests[0].Rounds[0].Ballots.Ballots {
		if !b.Superseded && len(b.Marks) > 0 {
			receipt = b.Receipt
			break
		}
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		out      []string
		notOut   []string
		stderr   string
		anyCheck bool
	}{
		{name: "good, PEM key", args: []string{"verify", good, "--key", pemKey}, code: 0,
			out:    []string{"ok   signature: manifest.json is signed by the trusted key", "ok   recount: contest 11 round 1:", "all 41 checks pass"},
			notOut: []string{"FAIL"}},
		{name: "good, JWKS key", args: []string{"verify", "--key", jwksKey, good}, code: 0,
			out: []string{"ok   audit chain:", "ok   audit entries:", "ok   count: contest 11 round 1:", "ok   result: contest 11"}},
		{name: "no key", args: []string{"verify", good}, code: 1,
			out: []string{"FAIL signature: not checked against a trusted key: pass --key with the service's keys from " +
				"/api/v1/auth/keys, or --trust-bundle-key to accept the key inside the bundle", "1 of 41 checks FAIL"},
			stderr: "does not verify"},
		{name: "the bundle's own key, accepted", args: []string{"verify", good, "--trust-bundle-key"}, code: 0,
			out: []string{"ok   signature: WARNING: manifest.json is signed by key " + jwtauth.Ed25519Key(service).ID, "not independently trusted"}},
		{name: "receipt", args: []string{"verify", good, "--key", pemKey, "--receipt", receipt}, code: 0,
			out: []string{"receipt " + receipt + ": counted in contest 11 (Matrix Board 2026: Individual), round 1", "  1. "}},
		{name: "unknown receipt", args: []string{"verify", good, "--key", jwksKey, "--receipt", strings.Repeat("0", 64)}, code: 1,
			out: []string{"not in this bundle"}, stderr: "is not in"},
		{name: "edited count", args: []string{"verify", edited, "--key", pemKey}, code: 1,
			out: []string{"FAIL manifest: contests/11/round-1/report.json has SHA-256", "FAIL recount: contest 11 round 1 (round 1 of the count): votes of",
				"FAIL count: contest 11 round 1: report.json has SHA-256", "checks FAIL"}, stderr: "does not verify"},
		{name: "re-signed without a winner", args: []string{"verify", resigned, "--key", jwksKey}, code: 1,
			out:    []string{"ok   signature:", "ok   manifest:", "FAIL result: contest 11: result.json elects", "1 of 41 checks FAIL"},
			stderr: "does not verify"},
		{name: "another key, PEM", args: []string{"verify", forged, "--key", pemKey}, code: 1,
			out: []string{"FAIL signature: manifest.json is signed by key " + jwtauth.Ed25519Key(bundletest.Key("forger")).ID +
				", not the trusted key " + jwtauth.Ed25519Key(service).ID}},
		{name: "another key, JWKS", args: []string{"verify", forged, "--key", jwksKey}, code: 1,
			out: []string{"FAIL signature: manifest.json names key " + jwtauth.Ed25519Key(bundletest.Key("forger")).ID +
				", which is not in the trusted key set (keys " + jwtauth.Ed25519Key(service).ID + ")"}},
		{name: "anchored at the head", args: []string{"verify", good, "--key", pemKey, "--head", fmt.Sprintf("%d:%s", head.ID, head.Hash)},
			code: 0, out: []string{"ok   anchor: entry 27 has the anchored hash " + head.Hash + " and is the head", "all 42 checks pass"}},
		{name: "anchored twice", args: []string{"verify", good, "--key", pemKey, "--head", fmt.Sprintf("%d:%s", closed.ID, closed.Hash),
			"--head", fmt.Sprintf("%d:%s", head.ID, strings.ToUpper(head.Hash))}, code: 0,
			out: []string{"ok   anchor: entry 19 has the anchored hash " + closed.Hash + "; 4 entries after it (3 of election 7): " +
				"election.counted ×1, election.schedule_changed ×1, seat.term_recorded ×1, election.certified ×1",
				"ok   anchor: entry 27", "all 43 checks pass"}},
		{name: "a wrong anchor", args: []string{"verify", good, "--key", pemKey, "--head", "19:" + strings.Repeat("0", 64)}, code: 1,
			out: []string{"FAIL anchor: entry 19 of audit/chain.jsonl has hash " + closed.Hash + ", the anchor says " +
				strings.Repeat("0", 64), "1 of 42 checks FAIL"}, stderr: "does not verify"},
		{name: "a bad --head", args: []string{"verify", good, "--key", pemKey, "--head", "19"}, code: 2, stderr: "--head: anchor \"19\" is not ID:HASH"},
		{name: "over --max-size", args: []string{"verify", good, "--key", pemKey, "--max-size", "16KiB"}, code: 2,
			stderr: "exceed the limit of 16384 bytes in all"},
		{name: "bad --max-size", args: []string{"verify", good, "--key", pemKey, "--max-size", "lots"}, code: 2,
			stderr: "--max-size"},
		{name: "no such file", args: []string{"verify", filepath.Join(t.TempDir(), "none.tar.gz")}, code: 2, stderr: "none.tar.gz"},
		{name: "not a bundle", args: []string{"verify", pemKey}, code: 2, stderr: "not a gzip"},
		{name: "bad key", args: []string{"verify", good, "--key", good}, code: 2, stderr: "--key"},
		{name: "no argument", args: []string{"verify"}, code: 2, stderr: "expected one bundle file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, nil, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errb.String())
			}
			for _, w := range tt.out {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout does not contain %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout contains %q:\n%s", w, out.String())
				}
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tt.stderr)
			}
		})
	}
}
