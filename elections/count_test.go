package elections_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// vrReport is the part of a stored pkg/tally/report JSON that the count tests check.
type vrReport struct {
	Method     string   `json:"method"`
	Seats      int      `json:"seats"`
	Elected    []string `json:"elected"`
	Excluded   []string `json:"excluded"`
	Title      string   `json:"title"`
	Candidates []string `json:"candidates"`
	Seed       string   `json:"seed"`
	Terms      []string `json:"terms"`
	Rounds     []struct {
		Votes map[string]string `json:"votes"`
	} `json:"rounds"`
	Ties []struct {
		Tied   []string `json:"tied"`
		Rule   string   `json:"rule"`
		Chosen string   `json:"chosen"`
	} `json:"ties"`
	PassedOver []struct {
		Candidate string `json:"candidate"`
	} `json:"passed_over"`
	Confidence map[string]struct{ Yes, No, Abstain int64 } `json:"confidence"`
}

// vrCountedRound is one entry of election.counted's "rounds".
type vrCountedRound struct {
	Contest      int64                   `json:"contest"`
	Round        int64                   `json:"round"`
	Outcome      string                  `json:"outcome"`
	Void         bool                    `json:"void"`
	VoidReason   string                  `json:"void_reason"`
	Voters       int                     `json:"voters"`
	Ballots      int                     `json:"ballots"`
	Superseded   int                     `json:"superseded"`
	RollSize     int                     `json:"roll_size"`
	Elected      []string                `json:"elected"`
	VacantSeats  []string                `json:"vacant_seats"`
	ReportSHA256 string                  `json:"report_sha256"`
	Count        *elections.CountOptions `json:"count"`
}

// countedRounds checks the "rounds" of the last election.counted entry against the stored
// results: one entry per stored result in the same order, with exactly the keys of
// vrCountedRound ("count" only for a counted round), and the SHA-256 of the stored report.
// It returns the entries by contest and round.
func countedRounds(t *testing.T, env *vrEnv) map[[2]int64]vrCountedRound {
	t.Helper()
	events := boardEvents(t, env.st, elections.EventElectionCounted)
	if len(events) == 0 {
		t.Fatal("no election.counted entry")
	}
	last := events[len(events)-1]
	var raw struct {
		Rounds []map[string]json.RawMessage `json:"rounds"`
	}
	var p struct {
		Rounds []vrCountedRound `json:"rounds"`
	}
	if err := json.Unmarshal(last.Payload, &raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(last.Payload, &p); err != nil {
		t.Fatal(err)
	}
	keys := []string{"ballots", "contest", "elected", "outcome", "report_sha256", "roll_size", "round", "superseded",
		"vacant_seats", "void", "void_reason", "voters"}
	for i, r := range raw.Rounds {
		want := keys
		if p.Rounds[i].Count != nil {
			want = append(slices.Clone(keys), "count")
			slices.Sort(want)
		}
		if got := slices.Sorted(maps.Keys(r)); !slices.Equal(got, want) {
			t.Errorf("election.counted rounds[%d] keys %v, want %v", i, got, want)
		}
	}
	stored, err := env.st.Results(context.Background(), env.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]vrCountedRound, len(stored))
	for i, r := range stored {
		want[i] = vrCountedRound{Contest: r.ContestID, Round: r.RoundID, Outcome: string(r.Outcome), Void: r.Void, VoidReason: r.VoidReason,
			Voters: r.Voters, Ballots: r.Ballots, Superseded: r.Superseded, RollSize: r.RollSize, Elected: []string{},
			VacantSeats: []string{}}
		for _, w := range r.Elected {
			want[i].Elected = append(want[i].Elected, w.Name)
		}
		want[i].VacantSeats = append(want[i].VacantSeats, r.VacantSeats...)
		if r.Report != nil {
			sum := sha256.Sum256(r.Report)
			want[i].ReportSHA256 = hex.EncodeToString(sum[:])
		}
	}
	ignoreCount := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Count" }, cmp.Ignore())
	if diff := cmp.Diff(want, p.Rounds, ignoreCount); diff != "" {
		t.Errorf("election.counted rounds against the stored results (-want +got):\n%s", diff)
	}
	out := make(map[[2]int64]vrCountedRound, len(p.Rounds))
	for _, r := range p.Rounds {
		if r.Void && r.Count != nil || r.Round == 0 && r.Count != nil {
			t.Errorf("contest %d round %d: count %+v recorded, want none without a count", r.Contest, r.Round, r.Count)
		}
		out[[2]int64{r.Contest, r.Round}] = r
	}
	return out
}

