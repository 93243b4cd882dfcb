package elections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

func TestPhaseMatrix2026(t *testing.T) {
	utcElection := &elections.Election{Deadlines: elections.DeadlineUTC, Schedule: matrix2026Schedule()}
	aoeElection := &elections.Election{Deadlines: elections.DeadlineAOE, Schedule: matrix2026Schedule()}
	const ns = time.Nanosecond
	tests := []struct {
		name string
		e    *elections.Election
		now  time.Time
		want elections.Phase
	}{
		{"announcement", utcElection, utc(2026, 4, 27, 0, 0, 0), elections.PhaseAnnounced},
		{"last instant before nominations", utcElection, utc(2026, 5, 2, 0, 0, 0).Add(-ns), elections.PhaseAnnounced},
		{"nominations open", utcElection, utc(2026, 5, 2, 0, 0, 0), elections.PhaseNominations},
		{"last day of nominations", utcElection, utc(2026, 5, 15, 23, 59, 59), elections.PhaseNominations},
		{"last instant of nominations", utcElection, utc(2026, 5, 16, 0, 0, 0).Add(-ns), elections.PhaseNominations},
		{"nominations closed", utcElection, utc(2026, 5, 16, 0, 0, 0), elections.PhaseCampaigning},
		{"last instant of campaigning", utcElection, utc(2026, 5, 30, 0, 0, 0).Add(-ns), elections.PhaseCampaigning},
		{"voting opens", utcElection, utc(2026, 5, 30, 0, 0, 0), elections.PhaseVoting},
		{"last minute of voting", utcElection, utc(2026, 6, 12, 23, 59, 0), elections.PhaseVoting},
		{"after voting closed, before the count", utcElection, utc(2026, 6, 13, 0, 0, 0), elections.PhaseVoting},
		{"results day, not counted", utcElection, utc(2026, 6, 15, 12, 0, 0), elections.PhaseVoting},
		{"aoe: before nominations", aoeElection, utc(2026, 5, 2, 0, 0, 0).Add(-ns), elections.PhaseAnnounced},
		{"aoe: nominations open at 00:00 UTC", aoeElection, utc(2026, 5, 2, 0, 0, 0), elections.PhaseNominations},
		{"aoe: the deadline day at 00:00 UTC next day", aoeElection, utc(2026, 5, 16, 0, 0, 0), elections.PhaseNominations},
		{"aoe: last instant of nominations", aoeElection, utc(2026, 5, 16, 12, 0, 0).Add(-ns), elections.PhaseNominations},
		{"aoe: nominations closed", aoeElection, utc(2026, 5, 16, 12, 0, 0), elections.PhaseCampaigning},
		{"aoe: voting opens", aoeElection, utc(2026, 5, 30, 0, 0, 0), elections.PhaseVoting},
		{"counted", &elections.Election{Deadlines: elections.DeadlineUTC, Schedule: matrix2026Schedule(), Status: elections.StatusCounted},
			utc(2026, 6, 14, 0, 0, 0), elections.PhaseCounted},
		{"counted whatever the schedule says", &elections.Election{Schedule: matrix2026Schedule(), Status: elections.StatusCounted},
			utc(2026, 4, 28, 0, 0, 0), elections.PhaseCounted},
		{"certified", &elections.Election{Schedule: matrix2026Schedule(), Status: elections.StatusCertified},
			utc(2026, 6, 15, 0, 0, 0), elections.PhaseCertified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Phase(tt.now); got != tt.want {
				t.Errorf("Phase(%v) = %s, want %s", tt.now, got, tt.want)
			}
		})
	}
}

