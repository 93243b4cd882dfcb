package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func dec(s string) tally.Decimal {
	d, err := tally.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func decs(ss ...string) []tally.Decimal {
	out := make([]tally.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(s)
	}
	return out
}

// stvCount is a hand-made STV count of 4 candidates (Cy withdrawn) for 2 seats: it only has
// to exercise every field of the report, not be a correct count.
func stvCount() (*tally.Election, *tally.Result) {
	e := &tally.Election{Title: "Sample & board", Seats: 2, Candidates: []tally.Candidate{
		{Name: "Ann Archer"}, {Name: "Bo Baker"}, {Name: "Cy Cole", Withdrawn: true}, {Name: "Di Dunn"}}}
	q := dec("3.00000")
	r := &tally.Result{
		Method: "scottish", Seats: 2, Quota: &q, Elected: []int{0, 3}, Excluded: []int{1},
		Terms: []string{"2 years", "1 year"},
		Rounds: []tally.Round{
			{Number: 1, Kind: tally.RoundFirst, Action: "Begin Count", Votes: decs("4.00000", "2.00000", "0.00000", "2.00000"),
				NonTransferable: dec("0.00000"), Elected: []int{0}},
			{Number: 2, Kind: tally.RoundSurplus, Action: "Surplus transferred: Ann Archer (1.00000)", Subjects: []int{0},
				Votes: decs("3.00000", "2.50000", "0.00000", "2.33333"), NonTransferable: dec("0.16667")},
			{Number: 3, Kind: tally.RoundExclusion, Action: "Exclusion: Bo Baker", Subjects: []int{1}, Excluded: []int{1},
				Votes: decs("3.00000", "0.00000", "0.00000", "4.83333"), NonTransferable: dec("0.16667"), Elected: []int{3}},
		},
		Ties:       []tally.Tie{{Round: 3, Tied: []int{1, 3}, Rule: "seed", Chosen: 1, Purpose: "exclude"}},
		PassedOver: []tally.PassOver{{Round: 3, Candidate: 1, Reason: "affiliation cap: 1 seat(s) already held by Org"}},
		Notes:      []string{"hand-made result for the report tests"},
	}
	return e, r
}

func condorcetCount() (*tally.Election, *tally.Result) {
	e := &tally.Election{Seats: 1, Candidates: []tally.Candidate{{Name: "A"}, {Name: "B"}, {Name: "C"}}}
	r := &tally.Result{Method: "schulze", Seats: 1, Elected: []int{1},
		Pairwise: [][]int64{{0, 4, 6}, {5, 0, 7}, {3, 2, 0}},
		Order:    [][]int{{1}, {0, 2}},
		Ties:     []tally.Tie{{Round: 1, Tied: []int{0, 2}, Rule: "seed", Chosen: 2, Purpose: "order"}},
	}
	return e, r
}

func confidenceCount() (*tally.Election, *tally.Result) {
	e := &tally.Election{Seats: 2, Candidates: []tally.Candidate{{Name: "A"}, {Name: "B"}}}
	r := &tally.Result{Method: "confidence", Seats: 2, Elected: []int{0}, Excluded: []int{1},
		Confidence: []tally.ConfidenceCount{{Yes: 4, No: 2, Abstain: 1}, {Yes: 2, No: 5}},
		Rounds: []tally.Round{{Number: 1, Kind: tally.RoundTally, Action: "Yes votes counted",
			Votes: decs("4", "2"), NonTransferable: dec("0"), Elected: []int{0}, Excluded: []int{1}}},
	}
	return e, r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}

func TestGolden(t *testing.T) {
	counts := map[string]func() (*tally.Election, *tally.Result){
		"stv": stvCount, "condorcet": condorcetCount, "confidence": confidenceCount}
	for name, count := range counts {
		t.Run(name, func(t *testing.T) {
			e, r := count()
			rep := report.New(r, e, []byte{0xde, 0xad, 0xbe, 0xef})
			for ext, write := range map[string]func(*bytes.Buffer) error{
				"json": func(b *bytes.Buffer) error { return rep.WriteJSON(b) },
				"txt":  func(b *bytes.Buffer) error { return rep.WriteText(b) },
				"csv":  func(b *bytes.Buffer) error { return rep.WriteCSV(b) },
			} {
				var a, b bytes.Buffer
				if err := write(&a); err != nil {
					t.Fatal(err)
				}
				if err := write(&b); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("%s: two renders differ", ext)
				}
				golden(t, name+"."+ext, a.Bytes())
			}
		})
	}
}

// TestContract checks the DESIGN.md §8 keys and types of the JSON report, as an outside
// script would read them.
func TestContract(t *testing.T) {
	e, r := stvCount()
	var buf bytes.Buffer
	if err := report.New(r, e, nil).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Method   string   `json:"method"`
		Seats    int      `json:"seats"`
		Quota    *string  `json:"quota"`
		Elected  []string `json:"elected"`
		Excluded []string `json:"excluded"`
		Rounds   []struct {
			Number          int               `json:"number"`
			Action          string            `json:"action"`
			Votes           map[string]string `json:"votes"`
			NonTransferable string            `json:"non_transferable"`
		} `json:"rounds"`
		Ties []struct {
			Round  int      `json:"round"`
			Tied   []string `json:"tied"`
			Rule   string   `json:"rule"`
			Chosen string   `json:"chosen"`
		} `json:"ties"`
	}
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Method != "scottish" || got.Seats != 2 || got.Quota == nil || *got.Quota != "3.00000" {
		t.Errorf("method %q seats %d quota %v", got.Method, got.Seats, got.Quota)
	}
	if diff := cmp.Diff([]string{"Ann Archer", "Di Dunn"}, got.Elected); diff != "" {
		t.Errorf("elected: %s", diff)
	}
	if len(got.Rounds) != 3 || got.Rounds[1].Votes["Di Dunn"] != "2.33333" || got.Rounds[2].NonTransferable != "0.16667" {
		t.Errorf("rounds: %+v", got.Rounds)
	}
	if len(got.Ties) != 1 || got.Ties[0].Chosen != "Bo Baker" || got.Ties[0].Rule != "seed" || len(got.Ties[0].Tied) != 2 {
		t.Errorf("ties: %+v", got.Ties)
	}
	// No quota and no ties still give the keys, as null and [].
	_, cr := condorcetCount()
	cr.Ties = nil
	buf.Reset()
	ce, _ := condorcetCount()
	if err := report.New(cr, ce, nil).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"quota": "null", "ties": "[]", "rounds": "[]", "excluded": "[]"} {
		if string(raw[key]) != want {
			t.Errorf("%s = %s, want %s", key, raw[key], want)
		}
	}
}

// TestJSONRoundTrip reads a report back (keeping candidate order) and writes the same bytes.
func TestJSONRoundTrip(t *testing.T) {
	e, r := stvCount()
	var a, b bytes.Buffer
	if err := report.New(r, e, []byte{1}).WriteJSON(&a); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(a.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if err := back.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.String(), b.String()); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
}