// reportOf decodes a result's report.
func reportOf(t *testing.T, r *elections.ContestResult) *vrReport {
	t.Helper()
	var rep vrReport
	if err := json.Unmarshal(r.Report, &rep); err != nil {
		t.Fatalf("contest %d report %s: %v", r.ContestID, r.Report, err)
	}
	return &rep
}

// resultOf returns the final result of contest id among rs.
func resultOf(t *testing.T, rs []elections.ContestResult, id int64) *elections.ContestResult {
	t.Helper()
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].ContestID == id {
			return &rs[i]
		}
	}
	t.Fatalf("no result of contest %d in %+v", id, rs)
	return nil
}

// winner is a Winner of the environment's candidate member on seat, with a two-year term to
// 2028.
func (env *vrEnv) winner(member, name, seat string) elections.Winner {
	return elections.Winner{Candidate: env.noms[member], Name: name, Member: member, Seat: seat, TermYears: 2, TermEndsYear: 2028}
}

// roundSeed returns the revealed seed of round id.
func (env *vrEnv) roundSeed(t *testing.T, id int64) []byte {
	t.Helper()
	v, err := env.svc.Round(context.Background(), id)
	if err != nil || v.Round.Seed == nil {
		t.Fatalf("Round(%d) = %+v, %v; want it closed", id, v, err)
	}
	return v.Round.Seed
}

// vrApprovals are the Individual approval ballots of the count tests: Ada 8, Ben 6, Cy 5,
// Di 3 and Ed 1 approvals from eight voters, then an abstention.
var vrApprovals = [][]string{
	{"ind-01", "ind-02", "ind-03"}, {"ind-01", "ind-02", "ind-03"}, {"ind-01", "ind-02", "ind-03"},
	{"ind-01", "ind-02", "ind-04"}, {"ind-01", "ind-02", "ind-04"}, {"ind-01", "ind-02", "ind-05"},
	{"ind-01", "ind-03", "ind-04"}, {"ind-01", "ind-03"}, {},
}

// vrIndividualCandidates stand in Individual, with the affiliations given.
func vrIndividualCandidates(affiliation ...string) []vrCand {
	aff := func(i int) string {
		if i < len(affiliation) {
			return affiliation[i]
		}
		return ""
	}
	return []vrCand{{"ind-01", "Ada Byron", aff(0)}, {"ind-02", "Ben Cole", aff(1)}, {"ind-03", "Cy Dunn", aff(2)},
		{"ind-04", "Di Eads", aff(3)}, {"ind-05", "Ed Fay", aff(4)}}
}

