package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// tallyRun runs `govboard tally args…` in-process.
func tallyRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"tally"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const (
	samples   = "../../testdata/ballots/"
	sampleBLT = samples + "board-2026.blt"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTallyBadInput(t *testing.T) {
	badBLT := writeTemp(t, "bad.blt", "3 1\n1 2 0\n1 2 9 0\n0\n\"A\"\n\"B\"\n\"C\"\n")
	noSeats := writeTemp(t, "x.csv", "A,B\n1,2\n")
	approveJSON := writeTemp(t, "approve.json", `{"seats":1,"candidates":["A","B"],"ballots":[{"approve":["A"]}]}`)
	names := "0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n"
	ovfBLT := writeTemp(t, "ovf.blt", "3 1\n900000000000000000 1 0\n900000000000000000 1 2 0\n1 3 0\n"+names)
	w14BLT := writeTemp(t, "w14.blt", "3 1\n100000000000000 1 2 0\n1 3 0\n"+names)
	totalBLT := writeTemp(t, "total.blt", "3 1\n4000000000 1 2 0\n400000000 2 1 0\n1 3 0\n"+names)
	ovfCSV := writeTemp(t, "ovf.csv", "A,B,weight\n1,2,4294967295\n2,1,2\n")
	badAff := writeTemp(t, "aff.csv", "candidate,affiliation\nAnn Archer,Org\nZed,Org\n")
	tests := []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"bad BLT line", []string{"--method", "scottish", badBLT}, []string{badBLT, "line 3", "candidate 9 is not in 1..3"}},
		{"missing file", []string{"--method", "scottish", "/nonexistent/x.blt"}, []string{"/nonexistent/x.blt"}},
		{"unknown method", []string{"--method", "borda", sampleBLT}, []string{`unknown method "borda"`, "scottish"}},
		{"no method", []string{sampleBLT}, []string{"--method is required"}},
		{"bad seed", []string{"--method", "scottish", "--seed", "xyz", sampleBLT}, []string{`--seed "xyz" is not hexadecimal`}},
		{"bad format", []string{"--method", "scottish", "--format", "xml", sampleBLT}, []string{`unknown --format "xml"`}},
		{"no file", []string{"--method", "scottish"}, []string{"expected one ballot file"}},
		{"unknown flag", []string{"--method", "scottish", "--sets", "2", sampleBLT}, []string{"unknown flag: --sets"}},
		{"no seats in CSV", []string{"--method", "irv", noSeats}, []string{noSeats, "use --seats"}},
		{"wrong seats for method", []string{"--method", "irv", sampleBLT}, []string{sampleBLT, "irv"}},
		{"unknown extension", []string{"--method", "irv", "ballots.txt"}, []string{"ballots.txt", ".blt, .json or .csv"}},
		{"bad affiliations", []string{"--method", "scottish", "--affiliation-cap", "1", "--affiliations", badAff, sampleBLT},
			[]string{badAff, "line 3", `"Zed" is not a candidate`}},
		{"bad threshold", []string{"--method", "confidence", "--threshold", "3/2", sampleBLT}, []string{"--threshold"}},
		{"seats 0", []string{"--method", "scottish", "--seats", "0", sampleBLT}, []string{"--seats must be at least 1, got 0"}},
		{"cap without affiliations", []string{"--method", "scottish", "--affiliation-cap", "1", sampleBLT},
			[]string{sampleBLT, "--affiliation-cap needs the candidates' affiliations", "--affiliations"}},
		{"held without cap", []string{"--method", "scottish", "--held", "Org=1", sampleBLT}, []string{"--held needs --affiliation-cap"}},
		{"negative held", []string{"--method", "scottish", "--affiliation-cap", "1", "--held", "Org=-1", sampleBLT},
			[]string{"--held Org=-1"}},
		// A BLT file holds rankings: cumulative would take preference levels for points, and
		// confidence would take second preferences for invalid votes.
		{"BLT for cumulative", []string{"--method", "cumulative", sampleBLT},
			[]string{sampleBLT, "a BLT file holds rankings", "cumulative counts points ballots"}},
		{"BLT for confidence", []string{"--method", "confidence", sampleBLT},
			[]string{sampleBLT, "a BLT file holds rankings", "confidence counts confidence ballots"}},
		{"rankings for cumulative", []string{"--method", "cumulative", samples + "board-2026.json"},
			[]string{"board-2026.json", "method cumulative counts points ballots, not ranking ballots"}},
		{"approval ballots for meek", []string{"--method", "meek", approveJSON},
			[]string{approveJSON, "method meek counts ranking ballots, not approval ballots"}},
		{"approval ballots for confidence", []string{"--method", "confidence", approveJSON},
			[]string{"method confidence counts confidence ballots, not approval ballots"}},
		// Weights over tally.MaxTotalWeight (2^32) used to overflow the count and print wrong
		// results with exit status 0 (weights of 9e17), negative votes (1e14 under Scottish STV)
		// or a panic (ERS97).
		{"weight 9e17", []string{"--method", "meek", ovfBLT}, []string{ovfBLT, "line 2", "ballot weight 900000000000000000 exceeds 4294967296"}},
		{"weight 1e14", []string{"--method", "scottish", w14BLT}, []string{w14BLT, "line 2", "ballot weight 100000000000000 exceeds 4294967296"}},
		{"total weight", []string{"--method", "ers97", totalBLT}, []string{totalBLT, "line 3", "the total weight of the ballots exceeds 4294967296"}},
		{"CSV weight", []string{"--method", "irv", "--seats", "1", ovfCSV}, []string{ovfCSV, "line 3", "ballot 2", "the total weight"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := tallyRun(t, tt.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2 (stderr %q)", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not contain %q", errOut, w)
				}
			}
		})
	}
}

