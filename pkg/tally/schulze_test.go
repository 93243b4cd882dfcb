package tally_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// wikipedia45 is the pairwise matrix of testdata/tally/schulze/wikipedia-45.blt, worked by hand
// from its 8 ballot lines, e.g. d[A][B] = ACBED 5 + ADECB 5 + CABED 3 + CAEBD 7 = 20 and
// d[B][A] = BEDAC 8 + CBADE 2 + DCEBA 7 + EBADC 8 = 25.
var wikipedia45 = [][]int64{
	{0, 20, 26, 30, 22},
	{25, 0, 16, 33, 18},
	{19, 29, 0, 17, 24},
	{15, 12, 28, 0, 14},
	{23, 27, 21, 31, 0},
}

// TestSchulzeWikipedia works the example by hand. The links (winning votes) are A→C 26, A→D 30,
// B→A 25, B→D 33, C→B 29, C→E 24, D→C 28, E→A 23, E→B 27, E→D 31. Strongest paths:
//
//	p[A][B] = A→D→C→B = min(30,28,29) = 28   p[B][A] = 25
//	p[A][C] = A→D→C = 28                     p[C][A] = C→B→A = 25
//	p[A][D] = 30                             p[D][A] = D→C→B→A = 25
//	p[A][E] = A→C→E = 24                     p[E][A] = E→B→A = 25
//	p[B][C] = B→D→C = 28                     p[C][B] = 29
//	p[B][D] = 33                             p[D][B] = D→C→B = 28
//	p[B][E] = B→D→C→E = 24                   p[E][B] = E→D→C→B = 28
//	p[C][D] = C→B→D = 29                     p[D][C] = 28
//	p[C][E] = 24                             p[E][C] = E→D→C = 28
//	p[D][E] = D→C→E = 24                     p[E][D] = 31
//
// So E beats all 4, A beats B, C, D (3), C beats B, D (2), B beats D (1): E > A > C > B > D.
func TestSchulzeWikipedia(t *testing.T) {
	tests := []struct {
		seats   int
		elected []string
	}{
		{1, []string{"E"}},
		{2, []string{"E", "A"}},
		{5, []string{"E", "A", "C", "B", "D"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.seats, " seats"), func(t *testing.T) {
			e := readTestBLT(t, "schulze", "wikipedia-45.blt")
			e.Seats = tt.seats
			r := nsCount(t, "schulze", e, tally.Options{})
			if diff := cmp.Diff(wikipedia45, r.Pairwise); diff != "" {
				t.Errorf("pairwise (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([][]int{{4}, {0}, {2}, {1}, {3}}, r.Order); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.elected, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
				t.Errorf("elected (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int64{3, 1, 2, 0, 4}, nsVotes(t, r)); diff != "" {
				t.Errorf("wins (-want +got):\n%s", diff)
			}
			if len(r.Ties) != 0 {
				t.Errorf("ties %v, want none", r.Ties)
			}
		})
	}
}

// TestSchulzeWithdrawn withdraws E from the Wikipedia example. The other pairwise counts do not
// change; the links are now A→C 26, A→D 30, B→A 25, B→D 33, C→B 29, D→C 28, and
//
//	p[A][B] = A→D→C→B = 28 > p[B][A] = 25     p[A][C] = A→D→C = 28 > p[C][A] = C→B→A = 25
//	p[A][D] = 30 > p[D][A] = D→C→B→A = 25     p[C][B] = 29 > p[B][C] = B→D→C = 28
//	p[C][D] = C→B→D = 29 > p[D][C] = 28       p[B][D] = 33 > p[D][B] = D→C→B = 28
//
// so A > C > B > D, and A wins once E is gone.
func TestSchulzeWithdrawn(t *testing.T) {
	e := readTestBLT(t, "schulze", "wikipedia-45.blt")
	e.Candidates[4].Withdrawn = true
	r := nsCount(t, "schulze", e, tally.Options{})
	if diff := cmp.Diff([][]int{{0}, {2}, {1}, {3}}, r.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{3, 1, 2, 0, 0}, nsVotes(t, r)); diff != "" {
		t.Errorf("wins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"A"}, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
}

// TestSchulzeAffiliationCap: in the Wikipedia example for 2 seats, E and A share an
// affiliation and the cap is 1: E is elected, A is passed over, C (next in the order) takes
// the seat.
func TestSchulzeAffiliationCap(t *testing.T) {
	e := readTestBLT(t, "schulze", "wikipedia-45.blt")
	e.Seats = 2
	e.Candidates[0].Affiliation, e.Candidates[4].Affiliation = "X", "X"
	r := nsCount(t, "schulze", e, tally.Options{AffiliationCap: 1})
	if diff := cmp.Diff([]string{"E", "C"}, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if len(r.PassedOver) != 1 || r.PassedOver[0].Candidate != 0 {
		t.Errorf("passed over %+v, want A", r.PassedOver)
	}
}

// TestSchulzeTie uses testdata/tally/schulze/incomparable.blt:
//
//	3 × A B     d[A][B] = 3 + 1 (from "C A") = 4, d[B][A] = 3 (from "B C")
//	3 × B C     d[B][C] = 3 + 3 = 6, d[C][B] = 1
//	1 × C A     d[C][A] = 3 + 1 = 4, d[A][C] = 3
//
// Links A→B 4, B→C 6, C→A 4. p[A][B] = 4 = p[B][A] (B→C→A), p[A][C] = A→B→C = 4 = p[C][A],
// p[B][C] = 6 > p[C][B] = C→A→B = 4. Only B beats C: the order is A = B > C. For one seat the
// seed decides between A and B; for two seats both are elected and nothing is drawn, unless
// term labels make the order of election matter.
func TestSchulzeTie(t *testing.T) {
	chosen := map[int]bool{}
	for k := range 8 {
		seed := []byte(fmt.Sprintf("schulze-%d", k))
		e := readTestBLT(t, "schulze", "incomparable.blt")
		r := nsCount(t, "schulze", e, tally.Options{Seed: seed})
		if diff := cmp.Diff([][]int{{0, 1}, {2}}, r.Order); diff != "" {
			t.Fatalf("order (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int64{0, 1, 0}, nsVotes(t, r)); diff != "" {
			t.Errorf("wins (-want +got):\n%s", diff)
		}
		want := tally.NewTieBreaker(e, seed).Order(1, "order", []int{0, 1})[0]
		chosen[want] = true
		wantTies := []tally.Tie{{Round: 1, Tied: []int{0, 1}, Rule: "seed", Chosen: want, Purpose: "order"}}
		if diff := cmp.Diff(wantTies, r.Ties); diff != "" {
			t.Errorf("ties (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{want}, r.Elected); diff != "" {
			t.Errorf("elected (-want +got):\n%s", diff)
		}
	}
	if len(chosen) != 2 {
		t.Errorf("8 seeds always chose %v; the seed must matter", chosen)
	}

	e := readTestBLT(t, "schulze", "incomparable.blt")
	e.Seats = 2
	r := nsCount(t, "schulze", e, tally.Options{})
	if len(r.Ties) != 0 || !cmp.Equal(r.Elected, []int{0, 1}) {
		t.Errorf("2 seats: elected %v ties %v, want [0 1] and no tie", r.Elected, r.Ties)
	}
	r = nsCount(t, "schulze", e, tally.Options{TermLabels: []string{"2 years", "1 year"}})
	if len(r.Ties) != 1 || r.Ties[0].Chosen != r.Elected[0] {
		t.Errorf("2 seats with term labels: elected %v ties %v, want one draw for the order", r.Elected, r.Ties)
	}
}

// nsRandomElection generates a reproducible ranked election for benchmarks.
func nsRandomElection(candidates, ballots int) *tally.Election {
	rng := rand.New(rand.NewPCG(1, 2))
	e := &tally.Election{Seats: 3}
	for c := range candidates {
		e.Candidates = append(e.Candidates, tally.Candidate{Name: fmt.Sprint("C", c)})
	}
	for range ballots {
		perm := rng.Perm(candidates)[:1+rng.IntN(candidates)]
		ranking := make([][]int, len(perm))
		for k, c := range perm {
			ranking[k] = []int{c}
		}
		if err := e.Ballots.AddRanking(1+rng.Int64N(3), ranking); err != nil {
			panic(err)
		}
	}
	return e
}

func BenchmarkSchulze(b *testing.B) {
	e := nsRandomElection(12, 2000)
	for b.Loop() {
		if _, err := tally.Count("schulze", e, tally.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRankedPairs(b *testing.B) {
	e := nsRandomElection(12, 2000)
	for b.Loop() {
		if _, err := tally.Count("rankedpairs", e, tally.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlurality(b *testing.B) {
	e := nsRandomElection(12, 2000)
	for b.Loop() {
		if _, err := tally.Count("plurality", e, tally.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSchulzeLosingLinks: only majorities are links. With truncated and equal rankings
//
//	5 × A C B, 3 × B A C, 7 × A=B C, 4 × C B
//
// d[A][B] = 5, d[B][A] = 3 + 4 = 7; d[A][C] = 5 + 3 + 7 = 15, d[C][A] = 4;
// d[B][C] = 3 + 7 = 10, d[C][B] = 5 + 4 = 9. B beats both A and C: the Condorcet winner.
// Links B→A 7, A→C 15, B→C 10; C has no link out, so p[A][B] = 0 < p[B][A] = 7 and the order
// is B > A > C. (Counting the minority C→B 9 as a link would give A→C→B = 9 > 7 and elect A.)
func TestSchulzeLosingLinks(t *testing.T) {
	e := nsElection(t, 1, "A B C", nsBallot{5, "A C B"}, nsBallot{3, "B A C"}, nsBallot{7, "A=B C"},
		nsBallot{4, "C B"})
	r := nsCount(t, "schulze", e, tally.Options{})
	if diff := cmp.Diff([][]int64{{0, 5, 15}, {7, 0, 10}, {4, 9, 0}}, r.Pairwise); diff != "" {
		t.Errorf("pairwise (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]int{{1}, {0}, {2}}, r.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
