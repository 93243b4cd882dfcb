package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// testElection returns the election of year under charter version 1 on the Matrix 2026
// calendar, with an individual contest before a gold one (not alphabetical order).
func testElection(year int) *elections.Election {
	on := func(monthDay string) elections.Date { return day(fmt.Sprintf("%d-%s", year, monthDay)) }
	return &elections.Election{
		Year:           year,
		Title:          fmt.Sprintf("%d Test Board election", year),
		CharterVersion: 1,
		Cutoff:         on("05-15"),
		Deadlines:      elections.DeadlineUTC,
		Schedule: elections.Schedule{AnnouncedOn: on("04-27"), NominationsOpen: on("05-02"), NominationsClose: on("05-15"),
			VotingOpen: on("05-30"), VotingClose: on("06-12")},
		CreatedAt: start,
		Contests: []elections.Contest{
			{Constituency: "individual", Name: "Individual Members", Method: "meek", Uncontested: elections.Acclamation,
				Seats: []elections.ContestSeat{
					{Seat: "individual-1", TermYears: 2, TermEndsYear: year + 2, Reason: "in cycle"},
					{Seat: "individual-3", TermYears: 1, TermEndsYear: year + 1, ByElection: true, Reason: "vacant since 2025-11-03 (resigned)"},
				}},
			{Constituency: "gold", Name: "Gold Members", Method: "stv", Uncontested: elections.ConfidenceVote,
				Seats: []elections.ContestSeat{{Seat: "gold-1", TermYears: 2, TermEndsYear: year + 2, Reason: "in cycle"}}},
		},
	}
}

// createCharter stores the test charter as version 1 or fails the test.
func createCharter(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	if err := s.CreateCharter(context.Background(), testCharter("2024-01-01")); err != nil {
		t.Fatalf("CreateCharter: %v", err)
	}
}

// createElection stores the test election of year (and the charter when there is none yet)
// or fails the test.
func createElection(t *testing.T, s *sqlstore.Store, year int) *elections.Election {
	t.Helper()
	if count(t, s, "SELECT count(*) FROM charters") == 0 {
		createCharter(t, s)
	}
	e := testElection(year)
	if err := s.CreateElection(context.Background(), e); err != nil {
		t.Fatalf("CreateElection: %v", err)
	}
	return e
}

// storedElection is e as the store returns it.
func storedElection(e *elections.Election) elections.Election {
	w := *e
	w.CreatedAt = w.CreatedAt.Truncate(time.Microsecond)
	return w
}

func TestCreateAndListElections(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if got, err := s.ListElections(ctx); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("ListElections on a new database = %#v, %v; want an empty slice", got, err)
		}
		createCharter(t, s)
		older, newer := testElection(2025), testElection(2026)
		older.ID, older.Contests[0].ID = 7, 8 // ignored: the database assigns the IDs
		older.Schedule.ResultsOn = day("2025-06-16")
		older.Deadlines = elections.DeadlineAOE
		for _, e := range []*elections.Election{older, newer} {
			if err := s.CreateElection(ctx, e); err != nil {
				t.Fatalf("CreateElection(%d): %v", e.Year, err)
			}
		}
		if older.ID != 1 || newer.ID != 2 || !newer.CreatedAt.Equal(stored) {
			t.Errorf("IDs after CreateElection = %d, %d (CreatedAt %v); want 1, 2 and the stored time", older.ID, newer.ID, newer.CreatedAt)
		}
		for i, c := range newer.Contests {
			if c.ID != int64(len(older.Contests)+i+1) || c.ElectionID != newer.ID {
				t.Errorf("contest %d: ID %d, ElectionID %d; want %d, %d", i, c.ID, c.ElectionID, len(older.Contests)+i+1, newer.ID)
			}
		}

		got, err := s.ElectionByID(ctx, newer.ID)
		if err != nil {
			t.Fatalf("ElectionByID: %v", err)
		}
		if diff := cmp.Diff(storedElection(newer), *got); diff != "" {
			t.Errorf("ElectionByID (-want +got):\n%s", diff)
		}
		if got.CreatedAt != stored {
			t.Errorf("CreatedAt = %v, want %v in UTC", got.CreatedAt, stored)
		}
		list, err := s.ListElections(ctx)
		if err != nil {
			t.Fatalf("ListElections: %v", err)
		}
		if diff := cmp.Diff([]elections.Election{storedElection(newer), storedElection(older)}, list); diff != "" {
			t.Errorf("ListElections, newest first (-want +got):\n%s", diff)
		}
		if _, err := s.ElectionByID(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("ElectionByID(99) = %v, want %s", err, elections.ENOTFOUND)
		}
		// Zero days and times are NULL; the seats are kept as the JSON text written.
		if n := count(t, s, "SELECT count(*) FROM elections WHERE results_on IS NULL"); n != 1 {
			t.Errorf("%d elections without results_on stored as NULL, want 1", n)
		}
		if n := count(t, s, "SELECT count(*) FROM contests WHERE roll_frozen_at IS NULL AND roll_fingerprint IS NULL"); n != 4 {
			t.Errorf("%d contests with a NULL roll, want 4", n)
		}
		var seats string
		if err := sqlstore.GormDB(s).Raw("SELECT seats FROM contests WHERE id = ?", newer.Contests[1].ID).Scan(&seats).Error; err != nil {
			t.Fatal(err)
		}
		want := `[{"seat":"gold-1","term_years":2,"term_ends_year":2028,"by_election":false,"reason":"in cycle"}]`
		if seats != want {
			t.Errorf("stored seats = %s, want %s", seats, want)
		}
	})
}

func TestCreateElectionRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		createElection(t, s, 2026)
		tests := []struct {
			name   string
			modify func(e *elections.Election)
			want   string
		}{
			{"same year", func(e *elections.Election) {}, elections.ECONFLICT},
			{"unknown charter", func(e *elections.Election) { e.Year, e.CharterVersion = 2030, 9 }, elections.ENOTFOUND},
			{"constituency twice", func(e *elections.Election) { e.Year, e.Contests[1].Constituency = 2030, "individual" },
				elections.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := testElection(2026)
				tt.modify(e)
				if err := s.CreateElection(context.Background(), e); elections.ErrorCode(err) != tt.want {
					t.Errorf("CreateElection = %v, want %s", err, tt.want)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM elections"); n != 1 {
			t.Errorf("%d elections after the refused calls, want 1", n)
		}
		if n := count(t, s, "SELECT count(*) FROM contests"); n != 2 {
			t.Errorf("%d contests after the refused calls, want 2", n)
		}
	})
}

// TestElectionSchemaRefusesBadElections checks constraints that back the domain's rules.
func TestElectionSchemaRefusesBadElections(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		createCharter(t, s)
		tests := []struct {
			name   string
			modify func(e *elections.Election)
		}{
			{"year before 1900", func(e *elections.Election) { e.Year = 1899 }},
			{"no title", func(e *elections.Election) { e.Title = "" }},
			{"no cutoff", func(e *elections.Election) { e.Cutoff = elections.Date{} }},
			{"unknown deadline policy", func(e *elections.Election) { e.Deadlines = "cet" }},
			{"unknown status", func(e *elections.Election) { e.Status = "open" }},
			{"announced after nominations open", func(e *elections.Election) { e.Schedule.AnnouncedOn = day("2026-05-03") }},
			{"nominations close before they open", func(e *elections.Election) { e.Schedule.NominationsClose = day("2026-05-01") }},
			{"voting opens on the last day of nominations", func(e *elections.Election) { e.Schedule.VotingOpen = day("2026-05-15") }},
			{"aoe: voting opens the day after nominations close", func(e *elections.Election) {
				e.Deadlines, e.Schedule.VotingOpen = elections.DeadlineAOE, day("2026-05-16")
			}},
			{"voting closes before it opens", func(e *elections.Election) { e.Schedule.VotingClose = day("2026-05-29") }},
			{"results on the last day of voting", func(e *elections.Election) { e.Schedule.ResultsOn = day("2026-06-12") }},
			{"contest without seats", func(e *elections.Election) { e.Contests[0].Seats = nil }},
			{"contest without a method", func(e *elections.Election) { e.Contests[0].Method = "" }},
			{"unknown uncontested policy", func(e *elections.Election) { e.Contests[0].Uncontested = "lottery" }},
			{"frozen roll without a fingerprint", func(e *elections.Election) { e.Contests[0].RollFrozenAt = start }},
			{"roll size before the freeze", func(e *elections.Election) { e.Contests[0].RollSize = 3 }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := testElection(2026)
				tt.modify(e)
				if err := s.CreateElection(context.Background(), e); err == nil {
					t.Error("CreateElection succeeded, want the database to refuse it")
				}
			})
		}
		// The tightest schedules the domain allows are accepted.
		for i, policy := range []elections.DeadlinePolicy{elections.DeadlineUTC, elections.DeadlineAOE} {
			e := testElection(2030 + i)
			e.Deadlines, e.Schedule.VotingOpen = policy, e.Schedule.NominationsClose.AddDays(1+i)
			e.Schedule.AnnouncedOn, e.Schedule.ResultsOn = e.Schedule.NominationsOpen, e.Schedule.VotingClose.AddDays(1)
			if err := s.CreateElection(context.Background(), e); err != nil {
				t.Errorf("CreateElection(%s, voting open %s after close %s): %v", policy, e.Schedule.VotingOpen,
					e.Schedule.NominationsClose, err)
			}
		}
	})
}

