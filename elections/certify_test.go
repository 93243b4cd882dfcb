package elections_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// certifyTerm is a term as certification records it, for comparison.
type certifyTerm struct {
	Seat, Holder, Member, Start, End, Representative string
}

// certifyTermsOf returns terms for comparison.
func certifyTermsOf(terms []elections.Term) []certifyTerm {
	var out []certifyTerm
	for _, t := range terms {
		ct := certifyTerm{Seat: t.Seat, Holder: t.Holder, Member: t.MemberExternalID, Start: t.Start.String(), End: t.End.String()}
		if n := len(t.Representatives); n > 0 {
			ct.Representative = t.Representatives[n-1].Name + " since " + t.Representatives[n-1].Since.String()
		}
		if t.Source != elections.TermElected || t.ElectionYear != 2026 {
			ct.Holder += " (source " + t.Source + ")"
		}
		out = append(out, ct)
	}
	return out
}

// TestCertify seats the counted winners: Individual by approval (individual-1 is held until
// 1 July, after the certification day, so its new term starts then), Gold by a confidence
// vote (an organisation, sitting through its representative; the second seat stays
// vacant), Silver by acclamation; Bronze had no candidates.
func TestCertify(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	env.stand(t, vrIndividualCandidates()...)
	env.stand(t, vrCand{"org-a", "", ""}, vrCand{"slv-1", "", ""})
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	env.approve(t, "individual", vrIndividuals, vrApprovals...)
	env.cast(t, "org-b", "gold", elections.BallotInput{Votes: map[int64]string{env.noms["org-a"]: "yes"}})
	env.closeRound(t, id)
	env.clock.Set(vrCountAt)
	env.count(t)

	env.refused(t, elections.EFORBIDDEN, "only an election officer", func() error {
		_, err := env.svc.CertifyElection(ctx, vrAuditor, env.election.ID)
		return err
	})
	env.clock.Set(vrCertifyAt)
	before := len(rollEvents(t, env.st))
	terms, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []certifyTerm{
		{Seat: "individual-1", Holder: "Ada Byron", Member: "ind-01", Start: "2026-07-01", End: "2028-07-01"},
		{Seat: "individual-2", Holder: "Ben Cole", Member: "ind-02", Start: "2026-06-20", End: "2028-06-20"},
		{Seat: "individual-3", Holder: "Cy Dunn", Member: "ind-03", Start: "2026-06-20", End: "2028-06-20"},
		{Seat: "gold-1", Holder: "Acme", Member: "org-a", Start: "2026-06-20", End: "2028-06-20", Representative: "Ann Acme since 2026-06-20"},
		{Seat: "silver-1", Holder: "Ann Silver", Member: "slv-1", Start: "2026-06-20", End: "2028-06-20"},
	}
	if diff := cmp.Diff(want, certifyTermsOf(terms)); diff != "" {
		t.Errorf("certified terms (-want +got):\n%s", diff)
	}
	e, err := env.svc.Election(ctx, env.election.ID)
	if err != nil || e.Status != elections.StatusCertified {
		t.Fatalf("election %+v, %v; want certified", e, err)
	}

	// The roster shows the winners from their terms' start.
	roster, err := env.svc.Roster(ctx, elections.MustDate("2026-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string]string{}
	for _, s := range roster.Seats {
		if s.Term != nil {
			holders[s.Seat.Key] = s.Term.Holder
		}
	}
	wantHolders := map[string]string{"individual-1": "Ada Byron", "individual-2": "Ben Cole", "individual-3": "Cy Dunn",
		"gold-1": "Acme", "silver-1": "Ann Silver"}
	if diff := cmp.Diff(wantHolders, holders); diff != "" {
		t.Errorf("roster on 2026-07-01 (-want +got):\n%s", diff)
	}
	if r, err := env.svc.Roster(ctx, elections.MustDate("2026-06-30")); err != nil || r.Seats[0].Term.Holder != "Lou Moss" {
		t.Errorf("individual-1 on 2026-06-30: %+v, %v; want Lou Moss's term until 1 July", r.Seats[0].Term, err)
	}

	events := rollEvents(t, env.st)[before:]
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	wantKinds := append(slices.Repeat([]string{elections.EventTermRecorded}, 5), elections.EventElectionCertified)
	if !slices.Equal(kinds, wantKinds) {
		t.Fatalf("events %v, want %v", kinds, wantKinds)
	}
	p := decodePayload(t, events[5])
	if p["election"] != float64(env.election.ID) || len(p["terms"].([]any)) != 5 ||
		!cmp.Equal(p["vacant_seats"], []any{"gold-2", "bronze-1"}) {
		t.Errorf("election.certified payload %v, want five terms and gold-2, bronze-1 vacant", p)
	}
	// Each term names the winner it seats: for gold-1 the organisation holds the seat, and
	// its representative was the candidate on the ballot.
	for _, term := range p["terms"].([]any) {
		term := term.(map[string]any)
		if term["seat"] == "gold-1" && (term["name"] != "Ann Acme" || term["holder"] == term["name"] || term["candidate"] == float64(0)) {
			t.Errorf("election.certified term of gold-1: %v; want the holder and the candidate Ann Acme", term)
		}
	}
	if rec := decodePayload(t, events[3]); rec["seat"] != "gold-1" || rec["representative"] != "Ann Acme" || rec["source"] != "election" {
		t.Errorf("seat.term_recorded of gold-1: %v", rec)
	}

	env.refused(t, elections.ECONFLICT, "the election is in its certified phase; it was certified already", func() error {
		_, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID)
		return err
	})
	if rs, err := env.svc.Results(ctx, vrPublic, env.election.ID); err != nil || len(rs) != 4 {
		t.Errorf("public results after the certification: %d, %v; want 4", len(rs), err)
	}
}

func TestCertifyRefused(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	certify := func() error {
		_, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID)
		return err
	}
	env.refused(t, elections.ECONFLICT, "the election is in its voting phase; an election is certified after its count", certify)
	env.refused(t, elections.EFORBIDDEN, "only an election officer", func() error {
		_, err := env.svc.CertifyElection(ctx, elections.MemberActor("ind-01", env.election.ID), env.election.ID)
		return err
	})
	// A seat held by a term that starts after the count cannot be filled over it.
	env.closeRound(t, env.open(t, elections.RoundInput{}).Round.ID)
	env.count(t)
	if _, err := env.svc.RecordTerm(ctx, vrOfficer, elections.TermInput{Seat: "silver-1", Holder: "Somebody Else",
		Start: elections.MustDate("2027-01-01"), Years: 1}); err != nil {
		t.Fatal(err)
	}
	env.refused(t, elections.ECONFLICT, "seat silver-1 is held by Somebody Else from 2027-01-01", certify)
}

