package tallytest_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally/blt"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

func TestGenerate(t *testing.T) {
	e := tallytest.Generate(7, 2000, 12, 4)
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Ballots.Len() != 2000 || e.Ballots.TotalWeight() != 2000 {
		t.Fatalf("got %d entries of total weight %d, want 2000 of weight 1", e.Ballots.Len(), e.Ballots.TotalWeight())
	}
	first := make([]int, 12)
	lengths := map[int]int{}
	for i := range e.Ballots.Len() {
		r := e.Ballots.Ranking(i)
		lengths[len(r)]++
		first[r[0][0]]++
		for _, g := range r {
			if len(g) != 1 {
				t.Fatalf("ballot %d has an equal ranking %v", i, r)
			}
		}
	}
	if lengths[1] < 300 || lengths[12] < 100 || len(lengths) < 8 {
		t.Errorf("ballot lengths not varied enough: %v", lengths)
	}
	lo, hi := first[0], first[0]
	for _, f := range first {
		lo, hi = min(lo, f), max(hi, f)
	}
	if hi < 3*lo {
		t.Errorf("first preferences too even (min %d, max %d): no favourites", lo, hi)
	}
	again := tallytest.Generate(7, 2000, 12, 4)
	var a, b bytes.Buffer
	if err := blt.Write(&a, e); err != nil {
		t.Fatal(err)
	}
	if err := tallytest.WriteBLT(&b, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("Generate is not deterministic for the same seed")
	}
	other := tallytest.Generate(8, 2000, 12, 4)
	if cmp.Equal(e.Ballots.Ranking(0), other.Ballots.Ranking(0)) && cmp.Equal(e.Ballots.Ranking(1), other.Ballots.Ranking(1)) {
		t.Error("different seeds gave the same first ballots")
	}
}

func TestCases(t *testing.T) {
	cases := tallytest.Cases(t, "scot-stv-aberdeen-2017-ward1")
	if len(cases) != 2 || cases[0].ID != "scot-stv-aberdeen-2017-ward1" || cases[1].ID != "scot-stv-aberdeen-2017-ward11" {
		t.Fatalf("got %d cases, want ward1 and ward11 in order", len(cases))
	}
	c := cases[0]
	if c.Election.Seats != 4 || len(c.Election.Candidates) != 7 || c.Election.Ballots.TotalWeight() != 6608 {
		t.Errorf("election: %d seats, %d candidates, %d ballots", c.Election.Seats, len(c.Election.Candidates), c.Election.Ballots.TotalWeight())
	}
	if c.Method() != "scottish" || c.String("quota") != "1322.00000" {
		t.Errorf("method %q quota %q", c.Method(), c.String("quota"))
	}
	var exp struct {
		Elected []string `json:"elected"`
	}
	c.ReadJSON(t, "expected.json", &exp)
	if diff := cmp.Diff(c.Strings("elected"), exp.Elected); diff != "" || len(exp.Elected) != 4 {
		t.Errorf("elected: %v (%s)", exp.Elected, diff)
	}
}
