package blt_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
)

// entry is a ballot as the tests write it: weight and ranking groups of 0-based candidates.
type entry struct {
	W int64
	R [][]int
}

type view struct {
	Title     string
	Seats     int
	Names     []string
	Withdrawn []int
	Ballots   []entry
}

func viewOf(e *tally.Election) view {
	v := view{Title: e.Title, Seats: e.Seats}
	for k, c := range e.Candidates {
		v.Names = append(v.Names, c.Name)
		if c.Withdrawn {
			v.Withdrawn = append(v.Withdrawn, k)
		}
	}
	for i := range e.Ballots.Len() {
		v.Ballots = append(v.Ballots, entry{e.Ballots.Weight(i), e.Ballots.Ranking(i)})
	}
	return v
}

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts blt.Options
		want view
	}{{
		name: "plain",
		in:   "3 2\n4 1 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
		want: view{Title: "T", Seats: 2, Names: []string{"A", "B", "C"},
			Ballots: []entry{{4, [][]int{{0}, {1}}}, {1, [][]int{{2}}}}},
	}, {
		name: "withdrawn, equal ranks, skipped rank, ids, comments, CRLF, blank lines",
		in: "# a comment\r\n3 1\r\n-2\r\n-3 -2\r\n\r\n(b1) 2 1=3 - 2 0 # trailing\r\n" +
			"(b2) 1 0\r\n0\r\n\"A \\\"x\\\" #1\"\r\n\"B\\\\\"  \"C\"\r\n\"Title\" # c\r\n",
		want: view{Title: "Title", Seats: 1, Names: []string{`A "x" #1`, `B\`, "C"}, Withdrawn: []int{1, 2},
			Ballots: []entry{{2, [][]int{{0, 2}, {1}}}, {1, nil}}},
	}, {
		name: "identical lines merge in first-seen order",
		in:   "2 1\n1 2 1 0\n1 1 0\n3 2 1 0\n1 1 0\n0\n\"A\"\n\"B\"\n",
		opts: blt.Options{Merge: tally.MergeShort},
		want: view{Seats: 1, Names: []string{"A", "B"},
			Ballots: []entry{{4, [][]int{{1}, {0}}}, {2, [][]int{{0}}}}},
	}, {
		name: "keep duplicates",
		in:   "2 1\n1 2 1 0\n1 1 0\n3 2 1 0\n0\n\"A\"\n\"B\"\n\"\"\n",
		opts: blt.Options{Merge: tally.MergeNone},
		want: view{Seats: 1, Names: []string{"A", "B"},
			Ballots: []entry{{1, [][]int{{1}, {0}}}, {1, [][]int{{0}}}, {3, [][]int{{1}, {0}}}}},
	}, {
		name: "equal and strict rankings of the same candidates do not merge",
		in:   "2 1\n1 1=2 0\n1 1 2 0\n0\n\"A\"\n\"B\"\n",
		want: view{Seats: 1, Names: []string{"A", "B"},
			Ballots: []entry{{1, [][]int{{0, 1}}}, {1, [][]int{{0}, {1}}}}},
	}, {
		name: "no final newline and no ballots",
		in:   "1 1\n0\n\"Only\"\n\"T\"",
		want: view{Title: "T", Seats: 1, Names: []string{"Only"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := blt.ReadWith(strings.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, viewOf(e)); diff != "" {
				t.Errorf("Read (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	names := "0\n\"A\"\n\"B\"\n\"C\"\n"
	tests := []struct {
		in   string
		want string
	}{
		{"", "line 1: no header line \"candidates seats\""},
		{"3\n", "line 1: the first line must be \"candidates seats\"; the number of seats is missing"},
		{"3 1 1\n", `line 1: the first line must be "candidates seats"; unexpected "1"`},
		{"x 1\n", `line 1: number of candidates "x" is not a whole number`},
		{"0 1\n", "line 1: number of candidates 0 is not in 1..65536"},
		{"3 0\n", "line 1: number of seats 0 is not in 1..65536"},
		{"3 1\n1 2 9 0\n" + names, "line 2: candidate 9 is not in 1..3"},
		{"3 1\n\n\n1 2 2 0\n" + names, "line 4: candidate 2 is ranked twice on one ballot"},
		{"3 1\n1 2=2 0\n" + names, "line 2: candidate 2 is ranked twice on one ballot"},
		{"3 1\n1 2 3\n" + names, "line 2: ballot does not end with 0"},
		{"3 1\n1 2 0 3\n" + names, `line 2: unexpected "3" after the 0 that ends the ballot`},
		{"3 1\n0 2 0\n" + names, "line 2: ballot weight 0 is not positive"},
		{"3 1\n1.5 2 0\n" + names, `line 2: ballot weight "1.5" is not a whole number`},
		{"3 1\n1 2=x 0\n" + names, `line 2: candidate "x" is not a whole number`},
		{"3 1\n1 2= 0\n" + names, `line 2: candidate "" is not a whole number`},
		{"3 1\n1 0=2 0\n" + names, "line 2: candidate 0 is not in 1..3"},
		{"3 1\n(x 1 2 0\n" + names, `line 2: ballot id "(x" has no closing parenthesis`},
		{"3 1\n1 2 0\n-1\n" + names, "line 3: withdrawn candidates (negative ids) must come before the first ballot"},
		{"3 1\n-4\n" + names, "line 2: withdrawn candidate 4 is not in 1..3"},
		{"3 1\n-1 2\n" + names, `line 2: withdrawn candidates are negative ids; found "2"`},
		{"3 1\n1 2 0\n", "line 2: missing the line 0 that ends the ballots"},
		{"3 1\n0\n\"A\"\n\"B\"\n", "line 4: expected 3 candidate names, found 2"},
		{"3 1\n0\n\"A\"\nB\n", `line 4: expected a quoted candidate name, found "B"`},
		{"3 1\n0\n\"A\"\n\"A\"\n", `line 4: candidate 2 has the same name "A" as candidate 1`},
		{"3 1\n0\n\"A\"\n\"\"\n", `line 4: candidate 2 has an empty name`},
		{"3 1\n0\n\"A\"\n\"B\n", `line 4: quoted text "B has no closing quote`},
		{"1 1\n0\n\"A\"\n\"T\"\n\"extra\"\n", "line 5: unexpected text after the title"},
		{"1 1\n0\n\"A\"\n\"T\"\nzzz\n", "line 5: unexpected text after the title"},
		{"1 1\n1 12345678901234567890 0\n0\n\"A\"\n", "line 2: candidate 123456789012345678… is too large"},
		// Weights are bounded by tally.MaxTotalWeight (2^32), one by one and in total, so that
		// no count can overflow; the reader names the line that goes over.
		{"3 1\n900000000000000000 1 0\n900000000000000000 1 2 0\n" + names,
			"line 2: ballot weight 900000000000000000 exceeds 4294967296, the most a count accepts"},
		{"3 1\n1 1 0\n4294967296 1 0\n" + names,
			"line 3: the total weight of the ballots exceeds 4294967296, the most a count accepts"},
		{"3 1\n3000000000 1 2 0\n2000000000 2 1 0\n" + names,
			"line 3: the total weight of the ballots exceeds 4294967296, the most a count accepts"},
	}
	for _, tt := range tests {
		_, err := blt.Read(strings.NewReader(tt.in))
		if err == nil {
			t.Errorf("Read(%q) succeeded, want error %q", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Read(%q) error\n got %q\nwant %q", tt.in, err, tt.want)
		}
		if !errors.Is(err, blt.ErrSyntax) || !errors.Is(err, tally.ErrInvalid) {
			t.Errorf("Read(%q) error %v does not match ErrSyntax and tally.ErrInvalid", tt.in, err)
		}
	}
}

// TestReadMaxTotalWeight: a total of exactly tally.MaxTotalWeight is accepted, and a BLT file
// holds rankings.
func TestReadMaxTotalWeight(t *testing.T) {
	e, err := blt.Read(strings.NewReader("2 1\n4294967295 1 0\n1 1 0\n0\n\"A\"\n\"B\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Ballots.TotalWeight() != tally.MaxTotalWeight || e.Kind != tally.KindRanking {
		t.Errorf("total %d, kind %q", e.Ballots.TotalWeight(), e.Kind)
	}
}

func TestReadFileNamesPath(t *testing.T) {
	path := t.TempDir() + "/bad.blt"
	writeFile(t, path, "2 1\n1 3 0\n")
	_, err := blt.ReadFile(path)
	var be *blt.Error
	if !errors.As(err, &be) || be.Line != 2 || be.Path != path {
		t.Fatalf("ReadFile error = %v, want a *blt.Error at %s line 2", err, path)
	}
	if want := path + ": line 2: candidate 3 is not in 1..2"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if _, err := blt.ReadFile(t.TempDir() + "/missing.blt"); err == nil || errors.Is(err, blt.ErrSyntax) {
		t.Errorf("missing file: error %v, want a non-syntax error", err)
	}
}

func TestLongLine(t *testing.T) {
	// A ballot line longer than the reader's buffer (1 MiB) must still parse.
	var b bytes.Buffer
	b.WriteString("2 1\n")
	b.WriteString(strings.Repeat(" ", 3<<20))
	b.WriteString("1 1 2 0\n0\n\"A\"\n\"B\"\n")
	e, err := blt.Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Ballots.Ranking(0); !cmp.Equal(got, [][]int{{0}, {1}}) {
		t.Errorf("ranking = %v", got)
	}
}
