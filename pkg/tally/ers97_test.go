package tally_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// TestERS97HandWorked checks ERS97 on small elections worked out by hand (in the comments)
// from the rules as OpenSTV applies them. Rounds are OpenSTV rounds: stages and exclusion
// substages.
func TestERS97HandWorked(t *testing.T) {
	tests := []struct {
		name string
		e    *tally.Election
		opts tally.Options
		want gsOutcome
		// actions holds, for some rounds, words that the round's action must contain.
		actions map[int]string
	}{{
		// 30 papers, 2 seats: quota 30/3 = 10.00.
		// Round 1: A 16 is elected; threshold = (14 continuing + 6 surplus)/2 = 10.00.
		//   Deferral test: D 3 + surplus 6 = 9 > B 5, so the surplus is transferred.
		// Round 2: A's 16 papers are all transferable and worth more than the surplus 6:
		//   transfer value floor2(6/16) = 0.37: B +12×0.37 = 9.44, C +4×0.37 = 1.48 → 7.48;
		//   0.08 is lost to truncation. Threshold = (9.44+7.48+3)/2 = 9.96.
		// Round 3: D 3 ≤ C 7.48 with no surplus: D is excluded; 3 papers to C → 10.48, which
		//   passes the threshold 9.96: C is elected and B excluded formally.
		name: "surplus at a truncated transfer value, then exclusion",
		e:    gsElection(t, 2, "A B C D", "12: A B", "4: A C", "5: B", "6: C", "3: D C"),
		want: gsOutcome{
			Quota:    "10.00",
			Elected:  []string{"A@1", "C@3"},
			Excluded: []string{"D@3", "B@3"},
			Rounds: []string{
				"1: 16.00 5.00 6.00 3.00 | 0.00",
				"2: 10.00 9.44 7.48 3.00 | 0.08",
				"3: 10.00 9.44 10.48 0.00 | 0.08",
			},
		},
	}, {
		// 28 papers, 2 seats: quota 28/3 = 9.333… → 9.34.
		// Round 1: A 12 is elected (surplus 2.66); D 2 + 2.66 > C 3, so no deferral.
		// Round 2: A's 12 papers at floor2(2.66/12) = 0.22: D +9×0.22 = 3.98, C +3×0.22 = 3.66;
		//   lost 0.02.
		// Rounds 3–4 (stage 3): C 3.66 ≤ D 3.98: C is excluded in two substages, the 3 papers
		//   of value 1.00 (no next preference: non-transferable 3.02), then the 3 of value 0.22
		//   (also exhausted: 3.68).
		// Round 5 (stage 4): D 3.98 ≤ B 5: D is excluded; substage 1 moves the 2 papers of value
		//   1.00 to E → 8.00. The threshold is (5 + 1.98 still with D + 8)/2 = 7.49, so E is
		//   elected below the quota; all seats are filled and the count stops in the middle of
		//   the exclusion (D keeps 1.98), B being excluded formally.
		name: "exclusion in substages, count ending mid-exclusion",
		// "9: A D E B", "3: A C", "5: B", "3: C", "2: D E", "6: E"
		e: readTestBLT(t, "ers97", "substages.blt"),
		want: gsOutcome{
			Quota:    "9.34",
			Elected:  []string{"A@1", "E@5"},
			Excluded: []string{"C@3", "D@5", "B@5"},
			Rounds: []string{
				"1: 12.00 5.00 3.00 2.00 6.00 | 0.00",
				"2: 9.34 5.00 3.66 3.98 6.00 | 0.02",
				"3: 9.34 5.00 0.66 3.98 6.00 | 3.02",
				"4: 9.34 5.00 0.00 3.98 6.00 | 3.68",
				"5: 9.34 5.00 0.00 1.98 8.00 | 3.68",
			},
		},
	}, {
		// 23 papers, 2 seats: quota 23/3 → 7.67.
		// Round 1: A 11 is elected, surplus 3.33. D 1 + 3.33 = 4.33 does not exceed C 5, so
		//   the surplus could not save D: its transfer is deferred and D excluded (5.2.2).
		// Round 2: D's paper goes to C → 6. Round 3: B and C tie on 6, so nobody can be
		//   excluded safely and the surplus goes: A's 11 papers at floor2(3.33/11) = 0.30, B
		//   +3.30 → 9.30 (0.03 lost), over the threshold (9.30+6)/2 = 7.65: B is elected.
		name: "surplus deferred while a candidate can be excluded safely",
		e:    gsElection(t, 2, "A B C D", "11: A B", "6: B", "5: C", "1: D C"),
		want: gsOutcome{
			Quota:    "7.67",
			Elected:  []string{"A@1", "B@3"},
			Excluded: []string{"D@2", "C@3"},
			Rounds: []string{
				"1: 11.00 6.00 5.00 1.00 | 0.00",
				"2: 11.00 6.00 6.00 0.00 | 0.00",
				"3: 7.67 9.30 6.00 0.00 | 0.03",
			},
		},
		actions: map[int]string{2: "surpluses of 3.33 deferred", 3: "Surplus transferred: A (3.33, transfer value 0.30)"},
	}, {
		// 32 papers, 2 seats, at most 1 seat per affiliation: quota 32/3 → 10.67.
		// Round 1: A (X) 12 and B (X) 11 pass the threshold 10.67; A is elected, B passed over.
		// Round 2: B's 11 papers go to C at 1.00: C 16 is elected; D is excluded formally.
		name: "affiliation cap",
		e:    gsElection(t, 2, "A:X B:X C:Y D:Z", "12: A B", "11: B C", "5: C", "4: D"),
		opts: tally.Options{AffiliationCap: 1},
		want: gsOutcome{
			Quota:    "10.67",
			Elected:  []string{"A@1", "C@2"},
			Excluded: []string{"B@1", "D@2"},
			Rounds: []string{
				"1: 12.00 11.00 5.00 4.00 | 0.00",
				"2: 12.00 0.00 16.00 4.00 | 0.00",
			},
			PassedOver: []string{"B@1"},
		},
	}, {
		// 9 papers, 1 seat: quota 4.50. Round 1: A 4, B 3, C 1, D 1: nobody elected.
		// Round 2: C and D together (2) do not exceed B (3): both are excluded; C's paper goes
		//   to B → 4, D's is exhausted. Nobody is elected yet, so the quota is recalculated
		//   without the non-transferable vote (5.4.8): 8/2 = 4.00; A and B both reach it, one
		//   more than the seat. They are equal now; at round 1, the earliest point where they
		//   differed, B had fewer (5.6.2), so A is elected.
		name: "tie: earliest round where they differed",
		// "4: A", "3: B", "1: C B", "1: D"
		e: readTestBLT(t, "ers97", "earliest-difference-tie.blt"),
		want: gsOutcome{
			Quota:    "4.50",
			Elected:  []string{"A@2"},
			Excluded: []string{"C@2", "D@2", "B@2"},
			Rounds: []string{
				"1: 4.00 3.00 1.00 1.00 | 0.00",
				"2: 4.00 4.00 0.00 0.00 | 1.00",
			},
			Ties: []tally.Tie{{Round: 2, Tied: []int{0, 1}, Rule: "earliest-difference", Chosen: 1, Purpose: "exclude"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tally.Count("ers97", tt.e, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, gsOutcomeOf(tt.e, r)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			for n, words := range tt.actions {
				if a := r.Rounds[n-1].Action; !strings.Contains(a, words) {
					t.Errorf("round %d action %q does not say %q", n, a, words)
				}
			}
		})
	}
}

// TestERS97SeedTie: 7 papers, 1 seat, quota 3.50. A 3, B 3, C 1; C is excluded at round 2,
// its paper exhausted; the recalculated quota is 6/2 = 3.00 and both A and B reach it. They
// were equal at every round, so the seeded TieBreaker decides which one is not elected.
func TestERS97SeedTie(t *testing.T) {
	e := gsElection(t, 1, "A B C", "3: A", "3: B", "1: C")
	seen := map[int]bool{}
	for _, seed := range []string{"seed-1", "seed-2", "seed-3", "seed-4", "seed-5", "seed-6", "seed-7", "seed-8"} {
		loser := gsTieLoser(e, seed, 2, "exclude", 0, 1)
		seen[loser] = true
		r, err := tally.Count("ers97", e, tally.Options{Seed: []byte(seed)})
		if err != nil {
			t.Fatal(err)
		}
		want := gsOutcome{
			Quota:    "3.50",
			Elected:  []string{fmt.Sprintf("%s@2", e.Candidates[1-loser].Name)},
			Excluded: []string{"C@2", fmt.Sprintf("%s@2", e.Candidates[loser].Name)},
			Rounds:   []string{"1: 3.00 3.00 1.00 | 0.00", "2: 3.00 3.00 0.00 | 1.00"},
			Ties:     []tally.Tie{{Round: 2, Tied: []int{0, 1}, Rule: "seed", Chosen: loser, Purpose: "exclude"}},
		}
		if diff := cmp.Diff(want, gsOutcomeOf(e, r)); diff != "" {
			t.Errorf("seed %q (-want +got):\n%s", seed, diff)
		}
	}
	if len(seen) != 2 {
		t.Errorf("the seeds all chose the same candidate; pick seeds that differ")
	}
}

// TestERS97CapTieOnce follows testdata/tally/ers97/cap-tie.blt by hand: 2 seats, A (of X) 5,
// B (of Y) 5, C 1, D 1, at most one seat per affiliation (which refuses nobody here).
// Quota 12/3 = 4.00; the threshold is 12/3 = 4.00 too. A and B both pass it at round 1; the
// cap needs their order of election, and they were never apart, so the seed orders them: one
// "order" tie, recorded once. All seats are then filled and C and D, both 1, are excluded
// formally, fewest first: another "order" tie (their votes at round 1 are equal too), the
// one the seed ranks first being excluded last.
func TestERS97CapTieOnce(t *testing.T) {
	for _, seed := range []string{"seed-1", "seed-2", "seed-3", "seed-4"} {
		e := gsAffiliate(readTestBLT(t, "ers97", "cap-tie.blt"), "X Y")
		tb := tally.NewTieBreaker(e, []byte(seed))
		ab, cd := tb.Order(1, "order", []int{0, 1}), tb.Order(1, "order", []int{2, 3})
		r := countOrFatal(t, "ers97", e, tally.Options{Seed: []byte(seed), AffiliationCap: 1})
		names := tallytest.Names(e)
		want := gsOutcome{
			Quota:    "4.00",
			Elected:  []string{names[ab[0]] + "@1", names[ab[1]] + "@1"},
			Excluded: []string{names[cd[1]] + "@1", names[cd[0]] + "@1"},
			Rounds:   []string{"1: 5.00 5.00 1.00 1.00 | 0.00"},
			Ties: []tally.Tie{
				{Round: 1, Tied: []int{0, 1}, Rule: "seed", Chosen: ab[0], Purpose: "order"},
				{Round: 1, Tied: []int{2, 3}, Rule: "seed", Chosen: cd[0], Purpose: "order"},
			},
		}
		if diff := cmp.Diff(want, gsOutcomeOf(e, r)); diff != "" {
			t.Errorf("seed %q (-want +got):\n%s", seed, diff)
		}
	}
}
