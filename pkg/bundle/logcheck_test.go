package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally/report"
)

// What a holder of the service's key can do beyond re-signing: append entries after the head
// of the log, with correct hashes, as the service would (appendEntries), or rewrite the whole
// log (rechain). The checks against entries written before the count, and the anchors, catch
// them.

// newEntry is an entry to append to a bundle's log.
type newEntry struct {
	election int64
	kind     string
	payload  any
}

// appendEntries appends entries after the head of the bundle's log, chained and hashed as the
// service does, to chain.jsonl, entries.jsonl (those a bundle publishes), head.json and the
// manifest's audit_head, and returns their ids.
func appendEntries(t *testing.T, files map[string][]byte, add ...newEntry) []int64 {
	t.Helper()
	lines := bytes.Split(bytes.TrimSpace(files[pathChain]), []byte("\n"))
	var last elections.ChainRecord
	if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, a := range add {
		p, err := json.Marshal(a.payload)
		if err != nil {
			t.Fatal(err)
		}
		e := elections.Event{ID: last.ID + 1, At: last.At.Add(time.Minute), Actor: "user:1", Kind: a.kind, Election: a.election,
			Payload: p, PrevHash: last.Hash}
		e.Hash = elections.ChainHash(&e)
		rec, err := chainFile([]elections.ChainRecord{e.Record()})
		if err != nil {
			t.Fatal(err)
		}
		files[pathChain] = append(files[pathChain], rec...)
		if a.election == testElection && elections.BundlePayloadPublished(a.kind) {
			ent, err := entriesFile([]elections.Event{e})
			if err != nil {
				t.Fatal(err)
			}
			files[pathEntries] = append(files[pathEntries], ent...)
		}
		last = e.Record()
		out = append(out, e.ID)
	}
	setJSON(t, files, pathHead, elections.ChainLink{ID: last.ID, PrevHash: last.PrevHash, Hash: last.Hash})
	editJSON(t, files, pathManifest, func(m *Manifest) { m.AuditHead = AuditHead{ID: last.ID, Hash: last.Hash} })
	return out
}

const testElection = 7

