package elections_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// TestNominationTermLimit checks the term limit (two consecutive terms) on Cy's terms of
// individual-2 before the 2026 election (cut-off 2026-05-15): terms chain when each starts
// within 366 days of the previous one's end, and count only when the last reaches into the
// year before the cut-off.
func TestNominationTermLimit(t *testing.T) {
	d := elections.MustDate
	term := func(start, end string) elections.TermInput {
		return elections.TermInput{Seat: "individual-2", Member: "ind-0003", Start: d(start), End: d(end), Source: elections.TermElected}
	}
	const refused = "ind-0003 has served 2 consecutive terms; the charter allows at most 2"
	tests := []struct {
		name  string
		terms []elections.TermInput
		want  string // the refusal; "" when Cy may stand
	}{
		{name: "no terms"},
		{name: "one term", terms: []elections.TermInput{term("2024-06-01", "2026-06-01")}},
		{name: "two back to back", terms: []elections.TermInput{term("2022-06-01", "2024-06-01"), term("2024-06-01", "2026-06-01")}, want: refused},
		{name: "second starts 366 days after the first ended",
			terms: []elections.TermInput{term("2022-06-01", "2023-01-01"), term("2024-01-02", "2026-01-02")}, want: refused},
		{name: "second starts 367 days after the first ended",
			terms: []elections.TermInput{term("2022-06-01", "2023-01-01"), term("2024-01-03", "2026-01-03")}},
		{name: "two years' gap", terms: []elections.TermInput{term("2020-06-01", "2022-06-01"), term("2024-06-01", "2026-06-01")}},
		{name: "last ended 366 days before the cut-off",
			terms: []elections.TermInput{term("2022-06-01", "2024-05-14"), term("2024-05-14", "2025-05-14")}, want: refused},
		{name: "last ended 367 days before the cut-off",
			terms: []elections.TermInput{term("2022-06-01", "2024-05-13"), term("2024-05-13", "2025-05-13")}},
		{name: "a term starting after the cut-off does not count",
			terms: []elections.TermInput{term("2024-06-01", "2026-05-16"), term("2026-05-16", "2026-05-20")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newNomEnvWith(t, nil, tt.terms)
			_, err := env.svc.Nominate(context.Background(), env.member("ind-0003"), env.election.ID,
				elections.NominationInput{Nominee: "ind-0003"})
			got := nomErrorOf(t, err)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Nominate: %v", err)
				}
				return
			}
			if diff := cmp.Diff(nomError{Code: elections.EINVALID, Message: tt.want, Details: []string{tt.want}}, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNominationCharterRulesOff checks that without the charter's rules, a member with two
// consecutive terms may stand again and a person may stand in two constituencies.
func TestNominationCharterRulesOff(t *testing.T) {
	env := newNomEnvWith(t, func(c *elections.Charter) {
		c.Rules.TermLimit, c.Rules.OneConstituencyPerNominee = nil, false
	}, nil)
	env.nominate(t, "ind-0005", "ind-0005", elections.CandidateProfile{})
	env.nominate(t, "ind-0004", "ind-0004", elections.CandidateProfile{})
	acme := env.nominate(t, "org-acme", "org-acme", elections.CandidateProfile{})
	if acme.PersonKey != "dee@example.org" {
		t.Errorf("person key %q, want dee@example.org", acme.PersonKey)
	}
}

// TestNominationFor checks who may read a nomination: its nominee, its nominator, officers
// and auditors; nobody else learns that it exists.
func TestNominationFor(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	n := env.nominate(t, "ind-0001", "ind-0003", elections.CandidateProfile{})
	tests := []struct {
		name  string
		actor elections.Actor
		id    int64
		want  string
	}{
		{name: "nominee", actor: env.member("ind-0003"), id: n.ID},
		{name: "nominator", actor: env.member("ind-0001"), id: n.ID},
		{name: "officer", actor: nomOfficer, id: n.ID},
		{name: "auditor", actor: nomAuditor, id: n.ID},
		{name: "another member", actor: env.member("ind-0004"), id: n.ID, want: elections.ENOTFOUND},
		{name: "nominee with a token for another election", actor: elections.MemberActor("ind-0003", env.election.ID+1), id: n.ID,
			want: elections.ENOTFOUND},
		{name: "unknown", actor: nomOfficer, id: n.ID + 1, want: elections.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := env.svc.NominationFor(ctx, tt.actor, tt.id)
			if code := elections.ErrorCode(err); code != tt.want {
				t.Fatalf("NominationFor: %v, want code %q", err, tt.want)
			}
			if err == nil && got.ID != n.ID {
				t.Errorf("NominationFor returned %d, want %d", got.ID, n.ID)
			}
		})
	}
	_, err := env.svc.NominationFor(ctx, env.member("ind-0004"), n.ID)
	if want := fmt.Sprintf("no nomination %d", n.ID); elections.ErrorMessage(err) != want {
		t.Errorf("another member's view: %v, want the message of an unknown nomination %q", err, want)
	}
}

// TestCandidatesBeforeClose checks that candidate lists are published only once nominations
// have closed, and that ElectionNominations and Candidates know their election and contest.
func TestCandidatesBeforeClose(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	_, err := env.svc.Candidates(ctx, env.contests["individual"])
	checkRefusal(t, err, elections.ECONFLICT,
		"the election is in its nominations phase; candidates are published when nominations close (2026-05-16 00:00 UTC)")
	_, err = env.svc.Candidates(ctx, 999)
	checkRefusal(t, err, elections.ENOTFOUND, "")
	_, err = env.svc.ElectionNominations(ctx, 999)
	checkRefusal(t, err, elections.ENOTFOUND, "")
}
