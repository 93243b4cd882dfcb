package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// The board, members and 2026 election of the nomination and access-code tests. The board
// is small: Individual Members (the Matrix donation rule) and Gold Members are up in 2026;
// the single Silver seat is held until 2027, so Silver has no contest. The charter limits
// members to two consecutive terms and one constituency per nominee.

// Instants of the 2026 calendar (nominations 2–15 May, voting 30 May–12 June, utc).
var (
	nomSetupAt   = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	nomAnnounced = time.Date(2026, 4, 20, 10, 0, 0, 0, time.UTC)
	nomOpen      = time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC)
	nomCampaign  = time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)
	nomVoting    = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
)

// nomOfficer is the officer of these tests.
var nomOfficer = elections.Actor{Kind: elections.ActorUser, ID: 3, Role: elections.RoleOfficer}

// nomAuditor is an auditor.
var nomAuditor = elections.Actor{Kind: elections.ActorUser, ID: 4, Role: elections.RoleAuditor}

// nomCharter is the board of these tests, in force since 2020.
func nomCharter() *elections.Charter {
	membership := elections.Eligibility{Rule: elections.EligibleByMembership}
	return &elections.Charter{
		EffectiveFrom: elections.MustDate("2020-01-01"), Name: "Test Board", Currency: "USD",
		TermYears: 2, FirstElection: 2020,
		Rules: elections.CharterRules{OneConstituencyPerNominee: true,
			TermLimit: &elections.TermLimit{MaxConsecutiveTerms: 2}},
		Constituencies: []elections.Constituency{
			{Key: "individual", Name: "Individual Members", Category: "Community", Seats: 2,
				Seating: elections.SeatingElected, Method: "meek", Uncontested: elections.Acclamation,
				Eligibility: elections.Eligibility{Rule: elections.EligibleByDonation, MinDonation: 60_00,
					WindowStart: elections.MonthDay{Month: time.April, Day: 20}}},
			{Key: "gold", Name: "Gold Members", Category: "Funder", Seats: 2, Seating: elections.SeatingElected,
				Method: "meek", Uncontested: elections.Acclamation, Eligibility: membership},
			{Key: "silver", Name: "Silver Members", Category: "Funder", Seats: 1, Seating: elections.SeatingElected,
				Cohort: 1, Method: "meek", Uncontested: elections.Acclamation, Eligibility: membership},
		},
	}
}

// nomMemberRows are the members: in Individual, Ada, Cy, Dee and Eve are eligible and Bob
// (45.00 donated) is not; in Gold, Acme is represented by Dee (the same person as ind-0004,
// by e-mail), Beta by Bea, and Norep has no representative; Sam is a Silver member.
var nomMemberRows = []elections.MemberInput{
	{ExternalID: "ind-0001", Kind: "person", Name: "Ada Lovelace", Email: "ada@example.org", Constituency: "individual", Joined: "2024-03-01"},
	{ExternalID: "ind-0002", Kind: "person", Name: "Bob Dobbs", Email: "bob@example.org", Constituency: "individual", Joined: "2024-03-01"},
	{ExternalID: "ind-0003", Kind: "person", Name: "Cy Young", Email: "cy@example.org", Constituency: "individual", Joined: "2024-03-01"},
	{ExternalID: "ind-0004", Kind: "person", Name: "Dee Dee", Email: "Dee@Example.org", Constituency: "individual", Joined: "2024-03-01"},
	{ExternalID: "ind-0005", Kind: "person", Name: "Eve Online", Email: "eve@example.org", Constituency: "individual", Joined: "2020-03-01"},
	{ExternalID: "org-acme", Kind: "organisation", Name: "Acme Corp", Constituency: "gold", Joined: "2023-01-01",
		RepresentativeName: "Dee Dee", RepresentativeEmail: "dee@example.org", RepresentativeSince: "2024-01-01"},
	{ExternalID: "org-beta", Kind: "organisation", Name: "Beta Org", Constituency: "gold", Joined: "2023-01-01",
		RepresentativeName: "Bea Beta", RepresentativeEmail: "bea@beta.example", RepresentativeSince: "2024-01-01"},
	{ExternalID: "org-norep", Kind: "organisation", Name: "Norep Ltd", Constituency: "gold", Joined: "2023-01-01"},
	{ExternalID: "slv-0001", Kind: "person", Name: "Sam Silver", Email: "sam@example.org", Constituency: "silver", Joined: "2023-01-01"},
}

