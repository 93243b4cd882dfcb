package elections_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// The board, members and 2026 election of the voting tests (rounds, count, certification).
// Four constituencies are up in 2026, all in cycle with two-year terms to 2028: Individual
// (3 seats, approval, acclamation when uncontested), Gold (2 seats, meek, a confidence vote
// when uncontested; organisations voting through their representatives), Silver (1 seat,
// irv) and Bronze (1 seat, plurality). Every member is eligible. individual-1 is held until
// 2026-07-01, after the certification day of these tests.

// Instants of the voting tests' calendar (nominations 2–15 May, voting 30 May–12 June, utc).
var (
	vrSetupAt    = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	vrNominating = time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC)
	vrCampaign   = time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)
	vrVoting     = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	// vrClosesAt is the default close of a round: the end of the voting_close day.
	vrClosesAt  = time.Date(2026, 6, 13, 0, 0, 0, 0, time.UTC)
	vrCountAt   = time.Date(2026, 6, 14, 9, 0, 0, 0, time.UTC)
	vrCertifyAt = time.Date(2026, 6, 20, 10, 0, 0, 0, time.UTC)
)

// The officers, an auditor and the public of the voting tests.
var (
	vrOfficer = elections.Actor{Kind: elections.ActorUser, ID: 5, Role: elections.RoleOfficer}
	vrAuditor = elections.Actor{Kind: elections.ActorUser, ID: 6, Role: elections.RoleAuditor}
	vrPublic  = elections.Actor{}
)

// vrCharter is the board of the voting tests, in force since 2024.
func vrCharter() *elections.Charter {
	k := func(key, name string, seats int, method string, unc elections.UncontestedPolicy) elections.Constituency {
		return elections.Constituency{Key: key, Name: name, Category: "Test", Seats: seats, Seating: elections.SeatingElected,
			Method: method, Uncontested: unc, Eligibility: elections.Eligibility{Rule: elections.EligibleByMembership}}
	}
	return &elections.Charter{
		EffectiveFrom: elections.MustDate("2024-01-01"), Name: "Vote Board", Currency: "USD", TermYears: 2, FirstElection: 2024,
		Rules: elections.CharterRules{OneConstituencyPerNominee: true},
		Constituencies: []elections.Constituency{
			k("individual", "Individual Members", 3, "approval", elections.Acclamation),
			k("gold", "Gold Members", 2, "meek", elections.ConfidenceVote),
			k("silver", "Silver Members", 1, "irv", elections.Acclamation),
			k("bronze", "Bronze Members", 1, "plurality", elections.Acclamation),
		},
	}
}

