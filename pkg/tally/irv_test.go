package tally_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// irvView is what the hand-worked IRV tests compare of a round.
type irvView struct {
	Kind     tally.RoundKind
	Votes    string
	NT       string
	Elected  []string
	Excluded []string
}

func viewIRV(e *tally.Election, res *tally.Result) []irvView {
	var out []irvView
	for _, r := range viewRounds(e, res) {
		out = append(out, irvView{r.Kind, r.Votes, r.NT, r.Elected, r.Excluded})
	}
	return out
}

// TestIRVHandWorked checks rounds worked out by hand from the files in testdata/tally/irv.
func TestIRVHandWorked(t *testing.T) {
	tests := []struct {
		file string
		want []irvView
		ties []tally.Tie
	}{{
		// 16 ballots: 6 "A", 5 "B C", 3 "C B", 1 "D C", 1 "D".
		// Round 1: A 6, B 5, C 3, D 2; 16 continuing, no one above 8.
		// Round 2: D excluded: "D C" → C, "D" exhausted: A 6, B 5, C 4, 1 exhausted; 15
		//   continuing, no one above 7.5.
		// Round 3: C excluded: "C B" (3) → B, "D C" has nothing left: A 6, B 8, 2 exhausted;
		//   B has 8 of 14: elected.
		file: "transfers.blt",
		want: []irvView{
			{tally.RoundFirst, "A=6 B=5 C=3 D=2", "0", nil, nil},
			{tally.RoundExclusion, "A=6 B=5 C=4 D=0", "1", nil, []string{"D"}},
			{tally.RoundExclusion, "A=6 B=8 C=0 D=0", "2", []string{"B"}, []string{"C"}},
		},
	}, {
		// 27 ballots: 10 "A", 9 "B", 3 "C", 4 "D", 1 "E C".
		// Round 1: A 10, B 9, C 3, D 4, E 1; no one above 13.5.
		// Round 2: E excluded, "E C" → C: C 4 and D 4 tie for the fewest. At round 1 they
		//   differed, C 3 < D 4, so C is excluded (rule previous-round, no seed needed).
		// Round 3: C's 4 ballots have no next preference: A 10, B 9, D 4, 4 exhausted.
		// Round 4: D excluded, exhausted: A 10, B 9, 8 exhausted; A has 10 of 19: elected.
		file: "earlier-round-tie.blt",
		want: []irvView{
			{tally.RoundFirst, "A=10 B=9 C=3 D=4 E=1", "0", nil, nil},
			{tally.RoundExclusion, "A=10 B=9 C=4 D=4 E=0", "0", nil, []string{"E"}},
			{tally.RoundExclusion, "A=10 B=9 C=0 D=4 E=0", "4", nil, []string{"C"}},
			{tally.RoundExclusion, "A=10 B=9 C=0 D=0 E=0", "8", []string{"A"}, []string{"D"}},
		},
		ties: []tally.Tie{{Round: 3, Tied: []int{2, 3}, Rule: "previous-round", Chosen: 2, Purpose: "exclude"}},
	}, {
		// W is withdrawn. 13 ballots: 5 "A", 4 "B", 2 "W=C B", 1 "C A=B", 1 "A=B".
		// Round 1: "W=C B" counts for C (W is not there); "A=B" is an overvote, exhausted at
		//   once: A 5, B 4, C 3, 1 exhausted; no one above 6.
		// Round 2: C excluded: "W=C B" → B; "C A=B" reaches the overvote and is exhausted:
		//   A 5, B 6, 2 exhausted; B has 6 of 11: elected.
		file: "overvote.blt",
		want: []irvView{
			{tally.RoundFirst, "A=5 B=4 C=3 W=0", "1", nil, nil},
			{tally.RoundExclusion, "A=5 B=6 C=0 W=0", "2", []string{"B"}, []string{"C"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := readTestBLT(t, "irv", tt.file)
			res := countOrFatal(t, "irv", e, tally.Options{Seed: []byte("hand")})
			if diff := cmp.Diff(tt.want, viewIRV(e, res)); diff != "" {
				t.Errorf("rounds (-hand +ours):\n%s", diff)
			}
			if diff := cmp.Diff(tt.ties, res.Ties); diff != "" {
				t.Errorf("ties (-hand +ours):\n%s", diff)
			}
		})
	}
}

// TestIRVSeedTie: testdata/tally/irv/seed-tie.blt has 2 "A", 1 "B", 1 "C". In round 1 nobody
// has more than half of 4; B and C tie for the fewest with no earlier round, so the seed
// decides. The excluded ballot is exhausted and A, with 2 of 3 continuing votes, wins in round
// 2. Different seeds must be able to choose differently.
func TestIRVSeedTie(t *testing.T) {
	e := readTestBLT(t, "irv", "seed-tie.blt")
	chosen := map[int]bool{}
	for _, seed := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		opts := tally.Options{Seed: []byte(seed)}
		res := countOrFatal(t, "irv", e, opts)
		x, tie := tally.NewTieBreaker(e, opts.Seed).Choose(2, "exclude", []int{1, 2})
		if diff := cmp.Diff([]tally.Tie{tie}, res.Ties); diff != "" {
			t.Errorf("seed %q: ties (-want +got):\n%s", seed, diff)
		}
		want := []irvView{
			{tally.RoundFirst, "A=2 B=1 C=1", "0", nil, nil},
			{tally.RoundExclusion, map[int]string{1: "A=2 B=0 C=1", 2: "A=2 B=1 C=0"}[x], "1", []string{"A"}, namesOf(tallytest.Names(e), []int{x})},
		}
		if diff := cmp.Diff(want, viewIRV(e, res)); diff != "" {
			t.Errorf("seed %q: rounds (-hand +ours):\n%s", seed, diff)
		}
		chosen[x] = true
	}
	if len(chosen) != 2 {
		t.Errorf("eight seeds always chose %v", chosen)
	}
}

// TestIRVErrors: IRV fills exactly one seat.
func TestIRVErrors(t *testing.T) {
	e := readTestBLT(t, "irv", "transfers.blt")
	e.Seats = 2
	if _, err := tally.Count("irv", e, tally.Options{}); !errors.Is(err, tally.ErrInvalid) {
		t.Errorf("2 seats: err = %v, want ErrInvalid", err)
	}
}

// TestIRVMajorityAtOnce: a candidate with a first-round majority is elected without exclusions.
func TestIRVMajorityAtOnce(t *testing.T) {
	e := &tally.Election{Seats: 1, Candidates: []tally.Candidate{{Name: "A"}, {Name: "B"}, {Name: "C"}}}
	for _, b := range []struct {
		w int64
		r [][]int
	}{{3, [][]int{{0}}}, {1, [][]int{{1}, {0}}}, {1, [][]int{{2}}}} {
		if err := e.Ballots.AddRanking(b.w, b.r); err != nil {
			t.Fatal(err)
		}
	}
	res := countOrFatal(t, "irv", e, tally.Options{})
	want := []irvView{{tally.RoundFirst, "A=3 B=1 C=1", "0", []string{"A"}, nil}}
	if diff := cmp.Diff(want, viewIRV(e, res)); diff != "" {
		t.Errorf("rounds (-want +got):\n%s", diff)
	}
}

// BenchmarkIRV counts 1,000,000 generated ballots over 20 candidates, one entry per voter and
// with identical ballots merged (as the BLT reader does).
func BenchmarkIRV(b *testing.B) {
	e := *benchElection()
	e.Seats = 1
	merged := e
	if err := merged.Ballots.Compact(); err != nil {
		b.Fatal(err)
	}
	b.Run("merged", func(b *testing.B) {
		for b.Loop() {
			benchCount(b, "irv", &merged)
		}
	})
	b.Run("per-voter", func(b *testing.B) {
		for b.Loop() {
			benchCount(b, "irv", &e)
		}
	})
}
