package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/jwtauth"
	"github.com/govboard/govboard/pkg/tally/report"
)

// Write writes the bundle of d, signed with key, to w (see the package comment for the
// layout). The same d and key give the same bytes.
func Write(w io.Writer, d *elections.BundleData, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return errors.New("bundle: the signing key is not an Ed25519 private key")
	}
	files, err := contentFiles(d, key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	head := AuditHead{ID: d.Audit.Head.ID, Hash: d.Audit.Head.Hash}
	if err := sign(files, d.ElectionID, d.GeneratedAt, head, key); err != nil {
		return err
	}
	return writeArchive(w, files, d.GeneratedAt)
}

// sign adds manifest.json, listing every file of files, and its signature manifest.sig by key.
func sign(files map[string][]byte, election int64, at time.Time, head AuditHead, key ed25519.PrivateKey) error {
	delete(files, pathManifest)
	delete(files, pathSig)
	m := Manifest{Format: Format, Election: election, GeneratedAt: at.UTC(),
		KeyID: jwtauth.Ed25519PublicKey(key.Public().(ed25519.PublicKey)).ID, AuditHead: head, Files: []ManifestFile{}}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		sum := sha256.Sum256(files[p])
		m.Files = append(m.Files, ManifestFile{Path: p, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(files[p]))})
	}
	mb, err := indented(m)
	if err != nil {
		return err
	}
	files[pathManifest] = mb
	files[pathSig] = []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(key, mb)) + "\n")
	return nil
}

// writeArchive writes files as a gzip-compressed tar, sorted by path, each of mode 0644 and
// modification time at.
func writeArchive(w io.Writer, files map[string][]byte, at time.Time) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	mtime := at.UTC().Truncate(time.Second)
	for _, p := range slices.Sorted(maps.Keys(files)) {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: p, Mode: 0o644, Size: int64(len(files[p])), ModTime: mtime,
			Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("bundle: %s: %w", p, err)
		}
		if _, err := tw.Write(files[p]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// contentFiles returns every file of d's bundle but the manifest and its signature.
func contentFiles(d *elections.BundleData, pub ed25519.PublicKey) (map[string][]byte, error) {
	files := map[string][]byte{pathReadme: readme(d)}
	add := func(path string, v any) error {
		b, err := indented(v)
		if err != nil {
			return fmt.Errorf("bundle: %s: %w", path, err)
		}
		files[path] = b
		return nil
	}
	if err := keyFiles(files, pub); err != nil {
		return nil, err
	}
	charter := []byte(d.Charter)
	if len(charter) == 0 {
		charter = []byte("null")
	}
	files[pathCharter] = append(slices.Clip(charter), '\n')
	err := errors.Join(add(pathElection, electionJSON{ID: d.ElectionID, Title: d.Title, Year: d.Year, Status: string(d.Status),
		GeneratedAt: d.GeneratedAt.UTC(), CharterVersion: d.CharterVersion}),
		add(pathHead, d.Audit.Head))
	if err != nil {
		return nil, err
	}
	for i := range d.Contests {
		if err := contestFiles(files, &d.Contests[i], add); err != nil {
			return nil, err
		}
	}
	if files[pathChain], err = chainFile(d.Audit.Chain); err != nil {
		return nil, err
	}
	if files[pathEntries], err = entriesFile(d.Audit.Entries); err != nil {
		return nil, err
	}
	return files, nil
}

// keyFiles adds key.json and key.pem, the public key pub.
func keyFiles(files map[string][]byte, pub ed25519.PublicKey) error {
	jwk := jwtauth.JWK{KeyType: "OKP", Curve: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub),
		KeyID: jwtauth.Ed25519PublicKey(pub).ID, Algorithm: jwtauth.AlgEdDSA, Use: "sig"}
	b, err := indented(jwk)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	files[pathKey] = b
	files[pathKeyPEM] = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return nil
}

// contestFiles adds the files of contest c.
func contestFiles(files map[string][]byte, c *elections.BundleContest, add func(string, any) error) error {
	dir := fmt.Sprintf("contests/%d/", c.ContestID)
	if err := add(dir+"result.json", toResultJSON(c)); err != nil {
		return err
	}
	for j := range c.Rounds {
		r := &c.Rounds[j]
		rdir := fmt.Sprintf("%sround-%d/", dir, r.Number)
		if _, dup := files[rdir+"count.json"]; dup {
			return fmt.Errorf("bundle: contest %d has round %d twice", c.ContestID, r.Number)
		}
		err := errors.Join(
			add(rdir+"count.json", countJSON{RoundID: r.RoundID, Round: r.Number, Runoff: r.Runoff, CountOptions: r.Count,
				Void: r.Void, VoidReason: r.VoidReason}),
			add(rdir+"roll.json", rollJSON{Fingerprint: r.RollFingerprint, Size: r.RollSize}),
			add(rdir+"seed.json", seedJSON{Seed: hex.EncodeToString(r.Seed), SeedSHA256: r.SeedCommitment}))
		if err != nil {
			return err
		}
		if r.Report != nil {
			var rep report.Report
			if err := json.Unmarshal(r.Report, &rep); err != nil {
				return fmt.Errorf("bundle: contest %d round %d: the stored report: %w", c.ContestID, r.Number, err)
			}
			var txt bytes.Buffer
			if err := rep.WriteText(&txt); err != nil {
				return err
			}
			files[rdir+"report.json"] = slices.Clone(r.Report)
			files[rdir+"report.txt"] = txt.Bytes()
		}
		if r.Ballots == nil {
			return fmt.Errorf("bundle: contest %d round %d has no published ballots", c.ContestID, r.Number)
		}
		var jb bytes.Buffer
		if err := WriteBallotsJSON(&jb, r.Ballots); err != nil {
			return err
		}
		files[rdir+"ballots.json"] = jb.Bytes()
		if k := r.Ballots.Kind; k == elections.BallotRanking || k == elections.BallotApproval {
			var bb bytes.Buffer
			if err := WriteBallotsBLT(&bb, r.Ballots); err != nil {
				return err
			}
			files[rdir+"ballots.blt"] = bb.Bytes()
		}
	}
	return nil
}