// TestCountApproval counts an approval vote by hand: Ada 8, Ben 6, Cy 5, Di 3, Ed 1 for three
// seats, with a revote and an abstention; counting again gives the same reports, byte for
// byte.
func TestCountApproval(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	env.stand(t, vrIndividualCandidates()...)
	env.clock.Set(vrVoting)
	round := env.open(t, elections.RoundInput{}).Round.ID
	env.cast(t, "ind-09", "individual", elections.BallotInput{Marks: env.ids("ind-05")}) // replaced below
	env.approve(t, "individual", vrIndividuals, vrApprovals...)
	env.clock.Set(vrCountAt)
	if n, err := env.svc.CloseDueRounds(ctx); n != 1 || err != nil {
		t.Fatalf("CloseDueRounds = %d, %v", n, err)
	}
	before := len(rollEvents(t, env.st))
	rs := env.count(t)

	ind := env.contests["individual"]
	got := resultOf(t, rs, ind)
	want := &elections.ContestResult{ContestID: ind, RoundID: round, Outcome: elections.OutcomeContested,
		RollSize: 12, Voters: 9, Ballots: 9, Superseded: 1, CountedAt: vrCountAt,
		Elected: []elections.Winner{env.winner("ind-01", "Ada Byron", "individual-1"), env.winner("ind-02", "Ben Cole", "individual-2"),
			env.winner("ind-03", "Cy Dunn", "individual-3")}}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Report" }, cmp.Ignore())); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	rep := reportOf(t, got)
	wantVotes := map[string]string{"Ada Byron": "8", "Ben Cole": "6", "Cy Dunn": "5", "Di Eads": "3", "Ed Fay": "1"}
	if rep.Method != "approval" || rep.Seats != 3 || !slices.Equal(rep.Elected, []string{"Ada Byron", "Ben Cole", "Cy Dunn"}) ||
		rep.Title != "2026 election of Vote Board: Individual Members" || rep.Seed != hex.EncodeToString(env.roundSeed(t, round)) ||
		len(rep.Rounds) != 1 || !cmp.Equal(rep.Rounds[0].Votes, wantVotes) {
		t.Errorf("report %+v, want Ada, Ben and Cy elected on %v with the round's seed", rep, wantVotes)
	}
	wantTerms := []string{"individual-1 (2 years, to 2028)", "individual-2 (2 years, to 2028)", "individual-3 (2 years, to 2028)"}
	if !slices.Equal(rep.Terms, wantTerms) {
		t.Errorf("report terms %q, want %q", rep.Terms, wantTerms)
	}

	// The other contests: Gold and Silver had no candidates, nor Bronze.
	for _, key := range []string{"gold", "silver", "bronze"} {
		r := resultOf(t, rs, env.contests[key])
		if r.Outcome != elections.OutcomeNoCandidates || r.RoundID != 0 || r.Elected != nil || len(r.VacantSeats) == 0 || r.Report != nil {
			t.Errorf("%s: result %+v, want every seat vacant without a vote", key, r)
		}
	}
	e, err := env.svc.Election(ctx, env.election.ID)
	if err != nil || e.Status != elections.StatusCounted {
		t.Fatalf("election %+v, %v; want counted", e, err)
	}
	events := rollEvents(t, env.st)[before:]
	if len(events) != 1 || events[0].Kind != elections.EventElectionCounted || events[0].Actor != vrOfficer.String() {
		t.Fatalf("events %+v, want one election.counted by the officer", events)
	}
	p := decodePayload(t, events[0])
	first := p["results"].([]any)[0]
	wantFirst := map[string]any{"contest": float64(ind), "round": float64(round), "outcome": "contested", "void": false,
		"runoff": false, "elected": []any{"Ada Byron", "Ben Cole", "Cy Dunn"}, "vacant_seats": nil,
		// The winners in order of election: nomination, ballot name, seat and term.
		"winners": []any{
			map[string]any{"candidate": float64(env.noms["ind-01"]), "name": "Ada Byron", "seat": "individual-1", "term_years": 2.0, "term_ends_year": 2028.0},
			map[string]any{"candidate": float64(env.noms["ind-02"]), "name": "Ben Cole", "seat": "individual-2", "term_years": 2.0, "term_ends_year": 2028.0},
			map[string]any{"candidate": float64(env.noms["ind-03"]), "name": "Cy Dunn", "seat": "individual-3", "term_years": 2.0, "term_ends_year": 2028.0},
		}}
	if diff := cmp.Diff(wantFirst, first); diff != "" || len(p["results"].([]any)) != 4 {
		t.Errorf("election.counted results %v; the first (-want +got):\n%s", p["results"], diff)
	}
	for _, r := range p["results"].([]any)[1:] {
		if w := r.(map[string]any)["winners"]; !cmp.Equal(w, []any{}) {
			t.Errorf("election.counted result %v: winners %v, want none (an empty list)", r, w)
		}
	}
	// Every stored result is in "rounds", the count of Individual with the options it ran with.
	rounds := countedRounds(t, env)
	wantCount := &elections.CountOptions{Method: "approval", Seats: 3, Seed: hex.EncodeToString(env.roundSeed(t, round)), TermLabels: wantTerms}
	if diff := cmp.Diff(wantCount, rounds[[2]int64{ind, round}].Count); diff != "" || len(rounds) != 4 {
		t.Errorf("election.counted: %d rounds; Individual's count (-want +got):\n%s", len(rounds), diff)
	}
	for _, key := range []string{"gold", "silver", "bronze"} {
		if r, ok := rounds[[2]int64{env.contests[key], 0}]; !ok || r.Count != nil || r.ReportSHA256 != "" {
			t.Errorf("%s: counted round %+v, want round 0 without count or report", key, r)
		}
	}

	// Counting again gives the same results and byte-identical reports.
	env.clock.Set(vrCountAt.Add(time.Hour))
	again := env.count(t)
	if len(again) != len(rs) {
		t.Fatalf("%d results counted again, want %d", len(again), len(rs))
	}
	for i := range rs {
		if !bytes.Equal(rs[i].Report, again[i].Report) {
			t.Errorf("contest %d: the report counted again differs:\n%s\n%s", rs[i].ContestID, rs[i].Report, again[i].Report)
		}
		again[i].CountedAt = rs[i].CountedAt
	}
	if diff := cmp.Diff(rs, again); diff != "" {
		t.Errorf("results counted again (-first +again):\n%s", diff)
	}
	if stored, err := env.st.Results(ctx, env.election.ID); err != nil || len(stored) != 4 {
		t.Errorf("stored results %+v, %v; want one per contest", stored, err)
	}
}