func TestTallyFormats(t *testing.T) {
	tests := []struct {
		args    []string
		elected []string
	}{
		{[]string{"--method", "plurality", samples + "board-2026.blt"}, []string{"Di Dunn", "Ann Archer"}},
		{[]string{"--method", "plurality", samples + "board-2026.json"}, []string{"Di Dunn", "Ann Archer"}},
		// CSV does not say that Cy withdrew: Cy keeps a first preference and Ann and Di tie
		// with 3 each; the seed orders them.
		{[]string{"--method", "plurality", "--seats", "2", "--seed", "01", samples + "board-2026.csv"}, []string{"Ann Archer", "Di Dunn"}},
		{[]string{"--method", "approval", "--seats", "1", samples + "approval-2026.csv"}, []string{"Bo Baker"}},
		{[]string{"--method", "cumulative", "--points", "3", samples + "cumulative-2026.json"}, []string{"Cy Cole", "Ann Archer"}},
		{[]string{"--method", "confidence", samples + "confidence-2026.json"}, []string{"Ann Archer"}},
	}
	for _, tt := range tests {
		code, out, errOut := tallyRun(t, append(tt.args, "--format", "json")...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errOut)
		}
		var rep struct {
			Elected []string `json:"elected"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: %v\n%s", tt.args, err, out)
		}
		if diff := cmp.Diff(tt.elected, rep.Elected); diff != "" {
			t.Errorf("%v: elected (-want +got):\n%s", tt.args, diff)
		}
	}
	for _, format := range []string{"text", "csv"} {
		code, out, errOut := tallyRun(t, "--method", "plurality", "--format", format, samples+"board-2026.blt")
		if code != 0 || !strings.Contains(out, "Ann Archer") {
			t.Errorf("--format %s: exit %d, stdout %q, stderr %q", format, code, out, errOut)
		}
	}
}

// TestTallyDeterministic checks, for every method, that the same file and seed give the same
// bytes, and that the seed is reported.
func TestTallyDeterministic(t *testing.T) {
	files := map[string][]string{
		"cumulative": {"--points", "3", samples + "cumulative-2026.json"},
		"confidence": {samples + "confidence-2026.json"},
		"irv":        {"--seats", "1", sampleBLT},
	}
	for _, method := range tally.Methods() {
		t.Run(method, func(t *testing.T) {
			file, ok := files[method]
			if !ok {
				file = []string{sampleBLT}
			}
			args := append([]string{"--method", method, "--seed", "c0ffee", "--format", "json"}, file...)
			_, first, _ := tallyRun(t, args...)
			code, second, errOut := tallyRun(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if first != second {
				t.Error("two runs with the same seed printed different reports")
			}
			if !strings.Contains(first, `"seed": "c0ffee"`) || !strings.Contains(first, `"method": "`+method+`"`) {
				t.Errorf("the report does not reveal the seed and method:\n%s", first)
			}
		})
	}
}

// TestTallyPanicIsInternalError: a panic in a count is a bug, not bad input. It must not crash
// the command, nor exit with status 2 (Go's panic status, also that of bad input).
func TestTallyPanicIsInternalError(t *testing.T) {
	saved := countFunc
	t.Cleanup(func() { countFunc = saved })
	countFunc = func(string, *tally.Election, tally.Options) (*tally.Result, error) {
		var votes []int64
		return nil, fmt.Errorf("unreachable %d", votes[3]) // index out of range
	}
	code, out, errOut := tallyRun(t, "--method", "scottish", sampleBLT)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
	}
	for _, want := range []string{sampleBLT, "internal error in the scottish count", "please report", "index out of range"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q does not contain %q", errOut, want)
		}
	}
}

// TestTallyHeld: A and B of X, C of Y, 2 seats, cap 2; plurality votes A 5, B 4, C 1. X holds
// no seat: A and B win. X already holds a seat on the board (--held X=1): only one more X
// member may win, so B is passed over and C takes the second seat.
func TestTallyHeld(t *testing.T) {
	file := writeTemp(t, "held.json", `{"seats": 2,
	"candidates": [{"name": "A", "affiliation": "X"}, {"name": "B", "affiliation": "X"}, {"name": "C", "affiliation": "Y"}],
	"ballots": [{"weight": 5, "approve": ["A"]}, {"weight": 4, "approve": ["B"]}, {"approve": ["C"]}]}`)
	for _, tt := range []struct {
		held []string
		want []string
	}{
		{nil, []string{"A", "B"}},
		{[]string{"--held", "X=1"}, []string{"A", "C"}},
	} {
		args := append([]string{"--method", "plurality", "--affiliation-cap", "2", "--format", "json", file}, tt.held...)
		code, out, errOut := tallyRun(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tt.held, code, errOut)
		}
		var rep struct {
			Elected []string `json:"elected"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, rep.Elected); diff != "" {
			t.Errorf("%v: elected (-want +got):\n%s", tt.held, diff)
		}
	}
}

