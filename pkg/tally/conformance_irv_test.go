package tally_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// irvExpected is the part of an irv-* expected.json that the test reads.
type irvExpected struct {
	Winner   string `json:"winner"`
	Official struct {
		Round1 map[string]int64 `json:"round1"`
	} `json:"official"`
	Rounds []irvRound `json:"rounds"`
}

// irvRound is one round of the reference count: the votes of the continuing candidates, the
// exhausted ballots, and who is excluded at the end of the round. Our rounds report the state
// after each exclusion, so the candidate excluded at the end of reference round k is the one
// our round k+1 excludes.
type irvRound struct {
	Round     int              `json:"round"`
	Votes     map[string]int64 `json:"votes"`
	Exhausted int64            `json:"exhausted"`
	Excluded  string           `json:"excluded,omitempty"`
}

// TestConformanceIRV checks every irv-* case: the winner, the official round 1 where the case
// has one (Burlington), and every reference round exactly. Where the reference broke ties that
// our rules leave to the seed (San Francisco's zero-vote write-ins), the test first looks for a
// seed under which our TieBreaker excludes the same candidates, so that the later rounds can be
// compared digit for digit.
func TestConformanceIRV(t *testing.T) {
	for _, c := range tallytest.Cases(t, "irv-") {
		t.Run(c.ID, func(t *testing.T) {
			var want irvExpected
			c.ReadJSON(t, "expected.json", &want)
			names := tallytest.Names(c.Election)
			res := countIRVMatching(t, c.Election, want)
			if got := namesOf(names, res.Elected); !slices.Equal(got, []string{want.Winner}) {
				t.Errorf("elected %v, want %s", got, want.Winner)
			}
			if len(want.Official.Round1) > 0 {
				if diff := cmp.Diff(want.Official.Round1, irvVotes(c.Election, res.Rounds[0], nil)); diff != "" {
					t.Errorf("round 1 differs from the official count (-official +ours):\n%s", diff)
				}
			}
			if diff := cmp.Diff(want.Rounds, irvRounds(c.Election, res)); diff != "" {
				t.Errorf("rounds differ from the reference (-reference +ours):\n%s", diff)
			}
		})
	}
}

// countIRVMatching counts e with the first seed ("conformance", then "seed-0", "seed-1", …)
// whose seed-broken ties exclude the candidates the reference excluded in those rounds.
func countIRVMatching(t *testing.T, e *tally.Election, want irvExpected) *tally.Result {
	t.Helper()
	names := tallytest.Names(e)
	for k := -1; k < 256; k++ {
		seed := []byte("conformance")
		if k >= 0 {
			seed = []byte(fmt.Sprintf("seed-%d", k))
		}
		res, err := tally.Count("irv", e, tally.Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		matches := true
		for _, tie := range res.Ties {
			r := tie.Round - 2 // our round r excludes what reference round r-1 named
			if tie.Rule == "seed" && r < len(want.Rounds) && want.Rounds[r].Excluded != names[tie.Chosen] {
				matches = false
			}
		}
		if matches {
			return res
		}
	}
	t.Fatal("no seed reproduces the reference's tie choices")
	return nil
}

// irvRounds converts our rounds to the reference's shape.
func irvRounds(e *tally.Election, res *tally.Result) []irvRound {
	out := []irvRound{}
	gone := map[int]bool{}
	for k, r := range res.Rounds {
		for _, c := range r.Excluded {
			gone[c] = true
		}
		ir := irvRound{Round: r.Number, Votes: irvVotes(e, r, gone), Exhausted: r.NonTransferable.Units}
		if k+1 < len(res.Rounds) {
			ir.Excluded = e.Candidates[res.Rounds[k+1].Excluded[0]].Name
		}
		out = append(out, ir)
	}
	return out
}

// irvVotes returns the votes in round r of the candidates neither withdrawn nor in gone.
func irvVotes(e *tally.Election, r tally.Round, gone map[int]bool) map[string]int64 {
	out := map[string]int64{}
	for c, v := range r.Votes {
		if !e.Candidates[c].Withdrawn && !gone[c] {
			out[e.Candidates[c].Name] = v.Units
		}
	}
	return out
}