// nomDonationRows are the Individual Members' donations in the 2026 window.
var nomDonationRows = []elections.DonationInput{
	{ExternalID: "d-1", Member: "ind-0001", Amount: "60.00", Currency: "USD", Date: "2025-12-01"},
	{ExternalID: "d-2", Member: "ind-0002", Amount: "45.00", Currency: "USD", Date: "2025-12-01"},
	{ExternalID: "d-3", Member: "ind-0003", Amount: "100.00", Currency: "USD", Date: "2026-01-10"},
	{ExternalID: "d-4", Member: "ind-0004", Amount: "75.00", Currency: "USD", Date: "2025-05-01"},
	{ExternalID: "d-5", Member: "ind-0005", Amount: "60.00", Currency: "USD", Date: "2026-03-01"},
}

// nomEnv is a service with the board, members and 2026 election of these tests.
type nomEnv struct {
	svc      *elections.Service
	st       *electionstest.Store
	clock    *electionstest.Clock
	election *elections.Election
	// contests are the contest IDs by constituency key.
	contests map[string]int64
}

// member returns the actor of member id signed in for the environment's election.
func (env *nomEnv) member(id string) elections.Actor {
	return elections.MemberActor(id, env.election.ID)
}

// newNomEnv returns the environment with Eve (ind-0005) holding two consecutive terms of
// individual-1 (2022–2026) and the Silver seat held until 2027, its clock at nominations.
func newNomEnv(t *testing.T) *nomEnv {
	t.Helper()
	return newNomEnvWith(t, nil, nil)
}

