package elections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// contestSeats returns the contest seats key-from..key-to for years, ending in year+years.
func contestSeats(key string, from, to, year, years int, byElection bool, reason string) []elections.ContestSeat {
	var out []elections.ContestSeat
	for _, s := range boardSeatsUp(key, from, to, year, years, byElection, reason) {
		out = append(out, elections.ContestSeat{Seat: s.Seat, TermYears: s.TermYears, TermEndsYear: s.TermEndsYear,
			ByElection: s.ByElection, Reason: s.Reason})
	}
	return out
}

// matrixContest returns a contest of the Matrix 2026 election, counted by meek, seated by
// acclamation when uncontested, with revoting (the default).
func matrixContest(id int64, key, name string, seats ...[]elections.ContestSeat) elections.Contest {
	c := elections.Contest{ID: id, ElectionID: 1, Constituency: key, Name: name, Method: "meek", Uncontested: elections.Acclamation,
		Revoting: true}
	for _, s := range seats {
		c.Seats = append(c.Seats, s...)
	}
	return c
}

// TestCreateElectionMatrix2026 creates the Matrix 2026 election on the roster of 2024 and
// 2025: DESIGN.md §2's contests, in charter order.
func TestCreateElectionMatrix2026(t *testing.T) {
	ctx := context.Background()
	svc, st, _, e := matrix2026(t)
	inCycle := "in cycle"
	want := &elections.Election{
		ID: 1, Year: 2026, Title: "2026 election of The Matrix.org Foundation Governing Board", CharterVersion: 1,
		Cutoff: elections.MustDate("2026-05-15"), Deadlines: elections.DeadlineUTC, Schedule: matrix2026Schedule(),
		CreatedAt: announced2026,
		Contests: []elections.Contest{
			matrixContest(1, "individual", "Individual Members",
				contestSeats("individual", 3, 3, 2026, 1, true, "vacant since 2025-11-03 (resigned)")),
			matrixContest(2, "ecosystem", "Ecosystem Members", contestSeats("ecosystem", 1, 3, 2026, 2, false, inCycle)),
			matrixContest(3, "associate", "Associate Members",
				contestSeats("associate", 2, 2, 2026, 1, true, "vacant since 2025-06-16 (term ended)")),
			matrixContest(4, "platinum", "Platinum Members", contestSeats("platinum", 1, 1, 2026, 2, false, inCycle)),
			matrixContest(5, "silver", "Silver Members",
				contestSeats("silver", 1, 1, 2026, 1, true, "vacant since 2025-09-01 (resigned)"),
				contestSeats("silver", 2, 2, 2026, 1, true, "vacant since 2025-12-01 (resigned)")),
			matrixContest(6, "guardians", "Guardians", contestSeats("guardians", 1, 3, 2026, 2, false, inCycle)),
			matrixContest(7, "spec-core-team", "Spec Core Team", contestSeats("spec-core-team", 1, 2, 2026, 2, false, inCycle)),
		},
	}
	if diff := cmp.Diff(want, e, boardDates); diff != "" {
		t.Errorf("created election (-want +got):\n%s", diff)
	}
	stored, err := svc.Election(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, stored, boardDates); diff != "" {
		t.Errorf("stored election (-want +got):\n%s", diff)
	}
	// Each contest with its display name and counting method (the charter's, meek here).
	contest := func(id float64, key, name string, seats ...string) map[string]any {
		s := make([]any, len(seats))
		for i, k := range seats {
			s[i] = k
		}
		return map[string]any{"contest": id, "constituency": key, "name": name, "method": "meek", "seats": s}
	}
	wantEvents := []electionEvent{{Kind: elections.EventElectionCreated, Payload: map[string]any{
		"election": 1.0, "year": 2026.0, "title": "2026 election of The Matrix.org Foundation Governing Board",
		"charter_version": 1.0, "cutoff": "2026-05-15",
		"contests": []any{
			contest(1, "individual", "Individual Members", "individual-3"),
			contest(2, "ecosystem", "Ecosystem Members", "ecosystem-1", "ecosystem-2", "ecosystem-3"),
			contest(3, "associate", "Associate Members", "associate-2"),
			contest(4, "platinum", "Platinum Members", "platinum-1"),
			contest(5, "silver", "Silver Members", "silver-1", "silver-2"),
			contest(6, "guardians", "Guardians", "guardians-1", "guardians-2", "guardians-3"),
			contest(7, "spec-core-team", "Spec Core Team", "spec-core-team-1", "spec-core-team-2"),
		},
	}}}
	if diff := cmp.Diff(wantEvents, electionEventsOf(t, st, elections.EventElectionCreated, announced2026)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// One election per year.
	electionUnchanged(t, st, func() {
		_, err := svc.CreateElection(ctx, boardOfficer, matrix2026Input())
		electionError(t, err, elections.ECONFLICT)
	})

	// The next year's election, listed first: the odd-year half in cycle, and by-elections for
	// the even-year seats whose 2026 winners are not on the roster.
	next := createElection(t, svc, elections.ElectionInput{Year: 2027, Title: "  Next year  ", Schedule: elections.Schedule{
		NominationsOpen: elections.MustDate("2027-05-01"), NominationsClose: elections.MustDate("2027-05-14"),
		VotingOpen: elections.MustDate("2027-05-29"), VotingClose: elections.MustDate("2027-06-11")}})
	if next.Title != "Next year" || next.Schedule.AnnouncedOn != elections.MustDate("2026-04-27") || len(next.Contests) != 8 ||
		next.Contests[0].ID != 8 || next.Contests[0].Seats[0].Reason != "in cycle" || !next.Contests[1].Seats[0].ByElection {
		t.Errorf("2027 election %+v, want the title trimmed, announced today, eight contests", next)
	}
	list, err := svc.Elections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Year != 2027 || list[1].Year != 2026 || len(list[1].Contests) != 7 {
		t.Errorf("elections %+v, want 2027 then 2026 with their contests", list)
	}
	if _, err := svc.Election(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("Election(99): %v, want %s", err, elections.ENOTFOUND)
	}
}

// TestCreateElectionCharterAndCutoff checks that an election keeps the charter in force on the
// day it is created, counts its seats up on its cut-off under that charter, and defaults.
func TestCreateElectionCharterAndCutoff(t *testing.T) {
	d := elections.MustDate
	t.Run("a later charter in force on the cut-off is not used", func(t *testing.T) {
		svc, _, _ := matrixHistory(t)
		v2 := matrixCharter()
		v2.EffectiveFrom = d("2026-05-01")
		charterConstituency(v2, "guardians").Seats = 5
		boardApplyCharter(t, svc, v2)
		e := createElection(t, svc, matrix2026Input())
		if g := contestOf(t, e, "guardians"); e.CharterVersion != 1 || len(g.Seats) != 3 {
			t.Errorf("charter version %d, guardians seats %v, want version 1's three", e.CharterVersion, g.Seats)
		}
	})
	t.Run("created under the later charter", func(t *testing.T) {
		svc, _, clock := matrixHistory(t)
		v2 := matrixCharter()
		v2.EffectiveFrom = d("2026-04-01")
		charterConstituency(v2, "guardians").Seats = 5
		clock.Set(d("2026-03-31").Time()) // a new version takes effect from today or later
		boardApplyCharter(t, svc, v2)
		clock.Set(announced2026)
		e := createElection(t, svc, matrix2026Input())
		if g := contestOf(t, e, "guardians"); e.CharterVersion != 2 || len(g.Seats) != 5 {
			t.Errorf("charter version %d, guardians seats %v, want version 2's five", e.CharterVersion, g.Seats)
		}
	})
	t.Run("an earlier cut-off counts the Gold ratio before the lapses", func(t *testing.T) {
		svc, _, _ := matrixHistory(t)
		in := matrix2026Input()
		in.Cutoff = d("2025-12-31")
		e := createElection(t, svc, in)
		want := contestSeats("gold", 2, 3, 2026, 1, true, "vacant since 2025-06-16 (term ended)")
		if diff := cmp.Diff(want, contestOf(t, e, "gold").Seats); diff != "" || e.Cutoff != in.Cutoff {
			t.Errorf("gold seats on cut-off %s (-want +got):\n%s", e.Cutoff, diff)
		}
	})
	t.Run("created after nominations opened", func(t *testing.T) {
		svc, _, clock := matrixHistory(t)
		clock.Set(utc(2026, 5, 3, 9, 0, 0))
		in := matrix2026Input()
		in.Schedule.AnnouncedOn = elections.Date{}
		e := createElection(t, svc, in)
		if e.Schedule.AnnouncedOn != d("2026-05-02") {
			t.Errorf("announced on %s, want the day nominations opened", e.Schedule.AnnouncedOn)
		}
	})
}

func TestCreateElectionRefused(t *testing.T) {
	ctx := context.Background()
	d := elections.MustDate
	t.Run("no charter", func(t *testing.T) {
		svc, st, _ := newBoardService(t, announced2026)
		electionUnchanged(t, st, func() {
			_, err := svc.CreateElection(ctx, boardOfficer, matrix2026Input())
			electionError(t, err, elections.ENOTFOUND)
		})
	})
	t.Run("before the first election", func(t *testing.T) {
		svc, st, _ := matrixHistory(t)
		in := matrix2026Input()
		in.Year = 2023
		electionUnchanged(t, st, func() {
			_, err := svc.CreateElection(ctx, boardOfficer, in)
			want := []string{"year 2023 is before the board's first election, in 2024"}
			if diff := cmp.Diff(want, electionError(t, err, elections.EINVALID)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	})
	t.Run("cut-off after voting opens", func(t *testing.T) {
		svc, st, _ := matrixHistory(t)
		in := matrix2026Input()
		in.Cutoff = d("2026-06-01")
		electionUnchanged(t, st, func() {
			_, err := svc.CreateElection(ctx, boardOfficer, in)
			want := []string{"cutoff 2026-06-01 must not be after the first day of voting (2026-05-30)"}
			if diff := cmp.Diff(want, electionError(t, err, elections.EINVALID)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	})
	t.Run("no seats up", func(t *testing.T) {
		svc, st, _ := newBoardService(t, utc(2024, 1, 2, 9, 0, 0))
		boardApplyCharter(t, svc, &elections.Charter{Name: "Small board", EffectiveFrom: d("2024-01-01"), Currency: "EUR",
			TermYears: 2, FirstElection: 2024, Constituencies: []elections.Constituency{
				electedConstituency("funders", "Funders", "Funder", 1, 0, 0)}})
		boardRecordTerm(t, svc, elections.TermInput{Seat: "funders-1", Holder: "Acme", Start: d("2024-06-16"), Years: 2})
		in := elections.ElectionInput{Year: 2025, Schedule: elections.Schedule{NominationsOpen: d("2025-05-01"),
			NominationsClose: d("2025-05-14"), VotingOpen: d("2025-05-29"), VotingClose: d("2025-06-11")}}
		electionUnchanged(t, st, func() {
			_, err := svc.CreateElection(ctx, boardOfficer, in)
			want := []string{"no seats are up in 2025 (counted on 2025-05-14 under charter version 1)"}
			if diff := cmp.Diff(want, electionError(t, err, elections.EINVALID)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	})
}

// TestCreateElectionBootstrap creates a board's first election: every seat up, the other
// cohort for a year.
func TestCreateElectionBootstrap(t *testing.T) {
	svc, _, _ := newBoardService(t, time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	boardApplyCharter(t, svc, matrixCharter())
	boardAddMember(t, svc, "plat-1", elections.MemberOrganisation, "platinum", "2023-01-01", "", "Pat")
	d := elections.MustDate
	e := createElection(t, svc, elections.ElectionInput{Year: 2024, Deadlines: elections.DeadlineAOE, Schedule: elections.Schedule{
		NominationsOpen: d("2024-05-01"), NominationsClose: d("2024-05-14"), VotingOpen: d("2024-05-29"), VotingClose: d("2024-06-11")}})
	var got []string
	for _, c := range e.Contests {
		got = append(got, c.Constituency+": "+c.Seats[0].Reason)
	}
	// Gold has no active member on the cut-off: no seat in use.
	want := []string{
		"individual: bootstrap: 1-year term", "ecosystem: bootstrap: 2-year term", "associate: bootstrap: 1-year term",
		"platinum: bootstrap: 2-year term", "silver: bootstrap: 1-year term", "guardians: bootstrap: 2-year term",
		"spec-core-team: bootstrap: 2-year term",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bootstrap contests (-want +got):\n%s", diff)
	}
}
