package ballotfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/ballotfile"
)

const samples = "../../../testdata/ballots/"

type entry struct {
	W     int64
	Marks map[string]int32
}

type view struct {
	Title, Seats string
	Cands        []tally.Candidate
	Ballots      []entry
}

// viewOf flattens an election; marks become a name → value map, so that the order of equally
// ranked candidates (which no format keeps) does not matter.
func viewOf(e *tally.Election, withSeats bool) view {
	v := view{Title: e.Title, Cands: e.Candidates}
	if withSeats {
		v.Seats = string(rune('0' + e.Seats))
	}
	for i := range e.Ballots.Len() {
		m := map[string]int32{}
		cands, values := e.Ballots.Marks(i)
		for k, c := range cands {
			m[e.Candidates[c].Name] = values[k]
		}
		v.Ballots = append(v.Ballots, entry{e.Ballots.Weight(i), m})
	}
	return v
}

func TestReadAnySameElection(t *testing.T) {
	want := view{
		Seats: "2",
		Title: "Sample board election 2026",
		Cands: []tally.Candidate{{Name: "Ann Archer"}, {Name: "Bo Baker"}, {Name: "Cy Cole", Withdrawn: true}, {Name: "Di Dunn"}},
		Ballots: []entry{
			{3, map[string]int32{"Ann Archer": 1, "Bo Baker": 2}},
			{2, map[string]int32{"Bo Baker": 1, "Ann Archer": 2, "Di Dunn": 3}},
			{1, map[string]int32{"Di Dunn": 1, "Ann Archer": 2, "Bo Baker": 2}},
			{1, map[string]int32{"Cy Cole": 1, "Di Dunn": 2}},
			{2, map[string]int32{"Di Dunn": 1}},
		},
	}
	for _, name := range []string{"board-2026.blt", "board-2026.json", "board-2026.csv"} {
		e, err := ballotfile.ReadAny(samples+name, ballotfile.Ranking)
		if err != nil {
			t.Fatal(err)
		}
		w := want
		if strings.HasSuffix(name, ".csv") { // CSV has no title, seats or withdrawals
			w.Title, w.Seats = "", "0"
			w.Cands = slices.Clone(w.Cands)
			w.Cands[2].Withdrawn = false
		}
		if diff := cmp.Diff(w, viewOf(e, true)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func TestReadKinds(t *testing.T) {
	tests := []struct {
		file string
		kind ballotfile.Kind
		want []entry
	}{
		{"approval-2026.csv", ballotfile.Approval, []entry{
			{1, map[string]int32{"Ann Archer": 1, "Bo Baker": 1}},
			{1, map[string]int32{"Bo Baker": 1, "Di Dunn": 1}},
			{1, map[string]int32{"Bo Baker": 1}},
			{1, map[string]int32{"Cy Cole": 1, "Di Dunn": 1}},
		}},
		{"cumulative-2026.json", ballotfile.Points, []entry{
			{1, map[string]int32{"Ann Archer": 3}},
			{1, map[string]int32{"Bo Baker": 2, "Cy Cole": 1}},
			{2, map[string]int32{"Cy Cole": 3}},
		}},
		{"confidence-2026.json", ballotfile.Confidence, []entry{
			{3, map[string]int32{"Ann Archer": 1, "Bo Baker": -1}},
			{1, map[string]int32{"Ann Archer": 1}},
			{2, map[string]int32{"Ann Archer": -1, "Bo Baker": 1}},
		}},
	}
	for _, tt := range tests {
		e, err := ballotfile.ReadAny(samples+tt.file, tt.kind)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, viewOf(e, false).Ballots); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
		// Each kind survives both formats.
		for _, format := range []string{"json", "csv"} {
			var buf bytes.Buffer
			var back *tally.Election
			if format == "json" {
				err = ballotfile.WriteJSON(&buf, e, tt.kind)
			} else {
				err = ballotfile.WriteCSV(&buf, e, tt.kind)
			}
			if err != nil {
				t.Fatal(err)
			}
			if format == "json" {
				back, err = ballotfile.ReadJSON(&buf)
			} else {
				back, err = ballotfile.ReadCSV(&buf, tt.kind)
			}
			if err != nil {
				t.Fatalf("%s as %s: %v\n%s", tt.file, format, err, buf.String())
			}
			if diff := cmp.Diff(tt.want, viewOf(back, false).Ballots); diff != "" {
				t.Errorf("%s through %s (-want +got):\n%s", tt.file, format, diff)
			}
		}
	}
}

// TestReadSetsKind: every reader says what its ballots are, so that Count can refuse a method
// that would misread them.
func TestReadSetsKind(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		path string
		kind ballotfile.Kind // the reading kind (what CSV cells mean)
		want tally.BallotKind
	}{
		{samples + "board-2026.blt", ballotfile.Points, tally.KindRanking}, // BLT holds rankings whatever is asked
		{samples + "board-2026.json", ballotfile.Ranking, tally.KindRanking},
		{samples + "board-2026.csv", ballotfile.Ranking, tally.KindRanking},
		{samples + "board-2026.csv", "", tally.KindRanking},
		// Ranks read as approval are still a ranking (plurality counts the first level).
		{samples + "board-2026.csv", ballotfile.Approval, tally.KindRanking},
		{samples + "approval-2026.csv", ballotfile.Approval, tally.KindApproval},
		{samples + "cumulative-2026.json", ballotfile.Ranking, tally.KindPoints}, // JSON says itself
		{samples + "confidence-2026.json", ballotfile.Ranking, tally.KindConfidence},
		{write("points.csv", "A,B\n2,1\n"), ballotfile.Points, tally.KindPoints},
		{write("yesno.csv", "A,B\nyes,no\n"), ballotfile.Confidence, tally.KindConfidence},
		{write("approve.json", `{"candidates": ["A"], "ballots": [{"approve": ["A"]}]}`), ballotfile.Ranking, tally.KindApproval},
	}
	for _, tt := range tests {
		e, err := ballotfile.ReadAny(tt.path, tt.kind)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != tt.want {
			t.Errorf("%s read as %q: kind %q, want %q", filepath.Base(tt.path), tt.kind, e.Kind, tt.want)
		}
	}
	if _, err := ballotfile.ReadCSV(strings.NewReader("A\n1\n"), "borda"); err == nil {
		t.Error("ReadCSV accepted an unknown kind")
	}
}

func TestWriteJSONGolden(t *testing.T) {
	e, err := ballotfile.ReadAny(samples+"board-2026.blt", ballotfile.Ranking)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ballotfile.WriteJSON(&buf, e, ballotfile.Ranking); err != nil {
		t.Fatal(err)
	}
	want := `{"title":"Sample board election 2026","seats":2,"candidates":[{"name":"Ann Archer"},{"name":"Bo Baker"},{"name":"Cy Cole","withdrawn":true},{"name":"Di Dunn"}],"ballots":[
{"weight":3,"ranking":["Ann Archer","Bo Baker"]},
{"weight":2,"ranking":["Bo Baker","Ann Archer","Di Dunn"]},
{"ranking":["Di Dunn",["Ann Archer","Bo Baker"]]},
{"ranking":["Cy Cole","Di Dunn"]},
{"weight":2,"ranking":["Di Dunn"]}
]}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteJSON (-want +got):\n%s", diff)
	}
	buf.Reset()
	if err := ballotfile.WriteCSV(&buf, e, ballotfile.Ranking); err != nil {
		t.Fatal(err)
	}
	wantCSV := "Ann Archer,Bo Baker,Di Dunn,weight\n1,2,,3\n2,1,3,2\n2,2,1,1\n,,2,1\n,,1,2\n"
	if diff := cmp.Diff(wantCSV, buf.String()); diff != "" {
		t.Errorf("WriteCSV (-want +got):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	head := `{"seats": 1, "candidates": ["A", "B"], "ballots": [` + "\n"
	tests := []struct {
		name, in, want string
	}{
		{"x.json", `[1]`, "line 1: the file must be one JSON object"},
		{"x.json", "{\n\"seats\": 1,\n\"title\": 3}", "line 3: JSON: json: cannot unmarshal number into Go value of type string"},
		{"x.json", "{\"seats\": 1,\n\n \"candidates\": [\"A\",}", "line 3: JSON: invalid character '}' looking for beginning of value"},
		{"x.json", `{"seats": 0, "candidates": ["A"]}`, "seats 0 is not a positive whole number"},
		{"x.json", `{"seats": 1, "candidates": ["A", "A"]}`, `candidate 2 has the same name "A" as candidate 1`},
		{"x.json", `{"seats": 1, "candidates": []}`, "no candidates"},
		{"x.json", head + "{\"ranking\": [\"A\"]},\n  {\"ranking\": [\"A\", \"C\"]}]}", `line 3: ballot 2: unknown candidate "C"`},
		{"x.json", head + "{\"ranking\": [\"A\", [\"B\", \"A\"]]}]}", `line 2: ballot 1: candidate "A" appears twice`},
		{"x.json", head + "{\"weight\": 1.5, \"approve\": [\"A\"]}]}", "line 2: ballot 1: weight 1.5 is not a positive whole number"},
		{"x.json", head + "{\"weight\": 2}]}", `line 2: ballot 1: a ballot needs exactly one of "ranking", "approve", "points" or "confidence", found 0`},
		{"x.json", head + "{\"approve\": [\"A\"], \"ranking\": []}]}", `line 2: ballot 1: a ballot needs exactly one of "ranking", "approve", "points" or "confidence", found 2`},
		{"x.json", head + "{\"points\": {\"B\": -1}}]}", `line 2: ballot 1: points -1 for "B" are not a whole number ≥ 0`},
		{"x.json", head + "{\"confidence\": {\"B\": \"maybe\"}}]}", `line 2: ballot 1: confidence vote "maybe" for "B" is not yes, no or abstain`},
		{"x.json", head + "{\"confidence\": {\"Z\": \"yes\", \"Y\": \"no\"}}]}", `line 2: ballot 1: unknown candidate "Y"`},
		{"x.json", head + "\n{\"rank\": [\"A\"]}]}", `line 3: ballot 1: JSON: json: unknown field "rank"`},
		{"x.csv", "", "line 1: empty file: no header row of candidate names"},
		{"x.csv", "A,,B\n", "line 1: column 2 of the header has no candidate name"},
		{"x.csv", "A,B\n1,2\n1,1,1\n", "line 3: ballot 2: the row has 3 cells, the header 2"},
		{"x.csv", "A,B,Weight\n1,2,0\n", `line 2: ballot 1: weight "0" is not a positive whole number`},
		{"x.csv", "A,B\n1,\n\n1,first\n", `line 4: ballot 2: rank "first" is not a whole number ≥ 1`},
		{"x.csv", "A,B\n1,\"2\n", `line 2: CSV: extraneous or missing " in quoted-field`},
		// Weights are bounded by tally.MaxTotalWeight (2^32), one by one and in total.
		{"x.json", head + "{\"weight\": 900000000000000000, \"ranking\": [\"A\"]}]}",
			"line 2: ballot 1: ballot weight 900000000000000000 exceeds 4294967296, the most a count accepts"},
		{"x.json", head + "{\"weight\": 4294967296, \"ranking\": [\"A\"]},\n{\"ranking\": [\"B\"]}]}",
			"line 3: ballot 2: the total weight of the ballots exceeds 4294967296, the most a count accepts"},
		{"x.csv", "A,B,weight\n1,2,900000000000000000\n",
			"line 2: ballot 1: ballot weight 900000000000000000 exceeds 4294967296, the most a count accepts"},
		{"x.csv", "A,B,weight\n1,2,4000000000\n2,1,294967296\n1,,1\n",
			"line 4: ballot 3: the total weight of the ballots exceeds 4294967296, the most a count accepts"},
		// One kind per file: an approval ballot among rankings would be misread by either method.
		{"x.json", head + "{\"ranking\": [\"A\", \"B\"]},\n{\"approve\": [\"A\"]}]}",
			"line 3: ballot 2: approval ballot after ranking ballots: all the ballots of a file must be of one kind"},
		{"x.json", head + "{\"points\": {\"A\": 1}},\n{\"points\": {}},\n{\"confidence\": {\"A\": \"yes\"}}]}",
			"line 4: ballot 3: confidence ballot after points ballots: all the ballots of a file must be of one kind"},
		{"x.txt", "", "unknown ballot file type: the name must end in .blt, .json or .csv"},
		{"x.blt", "2 1\n1 3 0\n", "line 2: candidate 3 is not in 1..2"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.in), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ballotfile.ReadAny(path, ballotfile.Ranking)
		if err == nil {
			t.Errorf("ReadAny(%s %q) succeeded, want %q", tt.name, tt.in, tt.want)
			continue
		}
		if want := path + ": " + tt.want; err.Error() != want {
			t.Errorf("ReadAny(%s %q)\n got %q\nwant %q", tt.name, tt.in, err, want)
		}
		if !errors.Is(err, tally.ErrInvalid) {
			t.Errorf("ReadAny(%s %q): %v is not tally.ErrInvalid", tt.name, tt.in, err)
		}
	}
}

// TestReadJSONPublishedBallots: the published ballots of govboard (GET
// /contests/{id}/ballots?format=json) read as a ballot file: the receipt and nonce of each
// ballot and the top-level contest_id, round_id, method, kind and superseded ballots are
// skipped, and an abstention (an empty ranking) is a ballot without marks.
func TestReadJSONPublishedBallots(t *testing.T) {
	const file = `{"title":"Board 2026: Ranked","seats":1,"candidates":["Ann","Bo"],
"contest_id":3,"round_id":1,"method":"irv","kind":"ranking","ballots":[
{"receipt":"0a1b","nonce":"ff00","ranking":["Ann","Bo"]},
{"receipt":"3c4d","nonce":"ee11","ranking":[["Ann","Bo"]]},
{"receipt":"5e6f","nonce":"dd22","ranking":[]}
],"superseded":[
{"receipt":"7a8b","nonce":"cc33","ranking":["Bo"]}
]}`
	e, err := ballotfile.ReadJSON(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{
		{1, map[string]int32{"Ann": 1, "Bo": 2}},
		{1, map[string]int32{"Ann": 1, "Bo": 1}},
		{1, map[string]int32{}},
	}
	if diff := cmp.Diff(want, viewOf(e, false).Ballots); diff != "" || e.Seats != 1 || e.Kind != ballotfile.Ranking {
		t.Errorf("seats %d, kind %s; ballots (-want +got):\n%s", e.Seats, e.Kind, diff)
	}
	// Other unknown ballot fields are still refused.
	bad := strings.Replace(file, `"nonce":"ff00"`, `"salt":"ff00"`, 1)
	if _, err := ballotfile.ReadJSON(strings.NewReader(bad)); !errors.Is(err, ballotfile.ErrFormat) {
		t.Errorf("unknown ballot field: %v, want ErrFormat", err)
	}
}
