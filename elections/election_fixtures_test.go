package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// The Matrix 2026 election of DESIGN.md §2, shared by the election's tests.

// utc returns the instant y-m-d h:mi:s UTC.
func utc(y int, m time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, m, d, h, mi, s, 0, time.UTC)
}

// matrix2026Schedule is the Matrix 2026 calendar: announcement 27 April, nominations 2–15
// May, campaigning 16–29 May, voting 30 May–12 June, results 15 June.
func matrix2026Schedule() elections.Schedule {
	d := elections.MustDate
	return elections.Schedule{AnnouncedOn: d("2026-04-27"), NominationsOpen: d("2026-05-02"), NominationsClose: d("2026-05-15"),
		VotingOpen: d("2026-05-30"), VotingClose: d("2026-06-12"), ResultsOn: d("2026-06-15")}
}

// matrix2026Input creates the Matrix 2026 election with its defaults.
func matrix2026Input() elections.ElectionInput {
	return elections.ElectionInput{Year: 2026, Schedule: matrix2026Schedule()}
}

// announced2026 is when the tests create the 2026 election: the day of its announcement.
var announced2026 = utc(2026, 4, 27, 9, 0, 0)

// matrixHistory returns a service on the Matrix board with its 2024 and 2025 winners on the
// roster and the vacancies of late 2025 (one Individual seat, both Silver seats; six Gold
// memberships lapse at the end of 2025), its clock at the 2026 announcement. It replays
// TestMatrixHistory (roster_matrix_test.go) up to 2026.
func matrixHistory(t *testing.T) (*elections.Service, *electionstest.Store, *electionstest.Clock) {
	t.Helper()
	d := elections.MustDate
	svc, st, clock := newBoardService(t, utc(2024, 1, 2, 9, 0, 0))
	boardApplyCharter(t, svc, matrixCharter())
	boardAddMember(t, svc, "plat-1", elections.MemberOrganisation, "platinum", "2023-01-01", "", "Pat")
	for i := 1; i <= 10; i++ {
		paid := ""
		if i > 4 {
			paid = "2025-12-31"
		}
		boardAddMember(t, svc, fmt.Sprintf("gold-%02d", i), elections.MemberOrganisation, "gold", "2023-01-01", paid, "")
	}
	boardAddMember(t, svc, "guardian-ada", elections.MemberPerson, "guardians", "2023-01-01", "", "")
	recordWinners(t, svc, boardSeatsUpOf(t, svc, 2024, elections.Date{}), d("2024-06-16"))
	clock.Set(utc(2025, 1, 2, 9, 0, 0))
	recordWinners(t, svc, boardSeatsUpOf(t, svc, 2025, elections.Date{}), d("2025-06-16"), "associate-2", "gold-2", "gold-3")
	clock.Set(utc(2025, 12, 5, 9, 0, 0))
	for _, v := range []struct{ seat, on string }{
		{"individual-3", "2025-11-03"}, {"silver-1", "2025-09-01"}, {"silver-2", "2025-12-01"},
	} {
		if _, err := svc.VacateSeat(context.Background(), boardOfficer, v.seat, d(v.on), elections.EndResigned, ""); err != nil {
			t.Fatalf("VacateSeat(%s): %v", v.seat, err)
		}
	}
	clock.Set(announced2026)
	return svc, st, clock
}

// createElection creates an election and fails the test on an error.
func createElection(t *testing.T, svc *elections.Service, in elections.ElectionInput) *elections.Election {
	t.Helper()
	e, err := svc.CreateElection(context.Background(), boardOfficer, in)
	if err != nil {
		t.Fatalf("CreateElection(%d): %v", in.Year, err)
	}
	return e
}

// matrix2026 returns the Matrix history with the 2026 election created on its announcement.
func matrix2026(t *testing.T) (*elections.Service, *electionstest.Store, *electionstest.Clock, *elections.Election) {
	t.Helper()
	svc, st, clock := matrixHistory(t)
	return svc, st, clock, createElection(t, svc, matrix2026Input())
}

// contestOf returns the contest of constituency key in e.
func contestOf(t *testing.T, e *elections.Election, key string) *elections.Contest {
	t.Helper()
	for i := range e.Contests {
		if e.Contests[i].Constituency == key {
			return &e.Contests[i]
		}
	}
	t.Fatalf("election %d has no %s contest", e.ID, key)
	return nil
}

// electionError checks that err is a domain error with code and returns its details (the
// message alone when there are none).
func electionError(t *testing.T, err error, code string) []string {
	t.Helper()
	var e *elections.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want an *elections.Error with code %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
	if len(e.Details) == 0 {
		return []string{e.Message}
	}
	if e.Message != e.Details[0] {
		t.Errorf("message %q is not the first detail %q", e.Message, e.Details[0])
	}
	return e.Details
}

// electionEvent is an event's kind and decoded payload.
type electionEvent struct {
	Kind    string
	Payload map[string]any
}

// electionEventsOf returns the events of kind, decoded, checking their actor and time.
func electionEventsOf(t *testing.T, st *electionstest.Store, kind string, at time.Time) []electionEvent {
	t.Helper()
	var out []electionEvent
	for _, e := range boardEvents(t, st, kind) {
		if e.Actor != boardOfficer.String() || !e.At.Equal(at) {
			t.Errorf("event %s by %s at %v, want by %s at %v", e.Kind, e.Actor, e.At, boardOfficer, at)
		}
		var p map[string]any
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("event %s payload %s: %v", e.Kind, e.Payload, err)
		}
		out = append(out, electionEvent{Kind: e.Kind, Payload: p})
	}
	return out
}

// electionState is what an election's refused change must leave as it was.
type electionState struct {
	Elections []elections.Election
	Events    []elections.Event
}

// electionUnchanged checks that f changed neither the elections nor the events of st.
func electionUnchanged(t *testing.T, st *electionstest.Store, f func()) {
	t.Helper()
	snapshot := func() electionState {
		es, err := st.ListElections(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return electionState{Elections: es, Events: rollEvents(t, st)}
	}
	before := snapshot()
	f()
	if after := snapshot(); !reflect.DeepEqual(before, after) {
		t.Errorf("state changed (-before +after):\n%s", cmp.Diff(before, after, boardDates))
	}
}