// TestCountIRV counts a single seat by instant runoff, by hand: Ann 3, Bea 3 and Col 1 first
// preferences of seven; Col is excluded and his vote goes to Bea, who wins 4 to 3.
func TestCountIRV(t *testing.T) {
	env := newVrEnv(t, nil)
	env.stand(t, vrCand{"slv-1", "", ""}, vrCand{"slv-2", "", ""}, vrCand{"slv-3", "", ""})
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	for i, b := range [][]string{{"slv-1", "slv-3"}, {"slv-1", "slv-3"}, {"slv-1", "slv-3"},
		{"slv-2", "slv-3"}, {"slv-2", "slv-3"}, {"slv-2", "slv-3"}, {"slv-3", "slv-2"}} {
		env.cast(t, "slv-"+string(rune('1'+i)), "silver", elections.BallotInput{Ranking: env.ranking(b...)})
	}
	env.closeRound(t, id)
	r := resultOf(t, env.count(t), env.contests["silver"])
	want := []elections.Winner{{Candidate: env.noms["slv-2"], Name: "Bea Silver", Member: "slv-2", Seat: "silver-1", TermYears: 2, TermEndsYear: 2028}}
	if diff := cmp.Diff(want, r.Elected); diff != "" || r.Voters != 7 || r.RollSize != 7 {
		t.Errorf("winners (-want +got):\n%s\nvoters %d of %d, want 7 of 7", diff, r.Voters, r.RollSize)
	}
	rep := reportOf(t, r)
	if rep.Method != "irv" || !slices.Equal(rep.Elected, []string{"Bea Silver"}) || !slices.Equal(rep.Excluded, []string{"Col Silver"}) ||
		len(rep.Rounds) != 2 ||
		!cmp.Equal(rep.Rounds[0].Votes, map[string]string{"Ann Silver": "3", "Bea Silver": "3", "Col Silver": "1"}) ||
		!cmp.Equal(rep.Rounds[1].Votes, map[string]string{"Ann Silver": "3", "Bea Silver": "4", "Col Silver": "0"}) {
		t.Errorf("report %+v, want Col excluded after round 1 and Bea elected 4 to 3", rep)
	}
}

