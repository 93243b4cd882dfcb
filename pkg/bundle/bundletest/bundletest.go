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
	"maps"
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
	// seatKeys are the contest's seat keys, in the order winners take them, and terms the
	// term of each: years and end year.
	seatKeys []string
	terms    [][2]int
}

// labels returns the term labels of spec's seats, as the service writes them.
func (spec *contestSpec) labels() []string {
	var out []string
	for i, s := range spec.seatKeys {
		years := "years"
		if spec.terms[i][0] == 1 {
			years = "year"
		}
		out = append(out, fmt.Sprintf("%s (%d %s, to %d)", s, spec.terms[i][0], years, spec.terms[i][1]))
	}
	return out
}

var testContests = []contestSpec{
	{id: 11, name: "Individual", method: "meek", kind: elections.BallotRanking, seats: 3,
		candidates:   []string{"Ann Archer", "Bo Brand", "Cy Cole", "Di Dunn", "Ed Eames", "Flo Fry"},
		affiliations: map[string]string{"Ann Archer": "Acme", "Bo Brand": "Acme", "Cy Cole": "Beta"},
		counted:      30, superseded: 3, cap: 2, held: map[string]int{"Acme": 1},
		seatKeys: []string{"individual-1", "individual-2", "individual-3"}, terms: [][2]int{{2, 2028}, {2, 2028}, {1, 2027}}},
	{id: 12, name: "Corporate", method: "approval", kind: elections.BallotApproval, seats: 2,
		candidates: []string{"Gil & Co", "Hal Hart", "Ivy Ives", "Jo Jones"}, counted: 20, superseded: 1,
		seatKeys: []string{"corporate-1", "corporate-2"}, terms: [][2]int{{2, 2028}, {2, 2028}}},
	{id: 13, name: "Lifetime", method: "plurality", kind: elections.BallotApproval, seats: 1,
		candidates: []string{"Kim Kerr", "Lu Lane"}, counted: 2, void: true, seatKeys: []string{"lifetime-1"}, terms: [][2]int{{3, 2029}}},
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

// testBallots returns the published ballots of spec in receipt order; the first superseded
// ballot has the same choices as a counted one.
func testBallots(spec *contestSpec) *elections.PublishedBallots {
	r := mrand.New(mrand.NewPCG(uint64(spec.id), 1))
	pb := &elections.PublishedBallots{ContestID: spec.id, RoundID: RoundID, Round: 1, Title: "Matrix Board 2026: " + spec.name,
		Method: spec.method, Kind: spec.kind, Seats: spec.seats, Candidates: spec.candidates}
	var first []tally.Mark
	for i := range spec.counted + spec.superseded {
		marks := randomMarks(r, spec)
		if i == 0 {
			first = marks
		}
		if i == spec.counted {
			// The first superseded ballot has the choices of the first counted one: a voter who
			// cast the same choices again.
			marks = first
		}
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
	opts := tally.Options{Seed: Seed, TermLabels: spec.labels()}
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
				TermLabels: spec.labels(), AffiliationCap: spec.cap, AffiliationHeld: spec.held, Affiliations: spec.affiliations}}
		res := elections.ContestResult{ContestID: spec.id, RoundID: RoundID, Outcome: elections.OutcomeContested, RollSize: 50,
			Voters: spec.counted, Ballots: spec.counted, Superseded: spec.superseded, CountedAt: At}
		if spec.void {
			// A void contest is not counted: no count options, as the service bundles it.
			rd.Void, rd.VoidReason, rd.Count = true, "turnout 2 of 50 (4%) is below the quorum of 10%", elections.CountOptions{}
			res.Void, res.VoidReason, res.VacantSeats = true, rd.VoidReason, spec.seatKeys
		} else {
			stored, result := serviceCount(spec, pb)
			rd.Report, res.Report = stored, stored
			for k, w := range result.Elected {
				res.Elected = append(res.Elected, elections.Winner{Candidate: 100 + int64(w), Name: spec.candidates[w],
					Member: fmt.Sprintf("m-%d", 100+w), Seat: spec.seatKeys[k], TermYears: spec.terms[k][0], TermEndsYear: spec.terms[k][1]})
			}
			res.VacantSeats = spec.seatKeys[len(result.Elected):]
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
	d.Audit = testAudit(d, commitment, accepted)
	return d
}

// changedContest is the contest that gets a seat after the election was created.
const changedContest = 12

// testAudit builds the audit log as the service records it (see elections/round_service.go,
// count_service.go, certify_service.go): entries of other elections and outside any election
// interleaved with this election's, among them entries whose payloads a bundle withholds.
func testAudit(d *elections.BundleData, commitment string, accepted [2][]map[string]any) elections.BundleAudit {
	type ev struct {
		election int64
		kind     string
		payload  any
	}
	var created, opened, closed, results, rounds, terms []map[string]any
	vacant := []string{}
	for i := range d.Contests {
		c := &d.Contests[i]
		seats, method := []string{"honorary-1"}, "approval"
		if i < len(testContests) {
			seats, method = testContests[i].seatKeys, testContests[i].method
		}
		if c.ContestID == changedContest {
			seats = seats[:1] // a seat is added later (contest.changed)
		}
		created = append(created, map[string]any{"contest": c.ContestID, "constituency": c.Constituency, "name": c.Name,
			"method": method, "seats": seats})
		r := &c.Result
		names := []string{}
		winners := []elections.CountedWinner{}
		for _, w := range r.Elected {
			names = append(names, w.Name)
			winners = append(winners, elections.CountedWinner{Candidate: w.Candidate, Name: w.Name, Seat: w.Seat,
				TermYears: w.TermYears, TermEndsYear: w.TermEndsYear})
			terms = append(terms, map[string]any{"seat": w.Seat, "holder": w.Name, "candidate": w.Candidate, "name": w.Name,
				"start": "2026-07-01", "end": fmt.Sprintf("%d-07-01", w.TermEndsYear)})
		}
		vacant = append(vacant, r.VacantSeats...)
		vacantSeats := append([]string{}, r.VacantSeats...)
		results = append(results, map[string]any{"contest": c.ContestID, "round": r.RoundID, "outcome": r.Outcome,
			"elected": names, "vacant_seats": vacantSeats, "void": r.Void, "runoff": r.Runoff != nil, "winners": winners})
		round := map[string]any{"contest": c.ContestID, "round": r.RoundID, "outcome": r.Outcome, "void": r.Void,
			"void_reason": r.VoidReason, "voters": r.Voters, "ballots": r.Ballots, "superseded": r.Superseded,
			"roll_size": r.RollSize, "elected": names, "vacant_seats": vacantSeats, "report_sha256": ""}
		if len(r.Report) > 0 {
			sum := sha256.Sum256(r.Report)
			round["report_sha256"] = hex.EncodeToString(sum[:])
		}
		for j := range c.Rounds {
			rd := &c.Rounds[j]
			if !rd.Void {
				round["count"] = rd.Count
			}
			pb := rd.Ballots
			spec := &testContests[i]
			scope, affiliations := "", map[string]string{}
			if spec.cap > 0 {
				scope = elections.CapBoard
			}
			maps.Copy(affiliations, spec.affiliations)
			opened = append(opened, map[string]any{"contest": c.ContestID, "method": pb.Method, "kind": pb.Kind, "seats": pb.Seats,
				"candidates": pb.Candidates, "roll_fingerprint": rd.RollFingerprint, "roll_size": rd.RollSize, "revoting": true,
				"points": 0, "affiliation_cap": spec.cap, "affiliation_scope": scope, "affiliations": affiliations})
			var counted []string
			for _, b := range pb.Ballots {
				if !b.Superseded {
					counted = append(counted, b.Receipt)
				}
			}
			closed = append(closed, map[string]any{"contest": c.ContestID, "voters": r.Voters,
				"counted_receipts_sha256": elections.CountedReceiptsDigest(counted)})
		}
		rounds = append(rounds, round)
	}
	evs := []ev{
		{0, elections.EventAccountCreated, map[string]any{"email": "officer@example.org"}},
		{ElectionID, elections.EventElectionCreated, map[string]any{"election": ElectionID, "year": 2026, "title": d.Title,
			"charter_version": 3, "cutoff": "2026-03-31", "contests": created}},
		{ElectionID, elections.EventContestChanged, map[string]any{"contest": changedContest,
			"changes": []string{"seats: corporate-2 added"}, "reason": "a seat fell vacant",
			"seats": []string{"corporate-1", "corporate-2"}, "method": "approval"}},
		{ElectionID, elections.EventRollEntryAdded, map[string]any{"contest": 11, "member": "m-9"}},
		{ElectionID, elections.EventRoundOpened, map[string]any{"round": RoundID, "election": ElectionID, "number": 1,
			"runoff": false, "contests": []int64{11, 12, 13}, "seed_commitment": commitment, "seed_sha256": commitment,
			"ballots": opened}},
		{ElectionID, elections.EventAccessCodesIssued, map[string]any{"election": ElectionID, "members": []string{"m-1"}}},
		{ElectionID, elections.EventBallotsAccepted, map[string]any{"election": ElectionID, "contests": accepted[0]}},
		{0, elections.EventMemberCreated, map[string]any{"member": "m-1"}},
		{ElectionID, elections.EventBallotsAccepted, map[string]any{"election": ElectionID, "contests": accepted[1]}},
		{ElectionID, elections.EventRoundClosed, map[string]any{"round": RoundID, "election": ElectionID, "number": 1,
			"closed_by": "officer", "seed": hex.EncodeToString(Seed), "seed_commitment": commitment, "ballots": closed}},
		{ElectionID, elections.EventElectionCounted, map[string]any{"election": ElectionID, "results": results, "rounds": rounds}},
		{8, elections.EventScheduleChanged, map[string]any{"election": 8, "note": "<b>&</b>"}},
		{ElectionID, elections.EventTermRecorded, map[string]any{"seat": "individual-1", "member": "m-1"}},
		{ElectionID, elections.EventElectionCertified, map[string]any{"election": ElectionID, "year": 2026, "terms": terms,
			"vacant_seats": vacant}},
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
		audit.Chain = append(audit.Chain, ent.Record())
		if e.election == ElectionID && elections.BundlePayloadPublished(e.kind) {
			audit.Entries = append(audit.Entries, ent)
		}
		audit.Head = elections.ChainLink{ID: ent.ID, PrevHash: ent.PrevHash, Hash: ent.Hash}
	}
	return audit
}
