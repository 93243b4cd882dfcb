package tally_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// TestConformanceCorpusCovered fails when a case of the corpus maps to no registered counting
// method, so that a new case (or a renamed variant) cannot be silently ignored. The per-method
// checks live in conformance_<method>_test.go.
func TestConformanceCorpusCovered(t *testing.T) {
	methods := tally.Methods()
	perMethod := map[string]int{}
	for _, c := range tallytest.Cases(t, "") {
		m := c.Method()
		if m == "" {
			t.Errorf("case %s: method %q variant %q maps to no govboard method; extend tallytest.MethodFor",
				c.ID, c.String("method"), c.String("variant"))
			continue
		}
		if !slices.Contains(methods, m) {
			t.Errorf("case %s: method %q is not registered in tally.Methods() %v", c.ID, m, methods)
		}
		perMethod[m]++
	}
	t.Logf("cases per method: %v", perMethod)
}

// TestConformanceWeightsAreMultiplicity counts each case twice, from the file's weighted and
// merged ballots and from one weight-1 entry per voter, and requires identical results: a
// weight stands for identical ballots, so merging them (as the readers do) is only a speed-up.
func TestConformanceWeightsAreMultiplicity(t *testing.T) {
	if testing.Short() {
		t.Skip("counts every case twice")
	}
	for _, c := range tallytest.Cases(t, "") {
		t.Run(c.ID, func(t *testing.T) {
			opts := tally.Options{Seed: []byte("conformance")}
			merged, err := tally.Count(c.Method(), c.Election, opts)
			if err != nil {
				t.Fatal(err)
			}
			perVoter, err := tally.Count(c.Method(), tallytest.Expand(c.Election), opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(merged, perVoter); diff != "" {
				t.Errorf("weighted ballots (-) and one entry per voter (+) count differently:\n%s", diff)
			}
		})
	}
}
