package tally_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// gsOpenSTV is the output of OpenSTV 1.7 ERS97STV (refs/openstv-ERS97STV.json): one entry per
// OpenSTV round, stages and exclusion substages alike, values as 2-decimal floats.
type gsOpenSTV struct {
	Elected      []string       `json:"elected"`
	ElectedRound map[string]int `json:"elected_round"` // 0-based round
	Excluded     []string       `json:"excluded"`      // by round of exclusion, then candidate order
	Rounds       []struct {
		Round     int                `json:"round"`
		Votes     map[string]float64 `json:"votes"`
		Exhausted float64            `json:"exhausted"`
	} `json:"rounds"`
}

// TestERS97Conformance counts every ers97-* case of the shared corpus and compares the
// elected candidates and their order, the round of each election, and every round's totals
// and non-transferable value to two decimals with OpenSTV's ERS97STV, round by round.
func TestERS97Conformance(t *testing.T) {
	for _, c := range tallytest.Cases(t, "ers97-") {
		t.Run(c.ID, func(t *testing.T) {
			var ref gsOpenSTV
			c.ReadJSON(t, "refs/openstv-ERS97STV.json", &ref)
			res, err := tally.Count("ers97", c.Election, tally.Options{})
			if err != nil {
				t.Fatal(err)
			}
			names := tallytest.Names(c.Election)
			if diff := cmp.Diff(c.Strings("elected"), namesOf(names, res.Elected)); diff != "" {
				t.Errorf("elected vs expected.json (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(ref.Elected, namesOf(names, res.Elected)); diff != "" {
				t.Errorf("elected vs OpenSTV (-want +got):\n%s", diff)
			}
			round := gsRoundOf(res, names)
			gotElected := map[string]int{}
			for _, k := range res.Elected {
				gotElected[names[k]] = round.elected[names[k]]
			}
			if diff := cmp.Diff(ref.ElectedRound, gotElected); diff != "" {
				t.Errorf("round of election (-want +got):\n%s", diff)
			}
			excluded := namesOf(names, res.Excluded)
			slices.SortStableFunc(excluded, func(a, b string) int {
				if d := round.excluded[a] - round.excluded[b]; d != 0 {
					return d
				}
				return slices.Index(names, a) - slices.Index(names, b)
			})
			if diff := cmp.Diff(ref.Excluded, excluded); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
			gsCompareOpenSTVRounds(t, res, names, ref)
		})
	}
}

// gsCompareOpenSTVRounds compares every round's votes and non-transferable value.
func gsCompareOpenSTVRounds(t *testing.T, res *tally.Result, names []string, ref gsOpenSTV) {
	t.Helper()
	if len(res.Rounds) != len(ref.Rounds) {
		t.Errorf("%d rounds, want %d", len(res.Rounds), len(ref.Rounds))
	}
	for k, want := range ref.Rounds {
		if k >= len(res.Rounds) {
			break
		}
		r := res.Rounds[k]
		got := map[string]string{}
		for c, v := range r.Votes {
			got[names[c]] = v.String()
		}
		wantVotes := map[string]string{}
		for n, v := range want.Votes {
			wantVotes[n] = fmt.Sprintf("%.2f", v)
		}
		if diff := cmp.Diff(wantVotes, got); diff != "" {
			t.Errorf("round %d (%s) votes (-want +got):\n%s", want.Round, r.Action, diff)
		}
		if w := fmt.Sprintf("%.2f", want.Exhausted); r.NonTransferable.String() != w {
			t.Errorf("round %d: non-transferable %s, want %s", want.Round, r.NonTransferable, w)
		}
	}
}

// gsRounds holds the 0-based round at which each candidate was elected or excluded.
type gsRounds struct{ elected, excluded map[string]int }

func gsRoundOf(res *tally.Result, names []string) gsRounds {
	out := gsRounds{elected: map[string]int{}, excluded: map[string]int{}}
	for _, r := range res.Rounds {
		for _, c := range r.Elected {
			out.elected[names[c]] = r.Number - 1
		}
		for _, c := range r.Excluded {
			out.excluded[names[c]] = r.Number - 1
		}
	}
	return out
}
