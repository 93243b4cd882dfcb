// Package bundletest builds the bundle data of a small election counted exactly as the
// service counts, for tests of pkg/bundle and of `govboard verify`.
package bundletest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/report"
)

// The election: election 7, whose round 5 voted on three contests, counted as
// the service counts them (see elections/count_service.go), plus an acclaimed contest, with an
// audit log that also holds entries of other elections.

// The election's id and its round's id.
const (
	ElectionID = 7
	RoundID    = 5
)

// At is when the bundle is generated.
var At = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)

// Key returns a fixed Ed25519 key, different for each name.
func Key(name string) ed25519.PrivateKey {
	sum := sha256.Sum256([]byte("bundle test key " + name))
	return ed25519.NewKeyFromSeed(sum[:])
}

// Seed is the round's tie-break seed.
var Seed = func() []byte { s := sha256.Sum256([]byte("round 5 seed")); return s[:] }()

// contestSpec describes a contest of the fixture.
type contestSpec struct {
	id           int64
	name, method string
	kind         elections.BallotKind
	seats        int
	candidates   []string
	affiliations map[string]string
	counted      int
	superseded   int
	void         bool
	cap          int
	held         map[string]int
	labels       []string
}

var testContests = []contestSpec{
	{id: 11, name: "Individual", method: "meek", kind: elections.BallotRanking, seats: 3,
		candidates:   []string{"Ann Archer", "Bo Brand", "Cy Cole", "Di Dunn", "Ed Eames", "Flo Fry"},
		affiliations: map[string]string{"Ann Archer": "Acme", "Bo Brand": "Acme", "Cy Cole": "Beta"},
		counted:      30, superseded: 3, cap: 2, held: map[string]int{"Acme": 1},
		labels: []string{"individual-1 (2 years, to 2028)", "individual-2 (2 years, to 2028)", "individual-3 (1 year, to 2027)"}},
	{id: 12, name: "Corporate", method: "approval", kind: elections.BallotApproval, seats: 2,
		candidates: []string{"Gil & Co", "Hal Hart", "Ivy Ives", "Jo Jones"}, counted: 20, superseded: 1},
	{id: 13, name: "Lifetime", method: "plurality", kind: elections.BallotApproval, seats: 1,
		candidates: []string{"Kim Kerr", "Lu Lane"}, counted: 2, void: true},
}

// randomMarks returns the marks of a random ballot of spec (sometimes an abstention).
func randomMarks(r *mrand.Rand, spec *contestSpec) []tally.Mark {
	n := len(spec.candidates)
	if r.IntN(25) == 0 {
		return nil
	}
	perm := r.Perm(n)
	var marks []tally.Mark
	switch {
	case spec.kind == elections.BallotRanking:
		for level, c := range perm[:1+r.IntN(n)] {
			marks = append(marks, tally.Mark{Candidate: c, Value: level + 1})
		}
	case spec.method == "plurality":
		marks = []tally.Mark{{Candidate: perm[0], Value: 1}}
	default:
		for _, c := range perm[:1+r.IntN(n)] {
			marks = append(marks, tally.Mark{Candidate: c, Value: 1})
		}
	}
	slices.SortFunc(marks, compareMarks)
	return marks
}

// testBallots returns the published ballots of spec in receipt order.
func testBallots(spec *contestSpec) *elections.PublishedBallots {
	r := mrand.New(mrand.NewPCG(uint64(spec.id), 1))
	pb := &elections.PublishedBallots{ContestID: spec.id, RoundID: RoundID, Round: 1, Title: "Matrix Board 2026: " + spec.name,
		Method: spec.method, Kind: spec.kind, Seats: spec.seats, Candidates: spec.candidates}
	for i := range spec.counted + spec.superseded {
		marks := randomMarks(r, spec)
		content := elections.CanonicalContent(spec.kind, marks)
		nonce := fmt.Sprintf("%032x", r.Uint64())
		pb.Ballots = append(pb.Ballots, elections.PublishedBallot{Receipt: elections.BallotReceipt(spec.id, RoundID, content, nonce),
			Nonce: nonce, Content: content, Superseded: i >= spec.counted, Marks: marks})
	}
	slices.SortFunc(pb.Ballots, func(a, b elections.PublishedBallot) int { return strings.Compare(a.Receipt, b.Receipt) })
	return pb
}