func TestDeadlineEnd(t *testing.T) {
	day := elections.MustDate("2026-05-15")
	utcEnd := (&elections.Election{Deadlines: elections.DeadlineUTC}).DeadlineEnd(day)
	if want := utc(2026, 5, 16, 0, 0, 0); !utcEnd.Equal(want) {
		t.Errorf("utc DeadlineEnd(%s) = %v, want %v", day, utcEnd, want)
	}
	aoeEnd := (&elections.Election{Deadlines: elections.DeadlineAOE}).DeadlineEnd(day)
	// Anywhere on Earth: the day lasts until 23:59:59 at UTC−12, the end is one second later.
	lastSecond := time.Date(2026, 5, 15, 23, 59, 59, 0, time.FixedZone("UTC-12", -12*3600))
	if want := utc(2026, 5, 16, 12, 0, 0); !aoeEnd.Equal(want) || !aoeEnd.Equal(lastSecond.Add(time.Second)) {
		t.Errorf("aoe DeadlineEnd(%s) = %v, want %v", day, aoeEnd, want)
	}
	if aoeEnd.Location() != time.UTC || utcEnd.Location() != time.UTC {
		t.Errorf("deadline ends %v and %v are not in UTC", utcEnd, aoeEnd)
	}
}

// TestPhaseCalendar walks the Matrix 2026 election day by day at noon and at the first and
// last instants of each day, reading each contest's phase from the service.
func TestPhaseCalendar(t *testing.T) {
	ctx := context.Background()
	svc, _, clock, e := matrix2026(t)
	first := e.Contests[0].ID
	phaseOn := func(day string) elections.Phase {
		switch {
		case day < "2026-05-02":
			return elections.PhaseAnnounced
		case day <= "2026-05-15":
			return elections.PhaseNominations
		case day < "2026-05-30":
			return elections.PhaseCampaigning
		default:
			return elections.PhaseVoting
		}
	}
	for d := elections.MustDate("2026-04-27"); !d.After(elections.MustDate("2026-06-16")); d = d.AddDays(1) {
		for _, at := range []time.Time{d.Time(), d.Time().Add(12 * time.Hour), d.AddDays(1).Time().Add(-time.Nanosecond)} {
			clock.Set(at)
			v, err := svc.Contest(ctx, first)
			if err != nil {
				t.Fatal(err)
			}
			if want := phaseOn(d.String()); v.Phase != want {
				t.Errorf("phase at %v: %s, want %s", at, v.Phase, want)
			}
		}
	}
}

