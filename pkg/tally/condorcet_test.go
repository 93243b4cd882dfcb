package tally_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
)

// TestPairwise checks the pairwise matrix that Schulze and ranked pairs share.
//
//	2 × A B=C   A over B and C; B and C equal: no preference between them; D unranked, below all
//	1 × C       C over A, B and D; A, B and D unranked: equal among themselves
//	1 × D A     D over A, B, C; A over B and C
//	1 × (empty) no preference at all
//
// d[A][B] = 2 + 1 = 3, d[A][C] = 2 + 1 = 3, d[A][D] = 2; d[B][A] = 0, d[B][C] = 0, d[B][D] = 2;
// d[C][A] = 1, d[C][B] = 1, d[C][D] = 2 + 1 = 3; d[D][A] = d[D][B] = d[D][C] = 1.
func TestPairwise(t *testing.T) {
	ballots := []nsBallot{{2, "A B=C"}, {1, "C"}, {1, "D A"}, {1, ""}}
	want := [][]int64{
		{0, 3, 3, 2},
		{0, 0, 0, 2},
		{1, 1, 0, 3},
		{1, 1, 1, 0},
	}
	for _, method := range []string{"schulze", "rankedpairs"} {
		e := nsElection(t, 1, "A B C D", ballots...)
		r := nsCount(t, method, e, tally.Options{})
		if diff := cmp.Diff(want, r.Pairwise); diff != "" {
			t.Errorf("%s pairwise (-want +got):\n%s", method, diff)
		}
		if got := r.Rounds[0].NonTransferable.Units; got != 1 {
			t.Errorf("%s: %d ballots without preference, want 1", method, got)
		}
	}

	// With D withdrawn, "D A" is the ballot "A": D's row and column are zero and the other
	// entries do not change (only D was ranked above A, and D no longer counts).
	e := nsElection(t, 1, "A B C D", ballots...)
	e.Candidates[3].Withdrawn = true
	r := nsCount(t, "schulze", e, tally.Options{})
	wantW := [][]int64{
		{0, 3, 3, 0},
		{0, 0, 0, 0},
		{1, 1, 0, 0},
		{0, 0, 0, 0},
	}
	if diff := cmp.Diff(wantW, r.Pairwise); diff != "" {
		t.Errorf("pairwise with D withdrawn (-want +got):\n%s", diff)
	}
}

// TestCondorcetDeterministic counts the same input twice with the same seed: the results must
// be identical, ties included.
func TestCondorcetDeterministic(t *testing.T) {
	for _, method := range []string{"schulze", "rankedpairs", "plurality", "approval"} {
		var results []*tally.Result
		for range 2 {
			e := readTestBLT(t, "rankedpairs", "equal-strengths.blt")
			e.Seats = 2
			results = append(results, nsCount(t, method, e, tally.Options{Seed: []byte("same")}))
		}
		if diff := cmp.Diff(results[0], results[1]); diff != "" {
			t.Errorf("%s: two counts differ (-first +second):\n%s", method, diff)
		}
	}
}