// TestCountMeek counts two seats by Meek STV: Acme's Ann has 3 first preferences of 5 (the
// quota is 5/3), her surplus goes to Bob, who passes the quota too.
func TestCountMeek(t *testing.T) {
	env := newVrEnv(t, nil)
	env.stand(t, vrCand{"org-a", "", ""}, vrCand{"org-b", "", ""}, vrCand{"org-c", "", ""})
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	for i, b := range [][]string{{"org-a", "org-b"}, {"org-a", "org-b"}, {"org-a", "org-b"}, {"org-b"}, {"org-c"}} {
		env.cast(t, "org-"+string(rune('a'+i)), "gold", elections.BallotInput{Ranking: env.ranking(b...)})
	}
	env.closeRound(t, id)
	r := resultOf(t, env.count(t), env.contests["gold"])
	want := []elections.Winner{
		{Candidate: env.noms["org-a"], Name: "Ann Acme", Member: "org-a", Seat: "gold-1", TermYears: 2, TermEndsYear: 2028},
		{Candidate: env.noms["org-b"], Name: "Bob Beta", Member: "org-b", Seat: "gold-2", TermYears: 2, TermEndsYear: 2028},
	}
	if diff := cmp.Diff(want, r.Elected); diff != "" || r.Outcome != elections.OutcomeContested {
		t.Errorf("%s result: winners (-want +got):\n%s", r.Outcome, diff)
	}
	if rep := reportOf(t, r); rep.Method != "meek" || !slices.Equal(rep.Elected, []string{"Ann Acme", "Bob Beta"}) {
		t.Errorf("report %+v, want Ann then Bob elected by meek", rep)
	}
}

