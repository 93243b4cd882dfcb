package tally_test

import (
	"path/filepath"
	"testing"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
)

// namesOf returns the names of candidates cs (nil when there are none), names being indexed
// like the election's candidates (tallytest.Names).
func namesOf(names []string, cs []int) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = names[c]
	}
	return out
}

// readTestBLT reads testdata/tally/<method>/<name>, a worked example kept as a ballot file.
func readTestBLT(t testing.TB, method, name string) *tally.Election {
	t.Helper()
	e, err := blt.ReadFile(filepath.Join("..", "..", "testdata", "tally", method, name))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// countOrFatal counts e with method and stops the test on an error.
func countOrFatal(t testing.TB, method string, e *tally.Election, opts tally.Options) *tally.Result {
	t.Helper()
	res, err := tally.Count(method, e, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