// compareMarks orders marks by value, then candidate.
func compareMarks(a, b tally.Mark) int {
	if a.Value != b.Value {
		return a.Value - b.Value
	}
	return a.Candidate - b.Candidate
}

// serviceCount counts pb as CountElection does: the counted ballots in receipt order through
// a merging builder, the candidates' affiliations, the seed, labels and cap. It returns the
// stored report and the result.
func serviceCount(spec *contestSpec, pb *elections.PublishedBallots) (json.RawMessage, *tally.Result) {
	te := &tally.Election{Title: pb.Title, Seats: spec.seats, Kind: tally.BallotKind(spec.kind)}
	for _, name := range spec.candidates {
		te.Candidates = append(te.Candidates, tally.Candidate{Name: name, Affiliation: spec.affiliations[name]})
	}
	bb := tally.NewBallotBuilder(len(spec.candidates), tally.MergeShort)
	for _, b := range pb.Ballots {
		if b.Superseded {
			continue
		}
		var cands, values []int32
		for _, m := range b.Marks {
			cands, values = append(cands, int32(m.Candidate)), append(values, int32(m.Value))
		}
		if err := bb.AddBallot(1, cands, values); err != nil {
			panic(err)
		}
	}
	te.Ballots = bb.Ballots()
	opts := tally.Options{Seed: Seed, TermLabels: spec.labels}
	if spec.cap > 0 {
		opts.AffiliationCap, opts.AffiliationHeld = spec.cap, spec.held
	}
	result, err := tally.Count(spec.method, te, opts)
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := report.New(result, te, Seed).WriteJSON(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes(), result
}

// Data returns the bundle data of the election: contest 11 (meek, 3 seats, 30 ranked ballots
// and 3 superseded, an affiliation cap), 12 (approval, 2 seats), 13 (plurality, void), all
// voted in round 5, and 14 (acclaimed), with an audit log that also holds entries of another
// election and outside any election.
func Data() *elections.BundleData {
	sum := sha256.Sum256(Seed)
	commitment := hex.EncodeToString(sum[:])
	d := &elections.BundleData{ElectionID: ElectionID, Title: "Matrix Board 2026", Year: 2026, Status: elections.StatusCertified,
		CharterVersion: 3, Charter: json.RawMessage(`{"name":"Matrix Foundation","version":3}`), GeneratedAt: At}
	var accepted [2][]map[string]any // two cast batches
	for i := range testContests {
		spec := &testContests[i]
		pb := testBallots(spec)
		c := elections.BundleContest{ContestID: spec.id, Constituency: spec.name, Name: spec.name}
		rd := elections.BundleRound{RoundID: RoundID, Number: 1, RollFingerprint: fmt.Sprintf("%064x", spec.id), RollSize: 50,
			Seed: Seed, SeedCommitment: commitment, Ballots: pb,
			Count: elections.CountOptions{Method: spec.method, Seats: spec.seats, Seed: hex.EncodeToString(Seed),
				TermLabels: spec.labels, AffiliationCap: spec.cap, AffiliationHeld: spec.held, Affiliations: spec.affiliations}}
		res := elections.ContestResult{ContestID: spec.id, RoundID: RoundID, Outcome: elections.OutcomeContested, RollSize: 50,
			Voters: spec.counted, Ballots: spec.counted, Superseded: spec.superseded, CountedAt: At}
		if spec.void {
			rd.Void, rd.VoidReason = true, "turnout 2 of 50 (4%) is below the quorum of 10%"
			res.Void, res.VoidReason, res.VacantSeats = true, rd.VoidReason, []string{"lifetime-1"}
		} else {
			stored, result := serviceCount(spec, pb)
			rd.Report, res.Report = stored, stored
			for k, w := range result.Elected {
				res.Elected = append(res.Elected, elections.Winner{Candidate: 100 + int64(w), Name: spec.candidates[w],
					Seat: fmt.Sprintf("%s-%d", spec.name, k+1), TermYears: 2, TermEndsYear: 2028})
			}
		}
		c.Result, c.Rounds = res, []elections.BundleRound{rd}
		d.Contests = append(d.Contests, c)
		for half := range 2 {
			var hashes []string
			for k, b := range pb.Ballots {
				if k%2 == half {
					s := sha256.Sum256([]byte(b.Receipt))
					hashes = append(hashes, hex.EncodeToString(s[:]))
				}
			}
			slices.Sort(hashes)
			accepted[half] = append(accepted[half], map[string]any{"contest": spec.id, "round": RoundID, "receipts_sha256": hashes})
		}
	}
	d.Contests = append(d.Contests, elections.BundleContest{ContestID: 14, Constituency: "Honorary", Name: "Honorary",
		Result: elections.ContestResult{ContestID: 14, Outcome: elections.OutcomeAcclamation, CountedAt: At,
			Elected: []elections.Winner{{Candidate: 140, Name: "Mo Moss", Seat: "honorary-1", TermYears: 3, TermEndsYear: 2029}}}})
	d.Audit = testAudit(commitment, accepted)
	return d
}

// testAudit builds the audit log: entries of other elections and outside any election
// interleaved with this election's.
func testAudit(commitment string, accepted [2][]map[string]any) elections.BundleAudit {
	type ev struct {
		election int64
		kind     string
		payload  any
	}
	evs := []ev{
		{0, elections.EventAccountCreated, map[string]any{"email": "officer@example.org"}},
		{ElectionID, elections.EventElectionCreated, map[string]any{"election": ElectionID, "year": 2026}},
		{8, elections.EventElectionCreated, map[string]any{"election": 8, "year": 2027}},
		{ElectionID, elections.EventRoundOpened, map[string]any{"round": RoundID, "election": ElectionID, "number": 1,
			"seed_sha256": commitment}},
		{ElectionID, elections.EventBallotsAccepted, map[string]any{"election": ElectionID, "contests": accepted[0]}},
		{0, elections.EventMemberCreated, map[string]any{"member": "m-1"}},
		{ElectionID, elections.EventBallotsAccepted, map[string]any{"election": ElectionID, "contests": accepted[1]}},
		{ElectionID, elections.EventRoundClosed, map[string]any{"round": RoundID, "election": ElectionID, "number": 1,
			"seed": hex.EncodeToString(Seed), "seed_sha256": commitment}},
		{ElectionID, elections.EventElectionCounted, map[string]any{"election": ElectionID}},
		{8, elections.EventScheduleChanged, map[string]any{"election": 8, "note": "<b>&</b>"}},
		{ElectionID, "election.certified", map[string]any{"election": ElectionID}},
	}
	var audit elections.BundleAudit
	prev := ""
	for i, e := range evs {
		p, err := json.Marshal(e.payload)
		if err != nil {
			panic(err)
		}
		ent := elections.Event{ID: int64(i*2 + 1), At: At.Add(time.Duration(i) * time.Minute).Add(1234 * time.Microsecond),
			Actor: "user:1", Kind: e.kind, Election: e.election, Payload: p, PrevHash: prev}
		ent.Hash = elections.ChainHash(&ent)
		prev = ent.Hash
		audit.Chain = append(audit.Chain, elections.ChainLink{ID: ent.ID, PrevHash: ent.PrevHash, Hash: ent.Hash})
		if e.election == ElectionID {
			audit.Entries = append(audit.Entries, ent)
		}
	}
	audit.Head = audit.Chain[len(audit.Chain)-1]
	return audit
}
