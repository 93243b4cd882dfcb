package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/jwtauth"
	"github.com/govboard/govboard/pkg/tally/report"
)

// writeTest writes the test election's bundle, signed with the "service" key.
func writeTest(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, testData(t), testKey("service")); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// servicePub is the public key of the "service" key.
func servicePub() ed25519.PublicKey { return testKey("service").Public().(ed25519.PublicKey) }

// untar returns the files of a bundle in archive order and by path.
func untar(t *testing.T, data []byte) ([]*tar.Header, map[string][]byte) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var hs []*tar.Header
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hs, files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		hs, files[h.Name] = append(hs, h), b
	}
}

// resign signs files again with key (its key.json and key.pem too, when it is not the key of
// the bundle) and returns the archive.
func resign(t *testing.T, files map[string][]byte, key ed25519.PrivateKey) []byte {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(files[pathManifest], &m); err != nil {
		t.Fatal(err)
	}
	if err := keyFiles(files, key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if err := sign(files, m.Election, m.GeneratedAt, m.AuditHead, key); err != nil {
		t.Fatal(err)
	}
	return archive(t, files)
}

// archive writes files as a bundle archive, as they are.
func archive(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeArchive(&buf, files, testAt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// verify verifies data and fails the test on an error.
func verify(t *testing.T, data []byte, trusted ed25519.PublicKey) *Report {
	t.Helper()
	rep, err := Verify(bytes.NewReader(data), trusted)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestWriteVerify(t *testing.T) {
	data := writeTest(t)
	if again := writeTest(t); !bytes.Equal(data, again) {
		t.Fatal("writing the same bundle twice gives different bytes")
	}
	hs, files := untar(t, data)
	var paths []string
	for _, h := range hs {
		paths = append(paths, h.Name)
		if h.Mode != 0o644 || !h.ModTime.Equal(testAt) || h.Typeflag != tar.TypeReg {
			t.Errorf("%s: mode %o, mtime %s, type %c", h.Name, h.Mode, h.ModTime, h.Typeflag)
		}
	}
	want := []string{"README.txt", "audit/chain.jsonl", "audit/entries.jsonl", "audit/head.json", "charter.json",
		"contests/11/result.json", "contests/11/round-1/ballots.blt", "contests/11/round-1/ballots.json",
		"contests/11/round-1/count.json", "contests/11/round-1/report.json", "contests/11/round-1/report.txt",
		"contests/11/round-1/roll.json", "contests/11/round-1/seed.json",
		"contests/12/result.json", "contests/12/round-1/ballots.blt", "contests/12/round-1/ballots.json",
		"contests/12/round-1/count.json", "contests/12/round-1/report.json", "contests/12/round-1/report.txt",
		"contests/12/round-1/roll.json", "contests/12/round-1/seed.json",
		"contests/13/result.json", "contests/13/round-1/ballots.blt", "contests/13/round-1/ballots.json",
		"contests/13/round-1/count.json", "contests/13/round-1/roll.json", "contests/13/round-1/seed.json",
		"contests/14/result.json", "election.json", "key.json", "key.pem", "manifest.json", "manifest.sig"}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
	d := testData(t)
	if !bytes.Equal(files["contests/11/round-1/report.json"], d.Contests[0].Rounds[0].Report) {
		t.Error("report.json is not the stored report as is")
	}
	var m Manifest
	if err := json.Unmarshal(files[pathManifest], &m); err != nil {
		t.Fatal(err)
	}
	if m.KeyID != jwtauth.Ed25519PublicKey(servicePub()).ID || m.AuditHead.ID != d.Audit.Head.ID || len(m.Files) != len(want)-2 {
		t.Errorf("manifest: %+v", m)
	}
	// Payloads go in verbatim, since the hashes cover their bytes.
	for _, e := range d.Audit.Entries {
		if !bytes.Contains(files[pathEntries], append([]byte(`"payload":`), e.Payload...)) {
			t.Errorf("entries.jsonl lacks the payload of entry %d verbatim:\n%s", e.ID, files[pathEntries])
		}
	}
	if n := bytes.Count(files[pathChain], []byte("\n")); n != len(d.Audit.Chain) || !bytes.Contains(files[pathChain], []byte(`"payload_sha256":`)) {
		t.Errorf("chain.jsonl has %d lines, want %d records:\n%s", n, len(d.Audit.Chain), files[pathChain])
	}

	for _, opts := range []Options{{TrustBundleKey: true}, {Trusted: servicePub()}} {
		b, err := Open(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rep := b.VerifyWith(opts)
		if !rep.OK {
			t.Fatalf("%+v: the bundle does not verify: %+v", opts, rep.Failed())
		}
		counts := map[string]int{}
		for _, c := range rep.Checks {
			counts[c.Name]++
		}
		wantCounts := map[string]int{CheckSignature: 1, CheckManifest: 1, CheckAuditChain: 1, CheckAuditEntries: 1,
			CheckElection: 1, CheckContests: 1, CheckSeed: 3, CheckRoll: 3, CheckCount: 3, CheckCandidates: 3, CheckReceipts: 3,
			CheckTurnout: 3, CheckBallotFiles: 3, CheckRecount: 3, CheckResult: 4, CheckLogOrder: 1, CheckCountInputs: 3,
			CheckCountedReceipts: 3}
		if !maps.Equal(counts, wantCounts) {
			t.Errorf("checks %v, want %v", counts, wantCounts)
		}
		sig := rep.Checks[0].Detail
		if untrusted := strings.Contains(sig, "WARNING") && strings.Contains(sig, "not independently trusted"); untrusted != opts.TrustBundleKey {
			t.Errorf("%+v: signature detail %q", opts, sig)
		}
	}
	for _, c := range verify(t, data, servicePub()).Checks {
		if c.Name == CheckRecount && strings.HasPrefix(c.Detail, "contest 13") && !strings.Contains(c.Detail, "void") {
			t.Errorf("the void contest's recount check says %q", c.Detail)
		}
	}
}

// tamper is a change to a bundle's files.
type tamper struct {
	name string
	edit func(t *testing.T, files map[string][]byte) (detail []string)
	// resign re-signs with the service key (else the files are written as they are).
	resign bool
	// key, when set, re-signs with this key instead.
	key ed25519.PrivateKey
	// check is the check that must fail, with the details that edit returns; also are other
	// checks that must fail, with details each.
	check string
	also  map[string][]string
	// only says that no other check may fail.
	only bool
}

const meekDir = "contests/11/round-1/"

// editBallots changes the published ballots of the meek round with edit and writes both
// ballot files again, as a careful forger would.
func editBallots(t *testing.T, files map[string][]byte, edit func(pb *elections.PublishedBallots) string) string {
	t.Helper()
	return editBallotsIn(t, files, meekDir, edit)
}

// editBallotsIn is editBallots for the round directory dir.
func editBallotsIn(t *testing.T, files map[string][]byte, dir string, edit func(pb *elections.PublishedBallots) string) string {
	t.Helper()
	pb, err := ReadBallotsJSON(bytes.NewReader(files[dir+"ballots.json"]))
	if err != nil {
		t.Fatal(err)
	}
	name := edit(pb)
	files[dir+"ballots.json"] = ballotsBytes(pb, WriteBallotsJSON)
	if _, ok := files[dir+"ballots.blt"]; ok {
		files[dir+"ballots.blt"] = ballotsBytes(pb, WriteBallotsBLT)
	}
	return name
}

// recountInto counts the round directory dir again from its ballots.json and count.json and
// writes the report and count sheet in place of the stored ones, as a careful forger would.
func recountInto(t *testing.T, files map[string][]byte, dir string) {
	t.Helper()
	var c countJSON
	if err := json.Unmarshal(files[dir+"count.json"], &c); err != nil {
		t.Fatal(err)
	}
	rep, err := Recount(files[dir+"ballots.json"], c.CountOptions)
	if err != nil {
		t.Fatal(err)
	}
	var j, txt bytes.Buffer
	if err := rep.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	files[dir+"report.json"], files[dir+"report.txt"] = j.Bytes(), txt.Bytes()
}

// editJSON decodes the file path into v, calls edit and writes v back.
func editJSON[T any](t *testing.T, files map[string][]byte, path string, edit func(v *T)) {
	t.Helper()
	var v T
	if err := json.Unmarshal(files[path], &v); err != nil {
		t.Fatal(err)
	}
	edit(&v)
	setJSON(t, files, path, v)
}

// dropEntry removes the entry id from entries.jsonl and returns it.
func dropEntry(t *testing.T, files map[string][]byte, id int64) elections.Event {
	t.Helper()
	var out []byte
	var dropped *elections.Event
	for _, line := range bytes.SplitAfter(files[pathEntries], []byte("\n")) {
		var e entryJSON
		if len(line) > 0 && json.Unmarshal(line, &e) == nil && e.ID == id {
			dropped = &elections.Event{ID: e.ID, Kind: e.Kind, Payload: e.Payload}
			continue
		}
		out = append(out, line...)
	}
	if dropped == nil {
		t.Fatalf("no entry %d in entries.jsonl", id)
	}
	files[pathEntries] = out
	return *dropped
}

// Entry ids of bundletest's audit log: the first ballots.accepted, election.certified.
const (
	entryAccepted  = 13
	entryCertified = 27
)

// editReport changes the stored report of the meek round and writes its count sheet again.
func editReport(t *testing.T, files map[string][]byte, edit func(rep *report.Report)) {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal(files[meekDir+"report.json"], &rep); err != nil {
		t.Fatal(err)
	}
	edit(&rep)
	var j, txt bytes.Buffer
	if err := rep.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	files[meekDir+"report.json"], files[meekDir+"report.txt"] = j.Bytes(), txt.Bytes()
}

func setJSON(t *testing.T, files map[string][]byte, path string, v any) {
	t.Helper()
	b, err := indented(v)
	if err != nil {
		t.Fatal(err)
	}
	files[path] = b
}

var tampers = []tamper{
	{name: "flip one ballot", resign: true, check: CheckReceipts, edit: func(t *testing.T, files map[string][]byte) []string {
		receipt := editBallots(t, files, func(pb *elections.PublishedBallots) string {
			for i := range pb.Ballots {
				if b := &pb.Ballots[i]; !b.Superseded && len(b.Marks) >= 2 {
					b.Marks[0].Value, b.Marks[1].Value = b.Marks[1].Value, b.Marks[0].Value
					return b.Receipt
				}
			}
			t.Fatal("no ballot to flip")
			return ""
		})
		return []string{"contest 11 round 1", "ballot " + receipt}
	}},
	{name: "drop one ballot", resign: true, check: CheckReceipts, edit: func(t *testing.T, files map[string][]byte) []string {
		receipt := editBallots(t, files, func(pb *elections.PublishedBallots) string {
			i := slices.IndexFunc(pb.Ballots, func(b elections.PublishedBallot) bool { return !b.Superseded && len(b.Marks) > 0 })
			r := pb.Ballots[i].Receipt
			pb.Ballots = slices.Delete(pb.Ballots, i, i+1)
			return r
		})
		sum := sha256.Sum256([]byte(receipt))
		return []string{"contest 11 round 1", "1 missing", hex.EncodeToString(sum[:])}
	}},
	{name: "edit one count", resign: true, check: CheckRecount, edit: func(t *testing.T, files map[string][]byte) []string {
		var who, was string
		editReport(t, files, func(rep *report.Report) {
			v := &rep.Rounds[0].Votes[1]
			who, was = v.Key, v.Value
			v.Value = "99.000000000"
		})
		return []string{"contest 11 round 1 (round 1 of the count): votes of " + who + ": report 99.000000000, recount " + was}
	}, also: map[string][]string{CheckCount: {"contest 11 round 1: report.json has SHA-256", "election.counted (entry 21) recorded"}}},
	{name: "replace the seed, consistent commitment", resign: true, check: CheckSeed,
		edit: func(t *testing.T, files map[string][]byte) []string {
			seed := bytes.Repeat([]byte{7}, 32)
			sum := sha256.Sum256(seed)
			setJSON(t, files, meekDir+"seed.json", seedJSON{Seed: hex.EncodeToString(seed), SeedSHA256: hex.EncodeToString(sum[:])})
			var c countJSON
			json.Unmarshal(files[meekDir+"count.json"], &c)
			c.Seed = hex.EncodeToString(seed)
			setJSON(t, files, meekDir+"count.json", c)
			return []string{"contest 11 round 1", "commitment " + hex.EncodeToString(sum[:]), "not the one published when the round opened"}
		}},
	{name: "replace the seed, commitment left", resign: true, check: CheckSeed,
		edit: func(t *testing.T, files map[string][]byte) []string {
			var s seedJSON
			json.Unmarshal(files[meekDir+"seed.json"], &s)
			s.Seed = strings.Repeat("ab", 32)
			setJSON(t, files, meekDir+"seed.json", s)
			return []string{"contest 11 round 1", "seed " + s.Seed + " hashes to", "not to its commitment " + s.SeedSHA256}
		}},
	{name: "cut the chain", resign: true, check: CheckAuditChain, edit: func(t *testing.T, files map[string][]byte) []string {
		lines := strings.SplitAfter(string(files[pathChain]), "\n")
		files[pathChain] = []byte(strings.Join(slices.Delete(lines, 4, 5), ""))
		return []string{"audit/chain.jsonl line 5", "entry 11 has prev_hash", "entry 7 before it"}
	}},
	{name: "change an entry", resign: true, check: CheckAuditEntries, edit: func(t *testing.T, files map[string][]byte) []string {
		files[pathEntries] = bytes.Replace(files[pathEntries], []byte(`"year":2026`), []byte(`"year":2025`), 1)
		return []string{"the payload of entry 3 (election.created) has SHA-256", "its content was changed"}
	}},
	{name: "change a withheld record", resign: true, check: CheckAuditChain, edit: func(t *testing.T, files map[string][]byte) []string {
		lines := bytes.SplitAfter(files[pathChain], []byte("\n"))
		lines[3] = bytes.Replace(lines[3], []byte(`"actor":"user:1"`), []byte(`"actor":"cli"`), 1)
		files[pathChain] = bytes.Join(lines, nil)
		return []string{"audit/chain.jsonl line 4: entry 7 (roll.entry_added) hashes to", "the record was changed"}
	}},
	{name: "drop election.certified from entries.jsonl", resign: true, check: CheckAuditEntries,
		edit: func(t *testing.T, files map[string][]byte) []string {
			dropEntry(t, files, entryCertified)
			return []string{"audit/entries.jsonl lacks entry 27 (election.certified) of election 7"}
		}},
	{name: "drop a ballots.accepted entry with its ballots, recount", resign: true, check: CheckAuditEntries,
		edit: func(t *testing.T, files map[string][]byte) []string {
			e := dropEntry(t, files, entryAccepted)
			var p struct {
				Contests []struct {
					Contest  int64    `json:"contest"`
					Receipts []string `json:"receipts_sha256"`
				} `json:"contests"`
			}
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Contests {
				dir := fmt.Sprintf("contests/%d/round-1/", c.Contest)
				editBallotsIn(t, files, dir, func(pb *elections.PublishedBallots) string {
					pb.Ballots = slices.DeleteFunc(pb.Ballots, func(b elections.PublishedBallot) bool {
						return slices.Contains(c.Receipts, elections.ReceiptSHA256(b.Receipt))
					})
					return ""
				})
				if _, ok := files[dir+"report.json"]; ok {
					recountInto(t, files, dir)
				}
			}
			return []string{"audit/entries.jsonl lacks entry 13 (ballots.accepted) of election 7"}
		}},
	{name: "void a contest and delete its report", resign: true, check: CheckCount,
		edit: func(t *testing.T, files map[string][]byte) []string {
			dir := "contests/12/round-1/"
			editJSON(t, files, dir+"count.json", func(c *countJSON) {
				c.Void, c.VoidReason, c.CountOptions = true, "turnout 20 of 50 (40%) is below the quorum of 50%", elections.CountOptions{}
			})
			delete(files, dir+"report.json")
			delete(files, dir+"report.txt")
			editJSON(t, files, "contests/12/result.json", func(r *resultJSON) {
				r.Void, r.VoidReason, r.Elected, r.VacantSeats = true, "turnout 20 of 50 (40%) is below the quorum of 50%",
					[]winnerJSON{}, []string{"corporate-1", "corporate-2"}
			})
			return []string{"contest 12 round 1: count.json says void true", "election.counted (entry 21) says void false"}
		}},
	{name: "change seats in count.json, recount", resign: true, check: CheckCount,
		edit: func(t *testing.T, files map[string][]byte) []string {
			dir := "contests/12/round-1/"
			editJSON(t, files, dir+"count.json", func(c *countJSON) { c.Seats, c.TermLabels = 1, c.TermLabels[:1] })
			recountInto(t, files, dir)
			return []string{"contest 12 round 1: count.json has seats 1, election.counted (entry 21) counted with seats 2"}
		}, also: map[string][]string{CheckCountInputs: {"contest 12 round 1: count.json counts 1 seat(s), the contest has 2 at " +
			"the count (contest.changed (entry 5): corporate-1, corporate-2)"}}},
	{name: "swap two candidate names, recount", resign: true, check: CheckCandidates,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editBallots(t, files, func(pb *elections.PublishedBallots) string {
				pb.Candidates = slices.Clone(pb.Candidates)
				pb.Candidates[0], pb.Candidates[1] = pb.Candidates[1], pb.Candidates[0]
				return ""
			})
			recountInto(t, files, meekDir)
			return []string{"contest 11 round 1: candidate 1 of ballots.json is \"Bo Brand\"",
				"round.opened (entry 9) published \"Ann Archer\""}
		}},
	{name: "mark a counted ballot superseded, recount", resign: true, check: CheckTurnout,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editBallots(t, files, func(pb *elections.PublishedBallots) string {
				i := slices.IndexFunc(pb.Ballots, func(b elections.PublishedBallot) bool { return !b.Superseded })
				pb.Ballots[i].Superseded = true
				return ""
			})
			recountInto(t, files, meekDir)
			return []string{"contest 11 round 1: ballots.json has 29 counted ballot(s), round.closed (entry 19) records 30 voter(s)"}
		}},
	{name: "drop a winner from result.json", resign: true, check: CheckResult,
		edit: func(t *testing.T, files map[string][]byte) []string {
			var all, kept []string
			editJSON(t, files, "contests/11/result.json", func(r *resultJSON) {
				for _, w := range r.Elected {
					all = append(all, w.Name)
				}
				r.Elected = slices.Delete(r.Elected, 1, 2)
				for _, w := range r.Elected {
					kept = append(kept, w.Name)
				}
			})
			return []string{"contest 11: result.json elects " + strings.Join(kept, ", ") + ", the recount of the contest's rounds " +
				"elects " + strings.Join(all, ", ")}
		}},
	{name: "change the roll", resign: true, check: CheckRoll,
		edit: func(t *testing.T, files map[string][]byte) []string {
			setJSON(t, files, meekDir+"roll.json", rollJSON{Fingerprint: strings.Repeat("f", 64), Size: 49})
			return []string{"contest 11 round 1: roll.json has fingerprint " + strings.Repeat("f", 64) + " and size 49",
				"round.opened (entry 9) recorded"}
		}},
	{name: "remove a contest", resign: true, check: CheckContests,
		edit: func(t *testing.T, files map[string][]byte) []string {
			for p := range files {
				if strings.HasPrefix(p, "contests/12/") {
					delete(files, p)
				}
			}
			return []string{"contest 12 of election.created is not in the bundle"}
		}},
	{name: "round without count.json", resign: true, check: CheckContests,
		edit: func(t *testing.T, files map[string][]byte) []string {
			delete(files, "contests/12/round-1/count.json")
			return []string{"contests/12/round-1/ has no count.json"}
		}, also: map[string][]string{CheckRecount: {"contest 12 round 1: contests/12/round-1/count.json is missing"}}},
	{name: "resign with another key", key: testKey("forger"), check: CheckSignature,
		edit: func(t *testing.T, files map[string][]byte) []string {
			files[meekDir+"report.txt"] = append(files[meekDir+"report.txt"], "forged\n"...)
			forger := jwtauth.Ed25519PublicKey(testKey("forger").Public().(ed25519.PublicKey)).ID
			return []string{"signed by key " + forger + ", not the trusted key " + jwtauth.Ed25519PublicKey(servicePub()).ID}
		}},
	{name: "unsigned edit", check: CheckManifest, edit: func(t *testing.T, files map[string][]byte) []string {
		files["contests/14/result.json"] = bytes.Replace(files["contests/14/result.json"], []byte("Mo Moss"), []byte("Mo Mass"), 1)
		return []string{"contests/14/result.json has SHA-256"}
	}},
	{name: "unlisted file", check: CheckManifest, edit: func(t *testing.T, files map[string][]byte) []string {
		files["contests/14/extra.json"] = []byte("{}\n")
		return []string{"contests/14/extra.json is not a file of the bundle layout: refused unread"}
	}},
	{name: "unlisted file of the layout", check: CheckManifest, edit: func(t *testing.T, files map[string][]byte) []string {
		files["contests/14/round-1/seed.json"] = []byte("{}\n")
		return []string{"contests/14/round-1/seed.json is not listed in manifest.json"}
	}},
	{name: "path traversal", check: CheckManifest, edit: func(t *testing.T, files map[string][]byte) []string {
		files["../evil"] = []byte("x")
		return []string{`unsafe path "../evil" refused`}
	}},
}

func TestTamper(t *testing.T) {
	good := writeTest(t)
	for _, tt := range slices.Concat(tampers, logTampers) {
		t.Run(tt.name, func(t *testing.T) {
			_, files := untar(t, good)
			wantDetail := tt.edit(t, files)
			var data []byte
			switch {
			case tt.key != nil:
				data = resign(t, files, tt.key)
			case tt.resign:
				data = resign(t, files, testKey("service"))
			default:
				data = archive(t, files)
			}
			rep := verify(t, data, servicePub())
			if rep.OK {
				t.Fatal("the tampered bundle verifies")
			}
			var found *Check
			for _, c := range rep.Failed() {
				if c.Name == tt.check {
					found = &c
					break
				}
			}
			if found == nil {
				t.Fatalf("no %s check failed; failed: %+v", tt.check, rep.Failed())
			}
			for _, w := range wantDetail {
				if !strings.Contains(found.Detail, w) {
					t.Errorf("%s detail %q does not contain %q", tt.check, found.Detail, w)
				}
			}
			for name, details := range tt.also {
				i := slices.IndexFunc(rep.Checks, func(c Check) bool {
					return c.Name == name && !c.OK && strings.Contains(c.Detail, details[0])
				})
				if i < 0 {
					t.Errorf("no %s check failed with %q; failed: %+v", name, details[0], rep.Failed())
					continue
				}
				for _, w := range details {
					if !strings.Contains(rep.Checks[i].Detail, w) {
						t.Errorf("%s detail %q does not contain %q", name, rep.Checks[i].Detail, w)
					}
				}
			}
			if tt.only {
				for _, c := range rep.Failed() {
					if c.Name != tt.check {
						t.Errorf("%s fails too: %s", c.Name, c.Detail)
					}
				}
			}
			// Signed with the same key, only the content checks can catch the change.
			if tt.resign {
				for _, c := range rep.Checks {
					if (c.Name == CheckSignature || c.Name == CheckManifest) && !c.OK {
						t.Errorf("re-signed, yet %s fails: %s", c.Name, c.Detail)
					}
				}
			}
		})
	}
}

func TestOpenBadInput(t *testing.T) {
	_, files := untar(t, writeTest(t))
	delete(files, pathManifest)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not gzip", []byte("hello"), "not a gzip"},
		{"not tar", gzipped(t, []byte(strings.Repeat("x", 1000))), "not a readable tar"},
		{"no manifest", archive(t, files), "manifest.json is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(tt.data), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFindReceipt(t *testing.T) {
	data := writeTest(t)
	d := testData(t)
	pb := d.Contests[0].Rounds[0].Ballots
	counted := slices.IndexFunc(pb.Ballots, func(b elections.PublishedBallot) bool { return !b.Superseded && len(b.Marks) >= 2 })
	superseded := slices.IndexFunc(pb.Ballots, func(b elections.PublishedBallot) bool { return b.Superseded })
	for _, i := range []int{counted, superseded} {
		b := pb.Ballots[i]
		lk, err := FindReceipt(bytes.NewReader(data), strings.ToUpper(b.Receipt), servicePub())
		if err != nil {
			t.Fatal(err)
		}
		if !lk.Found || !lk.Trusted || lk.ContestID != 11 || lk.RoundID != testRound || lk.Superseded != b.Superseded {
			t.Fatalf("lookup %+v", lk)
		}
		if want := "1. " + pb.Candidates[b.Marks[0].Candidate]; len(b.Marks) > 0 && lk.Choices[0] != want {
			t.Errorf("choices %q, want %q first", lk.Choices, want)
		}
	}
	apb := d.Contests[1].Rounds[0].Ballots
	// Without a trusted key the answer is given, but not trusted, unless the bundle's own key
	// is accepted.
	lk, _ := FindReceipt(bytes.NewReader(data), apb.Ballots[0].Receipt, nil)
	if !lk.Found || lk.ContestID != 12 || lk.Trusted || len(lk.Choices) != len(apb.Ballots[0].Marks) {
		t.Errorf("approval lookup without a key %+v", lk)
	}
	b, err := Open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if lk := b.FindReceiptWith(apb.Ballots[0].Receipt, Options{TrustBundleKey: true}); !lk.Found || !lk.Trusted {
		t.Errorf("approval lookup trusting the bundle's key %+v", lk)
	}
	lk, _ = FindReceipt(bytes.NewReader(data), strings.Repeat("0", 64), servicePub())
	if lk.Found {
		t.Errorf("an unknown receipt is found: %+v", lk)
	}
	// A bundle signed by another key is not trusted, though the receipt is in it.
	_, files := untar(t, data)
	lk, _ = FindReceipt(bytes.NewReader(resign(t, files, testKey("forger"))), pb.Ballots[counted].Receipt, servicePub())
	if !lk.Found || lk.Trusted {
		t.Errorf("forged bundle lookup %+v", lk)
	}
}