// vrMembers returns the members: ind-01…ind-12, slv-1…slv-7, brz-1 (people) and the Gold
// organisations org-a…org-e, each with a representative.
func vrMembers() []elections.MemberInput {
	var rows []elections.MemberInput
	person := func(id, name, constituency string) {
		rows = append(rows, elections.MemberInput{ExternalID: id, Kind: "person", Name: name,
			Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org", Constituency: constituency, Joined: "2024-01-01"})
	}
	for i, name := range []string{"Ada Byron", "Ben Cole", "Cy Dunn", "Di Eads", "Ed Fay", "Flo Gale", "Gus Hale",
		"Hal Ives", "Ivy Jones", "Jo King", "Kit Lane", "Lou Moss"} {
		person("ind-"+two(i+1), name, "individual")
	}
	for i, name := range []string{"Ann Silver", "Bea Silver", "Col Silver", "Dan Silver", "Eli Silver", "Fay Silver", "Gil Silver"} {
		person("slv-"+string(rune('1'+i)), name, "silver")
	}
	person("brz-1", "Bram Bronze", "bronze")
	for _, o := range []struct{ id, name, rep string }{
		{"org-a", "Acme", "Ann Acme"}, {"org-b", "Beta", "Bob Beta"}, {"org-c", "Cora", "Cid Cora"},
		{"org-d", "Delta", "Dot Delta"}, {"org-e", "Echo", "Eve Echo"},
	} {
		rows = append(rows, elections.MemberInput{ExternalID: o.id, Kind: "organisation", Name: o.name, Constituency: "gold",
			Joined: "2024-01-01", RepresentativeName: o.rep, RepresentativeEmail: strings.ToLower(strings.ReplaceAll(o.rep, " ", ".")) + "@example.org",
			RepresentativeSince: "2024-01-01"})
	}
	return rows
}

// two writes n with two digits.
func two(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

// vrEnv is a service with the voting tests' board, members and 2026 election.
type vrEnv struct {
	svc      *elections.Service
	st       *electionstest.Store
	clock    *electionstest.Clock
	election *elections.Election
	// contests are the contest IDs by constituency key.
	contests map[string]int64
	// noms are the nomination IDs by nominee.
	noms map[string]int64
}

// newVrEnv returns the environment, with the charter changed by charter (when not nil), its
// clock in the nominations phase.
func newVrEnv(t *testing.T, charter func(*elections.Charter)) *vrEnv {
	t.Helper()
	ctx := context.Background()
	env := &vrEnv{st: electionstest.NewStore(), clock: electionstest.NewClock(vrSetupAt), noms: map[string]int64{}}
	svc, err := elections.NewService(env.st, env.clock, &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	env.svc = svc
	ch := vrCharter()
	if charter != nil {
		charter(ch)
	}
	if _, _, err := svc.ApplyCharter(ctx, vrOfficer, ch); err != nil {
		t.Fatalf("ApplyCharter: %v", err)
	}
	src := elections.ImportSource{Name: "request", SHA256: "x", Format: "json"}
	if _, err := svc.ImportMembers(ctx, vrOfficer, vrMembers(), src); err != nil {
		t.Fatalf("ImportMembers: %v", err)
	}
	if _, err := svc.RecordTerm(ctx, vrOfficer, elections.TermInput{Seat: "individual-1", Member: "ind-12",
		Start: elections.MustDate("2024-07-01"), Years: 2, Source: elections.TermElected}); err != nil {
		t.Fatalf("RecordTerm: %v", err)
	}
	d := elections.MustDate
	e, err := svc.CreateElection(ctx, vrOfficer, elections.ElectionInput{Year: 2026, Schedule: elections.Schedule{
		NominationsOpen: d("2026-05-02"), NominationsClose: d("2026-05-15"), VotingOpen: d("2026-05-30"), VotingClose: d("2026-06-12"),
	}})
	if err != nil {
		t.Fatalf("CreateElection: %v", err)
	}
	env.election, env.contests = e, map[string]int64{}
	for _, c := range e.Contests {
		env.contests[c.Constituency] = c.ID
	}
	if len(env.contests) != 4 {
		t.Fatalf("contests %v, want four", env.contests)
	}
	env.clock.Set(vrNominating)
	return env
}

// vrCand is a candidate: the nominee and the profile's display name and affiliation.
type vrCand struct{ member, name, affiliation string }

// stand makes each candidate nominate themselves and an officer accept the nomination.
func (env *vrEnv) stand(t *testing.T, cands ...vrCand) {
	t.Helper()
	ctx := context.Background()
	for _, c := range cands {
		n, err := env.svc.Nominate(ctx, elections.MemberActor(c.member, env.election.ID), env.election.ID, elections.NominationInput{
			Nominee: c.member, Profile: elections.CandidateProfile{DisplayName: c.name, Affiliation: c.affiliation}})
		if err != nil {
			t.Fatalf("Nominate(%s): %v", c.member, err)
		}
		if _, err := env.svc.AcceptNomination(ctx, vrOfficer, n.ID, "eligible"); err != nil {
			t.Fatalf("AcceptNomination(%s): %v", c.member, err)
		}
		env.noms[c.member] = n.ID
	}
}

// ids returns the nomination IDs of members.
func (env *vrEnv) ids(members ...string) []int64 {
	out := make([]int64, len(members))
	for i, m := range members {
		out[i] = env.noms[m]
	}
	return out
}

// ranking returns a ranking of members, best first, one per rank.
func (env *vrEnv) ranking(members ...string) [][]int64 {
	out := make([][]int64, len(members))
	for i, m := range members {
		out[i] = []int64{env.noms[m]}
	}
	return out
}

// open opens a round and fails the test on an error.
func (env *vrEnv) open(t *testing.T, in elections.RoundInput) *elections.RoundView {
	t.Helper()
	v, err := env.svc.OpenRound(context.Background(), vrOfficer, env.election.ID, in)
	if err != nil {
		t.Fatalf("OpenRound(%+v): %v", in, err)
	}
	return v
}

// cast casts member's ballot in contest key and fails the test on an error.
func (env *vrEnv) cast(t *testing.T, member, key string, in elections.BallotInput) *elections.CastResult {
	t.Helper()
	r, err := env.svc.CastBallot(context.Background(), elections.MemberActor(member, env.election.ID), env.contests[key], in)
	if err != nil {
		t.Fatalf("CastBallot(%s in %s): %v", member, key, err)
	}
	return r
}

// approve casts, for each ballot, the approval of the candidates it lists, by voters taken
// in order from members.
func (env *vrEnv) approve(t *testing.T, key string, members []string, ballots ...[]string) {
	t.Helper()
	for i, b := range ballots {
		in := elections.BallotInput{Marks: env.ids(b...)}
		if len(b) == 0 {
			in = elections.BallotInput{Abstain: true}
		}
		env.cast(t, members[i], key, in)
	}
}

// closeRound closes a round and fails the test on an error.
func (env *vrEnv) closeRound(t *testing.T, id int64) *elections.RoundView {
	t.Helper()
	v, err := env.svc.CloseRound(context.Background(), vrOfficer, id)
	if err != nil {
		t.Fatalf("CloseRound(%d): %v", id, err)
	}
	return v
}

// count counts the election and fails the test on an error.
func (env *vrEnv) count(t *testing.T) []elections.ContestResult {
	t.Helper()
	rs, err := env.svc.CountElection(context.Background(), vrOfficer, env.election.ID)
	if err != nil {
		t.Fatalf("CountElection: %v", err)
	}
	return rs
}

// vrIndividuals are the Individual members, in order.
var vrIndividuals = []string{"ind-01", "ind-02", "ind-03", "ind-04", "ind-05", "ind-06", "ind-07", "ind-08",
	"ind-09", "ind-10", "ind-11", "ind-12"}

// vrState is what a refused action must leave as it was.
type vrState struct {
	Elections []elections.Election
	Events    []elections.Event
	Rounds    []elections.Round
	Ballots   [][]elections.RoundBallot
	Results   []elections.ContestResult
	Terms     []elections.Term
	Secret    []byte
}

// snapshot returns the state of the environment's store.
func (env *vrEnv) snapshot(t *testing.T) vrState {
	t.Helper()
	ctx := context.Background()
	var s vrState
	var err error
	if s.Elections, err = env.st.ListElections(ctx); err != nil {
		t.Fatal(err)
	}
	s.Events = rollEvents(t, env.st)
	if s.Rounds, err = env.st.Rounds(ctx, env.election.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Rounds {
		rbs, err := env.st.RoundBallots(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.Ballots = append(s.Ballots, rbs)
	}
	if s.Results, err = env.st.Results(ctx, env.election.ID); err != nil {
		t.Fatal(err)
	}
	if s.Terms, err = env.st.Terms(ctx, elections.TermFilter{}); err != nil {
		t.Fatal(err)
	}
	if s.Secret, err = env.st.ElectionSecret(ctx, env.election.ID); err != nil && elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Fatal(err)
	}
	return s
}

// refused checks that f's error has code and a message containing text, and that f changed
// nothing in the store.
func (env *vrEnv) refused(t *testing.T, code, text string, f func() error) {
	t.Helper()
	before := env.snapshot(t)
	checkRefusal(t, f(), code, text)
	if after := env.snapshot(t); !reflect.DeepEqual(before, after) {
		t.Errorf("state changed (-before +after):\n%s", cmp.Diff(before, after, boardDates))
	}
}

// vrStandard puts up the candidates of TestOpenRound: four in Individual (two sharing a
// name; contested), two in Gold (a confidence vote), one in Silver (acclaimed), none in
// Bronze.
func vrStandard(t *testing.T, env *vrEnv) {
	t.Helper()
	env.stand(t, vrCand{"ind-04", "Di Eads", ""}, vrCand{"ind-01", "Ada Byron", ""}, vrCand{"ind-02", "Ada Byron", "Acme"},
		vrCand{"ind-03", "bo cole", ""},
		vrCand{"org-a", "", ""}, vrCand{"org-b", "", ""}, vrCand{"slv-1", "", ""})
}

// decodePayload decodes an event's payload.
func decodePayload(t *testing.T, e elections.Event) map[string]any {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		t.Fatalf("event %s payload %s: %v", e.Kind, e.Payload, err)
	}
	return p
}