// TestCountConfidence counts the confidence vote of an uncontested contest: Ann 3 yes, 1 no;
// Bob 1 yes, 3 no. Ann is seated, Bob is not, and the second seat stays vacant.
func TestCountConfidence(t *testing.T) {
	env := newVrEnv(t, nil)
	env.stand(t, vrCand{"org-a", "", ""}, vrCand{"org-b", "", ""})
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	a, b := env.noms["org-a"], env.noms["org-b"]
	for i, v := range []map[int64]string{
		{a: "yes", b: "no"}, {a: "yes", b: "no"}, {a: "yes", b: "yes"}, {a: "no", b: "no"}, {b: "abstain"},
	} {
		env.cast(t, "org-"+string(rune('a'+i)), "gold", elections.BallotInput{Votes: v})
	}
	env.closeRound(t, id)
	r := resultOf(t, env.count(t), env.contests["gold"])
	want := &elections.ContestResult{ContestID: env.contests["gold"], RoundID: id, Outcome: elections.OutcomeConfidence,
		RollSize: 5, Voters: 5, Ballots: 5, CountedAt: vrVoting,
		Elected:     []elections.Winner{{Candidate: a, Name: "Ann Acme", Member: "org-a", Seat: "gold-1", TermYears: 2, TermEndsYear: 2028}},
		VacantSeats: []string{"gold-2"}}
	if diff := cmp.Diff(want, r, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Report" }, cmp.Ignore())); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	rep := reportOf(t, r)
	wantCounts := map[string]struct{ Yes, No, Abstain int64 }{"Ann Acme": {3, 1, 1}, "Bob Beta": {1, 3, 1}}
	if rep.Method != "confidence" || !cmp.Equal(rep.Confidence, wantCounts) {
		t.Errorf("report %+v, want the confidence counts %v", rep, wantCounts)
	}
}

// TestCountQuorum voids the Individual contest, where 5 of 12 voted under the charter's
// quorum of 50%, but not the Silver contest, where 1 of 7 voted under its own quorum of 10%.
func TestCountQuorum(t *testing.T) {
	env := newVrEnv(t, func(c *elections.Charter) {
		c.Rules.Quorum = &elections.Quorum{MinTurnoutPercent: 50}
		c.Constituencies[2].Quorum = &elections.Quorum{MinTurnoutPercent: 10}
	})
	env.stand(t, vrIndividualCandidates()...)
	env.stand(t, vrCand{"slv-1", "", ""}, vrCand{"slv-2", "", ""})
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	env.approve(t, "individual", vrIndividuals, vrApprovals[:5]...)
	env.cast(t, "slv-3", "silver", elections.BallotInput{Ranking: env.ranking("slv-2")})
	env.closeRound(t, id)
	rs := env.count(t)
	ind := resultOf(t, rs, env.contests["individual"])
	want := &elections.ContestResult{ContestID: env.contests["individual"], RoundID: id, Outcome: elections.OutcomeContested,
		Void: true, VoidReason: "turnout 5 of 12 (41%) is below the quorum of 50%", RollSize: 12, Voters: 5, Ballots: 5,
		VacantSeats: []string{"individual-1", "individual-2", "individual-3"}, CountedAt: vrVoting}
	if diff := cmp.Diff(want, ind); diff != "" {
		t.Errorf("void result (-want +got):\n%s", diff)
	}
	if slv := resultOf(t, rs, env.contests["silver"]); slv.Void || len(slv.Elected) != 1 || slv.Elected[0].Member != "slv-2" {
		t.Errorf("silver result %+v, want Bea elected with 1 of 7 voters", slv)
	}
	rounds := countedRounds(t, env)
	if r := rounds[[2]int64{env.contests["individual"], id}]; !r.Void || r.VoidReason != want.VoidReason || r.Count != nil || r.ReportSHA256 != "" {
		t.Errorf("void round in election.counted %+v, want void, its reason, no count and no report", r)
	}
	if r := rounds[[2]int64{env.contests["silver"], id}]; r.Count == nil || r.Count.Seats != 1 || r.Count.Seed != hex.EncodeToString(env.roundSeed(t, id)) ||
		r.ReportSHA256 == "" {
		t.Errorf("silver round in election.counted %+v, want its count for one seat with the round's seed", r)
	}
}

// TestCountWithoutVote seats acclaimed candidates (by name, in seat order) and leaves the
// seats of a contest without candidates vacant, without any round.
func TestCountWithoutVote(t *testing.T) {
	env := newVrEnv(t, nil)
	env.stand(t, vrCand{"ind-03", "Cy Dunn", ""}, vrCand{"ind-01", "Ada Byron", ""})
	env.clock.Set(vrVoting)
	rs := env.count(t)
	ind := resultOf(t, rs, env.contests["individual"])
	want := &elections.ContestResult{ContestID: env.contests["individual"], Outcome: elections.OutcomeAcclamation,
		Elected:     []elections.Winner{env.winner("ind-01", "Ada Byron", "individual-1"), env.winner("ind-03", "Cy Dunn", "individual-2")},
		VacantSeats: []string{"individual-3"}, CountedAt: vrVoting}
	if diff := cmp.Diff(want, ind); diff != "" {
		t.Errorf("acclamation (-want +got):\n%s", diff)
	}
	bronze := resultOf(t, rs, env.contests["bronze"])
	if bronze.Outcome != elections.OutcomeNoCandidates || bronze.Elected != nil || !slices.Equal(bronze.VacantSeats, []string{"bronze-1"}) {
		t.Errorf("bronze result %+v, want bronze-1 vacant", bronze)
	}
}

// TestCountAffiliationCap applies a cap of two seats per affiliation: within the Individual
// contest, Cy (a third of Acme) is passed over for Di; with scope board, Acme's two
// Individual seats also pass over Ann of Acme in Silver.
func TestCountAffiliationCap(t *testing.T) {
	for _, tt := range []struct {
		scope  string
		silver string
	}{{elections.CapContest, "slv-1"}, {elections.CapBoard, "slv-2"}} {
		t.Run(tt.scope, func(t *testing.T) {
			env := newVrEnv(t, func(c *elections.Charter) {
				c.Rules.AffiliationCap = &elections.AffiliationCap{Max: 2, Scope: tt.scope}
				c.Constituencies[2].Method = "approval"
			})
			env.stand(t, vrIndividualCandidates("Acme", "Acme", "Acme")...)
			env.stand(t, vrCand{"slv-1", "Ann Silver", "Acme"}, vrCand{"slv-2", "", ""}, vrCand{"slv-3", "", ""})
			env.clock.Set(vrVoting)
			id := env.open(t, elections.RoundInput{}).Round.ID
			// round.opened records the cap, its scope and the candidates' affiliations, by
			// ballot name (those with one), before any ballot is cast.
			opened := boardEvents(t, env.st, elections.EventRoundOpened)
			wantOpened := map[float64]map[string]any{
				float64(env.contests["individual"]): {"affiliation_cap": 2.0, "affiliation_scope": tt.scope,
					"affiliations": map[string]any{"Ada Byron": "Acme", "Ben Cole": "Acme", "Cy Dunn": "Acme"}},
				float64(env.contests["silver"]): {"affiliation_cap": 2.0, "affiliation_scope": tt.scope,
					"affiliations": map[string]any{"Ann Silver": "Acme"}},
			}
			gotOpened := map[float64]map[string]any{}
			for _, b := range decodePayload(t, opened[len(opened)-1])["ballots"].([]any) {
				b := b.(map[string]any)
				gotOpened[b["contest"].(float64)] = map[string]any{"affiliation_cap": b["affiliation_cap"],
					"affiliation_scope": b["affiliation_scope"], "affiliations": b["affiliations"]}
			}
			if diff := cmp.Diff(wantOpened, gotOpened); diff != "" {
				t.Errorf("round.opened ballots' caps and affiliations (-want +got):\n%s", diff)
			}
			env.approve(t, "individual", vrIndividuals, vrApprovals...)
			env.approve(t, "silver", []string{"slv-1", "slv-2", "slv-3", "slv-4"},
				[]string{"slv-1", "slv-2"}, []string{"slv-1", "slv-3"}, []string{"slv-1"}, []string{"slv-2"})
			env.closeRound(t, id)
			rs := env.count(t)
			ind := resultOf(t, rs, env.contests["individual"])
			var members []string
			for _, w := range ind.Elected {
				members = append(members, w.Member)
			}
			if !slices.Equal(members, []string{"ind-01", "ind-02", "ind-04"}) {
				t.Errorf("individual winners %v, want Ada, Ben and Di", members)
			}
			if rep := reportOf(t, ind); len(rep.PassedOver) != 1 || rep.PassedOver[0].Candidate != "Cy Dunn" {
				t.Errorf("passed over %+v, want Cy", rep.PassedOver)
			}
			slv := resultOf(t, rs, env.contests["silver"])
			if len(slv.Elected) != 1 || slv.Elected[0].Member != tt.silver {
				t.Errorf("silver winners %+v, want %s", slv.Elected, tt.silver)
			}
			// The log records the cap, the seats held against it and the affiliations.
			held := map[string]int{}
			if tt.scope == elections.CapBoard {
				held["Acme"] = 2
			}
			slvCount := countedRounds(t, env)[[2]int64{env.contests["silver"], id}].Count
			if slvCount == nil || slvCount.AffiliationCap != 2 || slvCount.Affiliations["Ann Silver"] != "Acme" ||
				!maps.Equal(held, slvCount.AffiliationHeld) {
				t.Errorf("silver count in election.counted %+v, want cap 2, Acme holding %v, Ann Silver of Acme", slvCount, held)
			}
		})
	}
}

// TestCountTermLabels gives the full terms to the earliest winners: of three seats, one is a
// one-year by-election, which goes to the third winner.
func TestCountTermLabels(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	env.stand(t, vrIndividualCandidates()...)
	c, err := env.st.ContestByID(ctx, env.contests["individual"])
	if err != nil {
		t.Fatal(err)
	}
	c.Seats[1] = elections.ContestSeat{Seat: "individual-2", TermYears: 1, TermEndsYear: 2027, ByElection: true, Reason: "test"}
	if err := env.st.UpdateContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	env.approve(t, "individual", vrIndividuals, vrApprovals...)
	env.closeRound(t, id)
	r := resultOf(t, env.count(t), env.contests["individual"])
	short := env.winner("ind-03", "Cy Dunn", "individual-2")
	short.TermYears, short.TermEndsYear = 1, 2027
	want := []elections.Winner{env.winner("ind-01", "Ada Byron", "individual-1"), env.winner("ind-02", "Ben Cole", "individual-3"), short}
	if diff := cmp.Diff(want, r.Elected); diff != "" {
		t.Errorf("winners (-want +got):\n%s", diff)
	}
	wantTerms := []string{"individual-1 (2 years, to 2028)", "individual-3 (2 years, to 2028)", "individual-2 (1 year, to 2027)"}
	if rep := reportOf(t, r); !slices.Equal(rep.Terms, wantTerms) {
		t.Errorf("report terms %q, want %q", rep.Terms, wantTerms)
	}
}

func TestCountRefused(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, env *vrEnv)
		actor elections.Actor
		code  string
		text  string
	}{
		{name: "a member", actor: elections.MemberActor("ind-01", 1), code: elections.EFORBIDDEN, text: "only an election officer"},
		{name: "an auditor", actor: vrAuditor, code: elections.EFORBIDDEN, text: "only an election officer"},
		{name: "campaigning", setup: func(t *testing.T, env *vrEnv) { env.clock.Set(vrCampaign) },
			code: elections.ECONFLICT, text: "the election is in its campaigning phase; the count runs once voting has opened"},
		{name: "a round open", setup: func(t *testing.T, env *vrEnv) { env.open(t, elections.RoundInput{}) },
			code: elections.ECONFLICT, text: "round 1 is open until 2026-06-13 00:00 UTC; close it before the count"},
		{name: "a contest not voted on", setup: func(t *testing.T, env *vrEnv) {
			env.closeRound(t, env.open(t, elections.RoundInput{Contests: []int64{env.contests["gold"]}}).Round.ID)
		}, code: elections.ECONFLICT, text: "the Individual Members contest goes to a vote, but no round has been held for it"},
		{name: "certified", setup: func(t *testing.T, env *vrEnv) {
			env.closeRound(t, env.open(t, elections.RoundInput{}).Round.ID)
			env.count(t)
			if _, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID); err != nil {
				t.Fatal(err)
			}
		}, code: elections.ECONFLICT, text: "the election is in its certified phase; its count is final"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newVrEnv(t, nil)
			vrStandard(t, env)
			env.clock.Set(vrVoting)
			if tt.setup != nil {
				tt.setup(t, env)
			}
			actor := vrOfficer
			if tt.actor != (elections.Actor{}) {
				actor = tt.actor
			}
			env.refused(t, tt.code, tt.text, func() error {
				_, err := env.svc.CountElection(ctx, actor, env.election.ID)
				return err
			})
		})
	}
}

