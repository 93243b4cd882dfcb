package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// rollNow is the clock of the member roll's tests: after the Matrix example's cut-off
// (2026-05-15), so that donations up to it are in the past.
var rollNow = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// rollToday is rollNow's day.
var rollToday = elections.DateOf(rollNow)

// rollOfficer is the actor of the roll's tests.
var rollOfficer = elections.Actor{Kind: elections.ActorUser, ID: 7, Role: elections.RoleOfficer}

// rollCharter is a small board in force from 2024-01-01: Individual Members with the Matrix
// donation rule (60.00 USD since 20 April of the previous year), Gold and Silver members by
// membership, and a Managing Director ex officio.
func rollCharter() *elections.Charter {
	membership := elections.Eligibility{Rule: elections.EligibleByMembership}
	return &elections.Charter{
		EffectiveFrom: elections.MustDate("2024-01-01"), Name: "Test Board", Currency: "USD",
		TermYears: 2, FirstElection: 2024,
		Constituencies: []elections.Constituency{
			{Key: "individual", Name: "Individual Members", Category: "Community", Seats: 2,
				Seating: elections.SeatingElected, Cohort: 1, Method: "meek", Uncontested: elections.Acclamation,
				Eligibility: elections.Eligibility{Rule: elections.EligibleByDonation, MinDonation: 60_00,
					WindowStart: elections.MonthDay{Month: time.April, Day: 20}}},
			{Key: "gold", Name: "Gold Members", Category: "Funder", Seats: 2, Seating: elections.SeatingElected,
				Method: "meek", Uncontested: elections.Acclamation, Eligibility: membership},
			{Key: "silver", Name: "Silver Members", Category: "Funder", Seats: 1, Seating: elections.SeatingElected,
				Cohort: 1, Method: "meek", Uncontested: elections.Acclamation, Eligibility: membership},
			{Key: "md", Name: "Managing Director", Category: "Foundation", Seats: 1, Seating: elections.SeatingExOfficio},
		},
	}
}

// newRollService returns a service at rollNow on an empty store; with a charter, rollCharter
// is stored as version 1.
func newRollService(t *testing.T, withCharter bool) (*elections.Service, *electionstest.Store) {
	t.Helper()
	st := electionstest.NewStore()
	svc, err := elections.NewService(st, electionstest.NewClock(rollNow), &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	if withCharter {
		if err := st.CreateCharter(context.Background(), rollCharter()); err != nil {
			t.Fatal(err)
		}
	}
	return svc, st
}

// rollEvents returns every audit event of st.
func rollEvents(t *testing.T, st *electionstest.Store) []elections.Event {
	t.Helper()
	es, err := st.ListEvents(context.Background(), elections.EventFilter{Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// rollMembers returns every member of st, by external id.
func rollMembers(t *testing.T, st *electionstest.Store) []elections.Member {
	t.Helper()
	ms, err := st.ListMembers(context.Background(), elections.MemberFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// rollEvent is an event's kind and decoded payload.
type rollEvent struct {
	Kind    string
	Payload map[string]any
}

// rollSummarise decodes events for comparison, checking their actor and time.
func rollSummarise(t *testing.T, es []elections.Event) []rollEvent {
	t.Helper()
	var out []rollEvent
	for _, e := range es {
		if e.Actor != rollOfficer.String() || !e.At.Equal(rollNow) {
			t.Errorf("event %s by %s at %v, want by %s at %v", e.Kind, e.Actor, e.At, rollOfficer, rollNow)
		}
		var p map[string]any
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("event %s payload %s: %v", e.Kind, e.Payload, err)
		}
		out = append(out, rollEvent{Kind: e.Kind, Payload: p})
	}
	return out
}

// rollErrorDetails returns the code and details of a domain error.
func rollErrorDetails(t *testing.T, err error) (string, []string) {
	t.Helper()
	var e *elections.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *elections.Error", err)
	}
	return e.Code, e.Details
}

// rollImport imports rows and fails the test on an error.
func rollImport(t *testing.T, svc *elections.Service, rows ...elections.MemberInput) *elections.ImportResult {
	t.Helper()
	res, err := svc.ImportMembers(context.Background(), rollOfficer, rows, elections.ImportSource{Name: "members.csv", SHA256: "abc", Format: "csv"})
	if err != nil {
		t.Fatalf("ImportMembers: %v", err)
	}
	return res
}

// rollNoChange checks that f changed neither the members nor the events of st.
func rollNoChange(t *testing.T, st *electionstest.Store, f func()) {
	t.Helper()
	members, events := rollMembers(t, st), rollEvents(t, st)
	f()
	// reflect.DeepEqual first: go-cmp takes seconds on ten thousand members.
	if after := rollMembers(t, st); !reflect.DeepEqual(members, after) {
		t.Errorf("members changed (-before +after):\n%s", cmp.Diff(members, after))
	}
	if after := rollEvents(t, st); !reflect.DeepEqual(events, after) {
		t.Errorf("events changed (-before +after):\n%s", cmp.Diff(events, after))
	}
}

// Rows used across the roll's tests, as a CSV file would give them (line 1 is the header).
var (
	rollAda = elections.MemberInput{Line: 2, ExternalID: "ind-0001", Kind: "person", Name: "Ada Lovelace",
		Email: "Ada@Example.org", Constituency: "individual", Joined: "2024-03-01"}
	rollAcme = elections.MemberInput{Line: 3, ExternalID: "org-acme", Kind: "organisation", Name: "Acme Corp",
		Constituency: "gold", Joined: "2023-01-01", PaidThrough: "2026-12-31", Standing: "good",
		RepresentativeName: "Jo Rep", RepresentativeEmail: "jo@acme.example", RepresentativeSince: "2024-01-01"}
	rollBob = elections.MemberInput{Line: 4, ExternalID: "ind-0002", Kind: "person", Name: "Bob",
		Constituency: "individual", Joined: "2025-01-01", PaidThrough: "2025-12-31", Standing: "suspended"}
)