// payloadOf returns the payload of entry id of entries.jsonl, decoded.
func payloadOf(t *testing.T, files map[string][]byte, id int64) map[string]any {
	t.Helper()
	for _, line := range bytes.Split(files[pathEntries], []byte("\n")) {
		var e entryJSON
		if len(line) > 0 && json.Unmarshal(line, &e) == nil && e.ID == id {
			var p map[string]any
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no entry %d in entries.jsonl", id)
	return nil
}

// Entry ids of bundletest's audit log: election.counted; the head is election.certified.
const entryCounted = 21

// forgeFewerSeats counts contest 12 again for one seat instead of two, as a careful forger
// would: count.json, report.json, result.json, and a later election.counted entry recording
// that count (returned, to append). It returns the payload.
func forgeFewerSeats(t *testing.T, files map[string][]byte, vacant []string) map[string]any {
	t.Helper()
	dir := "contests/12/round-1/"
	var labels []string
	editJSON(t, files, dir+"count.json", func(c *countJSON) {
		c.Seats, c.TermLabels = 1, c.TermLabels[:1]
		labels = c.TermLabels
	})
	recountInto(t, files, dir)
	var rep report.Report
	if err := json.Unmarshal(files[dir+"report.json"], &rep); err != nil {
		t.Fatal(err)
	}
	var res resultJSON
	editJSON(t, files, "contests/12/result.json", func(r *resultJSON) {
		if len(rep.Elected) != 1 || r.Elected[0].Name != rep.Elected[0] {
			t.Fatalf("the recount for one seat elects %v, the count for two %v", rep.Elected, r.Elected)
		}
		r.Elected, r.VacantSeats = r.Elected[:1], vacant
		res = *r
	})
	sum := sha256.Sum256(files[dir+"report.json"])
	counted := payloadOf(t, files, entryCounted)
	for _, x := range counted["results"].([]any) {
		if r := x.(map[string]any); r["contest"] == float64(12) {
			r["elected"], r["vacant_seats"], r["winners"] = []string{res.Elected[0].Name}, res.VacantSeats, res.Elected
		}
	}
	for _, x := range counted["rounds"].([]any) {
		if r := x.(map[string]any); r["contest"] == float64(12) {
			r["elected"], r["vacant_seats"], r["report_sha256"] = []string{res.Elected[0].Name}, res.VacantSeats, hex.EncodeToString(sum[:])
			c := r["count"].(map[string]any)
			c["seats"], c["term_labels"] = 1, labels
		}
	}
	return counted
}

var logTampers = []tamper{
	{name: "count again for fewer seats after the head, certify again", resign: true, check: CheckCountInputs,
		edit: func(t *testing.T, files map[string][]byte) []string {
			counted := forgeFewerSeats(t, files, []string{"corporate-2"})
			certified := payloadOf(t, files, entryCertified)
			var terms []any
			for _, x := range certified["terms"].([]any) {
				if x.(map[string]any)["seat"] != "corporate-2" {
					terms = append(terms, x)
				}
			}
			certified["terms"], certified["vacant_seats"] = terms, append(certified["vacant_seats"].([]any), "corporate-2")
			ids := appendEntries(t, files, newEntry{testElection, elections.EventElectionCounted, counted},
				newEntry{testElection, elections.EventElectionCertified, certified})
			if ids[0] != 28 {
				t.Fatalf("appended entries %v", ids)
			}
			return []string{"contest 12 round 1: count.json counts 1 seat(s), the contest has 2 at the count " +
				"(contest.changed (entry 5): corporate-1, corporate-2)"}
		}, also: map[string][]string{CheckLogOrder: {"election.counted (entry 28) comes after election.certified (entry 27)",
			"the election is certified 2 times (election.certified entries 27, 29)"}}},
	{name: "drop a seat after the count, count again after the head", resign: true, check: CheckLogOrder,
		edit: func(t *testing.T, files map[string][]byte) []string {
			counted := forgeFewerSeats(t, files, []string{})
			appendEntries(t, files, newEntry{testElection, elections.EventContestChanged, map[string]any{"contest": 12,
				"changes": []string{"seats: corporate-2 removed"}, "reason": "", "seats": []string{"corporate-1"}, "method": "approval"}},
				newEntry{testElection, elections.EventElectionCounted, counted})
			return []string{"seats changed after the count started: contest.changed (entry 28) of contest 12 comes after " +
				"election.counted (entry 21)", "election.counted (entry 29) comes after election.certified (entry 27)"}
		}, only: true},
	{name: "swap the seats of two winners", resign: true, check: CheckResult,
		edit: func(t *testing.T, files map[string][]byte) []string {
			var w0 winnerJSON
			editJSON(t, files, "contests/11/result.json", func(r *resultJSON) {
				r.Elected[0].Seat, r.Elected[1].Seat = r.Elected[1].Seat, r.Elected[0].Seat
				w0 = r.Elected[0]
			})
			return []string{fmt.Sprintf("contest 11: result.json seats %s on individual-2 for 2 year(s) to 2028, but place 1 of "+
				"the count is \"individual-1 (2 years, to 2028)\"", w0.Name)}
		}},
	{name: "change a winner's term", resign: true, check: CheckResult,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editJSON(t, files, "contests/11/result.json", func(r *resultJSON) { r.Elected[2].TermYears, r.Elected[2].TermEndsYear = 2, 2028 })
			return []string{"on individual-3 for 2 year(s) to 2028, but place 3 of the count is \"individual-3 (1 year, to 2027)\""}
		}},
	{name: "change a winner's candidate id", resign: true, check: CheckResult,
		edit: func(t *testing.T, files map[string][]byte) []string {
			var w winnerJSON
			editJSON(t, files, "contests/12/result.json", func(r *resultJSON) { r.Elected[1].Candidate = 999; w = r.Elected[1] })
			return []string{fmt.Sprintf("contest 12: winner 2 of result.json is %s (candidate 999) on corporate-2", w.Name),
				"election.counted (entry 21) records " + w.Name + " (candidate 1"}
		}},
	{name: "relabel a contest", resign: true, check: CheckResult,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editJSON(t, files, "contests/14/result.json", func(r *resultJSON) { r.Name = "Honorary Fellows" })
			return []string{`contest 14: result.json names the contest "Honorary Fellows" of constituency "Honorary", ` +
				`election.created (entry 3) "Honorary" of "Honorary"`}
		}},
	{name: "change the election's title", resign: true, check: CheckElection,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editJSON(t, files, pathElection, func(e *electionJSON) { e.Title = "Matrix Board 2026 (final)" })
			return []string{`election.json has the title "Matrix Board 2026 (final)", election.created (entry 3) "Matrix Board 2026"`}
		}},
	{name: "change the election's year", resign: true, check: CheckElection,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editJSON(t, files, pathElection, func(e *electionJSON) { e.Year = 2025 })
			return []string{"election.json has the year 2025, election.created (entry 3) 2026"}
		}},
	{name: "change the charter's version", resign: true, check: CheckElection,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editJSON(t, files, pathCharter, func(c *map[string]any) { (*c)["version"] = 4 })
			return []string{"charter.json is charter version 4, election.created (entry 3) recorded charter version 3"}
		}},
	{name: "count a superseded ballot of the same choices instead", resign: true, check: CheckCountedReceipts, only: true,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editBallots(t, files, func(pb *elections.PublishedBallots) string {
				for i := range pb.Ballots {
					for j := range pb.Ballots {
						a, b := &pb.Ballots[i], &pb.Ballots[j]
						if !a.Superseded && b.Superseded && a.Content == b.Content {
							a.Superseded, b.Superseded = true, false
							return ""
						}
					}
				}
				t.Fatal("no superseded ballot has the choices of a counted one")
				return ""
			})
			return []string{"contest 11 round 1: the 30 counted ballot(s) of ballots.json have receipts digest",
				"round.closed (entry 19) recorded", "other ballots are counted than those the round closed with"}
		}},
	{name: "change an affiliation in count.json, recount", resign: true, check: CheckCountInputs,
		edit: func(t *testing.T, files map[string][]byte) []string {
			editJSON(t, files, meekDir+"count.json", func(c *countJSON) { c.Affiliations["Cy Cole"] = "Acme" })
			recountInto(t, files, meekDir)
			return []string{`contest 11 round 1: count.json gives Cy Cole the affiliation "Acme", round.opened (entry 9) recorded "Beta"`}
		}},
}

