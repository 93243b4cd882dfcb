package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// tallyRun runs `govboard tally args…` in-process.
func tallyRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"tally"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const sampleBLT = "../../testdata/ballots/board-2026.blt"

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
	samples := "../../testdata/ballots/"
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

// TestTallyDeterministic checks that the same file and seed give the same bytes, and that
// the seed is reported.
func TestTallyDeterministic(t *testing.T) {
	args := []string{"--method", "approval", "--seats", "2", "--seed", "c0ffee", "--format", "json", sampleBLT}
	_, first, _ := tallyRun(t, args...)
	code, second, errOut := tallyRun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if first != second {
		t.Error("two runs with the same seed printed different reports")
	}
	if !strings.Contains(first, `"seed": "c0ffee"`) {
		t.Errorf("the report does not reveal the seed:\n%s", first)
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