// toResultJSON returns the result.json of c.
func toResultJSON(c *elections.BundleContest) resultJSON {
	r := &c.Result
	out := resultJSON{ContestID: c.ContestID, Constituency: c.Constituency, Name: c.Name, Outcome: string(r.Outcome),
		RoundID: r.RoundID, Void: r.Void, VoidReason: r.VoidReason, RollSize: r.RollSize, Voters: r.Voters,
		Ballots: r.Ballots, Superseded: r.Superseded, Elected: []winnerJSON{}, VacantSeats: []string{},
		CountedAt: r.CountedAt.UTC()}
	for _, w := range r.Elected {
		out.Elected = append(out.Elected, winnerJSON{Candidate: w.Candidate, Name: w.Name, Seat: w.Seat,
			TermYears: w.TermYears, TermEndsYear: w.TermEndsYear})
	}
	out.VacantSeats = append(out.VacantSeats, r.VacantSeats...)
	if n := r.Runoff; n != nil {
		out.Runoff = &runoffJSON{Candidates: n.Candidates, Seats: n.Seats, Tie: n.Tie}
	}
	return out
}

// chainFile returns audit/chain.jsonl: one ChainRecord a line, At in UTC.
func chainFile(records []elections.ChainRecord) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		r.At = r.At.UTC()
		if err := enc.Encode(r); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// entriesFile returns audit/entries.jsonl. A payload goes in verbatim, since its hash covers
// its exact bytes; one that a JSON line cannot hold as it is goes as a string.
func entriesFile(es []elections.Event) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i := range es {
		e := &es[i]
		out := entryJSON{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Kind: e.Kind, Election: e.Election,
			PrevHash: e.PrevHash, Hash: e.Hash}
		if verbatim(e.Payload) {
			out.Payload = e.Payload
		} else if len(e.Payload) > 0 {
			s := string(e.Payload)
			out.PayloadText = &s
		}
		if err := enc.Encode(out); err != nil {
			return nil, fmt.Errorf("bundle: audit entry %d: %w", e.ID, err)
		}
	}
	return b.Bytes(), nil
}

// verbatim reports whether p is valid, compact JSON (which encoding/json writes unchanged).
func verbatim(p []byte) bool {
	if len(p) == 0 || !json.Valid(p) {
		return false
	}
	var c bytes.Buffer
	if err := json.Compact(&c, p); err != nil {
		return false
	}
	return bytes.Equal(c.Bytes(), p)
}

// indented returns v as indented JSON with a final newline, names written as they are.
func indented(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// readme returns README.txt.
func readme(d *elections.BundleData) []byte {
	return fmt.Appendf(nil, `Results bundle of %q (election %d), made %s.

Check it offline with the govboard command, giving the service's public key (from
/api/v1/auth/keys, saved as keys.json, or a PEM public key you trust):

    govboard verify --key keys.json THIS-FILE.tar.gz

It checks the signature of manifest.json, that every file is as listed in it (SHA-256 and
size), the audit log's hash chain (audit/chain.jsonl: every record's hash recomputed) and
the election's entries in full (audit/entries.jsonl), every contest, round, ballot list,
roll, count and result against what the log recorded, the count's inputs (method, seats,
points, affiliations) against the entries written before the count, which ballots were
counted against round.closed, each round's tie-break seed against the commitment published
when the round opened, every ballot's receipt and the receipts against the log's
ballots.accepted entries, and recounts every contest from its ballots, comparing the count
with report.json round by round and the winners, their seats and terms with result.json. It
prints each check and exits 0 only when all pass. A voter finds their ballot with
--receipt RECEIPT. An audit head noted earlier (the "head" of /api/v1/audit/verify, or the
audit_head of an earlier bundle's manifest.json) is checked with --head ID:HASH: the log
must hold it, and verify lists what was appended after it.

Without govboard: manifest.json lists every other file with its SHA-256 (sha256sum), and
manifest.sig is the base64 Ed25519 signature of manifest.json's exact bytes by the key in
key.json / key.pem (whose kid is manifest.json's key_id), e.g.

    base64 -d manifest.sig > manifest.sig.bin
    openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in manifest.json -sigfile manifest.sig.bin

contests/<contest>/round-<n>/ holds each round's ballots (ballots.json, ballots.blt),
the count's inputs (count.json) and report (report.json, report.txt); recount a round with

    govboard tally --method METHOD --seats SEATS --seed SEED --format json ballots.json

(with count.json's method, seats and seed) and compare with report.json. A receipt is the
SHA-256 of "govboard-receipt-v1\n<contest id>\n<round id>\n<canonical content>\n<nonce>".
`, d.Title, d.ElectionID, d.GeneratedAt.UTC().Format(time.RFC3339))
}