// TestTallyAberdeen counts the Aberdeen 2017 ward 1 election and compares it with the
// council's official count sheet: quota, elected in order, and the six stages to 5 decimals.
func TestTallyAberdeen(t *testing.T) {
	dir := tallytest.CasesDir()
	if dir == "" {
		t.Skip("conformance corpus not found")
	}
	caseDir := filepath.Join(dir, "scot-stv-aberdeen-2017-ward1")
	code, out, errOut := tallyRun(t, "--method", "scottish", "--format", "json", filepath.Join(caseDir, "ballots.blt"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Quota   string   `json:"quota"`
		Elected []string `json:"elected"`
		Rounds  []struct {
			Votes map[string]string `json:"votes"`
		} `json:"rounds"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var official struct {
		Quota  int `json:"quota"`
		Stages []struct {
			Totals map[string]string `json:"totals"`
		} `json:"stages"`
	}
	data, err := os.ReadFile(filepath.Join(caseDir, "official.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &official); err != nil {
		t.Fatal(err)
	}
	if got.Quota != "1322.00000" || official.Quota != 1322 {
		t.Errorf("quota %s, official %d", got.Quota, official.Quota)
	}
	wantElected := []string{"Avril MACKENZIE (Con)", "Neil MACGREGOR (SNP)", "Barney CROCKETT (Lab)", "Gill SAMARAI (SNP)"}
	if diff := cmp.Diff(wantElected, got.Elected); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if len(got.Rounds) != 6 || len(official.Stages) != 6 {
		t.Fatalf("%d rounds, official %d stages; want 6", len(got.Rounds), len(official.Stages))
	}
	// The official sheet writes names in mixed case ("Avril MacKenzie") and without party.
	for i, stage := range official.Stages {
		for name, want := range stage.Totals {
			var v string
			for full, value := range got.Rounds[i].Votes {
				if strings.HasPrefix(strings.ToLower(full), strings.ToLower(name)+" (") {
					v = value
				}
			}
			if v != want {
				t.Errorf("stage %d, %s: %q, official %q", i+1, name, v, want)
			}
		}
	}
}

// benchFile writes a generated election of one line per voter to a temporary BLT file.
func benchFile(b *testing.B, ballots, candidates, seats int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.blt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := tallytest.WriteBLT(f, tallytest.Generate(1, ballots, candidates, seats)); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkTally measures `govboard tally --format json` in-process, reading included, on
// the docs/BENCHMARKS.md elections (run with -benchtime 3x; add -cpuprofile to see where the
// time goes).
func BenchmarkTally(b *testing.B) {
	for _, bc := range []struct {
		name                       string
		ballots, candidates, seats int
	}{{"1Mx20x10", 1_000_000, 20, 10}, {"100kx50x10", 100_000, 50, 10}} {
		path := benchFile(b, bc.ballots, bc.candidates, bc.seats)
		for _, method := range []string{"scottish", "meek"} {
			b.Run(method+"/"+bc.name, func(b *testing.B) {
				for b.Loop() {
					var out, errb bytes.Buffer
					if code := run([]string{"tally", "--method", method, "--format", "json", path}, nil, &out, &errb); code != 0 {
						b.Fatalf("exit %d: %s", code, errb.String())
					}
				}
			})
		}
	}
}
