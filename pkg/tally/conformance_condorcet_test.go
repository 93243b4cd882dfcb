package tally_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// ncCondorcetExpected is what a schulze-* or ranked-pairs-* expected.json says.
type ncCondorcetExpected struct {
	Elected           []string                    `json:"elected"`
	Winner            *string                     `json:"winner"`
	TiedWinners       []string                    `json:"tied_winners"`
	AcceptableWinners []string                    `json:"acceptable_winners"`
	TieDependent      bool                        `json:"tie_dependent"`
	Pairwise          map[string]map[string]int64 `json:"pairwise"`
	SchulzeRanking    [][]string                  `json:"schulze_ranking"`
	RankedPairsOrder  [][]string                  `json:"ranked_pairs_order"`
	RankedPairsWinner string                      `json:"ranked_pairs_winner"`
}

// ncToolRef is the part of refs/condorcet-tool.json (an independent Condorcet program) used here.
type ncToolRef struct {
	Schulze struct {
		Ranking [][]string `json:"ranking"`
	} `json:"schulze_wv"`
	RankedPairs struct {
		Order [][]string `json:"order"`
	} `json:"ranked_pairs_wv"`
}

// TestCondorcetConformance counts the schulze-*, condorcet-* and ranked-pairs-* cases with
// their method and compares the pairwise matrix, the winner (or, for a tie, that the winner is
// one of the tied or acceptable winners and that the tie was recorded), the elected list and
// the full order. Where a case also gives the other method's order or winner (Debian,
// Burlington), that method is checked too.
func TestCondorcetConformance(t *testing.T) {
	var cases []tallytest.Case
	for _, prefix := range []string{"schulze-", "condorcet-", "ranked-pairs-"} {
		cases = append(cases, tallytest.Cases(t, prefix)...)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			var want ncCondorcetExpected
			c.ReadJSON(t, "expected.json", &want)
			var tool ncToolRef
			if slices.Contains(ncRefs(t, c), "refs/condorcet-tool.json") {
				c.ReadJSON(t, "refs/condorcet-tool.json", &tool)
			}
			method := c.Method()
			r := ncCheckCondorcet(t, c, method, want)
			order := map[string][][]string{"schulze": want.SchulzeRanking, "rankedpairs": want.RankedPairsOrder}
			toolOrder := map[string][][]string{"schulze": tool.Schulze.Ranking, "rankedpairs": tool.RankedPairs.Order}
			switch {
			case order[method] != nil:
				ncCompareOrder(t, "expected.json", order[method], c.Election, r)
			case toolOrder[method] != nil && !want.TieDependent:
				ncCompareOrder(t, "refs/condorcet-tool.json", toolOrder[method], c.Election, r)
			}
			// The other method, where the case states its outcome.
			if method == "schulze" && want.RankedPairsOrder != nil {
				r := nsCount(t, "rankedpairs", c.Election, tally.Options{})
				ncCompareOrder(t, "expected.json ranked_pairs_order", want.RankedPairsOrder, c.Election, r)
			}
			if want.RankedPairsWinner != "" {
				r := nsCount(t, "rankedpairs", c.Election, tally.Options{})
				if got := namesOf(tallytest.Names(c.Election), r.Elected); !slices.Equal(got, []string{want.RankedPairsWinner}) {
					t.Errorf("ranked pairs elected %v, want %s", got, want.RankedPairsWinner)
				}
			}
		})
	}
}

// ncCheckCondorcet counts c with method and checks the pairwise matrix and the winner.
func ncCheckCondorcet(t *testing.T, c tallytest.Case, method string, want ncCondorcetExpected) *tally.Result {
	t.Helper()
	r := nsCount(t, method, c.Election, tally.Options{Seed: []byte("conformance")})
	names := tallytest.Names(c.Election)
	if want.Pairwise != nil {
		got := map[string]map[string]int64{}
		for i, row := range r.Pairwise {
			got[names[i]] = map[string]int64{}
			for j, v := range row {
				if i != j {
					got[names[i]][names[j]] = v
				}
			}
		}
		if diff := cmp.Diff(want.Pairwise, got); diff != "" {
			t.Errorf("pairwise (-want +got):\n%s", diff)
		}
	}
	elected := namesOf(tallytest.Names(c.Election), r.Elected)
	switch {
	case want.Winner != nil:
		if !slices.Equal(elected, []string{*want.Winner}) {
			t.Errorf("elected %v, want %s", elected, *want.Winner)
		}
	case want.TiedWinners != nil || want.AcceptableWinners != nil:
		allowed := append(slices.Clone(want.TiedWinners), want.AcceptableWinners...)
		if len(elected) != 1 || !slices.Contains(allowed, elected[0]) {
			t.Errorf("elected %v, want one of %v", elected, allowed)
		}
		if len(r.Ties) == 0 || r.Ties[0].Rule != "seed" {
			t.Errorf("ties %+v: the tie was not recorded", r.Ties)
		}
		ncSeedReachesAll(t, c, method, allowed)
	default:
		t.Fatal("expected.json has neither winner nor tied/acceptable winners")
	}
	if want.Elected != nil && !slices.Equal(elected, want.Elected) {
		t.Errorf("elected %v, want %v", elected, want.Elected)
	}
	return r
}

// ncSeedReachesAll counts a tied case with several seeds: every winner must be allowed, and
// every allowed winner must be reached by some seed (the method must not favour one of them).
func ncSeedReachesAll(t *testing.T, c tallytest.Case, method string, allowed []string) {
	t.Helper()
	reached := map[string]bool{}
	for k := range 16 {
		r := nsCount(t, method, c.Election, tally.Options{Seed: []byte(fmt.Sprint("seed-", k))})
		w := namesOf(tallytest.Names(c.Election), r.Elected)[0]
		if !slices.Contains(allowed, w) {
			t.Errorf("seed-%d elected %s, want one of %v", k, w, allowed)
		}
		reached[w] = true
	}
	for _, a := range allowed {
		if !reached[a] {
			t.Errorf("no seed of 16 elected %s", a)
		}
	}
}

// ncCompareOrder compares the groups of an order, each group as a set.
func ncCompareOrder(t *testing.T, source string, want [][]string, e *tally.Election, r *tally.Result) {
	t.Helper()
	var got [][]string
	for _, g := range r.Order {
		got = append(got, slices.Sorted(slices.Values(namesOf(tallytest.Names(e), g))))
	}
	var w [][]string
	for _, g := range want {
		w = append(w, slices.Sorted(slices.Values(g)))
	}
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("order differs from %s (-want +got):\n%s", source, diff)
	}
}