// TestRunoff follows a tie the seed broke to a runoff (charter rule RunoffOnTie): Ada 8 and
// Ben 6 take two of the three Individual seats, Cy and Di tie on 4 for the third. The
// certification waits for the runoff, in which Di wins; Ada and Ben keep their seats.
func TestRunoff(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, func(c *elections.Charter) { c.Rules.RunoffOnTie = true })
	env.stand(t, vrIndividualCandidates()...)
	env.stand(t, vrCand{"org-a", "", ""}, vrCand{"org-b", "", ""}, vrCand{"org-c", "", ""})
	env.clock.Set(vrVoting)
	first := env.open(t, elections.RoundInput{}).Round.ID
	env.approve(t, "individual", vrIndividuals,
		[]string{"ind-01", "ind-02", "ind-03"}, []string{"ind-01", "ind-02", "ind-03"}, []string{"ind-01", "ind-02", "ind-03"},
		[]string{"ind-01", "ind-02", "ind-04"}, []string{"ind-01", "ind-02", "ind-04"}, []string{"ind-01", "ind-02", "ind-05"},
		[]string{"ind-01", "ind-03", "ind-04"}, []string{"ind-01", "ind-04"})
	env.cast(t, "org-a", "gold", elections.BallotInput{Ranking: env.ranking("org-a", "org-b")})
	env.closeRound(t, first)
	env.clock.Set(vrCountAt)
	rs := env.count(t)

	ind := env.contests["individual"]
	r := resultOf(t, rs, ind)
	cy, di := env.noms["ind-03"], env.noms["ind-04"]
	rep := reportOf(t, r)
	if len(rep.Ties) != 1 || rep.Ties[0].Rule != "seed" || !slices.Equal(rep.Ties[0].Tied, []string{"Cy Dunn", "Di Eads"}) {
		t.Fatalf("ties %+v, want Cy and Di broken by the seed", rep.Ties)
	}
	wantNeed := &elections.RunoffNeed{Candidates: []int64{cy, di}, Seats: 1,
		Tie: "round 1: Cy Dunn, Di Eads tied; the seed chose " + rep.Ties[0].Chosen + " (elect)"}
	wantElected := []elections.Winner{env.winner("ind-01", "Ada Byron", "individual-1"), env.winner("ind-02", "Ben Cole", "individual-2")}
	if diff := cmp.Diff(wantNeed, r.Runoff); diff != "" || !cmp.Equal(wantElected, r.Elected) || r.VacantSeats != nil {
		t.Errorf("runoff (-want +got):\n%s\nelected %+v, vacant %v; want Ada and Ben, the tied seat in neither", diff, r.Elected, r.VacantSeats)
	}
	if g := resultOf(t, rs, env.contests["gold"]); g.Runoff != nil {
		t.Errorf("gold result %+v needs no runoff", g)
	}

	certify := func() error {
		_, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID)
		return err
	}
	env.refused(t, elections.ECONFLICT, "the Individual Members contest awaits a runoff (round 1: Cy Dunn, Di Eads tied", certify)
	openRunoff := func(ids ...int64) func() error {
		return func() error {
			_, err := env.svc.OpenRound(ctx, vrOfficer, env.election.ID, elections.RoundInput{Runoff: true, Contests: ids})
			return err
		}
	}
	env.refused(t, elections.ECONFLICT, "the count of the Gold Members contest needs no runoff", openRunoff(env.contests["gold"]))
	env.refused(t, elections.EINVALID, "a runoff round is for one contest, not 2", openRunoff(ind, env.contests["gold"]))
	env.refused(t, elections.ECONFLICT, "the election is in its counted phase; a voting round opens only in the voting phase", func() error {
		_, err := env.svc.OpenRound(ctx, vrOfficer, env.election.ID, elections.RoundInput{})
		return err
	})

	// The runoff: Cy and Di on the frozen roll of the first round, for one seat.
	frozen := len(boardEvents(t, env.st, elections.EventRollFrozen))
	v := env.open(t, elections.RoundInput{Runoff: true})
	if !v.Round.Runoff || v.Round.Number != 2 || !slices.Equal(v.Round.ContestIDs, []int64{ind}) || !v.Round.ClosesAt.Equal(vrCountAt.Add(7*24*time.Hour)) {
		t.Errorf("runoff round %+v, want round 2 of Individual for seven days", v.Round)
	}
	rb := v.Ballots[0]
	if rb.Method != "approval" || rb.Seats != 1 || rb.MaxMarks != 2 || len(rb.Candidates) != 2 || rb.Candidates[0].ID != cy || rb.Candidates[1].ID != di {
		t.Errorf("runoff ballot %+v, want Cy and Di by approval for one seat", rb)
	}
	// round.opened records the runoff's ballot: the tied seat, between the tied candidates.
	opened := boardEvents(t, env.st, elections.EventRoundOpened)
	var logged struct {
		Ballots []struct {
			Contest    int64    `json:"contest"`
			Method     string   `json:"method"`
			Seats      int      `json:"seats"`
			Candidates []string `json:"candidates"`
		} `json:"ballots"`
	}
	if err := json.Unmarshal(opened[len(opened)-1].Payload, &logged); err != nil {
		t.Fatal(err)
	}
	if b := logged.Ballots; len(b) != 1 || b[0].Contest != ind || b[0].Method != "approval" || b[0].Seats != 1 ||
		!slices.Equal(b[0].Candidates, []string{"Cy Dunn", "Di Eads"}) {
		t.Errorf("round.opened ballots of the runoff %+v, want Individual by approval for one seat between Cy and Di", b)
	}
	if n := len(boardEvents(t, env.st, elections.EventRollFrozen)); n != frozen {
		t.Errorf("%d roll.frozen events after the runoff opened, want %d: the roll stays frozen", n, frozen)
	}
	env.refused(t, elections.ECONFLICT, "the runoff of the Individual Members contest has opened already", openRunoff())
	env.refused(t, elections.ECONFLICT, "round 2 is open until", certify)
	env.refused(t, elections.ECONFLICT, "round 2 is open until", func() error {
		_, err := env.svc.CountElection(ctx, vrOfficer, env.election.ID)
		return err
	})
	env.approve(t, "individual", vrIndividuals, []string{"ind-04"}, []string{"ind-04"}, []string{"ind-03"}, []string{"ind-04"})
	env.closeRound(t, v.Round.ID)
	rs = env.count(t)

	final := resultOf(t, rs, ind)
	wantElected = append(wantElected, env.winner("ind-04", "Di Eads", "individual-3"))
	if diff := cmp.Diff(wantElected, final.Elected); diff != "" || final.RoundID != v.Round.ID || final.Runoff != nil || final.Voters != 4 {
		t.Errorf("final result %+v; winners (-want +got):\n%s", final, diff)
	}
	if rep := reportOf(t, final); rep.Seats != 1 || !slices.Equal(rep.Elected, []string{"Di Eads"}) ||
		!slices.Equal(rep.Terms, []string{"individual-3 (2 years, to 2028)"}) {
		t.Errorf("runoff report %+v, want Di elected to individual-3", rep)
	}
	var perContest int
	for _, x := range rs {
		if x.ContestID == ind {
			perContest++
		}
	}
	if perContest != 2 || !bytes.Equal(rs[0].Report, r.Report) {
		t.Errorf("%d results of Individual, want the first count's (unchanged) and the runoff's", perContest)
	}

	// The log records both counts of Individual: the first round's for three seats, the
	// runoff's for the tied one, each with its round's seed.
	rounds := countedRounds(t, env)
	if c := rounds[[2]int64{ind, first}].Count; c == nil || c.Seats != 3 || c.Seed != hex.EncodeToString(env.roundSeed(t, first)) {
		t.Errorf("first round's count in election.counted %+v, want three seats with its seed", c)
	}
	if c := rounds[[2]int64{ind, v.Round.ID}].Count; c == nil || c.Seats != 1 || c.Seed != hex.EncodeToString(env.roundSeed(t, v.Round.ID)) ||
		!slices.Equal(c.TermLabels, []string{"individual-3 (2 years, to 2028)"}) {
		t.Errorf("runoff's count in election.counted %+v, want one seat, individual-3, with its seed", c)
	}
	// Its final result names every winner of Individual: those of the first round in their
	// places, then the runoff's.
	counted := boardEvents(t, env.st, elections.EventElectionCounted)
	var countedResults struct {
		Results []struct {
			Contest int64                     `json:"contest"`
			Round   int64                     `json:"round"`
			Winners []elections.CountedWinner `json:"winners"`
		} `json:"results"`
	}
	if err := json.Unmarshal(counted[len(counted)-1].Payload, &countedResults); err != nil {
		t.Fatal(err)
	}
	wantWinners := []elections.CountedWinner{
		{Candidate: env.noms["ind-01"], Name: "Ada Byron", Seat: "individual-1", TermYears: 2, TermEndsYear: 2028},
		{Candidate: env.noms["ind-02"], Name: "Ben Cole", Seat: "individual-2", TermYears: 2, TermEndsYear: 2028},
		{Candidate: di, Name: "Di Eads", Seat: "individual-3", TermYears: 2, TermEndsYear: 2028},
	}
	if res := countedResults.Results; len(res) == 0 || res[0].Contest != ind || res[0].Round != v.Round.ID {
		t.Errorf("election.counted results %+v, want Individual's runoff first", res)
	} else if diff := cmp.Diff(wantWinners, res[0].Winners); diff != "" {
		t.Errorf("election.counted winners of Individual (-want +got):\n%s", diff)
	}

	// Counting again gives the same reports; then the certification seats Di.
	again := env.count(t)
	for i := range rs {
		if !bytes.Equal(rs[i].Report, again[i].Report) {
			t.Errorf("result %d: the report counted again differs", i)
		}
	}
	env.clock.Set(vrCertifyAt)
	terms, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	var seated []string
	for _, tm := range terms {
		seated = append(seated, tm.Seat+" "+tm.MemberExternalID)
	}
	if got := strings.Join(seated, ", "); got != "individual-1 ind-01, individual-2 ind-02, individual-3 ind-04, gold-1 org-a, gold-2 org-b" {
		t.Errorf("seated %s", got)
	}
}