func TestUpdateElection(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		changed := *e
		changed.Title, changed.Cutoff, changed.Deadlines = "Renamed", day("2026-05-01"), elections.DeadlineAOE
		changed.Schedule = elections.Schedule{AnnouncedOn: day("2026-04-01"), NominationsOpen: day("2026-05-03"),
			NominationsClose: day("2026-05-16"), VotingOpen: day("2026-06-01"), VotingClose: day("2026-06-14"), ResultsOn: day("2026-06-20")}
		changed.Status = elections.StatusCounted
		changed.Year, changed.CharterVersion, changed.CreatedAt = 2099, 5, start.Add(time.Hour) // not stored
		if err := s.UpdateElection(ctx, &changed); err != nil {
			t.Fatalf("UpdateElection: %v", err)
		}
		want := changed
		want.Year, want.CharterVersion, want.CreatedAt = 2026, 1, stored
		got, err := s.ElectionByID(ctx, e.ID)
		if err != nil {
			t.Fatalf("ElectionByID: %v", err)
		}
		if diff := cmp.Diff(want, *got); diff != "" {
			t.Errorf("election after UpdateElection (-want +got):\n%s", diff)
		}

		changed.Schedule.ResultsOn, changed.Status = elections.Date{}, elections.StatusCertified
		if err := s.UpdateElection(ctx, &changed); err != nil {
			t.Fatalf("UpdateElection: %v", err)
		}
		if n := count(t, s, "SELECT count(*) FROM elections WHERE results_on IS NULL AND status = 'certified'"); n != 1 {
			t.Errorf("results_on not back to NULL (%d rows)", n)
		}
		changed.ID = 99
		if err := s.UpdateElection(ctx, &changed); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("UpdateElection(unknown id) = %v, want %s", err, elections.ENOTFOUND)
		}
	})
}

func TestUpdateContest(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		c := e.Contests[0]
		got, err := s.ContestByID(ctx, c.ID)
		if err != nil {
			t.Fatalf("ContestByID: %v", err)
		}
		if diff := cmp.Diff(c, *got); diff != "" {
			t.Errorf("ContestByID (-want +got):\n%s", diff)
		}

		frozenAt := start.Add(time.Hour).In(time.FixedZone("CEST", 2*3600))
		changed := c
		changed.Method, changed.Uncontested = "stv", elections.ConfidenceVote
		changed.Seats = []elections.ContestSeat{{Seat: "individual-2", TermYears: 1, TermEndsYear: 2027, ByElection: true,
			Reason: "set by an officer: \"quoted\" <b>ünïcode</b>"}}
		changed.RollFrozenAt, changed.RollFingerprint, changed.RollSize = frozenAt, fmt.Sprintf("%064x", 42), 17
		changed.Constituency, changed.Name, changed.ElectionID = "gold", "Other", 99 // not stored
		if err := s.UpdateContest(ctx, &changed); err != nil {
			t.Fatalf("UpdateContest: %v", err)
		}
		if changed.RollFrozenAt != frozenAt.UTC().Truncate(time.Microsecond) {
			t.Errorf("RollFrozenAt after UpdateContest = %v, want the stored time", changed.RollFrozenAt)
		}
		want := changed
		want.Constituency, want.Name, want.ElectionID = c.Constituency, c.Name, c.ElectionID
		got, err = s.ContestByID(ctx, c.ID)
		if err != nil {
			t.Fatalf("ContestByID: %v", err)
		}
		if diff := cmp.Diff(want, *got); diff != "" {
			t.Errorf("contest after UpdateContest (-want +got):\n%s", diff)
		}
		if got.RollFrozenAt.Location() != time.UTC {
			t.Errorf("RollFrozenAt in %v, want UTC", got.RollFrozenAt.Location())
		}

		// Back to no roll: the columns are NULL again.
		if err := s.UpdateContest(ctx, &c); err != nil {
			t.Fatalf("UpdateContest: %v", err)
		}
		if n := count(t, s, "SELECT count(*) FROM contests WHERE roll_frozen_at IS NULL AND roll_fingerprint IS NULL"); n != 2 {
			t.Errorf("%d contests with a NULL roll, want 2", n)
		}

		tests := []struct {
			name   string
			modify func(c *elections.Contest)
			want   string
		}{
			{"unknown id", func(c *elections.Contest) { c.ID = 99 }, elections.ENOTFOUND},
			{"no seats", func(c *elections.Contest) { c.Seats = []elections.ContestSeat{} }, ""},
			{"frozen without a fingerprint", func(c *elections.Contest) { c.RollFrozenAt = start }, ""},
			{"upper-case fingerprint", func(c *elections.Contest) {
				c.RollFrozenAt, c.RollFingerprint = start, fmt.Sprintf("%064X", 0xabc)
			}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				bad := c
				tt.modify(&bad)
				err := s.UpdateContest(ctx, &bad)
				if err == nil || elections.ErrorCode(err) != tt.want && tt.want != "" {
					t.Errorf("UpdateContest = %v, want an error %s", err, tt.want)
				}
			})
		}
		if _, err := s.ContestByID(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("ContestByID(99) = %v, want %s", err, elections.ENOTFOUND)
		}
	})
}
