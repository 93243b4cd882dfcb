package elections_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
)

// TestUpdateContestIndividualSeatsRaised replays Matrix 2026: a second Individual member
// stepped down during the election and the Individual seats up were raised from 1 to 2.
func TestUpdateContestIndividualSeatsRaised(t *testing.T) {
	ctx := context.Background()
	d := elections.MustDate
	svc, st, clock, e := matrix2026(t)
	at := utc(2026, 5, 20, 9, 0, 0)
	clock.Set(at)
	if _, err := svc.VacateSeat(ctx, boardOfficer, "individual-1", d("2026-05-10"), elections.EndResigned, "stepped down"); err != nil {
		t.Fatal(err)
	}
	individual := contestOf(t, e, "individual")
	reason := "individual-1 vacant since 2026-05-10 (resigned)"
	v, err := svc.UpdateContest(ctx, boardOfficer, individual.ID, elections.ContestPatch{
		Seats: []string{"individual-3", " individual-1"}, Reason: " " + reason + " "})
	if err != nil {
		t.Fatal(err)
	}
	want := &elections.ContestView{Phase: elections.PhaseCampaigning, Outcome: elections.OutcomeNoCandidates,
		Contest: matrixContest(individual.ID, "individual", "Individual Members",
			contestSeats("individual", 1, 1, 2026, 1, true, "set by an officer: "+reason),
			contestSeats("individual", 3, 3, 2026, 1, true, "vacant since 2025-11-03 (resigned)"))}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("contest (-want +got):\n%s", diff)
	}
	stored, err := svc.Contest(ctx, individual.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored contest (-want +got):\n%s", diff)
	}
	wantEvents := []electionEvent{{Kind: elections.EventContestChanged, Payload: map[string]any{
		"contest": float64(individual.ID), "reason": reason,
		"changes": map[string]any{"seats": map[string]any{
			"from": []any{"individual-3"}, "to": []any{"individual-1", "individual-3"}}},
		// The contest after the change.
		"seats": []any{"individual-1", "individual-3"}, "method": "meek",
	}}}
	if diff := cmp.Diff(wantEvents, electionEventsOf(t, st, elections.EventContestChanged, at)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestUpdateContest(t *testing.T) {
	ctx := context.Background()
	method, confidence := "schulze", elections.ConfidenceVote
	tests := []struct {
		name         string
		now          time.Time
		constituency string
		patch        elections.ContestPatch
		want         func(c *elections.Contest)
		changes      map[string]any // nil: no event
		// seats and method are the contest's after the change, as the event records them.
		seats  []any
		method string
	}{
		{"method and policy when announced", announced2026, "guardians",
			elections.ContestPatch{Method: &method, Uncontested: &confidence},
			func(c *elections.Contest) { c.Method, c.Uncontested = method, confidence },
			map[string]any{"method": map[string]any{"from": "meek", "to": "schulze"},
				"uncontested": map[string]any{"from": "acclamation", "to": "confidence"}},
			[]any{"guardians-1", "guardians-2", "guardians-3"}, "schulze"},
		{"method on the last instant of nominations", utc(2026, 5, 16, 0, 0, 0).Add(-time.Nanosecond), "guardians",
			elections.ContestPatch{Method: &method, Reason: "ranked pairs wanted"},
			func(c *elections.Contest) { c.Method = method },
			map[string]any{"method": map[string]any{"from": "meek", "to": "schulze"}},
			[]any{"guardians-1", "guardians-2", "guardians-3"}, "schulze"},
		{"an in-cycle seat added while voting", utc(2026, 6, 1, 9, 0, 0), "platinum",
			elections.ContestPatch{Seats: []string{"platinum-2", "platinum-1"}, Reason: "a second Platinum member joined"},
			func(c *elections.Contest) {
				c.Seats = contestSeats("platinum", 1, 2, 2026, 2, false, "in cycle")
			},
			map[string]any{"seats": map[string]any{"from": []any{"platinum-1"}, "to": []any{"platinum-1", "platinum-2"}}},
			[]any{"platinum-1", "platinum-2"}, "meek"},
		{"a seat taken off", utc(2026, 5, 20, 9, 0, 0), "silver",
			elections.ContestPatch{Seats: []string{"silver-2"}, Reason: "silver-1 filled by appointment"},
			func(c *elections.Contest) {
				c.Seats = contestSeats("silver", 2, 2, 2026, 1, true, "vacant since 2025-12-01 (resigned)")
			},
			map[string]any{"seats": map[string]any{"from": []any{"silver-1", "silver-2"}, "to": []any{"silver-2"}}},
			[]any{"silver-2"}, "meek"},
		{"nothing changes", announced2026, "guardians",
			elections.ContestPatch{Seats: []string{"guardians-3", "guardians-2", "guardians-1"}, Reason: "checked"},
			func(*elections.Contest) {}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st, clock, e := matrix2026(t)
			clock.Set(tt.now)
			c := contestOf(t, e, tt.constituency)
			v, err := svc.UpdateContest(ctx, boardOfficer, c.ID, tt.patch)
			if err != nil {
				t.Fatal(err)
			}
			want := *c
			tt.want(&want)
			if diff := cmp.Diff(want, v.Contest); diff != "" {
				t.Errorf("contest (-want +got):\n%s", diff)
			}
			if stored, _ := svc.Contest(ctx, c.ID); !cmp.Equal(want, stored.Contest) {
				t.Errorf("stored contest %+v, want %+v", stored.Contest, want)
			}
			var wantEvents []electionEvent
			if tt.changes != nil {
				wantEvents = []electionEvent{{Kind: elections.EventContestChanged, Payload: map[string]any{
					"contest": float64(c.ID), "changes": tt.changes, "reason": tt.patch.Reason,
					"seats": tt.seats, "method": tt.method}}}
			}
			if diff := cmp.Diff(wantEvents, electionEventsOf(t, st, elections.EventContestChanged, tt.now)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateContestRefused(t *testing.T) {
	ctx := context.Background()
	method, bad, badPolicy, acclamation := "meek", "foo", elections.UncontestedPolicy("maybe"), elections.Acclamation
	campaigning := utc(2026, 5, 16, 0, 0, 0)
	tests := []struct {
		name         string
		now          time.Time
		status       elections.ElectionStatus
		constituency string
		patch        elections.ContestPatch
		code         string
		want         []string
	}{
		{"method once nominations closed", campaigning, "", "guardians", elections.ContestPatch{Method: &method}, elections.ECONFLICT,
			[]string{"the election is in its campaigning phase; the counting method and the uncontested policy can change only until nominations close (2026-05-15, utc)"}},
		{"policy while voting", utc(2026, 6, 1, 9, 0, 0), "", "guardians", elections.ContestPatch{Uncontested: &acclamation},
			elections.ECONFLICT,
			[]string{"the election is in its voting phase; the counting method and the uncontested policy can change only until nominations close (2026-05-15, utc)"}},
		{"seats once counted", utc(2026, 6, 14, 9, 0, 0), elections.StatusCounted, "individual",
			elections.ContestPatch{Seats: []string{"individual-1"}, Reason: "late resignation"}, elections.ECONFLICT,
			[]string{"the election is in its counted phase; the seats up can change only until the count"}},
		{"seats once certified", utc(2026, 6, 16, 9, 0, 0), elections.StatusCertified, "individual",
			elections.ContestPatch{Seats: []string{"individual-1"}, Reason: "late resignation"}, elections.ECONFLICT,
			[]string{"the election is in its certified phase; the seats up can change only until the count"}},
		{"everything wrong at once", announced2026, "", "individual", elections.ContestPatch{
			Method: &bad, Uncontested: &badPolicy, Seats: []string{"gold-1", "individual-9", "individual-3", "individual-3", "individual"},
		}, elections.EINVALID, []string{
			`method "foo" is not a counting method (` + strings.Join(tally.Methods(), ", ") + ")",
			`uncontested "maybe" is not acclamation or confidence`,
			`seats: "gold-1" is not a seat of "Individual Members" in charter version 1`,
			`seats: "individual-9" is not a seat of "Individual Members" in charter version 1`,
			`seats: individual-3 is given twice`,
			`seats: "individual" is not a seat of "Individual Members" in charter version 1`,
			"reason is required when the seats change",
		}},
		{"reason with a NUL", announced2026, "", "individual", elections.ContestPatch{Seats: []string{"individual-3"}, Reason: "a\x00"},
			elections.EINVALID, []string{`reason must not contain a NUL character (\u0000)`}},
		{"no seats", announced2026, "", "individual", elections.ContestPatch{Seats: []string{}, Reason: "none"},
			elections.EINVALID, []string{"seats: at least one seat is required"}},
		{"unknown contest", announced2026, "", "", elections.ContestPatch{Method: &method}, elections.ENOTFOUND,
			[]string{"no such contest"}},
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
			id := int64(99)
			if tt.constituency != "" {
				id = contestOf(t, e, tt.constituency).ID
			}
			electionUnchanged(t, st, func() {
				_, err := svc.UpdateContest(ctx, boardOfficer, id, tt.patch)
				if diff := cmp.Diff(tt.want, electionError(t, err, tt.code)); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestContestOutcome checks each contest's candidates and outcome before and after the close
// of nominations: only accepted nominations count.
func TestContestOutcome(t *testing.T) {
	ctx := context.Background()
	svc, st, clock, e := matrix2026(t)
	// The silver contest is put to a confidence vote when uncontested.
	confidence := elections.ConfidenceVote
	if _, err := svc.UpdateContest(ctx, boardOfficer, contestOf(t, e, "silver").ID,
		elections.ContestPatch{Uncontested: &confidence}); err != nil {
		t.Fatal(err)
	}
	nominate := func(constituency, nominee string, status elections.NominationStatus) {
		c := contestOf(t, e, constituency)
		n := &elections.Nomination{ElectionID: e.ID, ContestID: c.ID, Constituency: constituency, Nominee: nominee,
			NominatedBy: nominee, PersonKey: "member:" + nominee, Status: status}
		if err := st.CreateNomination(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	accepted := elections.NominationAccepted
	nominate("guardians", "g1", accepted)
	nominate("guardians", "g2", accepted)
	nominate("guardians", "g3", accepted)
	nominate("guardians", "g4", accepted)
	nominate("guardians", "g5", elections.NominationWithdrawn)
	nominate("platinum", "p1", accepted)
	nominate("platinum", "p2", elections.NominationConsented)
	nominate("silver", "s1", accepted)
	nominate("ecosystem", "e1", elections.NominationRejected)
	nominate("ecosystem", "e2", elections.NominationAwaitingConsent)
	nominate("spec-core-team", "t1", accepted)
	nominate("spec-core-team", "t2", accepted)

	type outcome struct {
		Candidates int
		Outcome    elections.ContestOutcome
	}
	tests := []struct {
		now   time.Time
		phase elections.Phase
		want  map[string]outcome
	}{
		{utc(2026, 5, 15, 23, 0, 0), elections.PhaseNominations, map[string]outcome{
			"individual": {0, elections.OutcomePending}, "ecosystem": {0, elections.OutcomePending},
			"associate": {0, elections.OutcomePending}, "platinum": {1, elections.OutcomePending},
			"silver": {1, elections.OutcomePending}, "guardians": {4, elections.OutcomePending},
			"spec-core-team": {2, elections.OutcomePending},
		}},
		{utc(2026, 5, 16, 0, 0, 0), elections.PhaseCampaigning, map[string]outcome{
			"individual": {0, elections.OutcomeNoCandidates}, "ecosystem": {0, elections.OutcomeNoCandidates},
			"associate": {0, elections.OutcomeNoCandidates}, "platinum": {1, elections.OutcomeAcclamation},
			"silver": {1, elections.OutcomeConfidence}, "guardians": {4, elections.OutcomeContested},
			"spec-core-team": {2, elections.OutcomeAcclamation},
		}},
	}
	for _, tt := range tests {
		clock.Set(tt.now)
		views, err := svc.ElectionContests(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := make(map[string]outcome)
		for _, v := range views {
			got[v.Contest.Constituency] = outcome{v.Candidates, v.Outcome}
			if v.Phase != tt.phase {
				t.Errorf("at %v: %s phase %s, want %s", tt.now, v.Contest.Constituency, v.Phase, tt.phase)
			}
			one, err := svc.Contest(ctx, v.Contest.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&v, one); diff != "" {
				t.Errorf("Contest(%d) differs from ElectionContests (-list +one):\n%s", v.Contest.ID, diff)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("outcomes at %v (-want +got):\n%s", tt.now, diff)
		}
	}
	if _, err := svc.Contest(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("Contest(99): %v, want %s", err, elections.ENOTFOUND)
	}
	if _, err := svc.ElectionContests(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("ElectionContests(99): %v, want %s", err, elections.ENOTFOUND)
	}
}