// rechain returns d with edit applied to its published entries and the whole chain hashed
// again: a log rewritten by whoever holds the database and the key.
func rechain(t *testing.T, d *elections.BundleData, edit func(e *elections.Event)) *elections.BundleData {
	t.Helper()
	byID := map[int64]*elections.Event{}
	for i := range d.Audit.Entries {
		edit(&d.Audit.Entries[i])
		byID[d.Audit.Entries[i].ID] = &d.Audit.Entries[i]
	}
	prev := ""
	for i := range d.Audit.Chain {
		r := &d.Audit.Chain[i]
		if e := byID[r.ID]; e != nil {
			e.PrevHash = prev
			e.Hash = elections.ChainHash(e)
			*r = e.Record()
		} else {
			r.PrevHash = prev
			r.Hash = elections.ChainRecordHash(r)
		}
		prev = r.Hash
	}
	last := d.Audit.Chain[len(d.Audit.Chain)-1]
	d.Audit.Head = elections.ChainLink{ID: last.ID, PrevHash: last.PrevHash, Hash: last.Hash}
	return d
}

// TestRewrittenLog: a log rewritten as a whole verifies as a chain, but not against an anchor
// taken before, and a roll made smaller than the turnout is caught.
func TestRewrittenLog(t *testing.T) {
	genuine := testData(t)
	d := rechain(t, testData(t), func(e *elections.Event) {
		if e.Kind != elections.EventRoundOpened {
			return
		}
		var p map[string]any
		json.Unmarshal(e.Payload, &p)
		for _, b := range p["ballots"].([]any) {
			b.(map[string]any)["roll_size"] = 10
		}
		e.Payload, _ = json.Marshal(p)
	})
	for i := range d.Contests {
		for j := range d.Contests[i].Rounds {
			d.Contests[i].Rounds[j].RollSize = 10
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, d, testKey("service")); err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	anchor := Anchor{ID: 19, Hash: genuine.Audit.Chain[9].Hash}
	rep := b.VerifyWith(Options{Trusted: servicePub(), Anchors: []Anchor{anchor}})
	failed := map[string][]string{}
	for _, c := range rep.Failed() {
		failed[c.Name] = append(failed[c.Name], c.Detail)
	}
	d9hash := d.Audit.Chain[9].Hash
	if d := failed[CheckTurnout]; len(d) != 2 || !strings.Contains(d[0], "contest 11 round 1: ballots.json has 30 counted ballot(s), "+
		"more than the 10 member(s) on the roll that round.opened (entry 9) recorded and the 0 roll.entry_added record(s) after it") {
		t.Errorf("turnout failures %q", d)
	}
	if d := failed[CheckAnchor]; len(d) != 1 || !strings.Contains(d[0], "entry 19 of audit/chain.jsonl has hash "+
		d9hash+", the anchor says "+anchor.Hash) {
		t.Errorf("anchor failures %q", d)
	}
	for _, name := range []string{CheckAuditChain, CheckAuditEntries, CheckRoll, CheckSignature} {
		if len(failed[name]) > 0 {
			t.Errorf("%s fails on a log rewritten as a whole: %q", name, failed[name])
		}
	}
}

func TestAnchors(t *testing.T) {
	data := writeTest(t)
	d := testData(t)
	head := d.Audit.Chain[len(d.Audit.Chain)-1]
	closed := d.Audit.Chain[9]
	if closed.ID != 19 || closed.Kind != elections.EventRoundClosed {
		t.Fatalf("entry 9 of the chain is %d %s", closed.ID, closed.Kind)
	}
	wrong := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		anchors []Anchor
		ok      []bool
		detail  []string
	}{
		{"the head", []Anchor{{head.ID, head.Hash}}, []bool{true},
			[]string{"entry 27 has the anchored hash " + head.Hash + " and is the head: no entry follows it"}},
		{"round.closed, upper-case hash", []Anchor{{closed.ID, strings.ToUpper(closed.Hash)}}, []bool{true},
			[]string{"entry 19 has the anchored hash " + closed.Hash + "; 4 entries after it (3 of election 7): election.counted ×1, " +
				"election.schedule_changed ×1, seat.term_recorded ×1, election.certified ×1"}},
		{"a wrong hash", []Anchor{{closed.ID, wrong}}, []bool{false},
			[]string{"entry 19 of audit/chain.jsonl has hash " + closed.Hash + ", the anchor says " + wrong}},
		{"beyond the head", []Anchor{{30, wrong}}, []bool{false},
			[]string{"entry 30 (anchored hash " + wrong + ") is not in audit/chain.jsonl (its entries run from 1 to 27)"}},
		{"two", []Anchor{{head.ID, head.Hash}, {3, wrong}}, []bool{true, false},
			[]string{"entry 27", "entry 3 of audit/chain.jsonl has hash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Open(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			rep := b.VerifyWith(Options{Trusted: servicePub(), Anchors: tt.anchors})
			var got []Check
			for _, c := range rep.Checks {
				if c.Name == CheckAnchor {
					got = append(got, c)
				}
			}
			if len(got) != len(tt.ok) {
				t.Fatalf("%d anchor checks, want %d: %+v", len(got), len(tt.ok), got)
			}
			for i, c := range got {
				if c.OK != tt.ok[i] || !strings.Contains(c.Detail, tt.detail[i]) {
					t.Errorf("anchor check %+v, want ok %t and %q", c, tt.ok[i], tt.detail[i])
				}
			}
			if rep.OK != !slices.Contains(tt.ok, false) {
				t.Errorf("report OK %t", rep.OK)
			}
		})
	}
}

