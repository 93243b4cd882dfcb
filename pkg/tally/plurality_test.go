package tally_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// The helpers of the non-STV tests carry an "ns" prefix so that they cannot collide with the
// helpers of other test files of the package.

// nsBallot is a weighted ballot written as text: "A B=C D" is a ranking (levels separated by
// spaces, equal rankings joined by "="); "A:2 B:-1" gives each candidate an explicit value
// (points of a cumulative ballot, +1/-1/0 of a confidence ballot).
type nsBallot struct {
	w     int64
	marks string
}

// nsElection builds an election over the space-separated candidate names.
func nsElection(t testing.TB, seats int, names string, ballots ...nsBallot) *tally.Election {
	t.Helper()
	e := &tally.Election{Seats: seats}
	index := map[string]int{}
	for k, n := range strings.Fields(names) {
		e.Candidates = append(e.Candidates, tally.Candidate{Name: n})
		index[n] = k
	}
	for _, b := range ballots {
		var marks []tally.Mark
		for level, field := range strings.Fields(b.marks) {
			name, value, explicit := strings.Cut(field, ":")
			v := level + 1
			if explicit {
				var err error
				if v, err = strconv.Atoi(value); err != nil {
					t.Fatalf("ballot %q: %v", b.marks, err)
				}
			}
			for _, n := range strings.Split(name, "=") {
				c, ok := index[n]
				if !ok {
					t.Fatalf("ballot %q names unknown candidate %q", b.marks, n)
				}
				marks = append(marks, tally.Mark{Candidate: c, Value: v})
			}
		}
		if err := e.Ballots.Add(b.w, marks); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// nsKinds gives the ballot kind of the methods whose ballots are not rankings.
var nsKinds = map[string]tally.BallotKind{"cumulative": tally.KindPoints, "confidence": tally.KindConfidence}

// nsCount counts and fails the test on error. An election without a ballot kind gets the one
// the method counts (a ranking otherwise).
func nsCount(t testing.TB, method string, e *tally.Election, opts tally.Options) *tally.Result {
	t.Helper()
	if e.Kind == "" {
		e.Kind = nsKinds[method]
	}
	r, err := tally.Count(method, e, opts)
	if err != nil {
		t.Fatalf("Count(%s): %v", method, err)
	}
	return r
}

// nsVotes returns the integer totals of a single-round result.
func nsVotes(t testing.TB, r *tally.Result) []int64 {
	t.Helper()
	if len(r.Rounds) != 1 {
		t.Fatalf("%d rounds, want 1", len(r.Rounds))
	}
	var out []int64
	for _, v := range r.Rounds[0].Votes {
		if v.Scale != 0 {
			t.Errorf("vote %v has scale %d, want 0", v, v.Scale)
		}
		out = append(out, v.Units)
	}
	return out
}

// nsOutcome is what the tests of the single-round methods compare.
type nsOutcome struct {
	Elected    []string
	Votes      []int64
	NonTransf  int64
	PassedOver []string
	Ties       int
}

func nsOutcomeOf(t testing.TB, e *tally.Election, r *tally.Result) nsOutcome {
	t.Helper()
	o := nsOutcome{Elected: namesOf(tallytest.Names(e), r.Elected), Votes: nsVotes(t, r),
		NonTransf: r.Rounds[0].NonTransferable.Units, PassedOver: []string{}, Ties: len(r.Ties)}
	for _, p := range r.PassedOver {
		o.PassedOver = append(o.PassedOver, e.Candidates[p.Candidate].Name)
	}
	if got := namesOf(tallytest.Names(e), r.Rounds[0].Elected); !slices.Equal(got, o.Elected) {
		t.Errorf("round elected %v, result elected %v", got, o.Elected)
	}
	if r.Rounds[0].Kind != tally.RoundTally || r.Rounds[0].Action == "" {
		t.Errorf("round kind %q action %q", r.Rounds[0].Kind, r.Rounds[0].Action)
	}
	return o
}

func TestPlurality(t *testing.T) {
	withdrawnA := nsElection(t, 1, "A B C", nsBallot{4, "A B"}, nsBallot{3, "C"}, nsBallot{2, "B=C"})
	withdrawnA.Candidates[0].Withdrawn = true
	capped := nsElection(t, 2, "A B C", nsBallot{5, "A"}, nsBallot{4, "B"}, nsBallot{3, "C"})
	capped.Candidates[0].Affiliation, capped.Candidates[1].Affiliation = "X", "X"
	tests := []struct {
		name string
		e    *tally.Election
		opts tally.Options
		want nsOutcome
	}{{
		name: "block vote with overvote and blank (testdata)",
		e:    readTestBLT(t, "plurality", "block-vote.blt"),
		want: nsOutcome{Elected: []string{"B", "C"}, Votes: []int64{3, 5, 5, 2}, NonTransf: 2},
	}, {
		// First preferences: A 4, B 3, C 2; "A=B C" has two first preferences for one seat.
		name: "ranking counts its first preference",
		e: nsElection(t, 1, "A B C", nsBallot{4, "A B C"}, nsBallot{3, "B A"}, nsBallot{2, "C B"},
			nsBallot{1, "A=B C"}),
		want: nsOutcome{Elected: []string{"A"}, Votes: []int64{4, 3, 2}, NonTransf: 1},
	}, {
		// A withdrew: "A B" counts for B (4); "B=C" now has two first preferences for one seat.
		name: "withdrawn first preference moves to the next level",
		e:    withdrawnA,
		want: nsOutcome{Elected: []string{"B"}, Votes: []int64{0, 4, 3}, NonTransf: 2},
	}, {
		// A (X) 5 is elected; B (X) 4 would be X's second seat with cap 1: C (3) takes it.
		name: "affiliation cap passes over",
		e:    capped,
		opts: tally.Options{AffiliationCap: 1},
		want: nsOutcome{Elected: []string{"A", "C"}, Votes: []int64{5, 4, 3}, PassedOver: []string{"B"}},
	}, {
		name: "more seats than candidates leaves a seat vacant",
		e:    nsElection(t, 3, "A B", nsBallot{2, "A"}, nsBallot{1, "B"}),
		want: nsOutcome{Elected: []string{"A", "B"}, Votes: []int64{2, 1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nsOutcomeOf(t, tt.e, nsCount(t, "plurality", tt.e, tt.opts))
			if tt.want.PassedOver == nil {
				tt.want.PassedOver = []string{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTopSeatsTie: A 3, B 2, C 2 for 2 seats: A is elected, and B and C tie for the last seat,
// which only the seed can decide (TieBreaker, round 1, purpose "elect").
func TestTopSeatsTie(t *testing.T) {
	ballots := map[string][]nsBallot{
		"plurality":  {{3, "A"}, {2, "B"}, {2, "C"}},
		"approval":   {{2, "A B"}, {1, "A C"}, {1, "C"}},
		"cumulative": {{1, "A:2"}, {1, "A:1 B:1"}, {1, "B:1 C:1"}, {1, "C:1"}},
	}
	for _, method := range []string{"plurality", "approval", "cumulative"} {
		chosen := map[string]bool{}
		for k := range 8 {
			seed := []byte(fmt.Sprintf("seed-%d", k))
			e := nsElection(t, 2, "A B C", ballots[method]...)
			r := nsCount(t, method, e, tally.Options{Seed: seed})
			want := tally.NewTieBreaker(e, seed).Order(1, "elect", []int{1, 2})[0]
			if diff := cmp.Diff([]int{0, want}, r.Elected); diff != "" {
				t.Fatalf("%s seed %s elected (-want +got):\n%s", method, seed, diff)
			}
			wantTie := []tally.Tie{{Round: 1, Tied: []int{1, 2}, Rule: "seed", Chosen: want, Purpose: "elect"}}
			if diff := cmp.Diff(wantTie, r.Ties); diff != "" {
				t.Fatalf("%s ties (-want +got):\n%s", method, diff)
			}
			chosen[e.Candidates[want].Name] = true
		}
		if len(chosen) != 2 {
			t.Errorf("%s: 8 seeds always chose %v; the seed must matter", method, chosen)
		}
	}
}

func TestApproval(t *testing.T) {
	tests := []struct {
		name string
		e    *tally.Election
		want nsOutcome
	}{{
		name: "block vote ballots (testdata)",
		e:    readTestBLT(t, "approval", "block-vote.blt"),
		want: nsOutcome{Elected: []string{"B", "C"}, Votes: []int64{4, 6, 6, 2}, NonTransf: 1},
	}, {
		// Every level is approved: A 2+1 = 3, B 2+2 = 4, C 1+2 = 3; most approvals: B.
		name: "ranking approves every ranked candidate",
		e:    nsElection(t, 1, "A B C", nsBallot{2, "A B"}, nsBallot{1, "A C"}, nsBallot{2, "C=B"}),
		want: nsOutcome{Elected: []string{"B"}, Votes: []int64{3, 4, 3}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nsOutcomeOf(t, tt.e, nsCount(t, "approval", tt.e, tally.Options{}))
			tt.want.PassedOver = []string{}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCumulative(t *testing.T) {
	ballots := []nsBallot{
		{2, "A:2"},
		{1, "A:1 B:1"},
		{1, "B:3"}, // over a budget of 2
		{1, "C:2"},
		{2, "B:1"}, // under the budget is fine
	}
	tests := []struct {
		name string
		opts tally.Options
		want nsOutcome
	}{{
		// Budget 2 (= seats): "B:3" is set aside (weight 1).
		// A 2*2 + 1 = 5, B 1 + 2*1 = 3, C 2: elected A, B.
		name: "default budget is the number of seats",
		want: nsOutcome{Elected: []string{"A", "B"}, Votes: []int64{5, 3, 2}, NonTransf: 1},
	}, {
		// Budget 3: "B:3" is valid, B 3 + 3 = 6, A 5, C 2; nothing is set aside.
		name: "larger budget",
		opts: tally.Options{Points: 3},
		want: nsOutcome{Elected: []string{"B", "A"}, Votes: []int64{5, 6, 2}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := nsElection(t, 2, "A B C", ballots...)
			r := nsCount(t, "cumulative", e, tt.opts)
			got := nsOutcomeOf(t, e, r)
			tt.want.PassedOver = []string{}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			if (len(r.Notes) > 0) != (tt.want.NonTransf > 0) {
				t.Errorf("notes %q, want a note exactly when ballots are set aside", r.Notes)
			}
		})
	}
	if _, err := tally.Count("cumulative", nsElection(t, 1, "A"), tally.Options{Points: -1}); err == nil {
		t.Error("a negative budget was accepted")
	}
	negative := nsElection(t, 2, "A B C", nsBallot{1, "C:-1 A:1"})
	negative.Kind = tally.KindPoints
	if _, err := tally.Count("cumulative", negative, tally.Options{}); !errors.Is(err, tally.ErrInvalid) {
		t.Errorf("negative points: err = %v, want ErrInvalid", err)
	}
}
