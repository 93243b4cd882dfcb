package tally_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// stvMethods are the STV counts, which share the rules for the end of a count.
var stvMethods = []string{"scottish", "ers97", "meek"}

// TestSTVRemainingCandidatesElected: when the continuing candidates are no more than the seats
// left, every STV method elects them all, whatever their votes, even none; equal votes are put
// in order by a recorded "order" tie. Worked out by hand:
//   - one ballot "A", 3 seats, A B C: A has the quota (Scottish floor(1/4)+1 = 1, ERS97 0.25,
//     Meek 0.25…) and is elected; B and C, 0 each, take the last two seats, ordered by the
//     seed. Scottish and ERS97 decide it at round 1 (right after the first count); Meek
//     needs no iteration (3 candidates for 3 seats) and elects all three in round 2;
//   - no ballots, 2 seats, A B: both elected, ordered by the seed, same rounds.
func TestSTVRemainingCandidatesElected(t *testing.T) {
	tests := []struct {
		name   string
		seats  int
		cands  string
		ballot []string
		first  []int // elected before the tie, in order
		tied   []int
	}{
		{"one ballot for A, three seats", 3, "A B C", []string{"1: A"}, []int{0}, []int{1, 2}},
		{"no ballots, as many candidates as seats", 2, "A B", nil, nil, []int{0, 1}},
	}
	round := map[string]int{"scottish": 1, "ers97": 1, "meek": 2}
	for _, tt := range tests {
		for _, method := range stvMethods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				e := gsElection(t, tt.seats, tt.cands, tt.ballot...)
				seed := []byte("remaining")
				r := countOrFatal(t, method, e, tally.Options{Seed: seed})
				o := tally.NewTieBreaker(e, seed).Order(round[method], "order", tt.tied)
				want := slices.Concat(tt.first, o)
				if diff := cmp.Diff(want, r.Elected); diff != "" {
					t.Errorf("elected (-want +got):\n%s", diff)
				}
				wantTies := []tally.Tie{{Round: round[method], Tied: tt.tied, Rule: "seed", Chosen: o[0], Purpose: "order"}}
				if diff := cmp.Diff(wantTies, r.Ties); diff != "" {
					t.Errorf("ties (-want +got):\n%s", diff)
				}
				if len(r.Excluded) != 0 {
					t.Errorf("excluded %v, want none", r.Excluded)
				}
			})
		}
	}
}

// TestNoBallotsMoreCandidatesThanSeats: with no ballots, 1 seat and candidates A B C, every
// candidate has 0 votes at every round, so each exclusion is decided by the seed (purpose
// "exclude") until one candidate is left for the seat. Scottish STV, ERS97 and IRV exclude at
// rounds 2 and 3; Meek at rounds 3 and 5, each exclusion following an iteration round.
func TestNoBallotsMoreCandidatesThanSeats(t *testing.T) {
	rounds := map[string][2]int{"scottish": {2, 3}, "ers97": {2, 3}, "irv": {2, 3}, "meek": {3, 5}}
	for _, method := range append(slices.Clone(stvMethods), "irv") {
		t.Run(method, func(t *testing.T) {
			e := gsElection(t, 1, "A B C")
			seed := []byte("no ballots")
			tb := tally.NewTieBreaker(e, seed)
			x1, tie1 := tb.Choose(rounds[method][0], "exclude", []int{0, 1, 2})
			rest := slices.DeleteFunc([]int{0, 1, 2}, func(c int) bool { return c == x1 })
			x2, tie2 := tb.Choose(rounds[method][1], "exclude", rest)
			winner := 3 - x1 - x2
			r := countOrFatal(t, method, e, tally.Options{Seed: seed})
			if diff := cmp.Diff([]int{winner}, r.Elected); diff != "" {
				t.Errorf("elected (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{x1, x2}, r.Excluded); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]tally.Tie{tie1, tie2}, r.Ties); diff != "" {
				t.Errorf("ties (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSTVAffiliationCapEnd counts the two Scottish cap examples (worked by hand in
// TestScottishHandWorked) with every STV method: all must elect A and D.
//   - cap-pending-surplus.blt: B is never passed over, since no one reaches the quota while
//     their affiliation is full; the count goes on while C and D compete for Y's one seat, and
//     A's surplus makes D win.
//   - cap-full-affiliation.blt: B's affiliation is full once A is elected, so B cannot keep
//     the count going; when C is excluded, D is the only candidate left who can take a seat
//     and takes it, B, who has more votes, being passed over.
func TestSTVAffiliationCapEnd(t *testing.T) {
	tests := []struct {
		file, affs string
		passed     []string
	}{
		{"cap-pending-surplus.blt", "X X Y Y", nil},
		{"cap-full-affiliation.blt", "X X Z Y", []string{"B"}},
	}
	for _, tt := range tests {
		for _, method := range stvMethods {
			t.Run(tt.file+"/"+method, func(t *testing.T) {
				e := gsAffiliate(readTestBLT(t, "scottish", tt.file), tt.affs)
				r := countOrFatal(t, method, e, tally.Options{AffiliationCap: 1})
				names := tallytest.Names(e)
				if diff := cmp.Diff([]string{"A", "D"}, namesOf(names, r.Elected)); diff != "" {
					t.Errorf("elected (-want +got):\n%s", diff)
				}
				var passed []string
				for _, p := range r.PassedOver {
					passed = append(passed, names[p.Candidate])
				}
				if diff := cmp.Diff(tt.passed, passed); diff != "" {
					t.Errorf("passed over (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestSTVSurplusAtMaxTotalWeight transfers a surplus of about 2^32 × 2/3 votes: 2 seats,
// ballots weighing tally.MaxTotalWeight in all, 2^32 − 2 "A B", 1 "B", 1 "C". Scaled to each
// method's decimals the totals stay inside int64, so every vote and non-transferable total
// must lie between 0 and the total weight; A is elected at once, B from A's surplus.
func TestSTVSurplusAtMaxTotalWeight(t *testing.T) {
	const total = tally.MaxTotalWeight
	for _, method := range stvMethods {
		t.Run(method, func(t *testing.T) {
			e := gsElection(t, 2, "A B C", fmt.Sprintf("%d: A B", total-2), "1: B", "1: C")
			r := countOrFatal(t, method, e, tally.Options{})
			if diff := cmp.Diff([]int{0, 1}, r.Elected); diff != "" {
				t.Errorf("elected (-want +got):\n%s", diff)
			}
			for _, rd := range r.Rounds {
				for _, d := range append(slices.Clone(rd.Votes), rd.NonTransferable) {
					if d.Units < 0 || d.Cmp(tally.Int(total, d.Scale)) > 0 {
						t.Errorf("round %d: %s is outside 0..%d", rd.Number, d, int64(total))
					}
				}
			}
		})
	}
}