// TestResultsVisibility: officers and auditors see the results once counted, everyone once
// certified; before that the public is told nothing exists.
func TestResultsVisibility(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	member := elections.MemberActor("ind-01", env.election.ID)
	gold := env.contests["gold"]
	check := func(stage string, want map[elections.Actor]string) {
		t.Helper()
		for actor, code := range want {
			rs, err := env.svc.Results(ctx, actor, env.election.ID)
			if elections.ErrorCode(err) != code || (code == "" && len(rs) != 4) {
				t.Errorf("%s: Results(%+v) = %d results, %v; want code %q", stage, actor, len(rs), err, code)
			}
			r, err := env.svc.ContestResult(ctx, actor, gold)
			if elections.ErrorCode(err) != code || (code == "" && r.ContestID != gold) {
				t.Errorf("%s: ContestResult(%+v) = %+v, %v; want code %q", stage, actor, r, err, code)
			}
		}
	}
	check("before the count", map[elections.Actor]string{vrOfficer: elections.ECONFLICT, vrAuditor: elections.ECONFLICT,
		member: elections.ENOTFOUND, vrPublic: elections.ENOTFOUND})
	env.closeRound(t, env.open(t, elections.RoundInput{}).Round.ID)
	env.count(t)
	check("counted", map[elections.Actor]string{vrOfficer: "", vrAuditor: "", member: elections.ENOTFOUND, vrPublic: elections.ENOTFOUND})
	if _, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID); err != nil {
		t.Fatal(err)
	}
	check("certified", map[elections.Actor]string{vrOfficer: "", vrAuditor: "", member: "", vrPublic: ""})
}
