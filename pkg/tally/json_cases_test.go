package tally_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/ballotfile"
)

// jsonCase is a hand-worked case of testdata/tally/<method>/*.json: a JSON ballot file (read
// with ballotfile.ReadJSON, which skips the other fields) plus the method, the options and the
// result worked out by hand in its "comment".
type jsonCase struct {
	Method  string `json:"method"`
	Options struct {
		Points         int            `json:"points"`
		Seed           string         `json:"seed"`
		AffiliationCap int            `json:"affiliation_cap"`
		Held           map[string]int `json:"held"`
		Threshold      []int64        `json:"threshold"` // [num, den]
	} `json:"options"`
	Expected jsonOutcome `json:"expected"`
}

// jsonOutcome is what a case checks, with candidates by name.
type jsonOutcome struct {
	Elected    []string           `json:"elected"`
	Votes      map[string]int64   `json:"votes"`
	Confidence map[string][]int64 `json:"confidence,omitempty"` // yes, no, abstain
	SetAside   int64              `json:"set_aside"`
	Ties       []jsonTie          `json:"ties"`
	PassedOver []string           `json:"passed_over"`
}

type jsonTie struct {
	Tied   []string `json:"tied"`
	Chosen string   `json:"chosen"`
}

// TestHandWorkedJSONCases counts the JSON cases of the methods whose ballots BLT cannot hold
// (cumulative points, confidence yes/no) and compares with the results worked out by hand.
func TestHandWorkedJSONCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "tally", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	perMethod := map[string]int{}
	for _, path := range files {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var c jsonCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatal(err)
			}
			e, err := ballotfile.ReadJSON(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			perMethod[c.Method]++
			r, err := tally.Count(c.Method, e, c.options(t))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.Expected, outcomeOf(e, r)); diff != "" {
				t.Errorf("(-by hand +counted):\n%s", diff)
			}
		})
	}
	for _, m := range []string{"cumulative", "confidence"} {
		if perMethod[m] < 2 {
			t.Errorf("%d hand-worked JSON cases of %s, want at least 2", perMethod[m], m)
		}
	}
}

func (c jsonCase) options(t *testing.T) tally.Options {
	seed, err := hex.DecodeString(c.Options.Seed)
	if err != nil {
		t.Fatal(err)
	}
	o := tally.Options{Seed: seed, Points: c.Options.Points, AffiliationCap: c.Options.AffiliationCap,
		AffiliationHeld: c.Options.Held}
	if th := c.Options.Threshold; len(th) == 2 {
		o.ConfidenceThreshold = tally.Ratio{Num: th[0], Den: th[1]}
	}
	return o
}

// outcomeOf describes result r of a single-round count by candidate names.
func outcomeOf(e *tally.Election, r *tally.Result) jsonOutcome {
	name := func(c int) string { return e.Candidates[c].Name }
	names := func(cs []int) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, name(c))
		}
		return out
	}
	o := jsonOutcome{Elected: names(r.Elected), Votes: map[string]int64{}, Ties: []jsonTie{}, PassedOver: []string{}}
	last := r.Rounds[len(r.Rounds)-1]
	for c, v := range last.Votes {
		o.Votes[name(c)] = v.Rescale(0).Units
	}
	o.SetAside = last.NonTransferable.Rescale(0).Units
	for _, tie := range r.Ties {
		o.Ties = append(o.Ties, jsonTie{Tied: names(tie.Tied), Chosen: name(tie.Chosen)})
	}
	for _, p := range r.PassedOver {
		o.PassedOver = append(o.PassedOver, name(p.Candidate))
	}
	if r.Confidence != nil {
		o.Confidence = map[string][]int64{}
		for c, n := range r.Confidence {
			o.Confidence[name(c)] = []int64{n.Yes, n.No, n.Abstain}
		}
	}
	return o
}
