package tally_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// TestRankedPairsCycle uses testdata/tally/rankedpairs/cycle.blt:
//
//	7 × A B C    d[A][B] = 7 + 4 = 11, d[B][A] = 5
//	5 × B C A    d[B][C] = 7 + 5 = 12, d[C][B] = 4
//	4 × C A B    d[C][A] = 5 + 4 = 9,  d[A][C] = 7
//
// Majorities by winning votes: B>C 12, A>B 11, C>A 9. B>C and A>B are locked; C>A would close
// the cycle A>B>C>A and is not. Order A > B > C.
func TestRankedPairsCycle(t *testing.T) {
	e := readTestBLT(t, "rankedpairs", "cycle.blt")
	r := nsCount(t, "rankedpairs", e, tally.Options{})
	if diff := cmp.Diff([][]int64{{0, 11, 7}, {5, 0, 12}, {9, 4, 0}}, r.Pairwise); diff != "" {
		t.Errorf("pairwise (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]int{{0}, {1}, {2}}, r.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{2, 1, 0}, nsVotes(t, r)); diff != "" {
		t.Errorf("wins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"A"}, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if !slices.Contains(r.Notes, "2 of 3 majorities locked") {
		t.Errorf("notes %q do not say 2 of 3 majorities were locked", r.Notes)
	}
}

// TestRankedPairsWikipedia: on the Schulze example ranked pairs elects A, not E. Majorities by
// winning votes: B>D 33, E>D 31, A>D 30, C>B 29, D>C 28, E>B 27, A>C 26, B>A 25, C>E 24,
// E>A 23. Locked: B>D, E>D, A>D, C>B; D>C skipped (C>B>D); E>B, A>C locked; B>A skipped
// (A>C>B); C>E locked; E>A skipped (A>C>E). 7 of 10 locked; order A > C > E > B > D.
func TestRankedPairsWikipedia(t *testing.T) {
	e := readTestBLT(t, "schulze", "wikipedia-45.blt")
	e.Seats = 2
	r := nsCount(t, "rankedpairs", e, tally.Options{})
	if diff := cmp.Diff([][]int{{0}, {2}, {4}, {1}, {3}}, r.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"A", "C"}, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if !slices.Contains(r.Notes, "7 of 10 majorities locked") {
		t.Errorf("notes %q do not say 7 of 10 majorities were locked", r.Notes)
	}
}

// TestRankedPairsEqualStrengths uses testdata/tally/rankedpairs/equal-strengths.blt, whose
// pairwise matrix is worked in TestSchulzeTie: B>C 6:1, then A>B 4:3 and C>A 4:3 of equal
// strength. With B>C locked, A>B and C>A together close a cycle, so their order decides:
//   - A ranked above C in the seed's tie-breaking ranking: A>B is locked, C>A is not;
//     order A > B > C, A wins;
//   - C above A: C>A is locked, then A>B would close B>C>A>B; order B > C > A, B wins.
func TestRankedPairsEqualStrengths(t *testing.T) {
	winners := map[string]bool{}
	for k := range 8 {
		seed := []byte(fmt.Sprintf("pairs-%d", k))
		e := readTestBLT(t, "rankedpairs", "equal-strengths.blt")
		r := nsCount(t, "rankedpairs", e, tally.Options{Seed: seed})
		tbrc := tally.NewTieBreaker(e, seed).Order(1, "order", []int{0, 1, 2})
		wantOrder, first := [][]int{{1}, {2}, {0}}, 2
		if slices.Index(tbrc, 0) < slices.Index(tbrc, 2) {
			wantOrder, first = [][]int{{0}, {1}, {2}}, 0
		}
		if diff := cmp.Diff(wantOrder, r.Order); diff != "" {
			t.Errorf("seed %s order (-want +got):\n%s", seed, diff)
		}
		wantTies := []tally.Tie{{Round: 1, Tied: []int{0, 2}, Rule: "seed", Chosen: first, Purpose: "order"}}
		if diff := cmp.Diff(wantTies, r.Ties); diff != "" {
			t.Errorf("seed %s ties (-want +got):\n%s", seed, diff)
		}
		winners[namesOf(tallytest.Names(e), r.Elected)[0]] = true
	}
	if diff := cmp.Diff(map[string]bool{"A": true, "B": true}, winners); diff != "" {
		t.Errorf("winners over 8 seeds (-want +got):\n%s", diff)
	}
}

// TestRankedPairsQuietEqualStrengths: equal strengths that cannot conflict are not drawn.
//
//	2 × A B C, 2 × A C B: A>B 4:0 and A>C 4:0 (equal strength, no cycle possible); B and C
//	2:2, no majority.
//
// Order A > B = C: one seat elects A without any draw; two seats draw between B and C.
func TestRankedPairsQuietEqualStrengths(t *testing.T) {
	e := nsElection(t, 1, "A B C", nsBallot{2, "A B C"}, nsBallot{2, "A C B"})
	r := nsCount(t, "rankedpairs", e, tally.Options{})
	if diff := cmp.Diff([][]int{{0}, {1, 2}}, r.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if len(r.Ties) != 0 || !cmp.Equal(r.Elected, []int{0}) {
		t.Errorf("1 seat: elected %v ties %v, want [0] and no tie", r.Elected, r.Ties)
	}
	e.Seats = 2
	seed := []byte("quiet")
	r = nsCount(t, "rankedpairs", e, tally.Options{Seed: seed})
	second := tally.NewTieBreaker(e, seed).Order(1, "order", []int{1, 2})[0]
	wantTies := []tally.Tie{{Round: 1, Tied: []int{1, 2}, Rule: "seed", Chosen: second, Purpose: "order"}}
	if diff := cmp.Diff(wantTies, r.Ties); diff != "" {
		t.Errorf("2 seats ties (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, second}, r.Elected); diff != "" {
		t.Errorf("2 seats elected (-want +got):\n%s", diff)
	}
}

// TestRankedPairsLosingVotes: majorities with equal winning votes are ordered by losing votes.
//
//	2 × A B C    d[A][B] = 2 + 4 = 6, d[B][A] = 4
//	4 × B C A    d[B][C] = 2 + 4 = 6, d[C][B] = 4 + 1 = 5
//	4 × C A B    d[C][A] = 4 + 4 + 1 = 9, d[A][C] = 2
//	1 × C
//
// Majorities: C>A 9:2, then A>B 6:4 before B>C 6:5 (fewer losing votes). C>A and A>B are
// locked, B>C would close B>C>A>B. Order C > A > B; locking B>C first would give B > C > A.
func TestRankedPairsLosingVotes(t *testing.T) {
	e := nsElection(t, 1, "A B C", nsBallot{2, "A B C"}, nsBallot{4, "B C A"}, nsBallot{4, "C A B"},
		nsBallot{1, "C"})
	r := nsCount(t, "rankedpairs", e, tally.Options{})
	if diff := cmp.Diff([][]int64{{0, 6, 2}, {4, 0, 6}, {9, 5, 0}}, r.Pairwise); diff != "" {
		t.Errorf("pairwise (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]int{{2}, {0}, {1}}, r.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if len(r.Ties) != 0 {
		t.Errorf("ties %v, want none: the strengths differ", r.Ties)
	}
}
