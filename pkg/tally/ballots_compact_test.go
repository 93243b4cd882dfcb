package tally_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
)

type wballot struct {
	W     int64
	Marks string
}

// naiveMerge merges identical ballots with a map keyed by the printed marks: slow and
// obviously right, to check the builder's hash table and dense index against.
func naiveMerge(b *tally.Ballots, short bool) []wballot {
	var out []wballot
	at := map[string]int{}
	for i := range b.Len() {
		cands, values := b.Marks(i)
		key := fmt.Sprint(cands, values)
		strictShort := len(cands) <= 3
		for k := range values {
			strictShort = strictShort && values[k] == int32(k+1)
		}
		if j, ok := at[key]; ok && (!short || strictShort) {
			out[j].W += b.Weight(i)
			continue
		}
		at[key] = len(out)
		out = append(out, wballot{b.Weight(i), key})
	}
	return out
}

func listOf(b *tally.Ballots) []wballot {
	var out []wballot
	for i := range b.Len() {
		cands, values := b.Marks(i)
		out = append(out, wballot{b.Weight(i), fmt.Sprint(cands, values)})
	}
	return out
}

// randomBallots makes many repeats: few candidates, short ballots, some equal rankings.
func randomBallots(t *testing.T, seed uint64, n, count int) *tally.Ballots {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b tally.Ballots
	for range count {
		perm := rng.Perm(n)[:rng.IntN(min(n, 6)+1)]
		var marks []tally.Mark
		level := 0
		for k, c := range perm {
			if k == 0 || rng.IntN(5) > 0 {
				level++
			}
			marks = append(marks, tally.Mark{Candidate: c, Value: level})
		}
		if err := b.Add(int64(1+rng.IntN(3)), marks); err != nil {
			t.Fatal(err)
		}
	}
	return &b
}

func TestBallotBuilderMerge(t *testing.T) {
	for _, n := range []int{1, 3, 5, 64, 65} {
		for seed := range uint64(4) {
			b := randomBallots(t, seed, n, 5000)
			for _, mode := range []tally.MergeMode{tally.MergeNone, tally.MergeShort, tally.MergeAll} {
				bb := tally.NewBallotBuilder(n, mode)
				for i := range b.Len() {
					cands, values := b.Marks(i)
					for k, c := range cands {
						if err := bb.Mark(int(c), int(values[k])); err != nil {
							t.Fatal(err)
						}
					}
					if err := bb.End(b.Weight(i)); err != nil {
						t.Fatal(err)
					}
				}
				got := bb.Ballots()
				var want []wballot
				switch mode {
				case tally.MergeNone:
					want = listOf(b)
				case tally.MergeShort:
					want = listOf(b)
					if n <= 64 {
						want = naiveMerge(b, true)
					}
				default:
					want = naiveMerge(b, false)
				}
				if diff := cmp.Diff(want, listOf(&got)); diff != "" {
					t.Fatalf("n=%d seed=%d mode=%d (-want +got):\n%s", n, seed, mode, diff)
				}
			}
			if err := b.Compact(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(naiveMerge(b, false), listOf(b)); diff != "" {
				t.Fatalf("Compact n=%d seed=%d (-want +got):\n%s", n, seed, diff)
			}
		}
	}
}

func TestBallotBuilderRefuses(t *testing.T) {
	bb := tally.NewBallotBuilder(3, tally.MergeAll)
	if err := bb.Mark(3, 1); err == nil {
		t.Error("Mark accepted candidate index 3 of 3")
	}
	if err := bb.Mark(1, 1); err != nil {
		t.Fatal(err)
	}
	if !bb.Marked(1) || bb.Marked(0) {
		t.Error("Marked is wrong")
	}
	if err := bb.Mark(1, 2); err == nil {
		t.Error("Mark accepted a candidate twice")
	}
	if err := bb.End(0); err == nil {
		t.Error("End accepted weight 0")
	}
	if bb.Marked(1) {
		t.Error("a refused ballot left its marks")
	}
	if err := bb.Mark(1, 1); err != nil {
		t.Fatal(err)
	}
	// The total weight may reach tally.MaxTotalWeight but not exceed it, whether the ballots
	// merge or not, and a refused ballot leaves the list as it was.
	if err := bb.End(tally.MaxTotalWeight - 3); err != nil {
		t.Fatal(err)
	}
	if err := bb.Mark(1, 1); err != nil {
		t.Fatal(err)
	}
	if err := bb.End(4); err == nil {
		t.Error("End accepted a merged weight over MaxTotalWeight")
	}
	if err := bb.End(tally.MaxTotalWeight + 1); err == nil {
		t.Error("End accepted a weight over MaxTotalWeight")
	}
	if err := bb.Mark(2, 1); err != nil {
		t.Fatal(err)
	}
	if err := bb.End(3); err != nil {
		t.Fatal(err)
	}
	if err := bb.End(1); err == nil {
		t.Error("End accepted a total weight of MaxTotalWeight + 1")
	}
	b := bb.Ballots()
	if b.Len() != 2 || b.Weight(0) != tally.MaxTotalWeight-3 || b.Weight(1) != 3 {
		t.Errorf("got %d ballots of weights %d, %d", b.Len(), b.Weight(0), b.Weight(1))
	}
}

func TestBallotBuilderAddBallot(t *testing.T) {
	bb := tally.NewBallotBuilder(3, tally.MergeShort)
	for _, tt := range []struct {
		cands, values []int32
		ok            bool
	}{
		{[]int32{2, 0}, []int32{1, 2}, true},
		{[]int32{2, 2}, []int32{1, 2}, false},
		{[]int32{3}, []int32{1}, false},
		{[]int32{-1}, []int32{1}, false},
		{[]int32{0}, []int32{1, 2}, false},
		{[]int32{2, 0}, []int32{1, 2}, true}, // merges with the first
	} {
		if err := bb.AddBallot(2, tt.cands, tt.values); (err == nil) != tt.ok {
			t.Errorf("AddBallot(%v, %v) error %v, want ok=%v", tt.cands, tt.values, err, tt.ok)
		}
	}
	if err := bb.Mark(1, 1); err != nil {
		t.Fatal(err)
	}
	if err := bb.AddBallot(1, []int32{0}, []int32{1}); err == nil {
		t.Error("AddBallot accepted a ballot while another was open")
	}
	if err := bb.End(1); err != nil {
		t.Fatal(err)
	}
	b := bb.Ballots()
	if diff := cmp.Diff([]wballot{{4, "[2 0] [1 2]"}, {1, "[1] [1]"}}, listOf(&b)); diff != "" {
		t.Errorf("ballots (-want +got):\n%s", diff)
	}
}