func TestScheduleRefused(t *testing.T) {
	d := elections.MustDate
	valid := matrix2026Schedule()
	with := func(f func(*elections.Schedule)) elections.Schedule {
		s := valid
		f(&s)
		return s
	}
	tests := []struct {
		name string
		in   elections.ElectionInput
		want []string
	}{
		{"nothing", elections.ElectionInput{}, []string{
			"year must be between 1900 and 9999, not 0",
			"schedule: nominations_open is required", "schedule: nominations_close is required",
			"schedule: voting_open is required", "schedule: voting_close is required",
		}},
		{"title with a NUL", elections.ElectionInput{Year: 2026, Title: "a\x00b", Schedule: valid},
			[]string{`title must not contain a NUL character (\u0000)`}},
		{"year too early", elections.ElectionInput{Year: 1899, Schedule: valid}, []string{"year must be between 1900 and 9999, not 1899"}},
		{"year too late", elections.ElectionInput{Year: 10000, Schedule: valid}, []string{"year must be between 1900 and 9999, not 10000"}},
		{"deadline policy", elections.ElectionInput{Year: 2026, Deadlines: "pst", Schedule: valid},
			[]string{`deadlines must be utc or aoe, not "pst"`}},
		{"announced after nominations open", elections.ElectionInput{Year: 2026, Schedule: with(func(s *elections.Schedule) {
			s.AnnouncedOn = d("2026-05-03")
		})}, []string{"schedule: announced_on 2026-05-03 is after nominations_open 2026-05-02"}},
		{"nominations close before they open", elections.ElectionInput{Year: 2026, Schedule: with(func(s *elections.Schedule) {
			s.NominationsClose = d("2026-05-01")
		})}, []string{"schedule: nominations_close 2026-05-01 is before nominations_open 2026-05-02"}},
		{"voting opens on the last day of nominations", elections.ElectionInput{Year: 2026, Schedule: with(func(s *elections.Schedule) {
			s.VotingOpen = d("2026-05-15")
		})}, []string{"schedule: voting_open 2026-05-15 is before nominations close (2026-05-16 00:00 UTC, utc deadlines)"}},
		{"aoe: voting opens the day after nominations close", elections.ElectionInput{Year: 2026, Deadlines: elections.DeadlineAOE,
			Schedule: with(func(s *elections.Schedule) { s.VotingOpen = d("2026-05-16") })},
			[]string{"schedule: voting_open 2026-05-16 is before nominations close (2026-05-16 12:00 UTC, aoe deadlines)"}},
		{"voting closes before it opens", elections.ElectionInput{Year: 2026, Schedule: with(func(s *elections.Schedule) {
			s.VotingClose = d("2026-05-29")
		})}, []string{"schedule: voting_close 2026-05-29 is before voting_open 2026-05-30"}},
		{"results on the last day of voting", elections.ElectionInput{Year: 2026, Schedule: with(func(s *elections.Schedule) {
			s.ResultsOn = d("2026-06-12")
		})}, []string{"schedule: results_on 2026-06-12 must be after voting_close 2026-06-12"}},
		{"everything backwards at once", elections.ElectionInput{Year: 2026, Schedule: elections.Schedule{
			AnnouncedOn: d("2026-06-01"), NominationsOpen: d("2026-05-15"), NominationsClose: d("2026-05-02"),
			VotingOpen: d("2026-05-01"), VotingClose: d("2026-04-30"), ResultsOn: d("2026-04-01"),
		}}, []string{
			"schedule: announced_on 2026-06-01 is after nominations_open 2026-05-15",
			"schedule: nominations_close 2026-05-02 is before nominations_open 2026-05-15",
			"schedule: voting_open 2026-05-01 is before nominations close (2026-05-03 00:00 UTC, utc deadlines)",
			"schedule: voting_close 2026-04-30 is before voting_open 2026-05-01",
			"schedule: results_on 2026-04-01 must be after voting_close 2026-04-30",
			"cutoff 2026-05-02 must not be after the first day of voting (2026-05-01)",
		}},
	}
	svc, st, _ := matrixHistory(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			electionUnchanged(t, st, func() {
				_, err := svc.CreateElection(context.Background(), boardOfficer, tt.in)
				if diff := cmp.Diff(tt.want, electionError(t, err, elections.EINVALID)); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestScheduleEdgesAccepted(t *testing.T) {
	d := elections.MustDate
	tests := []struct {
		name      string
		deadlines elections.DeadlinePolicy
		sch       elections.Schedule
	}{
		{"one-day phases, voting right after nominations", elections.DeadlineUTC, elections.Schedule{AnnouncedOn: d("2026-05-02"),
			NominationsOpen: d("2026-05-02"), NominationsClose: d("2026-05-02"), VotingOpen: d("2026-05-03"), VotingClose: d("2026-05-03"),
			ResultsOn: d("2026-05-04")}},
		{"aoe: voting two days after nominations", elections.DeadlineAOE, elections.Schedule{
			NominationsOpen: d("2026-05-02"), NominationsClose: d("2026-05-15"), VotingOpen: d("2026-05-17"), VotingClose: d("2026-06-12")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _, _ := matrixHistory(t)
			e := createElection(t, svc, elections.ElectionInput{Year: 2026, Deadlines: tt.deadlines, Schedule: tt.sch})
			if e.Deadlines != tt.deadlines {
				t.Errorf("deadlines %s, want %s", e.Deadlines, tt.deadlines)
			}
		})
	}
}

func TestUpdateSchedule(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	with := func(f func(*elections.Schedule)) elections.Schedule {
		s := matrix2026Schedule()
		f(&s)
		return s
	}
	tests := []struct {
		name      string
		now       time.Time
		sch       elections.Schedule
		deadlines elections.DeadlinePolicy
		changes   map[string]any // nil: no event
	}{
		{"before anything opened, everything may move", announced2026, elections.Schedule{
			NominationsOpen: d("2026-05-04"), NominationsClose: d("2026-05-17"), VotingOpen: d("2026-06-01"), VotingClose: d("2026-06-14"),
		}, elections.DeadlineAOE, map[string]any{
			"nominations_open":  map[string]any{"from": "2026-05-02", "to": "2026-05-04"},
			"nominations_close": map[string]any{"from": "2026-05-15", "to": "2026-05-17"},
			"voting_open":       map[string]any{"from": "2026-05-30", "to": "2026-06-01"},
			"voting_close":      map[string]any{"from": "2026-06-12", "to": "2026-06-14"},
			"results_on":        map[string]any{"from": "2026-06-15", "to": nil},
			"deadlines":         map[string]any{"from": "utc", "to": "aoe"},
		}},
		{"nominations extended while open", utc(2026, 5, 5, 9, 0, 0), with(func(s *elections.Schedule) {
			s.NominationsClose = d("2026-05-17")
		}), "", map[string]any{"nominations_close": map[string]any{"from": "2026-05-15", "to": "2026-05-17"}}},
		{"aoe while nominations are open", utc(2026, 5, 5, 9, 0, 0), matrix2026Schedule(), elections.DeadlineAOE,
			map[string]any{"deadlines": map[string]any{"from": "utc", "to": "aoe"}}},
		{"voting extended while open", utc(2026, 6, 1, 9, 0, 0), with(func(s *elections.Schedule) {
			s.VotingClose = d("2026-06-14")
			s.ResultsOn = d("2026-06-17")
		}), elections.DeadlineUTC, map[string]any{
			"voting_close": map[string]any{"from": "2026-06-12", "to": "2026-06-14"},
			"results_on":   map[string]any{"from": "2026-06-15", "to": "2026-06-17"},
		}},
		{"the same schedule", utc(2026, 6, 1, 9, 0, 0), matrix2026Schedule(), "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st, clock, e := matrix2026(t)
			clock.Set(tt.now)
			got, err := svc.UpdateSchedule(ctx, boardOfficer, e.ID, tt.sch, tt.deadlines)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.sch
			want.AnnouncedOn = d("2026-04-27") // kept when not given
			if diff := cmp.Diff(want, got.Schedule, boardDates); diff != "" {
				t.Errorf("schedule (-want +got):\n%s", diff)
			}
			stored, _ := svc.Election(ctx, e.ID)
			if diff := cmp.Diff(got, stored, boardDates); diff != "" {
				t.Errorf("stored election (-returned +stored):\n%s", diff)
			}
			events := electionEventsOf(t, st, elections.EventScheduleChanged, tt.now)
			if tt.changes == nil {
				if len(events) != 0 {
					t.Errorf("events %v, want none", events)
				}
				return
			}
			wantEvents := []electionEvent{{Kind: elections.EventScheduleChanged,
				Payload: map[string]any{"election": float64(e.ID), "changes": tt.changes}}}
			if diff := cmp.Diff(wantEvents, events); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateScheduleRefused(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	with := func(f func(*elections.Schedule)) elections.Schedule {
		s := matrix2026Schedule()
		f(&s)
		return s
	}
	tests := []struct {
		name      string
		now       time.Time
		status    elections.ElectionStatus
		sch       elections.Schedule
		deadlines elections.DeadlinePolicy
		code      string
		want      []string
	}{
		{"nominations opened", utc(2026, 5, 5, 9, 0, 0), "", with(func(s *elections.Schedule) {
			s.NominationsOpen = d("2026-05-06")
		}), "", elections.EINVALID, []string{
			"schedule: nominations_open: nominations open at 2026-05-02 00:00 UTC, which has passed; it cannot move",
		}},
		{"voting would open before the roll cut-off", announced2026, "", with(func(s *elections.Schedule) {
			s.NominationsClose, s.VotingOpen = d("2026-05-10"), d("2026-05-12")
		}), "", elections.EINVALID, []string{
			"voting_open 2026-05-12 must not be before the roll cut-off 2026-05-15",
		}},
		{"nominations would close in the past", utc(2026, 5, 5, 9, 0, 0), "", with(func(s *elections.Schedule) {
			s.NominationsClose = d("2026-05-04")
		}), "", elections.EINVALID, []string{
			"schedule: nominations_close: nominations close would be at 2026-05-05 00:00 UTC, which has passed; a boundary cannot move into the past",
		}},
		{"nominations would close right now", utc(2026, 5, 5, 0, 0, 0), "", with(func(s *elections.Schedule) {
			s.NominationsClose = d("2026-05-04")
		}), "", elections.EINVALID, []string{
			"schedule: nominations_close: nominations close would be at 2026-05-05 00:00 UTC, which has passed; a boundary cannot move into the past",
		}},
		{"aoe after nominations closed moves their end", utc(2026, 5, 20, 9, 0, 0), "", matrix2026Schedule(), elections.DeadlineAOE,
			elections.EINVALID, []string{
				"schedule: nominations_close: nominations close at 2026-05-16 00:00 UTC, which has passed; it cannot move",
			}},
		{"voting opened", utc(2026, 6, 1, 9, 0, 0), "", with(func(s *elections.Schedule) {
			s.VotingOpen = d("2026-05-31")
		}), "", elections.EINVALID, []string{
			"schedule: voting_open: voting opens at 2026-05-30 00:00 UTC, which has passed; it cannot move",
		}},
		{"invalid and passed at once", utc(2026, 6, 1, 9, 0, 0), "", with(func(s *elections.Schedule) {
			s.NominationsOpen, s.VotingClose = d("2026-05-01"), d("2026-05-20")
		}), "", elections.EINVALID, []string{
			"schedule: voting_close 2026-05-20 is before voting_open 2026-05-30",
			"schedule: nominations_open: nominations open at 2026-05-02 00:00 UTC, which has passed; it cannot move",
			"schedule: voting_close: voting closes would be at 2026-05-21 00:00 UTC, which has passed; a boundary cannot move into the past",
		}},
		{"a required day missing", announced2026, "", with(func(s *elections.Schedule) {
			s.VotingOpen = elections.Date{}
		}), "", elections.EINVALID, []string{"schedule: voting_open is required"}},
		{"deadline policy", announced2026, "", matrix2026Schedule(), "pst", elections.EINVALID,
			[]string{`deadlines must be utc or aoe, not "pst"`}},
		{"counted", utc(2026, 6, 14, 9, 0, 0), elections.StatusCounted, with(func(s *elections.Schedule) {
			s.ResultsOn = d("2026-06-20")
		}), "", elections.ECONFLICT, []string{"the election is counted; its schedule can no longer change"}},
		{"certified", utc(2026, 6, 16, 9, 0, 0), elections.StatusCertified, matrix2026Schedule(), "", elections.ECONFLICT,
			[]string{"the election is certified; its schedule can no longer change"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st, clock, e := matrix2026(t)
			if tt.status != "" {
				e.Status = tt.status
				if err := st.UpdateElection(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			clock.Set(tt.now)
			electionUnchanged(t, st, func() {
				_, err := svc.UpdateSchedule(ctx, boardOfficer, e.ID, tt.sch, tt.deadlines)
				if diff := cmp.Diff(tt.want, electionError(t, err, tt.code)); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			})
		})
	}
	t.Run("unknown election", func(t *testing.T) {
		svc, _, _, _ := matrix2026(t)
		_, err := svc.UpdateSchedule(ctx, boardOfficer, 99, matrix2026Schedule(), "")
		electionError(t, err, elections.ENOTFOUND)
	})
}