// newNomEnvWith is newNomEnv with the charter changed by charter and more terms recorded
// before the election is created.
func newNomEnvWith(t *testing.T, charter func(*elections.Charter), terms []elections.TermInput) *nomEnv {
	t.Helper()
	ctx := context.Background()
	env := &nomEnv{st: electionstest.NewStore(), clock: electionstest.NewClock(nomSetupAt)}
	svc, err := elections.NewService(env.st, env.clock, &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	env.svc = svc
	ch := nomCharter()
	if charter != nil {
		charter(ch)
	}
	if _, _, err := svc.ApplyCharter(ctx, nomOfficer, ch); err != nil {
		t.Fatalf("ApplyCharter: %v", err)
	}
	src := elections.ImportSource{Name: "request", SHA256: "x", Format: "json"}
	if _, err := svc.ImportMembers(ctx, nomOfficer, nomMemberRows, src); err != nil {
		t.Fatalf("ImportMembers: %v", err)
	}
	if _, err := svc.ImportDonations(ctx, nomOfficer, nomDonationRows, src); err != nil {
		t.Fatalf("ImportDonations: %v", err)
	}
	for _, in := range append([]elections.TermInput{
		{Seat: "individual-1", Member: "ind-0005", Start: elections.MustDate("2022-06-01"), Years: 2, Source: elections.TermElected},
		{Seat: "individual-1", Member: "ind-0005", Start: elections.MustDate("2024-06-01"), Years: 2, Source: elections.TermElected},
		{Seat: "silver-1", Holder: "Sid Held", Start: elections.MustDate("2025-06-01"), Years: 2, Source: elections.TermElected},
	}, terms...) {
		if _, err := svc.RecordTerm(ctx, nomOfficer, in); err != nil {
			t.Fatalf("RecordTerm %s: %v", in.Seat, err)
		}
	}
	d := elections.MustDate
	e, err := svc.CreateElection(ctx, nomOfficer, elections.ElectionInput{Year: 2026, Schedule: elections.Schedule{
		NominationsOpen: d("2026-05-02"), NominationsClose: d("2026-05-15"), VotingOpen: d("2026-05-30"), VotingClose: d("2026-06-12"),
	}})
	if err != nil {
		t.Fatalf("CreateElection: %v", err)
	}
	env.election, env.contests = e, make(map[string]int64)
	for _, c := range e.Contests {
		env.contests[c.Constituency] = c.ID
	}
	if _, ok := env.contests["silver"]; ok || len(env.contests) != 2 {
		t.Fatalf("contests %v, want individual and gold", env.contests)
	}
	env.clock.Set(nomOpen)
	return env
}

// nominate makes a nomination and fails the test on an error.
func (env *nomEnv) nominate(t *testing.T, by, nominee string, p elections.CandidateProfile) *elections.Nomination {
	t.Helper()
	n, err := env.svc.Nominate(context.Background(), env.member(by), env.election.ID, elections.NominationInput{Nominee: nominee, Profile: p})
	if err != nil {
		t.Fatalf("Nominate(%s by %s): %v", nominee, by, err)
	}
	return n
}

// events returns every audit event after the first `after`.
func (env *nomEnv) events(t *testing.T, after int) []elections.Event {
	t.Helper()
	es, err := env.st.ListEvents(context.Background(), elections.EventFilter{AfterID: int64(after), Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// eventCount returns the number of audit events.
func (env *nomEnv) eventCount(t *testing.T) int { return len(env.events(t, 0)) }

// nominations returns every nomination of the election.
func (env *nomEnv) nominations(t *testing.T) []elections.Nomination {
	t.Helper()
	ns, err := env.svc.ElectionNominations(context.Background(), env.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// setStatus marks the election counted or certified, as the count (a later issue) will.
func (env *nomEnv) setStatus(t *testing.T, status elections.ElectionStatus) {
	t.Helper()
	ctx := context.Background()
	e, err := env.st.ElectionByID(ctx, env.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Status = status
	if err := env.st.UpdateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
}

// nomEvent is an event's kind, actor and decoded payload.
type nomEvent struct {
	Kind    string
	Actor   string
	Payload map[string]any
}

// nomEvents decodes events for comparison, checking that they happened at at.
func nomEvents(t *testing.T, es []elections.Event, at time.Time) []nomEvent {
	t.Helper()
	var out []nomEvent
	for _, e := range es {
		if !e.At.Equal(at) {
			t.Errorf("event %s at %v, want %v", e.Kind, e.At, at)
		}
		var p map[string]any
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("event %s payload %s: %v", e.Kind, e.Payload, err)
		}
		out = append(out, nomEvent{Kind: e.Kind, Actor: e.Actor, Payload: p})
	}
	return out
}

// nomError is the code, message and details of a domain error, for comparison.
type nomError struct {
	Code    string
	Message string
	Details []string
}

// nomErrorOf returns err as a nomError ("" code for nil).
func nomErrorOf(t *testing.T, err error) nomError {
	t.Helper()
	if err == nil {
		return nomError{}
	}
	var e *elections.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *elections.Error", err)
	}
	return nomError{Code: e.Code, Message: e.Message, Details: e.Details}
}

// checkRefusal checks that err has code want and, when wantText is set, that its message
// contains it.
func checkRefusal(t *testing.T, err error, want, wantText string) {
	t.Helper()
	got := nomErrorOf(t, err)
	if got.Code != want {
		t.Fatalf("error %+v, want code %q", got, want)
	}
	if wantText != "" && !strings.Contains(got.Message, wantText) {
		t.Errorf("message %q, want it to contain %q", got.Message, wantText)
	}
}

// nomUnchanged checks that f changes neither the nominations nor the audit trail.
func (env *nomEnv) unchanged(t *testing.T, f func()) {
	t.Helper()
	ns, events := env.nominations(t), env.events(t, 0)
	f()
	if after := env.nominations(t); !reflect.DeepEqual(ns, after) {
		t.Errorf("nominations changed (-before +after):\n%s", cmp.Diff(ns, after))
	}
	if after := env.events(t, 0); !reflect.DeepEqual(events, after) {
		t.Errorf("events changed (-before +after):\n%s", cmp.Diff(events, after))
	}
}