func TestParseAnchor(t *testing.T) {
	h := strings.Repeat("0f", 32)
	if a, err := ParseAnchor(" 12:" + strings.ToUpper(h) + " "); err != nil || a != (Anchor{12, h}) || a.String() != "12:"+h {
		t.Errorf("ParseAnchor: %+v, %v", a, err)
	}
	for _, bad := range []string{"", "12", "12:", ":" + h, "0:" + h, "x:" + h, "12:" + h[:62], "12:" + h + "00", "12:" + strings.Repeat("zz", 32)} {
		if _, err := ParseAnchor(bad); err == nil {
			t.Errorf("ParseAnchor(%q) succeeds", bad)
		}
	}
}

// TestCertifiedCandidates: election.certified names each term's candidate, and the winner
// result.json puts on a seat must be that candidate, whoever holds the seat (an organisation
// for its representative); a term without its candidate fails.
func TestCertifiedCandidates(t *testing.T) {
	certify := func(edit func(term map[string]any, w elections.Winner)) *elections.BundleData {
		d := testData(t)
		winners := map[string]elections.Winner{}
		for _, c := range d.Contests {
			for _, w := range c.Result.Elected {
				winners[w.Seat] = w
			}
		}
		return rechain(t, d, func(e *elections.Event) {
			if e.Kind != elections.EventElectionCertified {
				return
			}
			var p map[string]any
			json.Unmarshal(e.Payload, &p)
			for _, x := range p["terms"].([]any) {
				term := x.(map[string]any)
				edit(term, winners[term["seat"].(string)])
			}
			e.Payload, _ = json.Marshal(p)
		})
	}
	verifyData := func(d *elections.BundleData) *Report {
		var buf bytes.Buffer
		if err := Write(&buf, d, testKey("service")); err != nil {
			t.Fatal(err)
		}
		return verify(t, buf.Bytes(), servicePub())
	}
	named := certify(func(term map[string]any, w elections.Winner) { term["candidate"], term["name"] = w.Candidate, w.Name })
	if rep := verifyData(named); !rep.OK {
		t.Errorf("certified with the candidates: %+v", rep.Failed())
	}
	var swapped elections.Winner
	wrong := certify(func(term map[string]any, w elections.Winner) {
		term["candidate"], term["name"] = w.Candidate, w.Name
		if w.Seat == "individual-2" {
			swapped = w
			term["candidate"] = 555
		}
	})
	rep := verifyData(wrong)
	want := fmt.Sprintf("contest 11: result.json seats %s (candidate %d) on individual-2, but election.certified (entry 27) seats "+
		"candidate 555 (%s) on it", swapped.Name, swapped.Candidate, swapped.Name)
	if f := rep.Failed(); len(f) != 1 || f[0].Name != CheckResult || f[0].Detail != want {
		t.Errorf("failed %+v, want %q", f, want)
	}
	// An organisation holds its seat while its representative was the candidate: the holder
	// differs from the winner's name, and the candidate is what ties them.
	orgs := certify(func(term map[string]any, w elections.Winner) {
		if w.Seat == "corporate-1" {
			term["holder"] = "Ivy Ives Ltd"
		}
	})
	if rep := verifyData(orgs); !rep.OK {
		t.Errorf("an organisation holding its representative's seat: %+v", rep.Failed())
	}
	unnamed := certify(func(term map[string]any, w elections.Winner) {
		if w.Seat == "corporate-1" {
			delete(term, "candidate")
		}
	})
	rep = verifyData(unnamed)
	if f := rep.Failed(); len(f) != 1 || f[0].Name != CheckResult || !strings.Contains(f[0].Detail, "records a term on corporate-1 (held by") ||
		!strings.Contains(f[0].Detail, "without the candidate it seats") {
		t.Errorf("a term without its candidate: %+v", f)
	}
}
