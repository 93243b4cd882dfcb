package blt_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
)

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWrite(t *testing.T) {
	e := &tally.Election{Title: `Ward "7"`, Seats: 2, Candidates: []tally.Candidate{
		{Name: "Ann"}, {Name: `B\o`, Withdrawn: true}, {Name: "Cy"}, {Name: "Di", Withdrawn: true}}}
	for _, b := range []struct {
		w int64
		r [][]int
	}{{3, [][]int{{0}, {2, 1}}}, {1, nil}, {2, [][]int{{3}}}} {
		if err := e.Ballots.AddRanking(b.w, b.r); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := blt.Write(&out, e); err != nil {
		t.Fatal(err)
	}
	want := "4 2\n-2 -4\n3 1 3=2 0\n1 0\n2 4 0\n0\n\"Ann\"\n\"B\\\\o\"\n\"Cy\"\n\"Di\"\n\"Ward \\\"7\\\"\"\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("Write (-want +got):\n%s", diff)
	}
	back, err := blt.Read(&out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viewOf(e), viewOf(back)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestWriteRefuses(t *testing.T) {
	for _, e := range []*tally.Election{
		{Seats: 1},
		{Seats: 1, Candidates: []tally.Candidate{{Name: ""}}},
		{Seats: 1, Candidates: []tally.Candidate{{Name: "A"}, {Name: "A"}}},
		{Seats: 1, Candidates: []tally.Candidate{{Name: "A\nB"}}},
		{Seats: 1, Title: "T\r", Candidates: []tally.Candidate{{Name: "A"}}},
		// Read would take points or yes/no marks for preference levels.
		{Seats: 1, Kind: tally.KindPoints, Candidates: []tally.Candidate{{Name: "A"}}},
		{Seats: 1, Kind: tally.KindConfidence, Candidates: []tally.Candidate{{Name: "A"}}},
	} {
		if err := blt.Write(&bytes.Buffer{}, e); err == nil {
			t.Errorf("Write(%+v) succeeded, want an error", e)
		}
	}
}

// FuzzRead checks that Read never panics and that whatever it accepts survives Write and Read.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"3 2\n4 1 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
		"3 1\n-2\n(b1) 2 1=3 - 2 0 # c\n1 0\n0\n\"A \\\"x\\\"\"\n\"B\\\\\"\n\"C\"\n\"T\"\n",
		"2 1\n1 2 1 0\n1 1 0\n3 2 1 0\n0\n\"A\"\n\"B\"\n",
		"3 1\n1 2 9 0\n0\n\"A\"\n\"B\"\n\"C\"\n",
		"3 1\n1 2 2 0\n",
		"1 1\n0\n\"A\"\n\"T\"\n\"extra\"\n",
		"",
		"2 1\n1 1= 0\n0\n\"A",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := blt.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := blt.Write(&out, e); err != nil {
			t.Fatalf("Write of an accepted file failed: %v", err)
		}
		back, err := blt.Read(&out)
		if err != nil {
			t.Fatalf("Read of written file failed: %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(viewOf(e), viewOf(back)); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

// BenchmarkReadBLT reads a generated file of 100,000 one-voter lines over 20 candidates,
// each a prefix of a pseudo-random permutation.
func BenchmarkReadBLT(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("20 10\n")
	x := uint64(1)
	next := func(n int) int {
		x = x*6364136223846793005 + 1442695040888963407
		return int((x >> 33) % uint64(n))
	}
	perm := make([]int, 20)
	for range 100_000 {
		for k := range perm {
			perm[k] = k + 1
		}
		sb.WriteString("1")
		for k := range 1 + next(20) {
			j := k + next(20-k)
			perm[k], perm[j] = perm[j], perm[k]
			sb.WriteString(" " + strconv.Itoa(perm[k]))
		}
		sb.WriteString(" 0\n")
	}
	sb.WriteString("0\n")
	for k := range 20 {
		sb.WriteString("\"C" + strconv.Itoa(k+1) + "\"\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := blt.Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
