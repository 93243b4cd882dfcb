package tally_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// ncSimpleRef is a reference output with per-candidate counts: OpenSTV's SNTV and Approval
// ("counts") and tools/condorcet.py ("plurality_first_preferences", "approval_ranked_as_approved").
type ncSimpleRef struct {
	Elected   []string         `json:"elected"`
	Counts    map[string]int64 `json:"counts"`
	Plurality map[string]int64 `json:"plurality_first_preferences"`
	Approval  map[string]int64 `json:"approval_ranked_as_approved"`
}

// TestSimpleConformance counts the plurality-* and approval-* cases and compares the elected set
// and every candidate's count with expected.json and with each reference output in refs/.
func TestSimpleConformance(t *testing.T) {
	for _, prefix := range []string{"plurality-", "approval-"} {
		for _, c := range tallytest.Cases(t, prefix) {
			t.Run(c.ID, func(t *testing.T) {
				method := c.Method()
				r, err := tally.Count(method, c.Election, tally.Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := ncCounts(c.Election, r)
				var want ncSimpleRef
				c.ReadJSON(t, "expected.json", &want)
				ncCompareSet(t, "expected.json elected", want.Elected, namesOf(tallytest.Names(c.Election), r.Elected))
				if diff := cmp.Diff(want.Counts, got); diff != "" {
					t.Errorf("counts differ from expected.json (-want +got):\n%s", diff)
				}
				for _, ref := range ncRefs(t, c) {
					var rf ncSimpleRef
					c.ReadJSON(t, ref, &rf)
					counts := map[string]map[string]int64{
						"plurality": rf.Plurality, "approval": rf.Approval}[method]
					if rf.Counts != nil {
						counts = rf.Counts
					}
					if diff := cmp.Diff(counts, got); counts != nil && diff != "" {
						t.Errorf("counts differ from %s (-want +got):\n%s", ref, diff)
					}
					if rf.Elected != nil {
						ncCompareSet(t, ref+" elected", rf.Elected, namesOf(tallytest.Names(c.Election), r.Elected))
					}
				}
				ncCheckBallotsAccounted(t, c, r)
			})
		}
	}
}

// ncCounts returns the single round's totals by candidate name.
func ncCounts(e *tally.Election, r *tally.Result) map[string]int64 {
	out := map[string]int64{}
	for c, v := range r.Rounds[0].Votes {
		out[e.Candidates[c].Name] = v.Units
	}
	return out
}

// ncCheckBallotsAccounted: for plurality on a single seat every ballot either counts once or is
// set aside, so the totals plus the set-aside votes equal the ballots.
func ncCheckBallotsAccounted(t *testing.T, c tallytest.Case, r *tally.Result) {
	t.Helper()
	if c.Method() != "plurality" || c.Election.Seats != 1 {
		return
	}
	sum := r.Rounds[0].NonTransferable.Units
	for _, v := range r.Rounds[0].Votes {
		sum += v.Units
	}
	if want := c.Election.Ballots.TotalWeight(); sum != want {
		t.Errorf("votes + set aside = %d, want the %d ballots", sum, want)
	}
}

// ncRefs lists the refs/*.json files of a case, relative to its directory.
func ncRefs(t *testing.T, c tallytest.Case) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(c.Dir, "refs"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".json" {
			refs = append(refs, filepath.Join("refs", e.Name()))
		}
	}
	return refs
}

// ncCompareSet compares two lists of names as sets.
func ncCompareSet(t *testing.T, what string, want, got []string) {
	t.Helper()
	want, got = slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}
