package tally_test

import (
	"bytes"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// roundView is what the hand-worked tests compare of a round: totals as decimal strings and
// candidates by name.
type roundView struct {
	Kind     tally.RoundKind
	Quota    string
	Votes    string // "A=8.000000000 B=..." in candidate order
	NT       string
	Elected  []string
	Excluded []string
}

func viewRounds(e *tally.Election, res *tally.Result) []roundView {
	names := tallytest.Names(e)
	var out []roundView
	for _, r := range res.Rounds {
		v := roundView{Kind: r.Kind, NT: r.NonTransferable.String(),
			Elected: namesOf(names, r.Elected), Excluded: namesOf(names, r.Excluded)}
		if r.Quota != nil {
			v.Quota = r.Quota.String()
		}
		var parts []string
		for c, d := range r.Votes {
			parts = append(parts, names[c]+"="+d.String())
		}
		v.Votes = strings.Join(parts, " ")
		out = append(out, v)
	}
	return out
}

// TestMeekKeepValue follows testdata/tally/meek/keep-value.blt by hand. 2 seats, 15 ballots:
// 8 "A C", 3 "B", 2 "C", 2 "D B". Units are 10^-9.
//
//	Round 1, first preferences: A 8, B 3, C 2, D 2. Quota 15/3 + 10^-9 = 5.000000001.
//	Round 2, stage 1: one iteration, A ≥ quota: A elected (keep value still 1).
//	Stage 2, iteration 1: same votes, surplus 8 − 5.000000001 = 2.999999999; no certain loser
//	  (C and D, both within the surplus of 0, form one group: 2+2+2.999999999 ≥ 3 for B).
//	  Keep value of A: ⌈⌈1 × 5.000000001⌉ / 8⌉ = ⌈0.625000000125⌉ = 0.625000001.
//	Iteration 2: each "A C" ballot: A keeps ⌊0.625000001⌋, passes ⌊1 × 0.374999999⌋ to C.
//	  A 8 × 0.625000001 = 5.000000008, C 2 + 8 × 0.374999999 = 4.999999992, B 3, D 2;
//	  votes held 15, quota 5.000000001, surplus 0.000000007 ≤ omega: the stage ends.
//	Round 3 shows that; round 4 excludes D (lowest, alone within the surplus): "D B" → B 5.
//	Round 5, stage 3: quota 5.000000001, B has exactly 5 < quota (the added unit matters),
//	  surplus 0.000000007 ≤ omega: C (4.999999992) is lowest; B is not within
//	  4.999999992 + 0.000000007 = 4.999999999 of it, so no tie.
//	Round 6 excludes C: the "A C" ballots keep giving A 5.000000008 and their 2.999999992 is
//	  now exhausted, with the 2 "C" ballots: non-transferable 4.999999992.
//	Round 7: B is the only hopeful for the last seat and is elected.
func TestMeekKeepValue(t *testing.T) {
	e := readTestBLT(t, "meek", "keep-value.blt")
	res := countOrFatal(t, "meek", e, tally.Options{})
	const q = "5.000000001"
	first := "A=8.000000000 B=3.000000000 C=2.000000000 D=2.000000000"
	afterD := "A=5.000000008 B=5.000000000 C=4.999999992 D=0.000000000"
	afterC := "A=5.000000008 B=5.000000000 C=0.000000000 D=0.000000000"
	want := []roundView{
		{Kind: tally.RoundFirst, Quota: q, Votes: first, NT: "0.000000000"},
		{Kind: tally.RoundIteration, Quota: q, Votes: first, NT: "0.000000000", Elected: []string{"A"}},
		{Kind: tally.RoundIteration, Quota: q, Votes: "A=5.000000008 B=3.000000000 C=4.999999992 D=2.000000000", NT: "0.000000000"},
		{Kind: tally.RoundExclusion, Quota: q, Votes: afterD, NT: "0.000000000", Excluded: []string{"D"}},
		{Kind: tally.RoundIteration, Quota: q, Votes: afterD, NT: "0.000000000"},
		{Kind: tally.RoundExclusion, Quota: q, Votes: afterC, NT: "4.999999992", Excluded: []string{"C"}},
		{Kind: tally.RoundElection, Quota: q, Votes: afterC, NT: "4.999999992", Elected: []string{"B"}},
	}
	if diff := cmp.Diff(want, viewRounds(e, res)); diff != "" {
		t.Errorf("rounds (-hand +ours):\n%s", diff)
	}
	names := tallytest.Names(e)
	if diff := cmp.Diff([]string{"A", "B"}, namesOf(names, res.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"D", "C"}, namesOf(names, res.Excluded)); diff != "" {
		t.Errorf("excluded (-want +got):\n%s", diff)
	}
	if res.Quota == nil || res.Quota.String() != q {
		t.Errorf("result quota = %v, want %s", res.Quota, q)
	}
	if len(res.Ties) != 0 {
		t.Errorf("ties = %+v, want none", res.Ties)
	}
}

// TestMeekEqualRankSplit follows testdata/tally/meek/split-three.blt by hand. 1 seat, ballots
// "A=B=C" and "A".
//
//	Round 1: the equal level splits 1/3 = 0.333333333 (rounded down) to each of A, B, C, so
//	  A 1.333333333, B 0.333333333, C 0.333333333 and 0.000000001 is lost to rounding.
//	  The first quota uses all ballots: 2/2 + 10^-9 = 1.000000001.
//	Round 2: the iteration's quota uses the votes held, 1.999999999: ⌊0.9999999995⌋ + 10^-9 =
//	  1.000000000, and A is elected.
//	Round 3: the seat is filled; B and C are excluded. They have equal votes, so the order of
//	  their exclusion is a tie (purpose "order", round 3) that the seed decides: the one it
//	  ranks first is excluded last. The "A=B=C" level now has only A left standing, so A
//	  receives the whole ballot: A 2, nothing lost.
func TestMeekEqualRankSplit(t *testing.T) {
	e := readTestBLT(t, "meek", "split-three.blt")
	names := tallytest.Names(e)
	for _, seed := range []string{"seed-1", "seed-2", "seed-3", "seed-4"} {
		opts := tally.Options{Seed: []byte(seed)}
		res := countOrFatal(t, "meek", e, opts)
		first := "A=1.333333333 B=0.333333333 C=0.333333333"
		o := tally.NewTieBreaker(e, opts.Seed).Order(3, "order", []int{1, 2})
		want := []roundView{
			{Kind: tally.RoundFirst, Quota: "1.000000001", Votes: first, NT: "0.000000001"},
			{Kind: tally.RoundIteration, Quota: "1.000000000", Votes: first, NT: "0.000000001", Elected: []string{"A"}},
			{Kind: tally.RoundElection, Quota: "1.000000000", Votes: "A=2.000000000 B=0.000000000 C=0.000000000",
				NT: "0.000000000", Excluded: namesOf(names, []int{o[1], o[0]})},
		}
		if diff := cmp.Diff(want, viewRounds(e, res)); diff != "" {
			t.Errorf("seed %q: rounds (-hand +ours):\n%s", seed, diff)
		}
		wantTies := []tally.Tie{{Round: 3, Tied: []int{1, 2}, Rule: "seed", Chosen: o[0], Purpose: "order"}}
		if diff := cmp.Diff(wantTies, res.Ties); diff != "" {
			t.Errorf("seed %q: ties (-want +got):\n%s", seed, diff)
		}
	}
}

// TestMeekEqualRankStopAndSeedTie follows testdata/tally/meek/equal-rank-stop.blt by hand.
// 1 seat, 9 ballots: 2 "A=B C", 3 "C", 4 "D".
//
//	Round 1: A 1, B 1 (each half of the 2 ballots), C 3, D 4; quota 9/2 + 10^-9 = 4.500000001.
//	Round 2: nobody reaches the quota; no one is elected so the surplus is 0 ≤ omega.
//	Round 3: A and B are tied for the fewest votes: the tie-break seed excludes one (X); the
//	  "A=B C" ballots go wholly to the other (Y): Y 2, C 3, D 4.
//	Round 4: same quota and totals; Round 5 excludes Y. The "A=B" level has no one standing,
//	  and as in Droop and stv-rs the ballot stops there: C does NOT get it. Y 0, C 3, D 4,
//	  2 non-transferable. (Passing it on would give C 5 and the seat.)
//	Round 6: quota (7/2) + 10^-9 = 3.500000001; D (4) is elected.
//	Round 7: the seat is filled and C is excluded; C's own ballots are then exhausted too.
func TestMeekEqualRankStopAndSeedTie(t *testing.T) {
	e := readTestBLT(t, "meek", "equal-rank-stop.blt")
	for _, seed := range []string{"one", "two", "three", "four"} {
		opts := tally.Options{Seed: []byte(seed)}
		res := countOrFatal(t, "meek", e, opts)
		a, b := 0, 1
		x, tie := tally.NewTieBreaker(e, opts.Seed).Choose(3, "exclude", []int{a, b})
		wantTie := tally.Tie{Round: 3, Tied: []int{a, b}, Rule: "seed", Chosen: x, Purpose: "exclude"}
		if diff := cmp.Diff([]tally.Tie{wantTie}, res.Ties); diff != "" {
			t.Errorf("seed %q: ties (-want +got):\n%s", seed, diff)
		}
		if diff := cmp.Diff(wantTie, tie); diff != "" {
			t.Errorf("seed %q: TieBreaker.Choose (-want +got):\n%s", seed, diff)
		}
		y := 1 - x
		names := tallytest.Names(e)
		vote := func(ab []string, c, d string) string {
			return "A=" + ab[0] + " B=" + ab[1] + " C=" + c + " D=" + d
		}
		zero, two := "0.000000000", "2.000000000"
		withY := []string{zero, zero}
		withY[y] = two
		q, q2 := "4.500000001", "3.500000001"
		three, four := "3.000000000", "4.000000000"
		want := []roundView{
			{Kind: tally.RoundFirst, Quota: q, Votes: vote([]string{"1.000000000", "1.000000000"}, three, four), NT: zero},
			{Kind: tally.RoundIteration, Quota: q, Votes: vote([]string{"1.000000000", "1.000000000"}, three, four), NT: zero},
			{Kind: tally.RoundExclusion, Quota: q, Votes: vote(withY, three, four), NT: zero, Excluded: []string{names[x]}},
			{Kind: tally.RoundIteration, Quota: q, Votes: vote(withY, three, four), NT: zero},
			{Kind: tally.RoundExclusion, Quota: q, Votes: vote([]string{zero, zero}, three, four), NT: two, Excluded: []string{names[y]}},
			{Kind: tally.RoundIteration, Quota: q2, Votes: vote([]string{zero, zero}, three, four), NT: two, Elected: []string{"D"}},
			{Kind: tally.RoundElection, Quota: q2, Votes: vote([]string{zero, zero}, zero, four), NT: "5.000000000", Excluded: []string{"C"}},
		}
		if diff := cmp.Diff(want, viewRounds(e, res)); diff != "" {
			t.Errorf("seed %q: rounds (-hand +ours):\n%s", seed, diff)
		}
	}
}

// TestMeekSurplusTie: in testdata/tally/meek/surplus-tie.blt (2 seats; 9 "C D", 4 "A", 6 "B A",
// 9 "C") C is elected at once, A is excluded as a certain loser, and stage 3 ends with the
// surplus 0.000000954 (C 6.000001146 over the quota 6.000000192) below the tolerance, with
// B 6.000000000 and D 5.999999427. D is lowest but B is only 0.000000573 above, less than the
// surplus that iterating could still move: as in Droop (and Algorithm 123), they are tied, and
// the seed, not the 0.000000573, decides who is excluded; the other takes the second seat.
func TestMeekSurplusTie(t *testing.T) {
	e := readTestBLT(t, "meek", "surplus-tie.blt")
	const b, c, d = 1, 2, 3
	outcomes := map[int]bool{}
	for k := range 16 {
		res := countOrFatal(t, "meek", e, tally.Options{Seed: []byte{byte(k)}})
		if len(res.Ties) != 1 {
			t.Fatalf("seed %d: ties %+v, want one", k, res.Ties)
		}
		tie := res.Ties[0]
		if diff := cmp.Diff([]int{b, d}, tie.Tied); diff != "" || tie.Rule != "seed" || tie.Purpose != "exclude" {
			t.Fatalf("seed %d: tie %+v, want B and D tied for exclusion by seed", k, tie)
		}
		before := res.Rounds[tie.Round-2]
		surplus := before.Votes[c].Units - before.Quota.Units
		gap := before.Votes[b].Units - before.Votes[d].Units
		if gap <= 0 || gap > surplus || before.Votes[c].String() != "6.000001146" {
			t.Errorf("seed %d: round %d: B−D = %d units, surplus %d units; want 0 < gap ≤ surplus", k, before.Number, gap, surplus)
		}
		other := b + d - tie.Chosen
		if diff := cmp.Diff([]int{c, other}, res.Elected); diff != "" {
			t.Errorf("seed %d: elected (-want +got):\n%s", k, diff)
		}
		outcomes[tie.Chosen] = true
	}
	if len(outcomes) != 2 {
		t.Errorf("16 seeds always excluded %v", outcomes)
	}
}

// TestMeekAffiliationCap follows testdata/tally/meek/affiliation-cap.blt by hand, with A and B
// of affiliation X, C of Y, D of Z and a cap of one seat per affiliation. 2 seats, 15 ballots:
// 6 "A B", 4 "B C", 3 "C", 2 "D".
//
//	Round 1: A 6, B 4, C 3, D 2; quota 15/3 + 10^-9 = 5.000000001. Round 2: A is elected.
//	Round 3, stage 2: surplus 0.999999999; groups D | C | B; D (2) + surplus < C (3), so D is a
//	  certain loser (D + C + surplus = 5.999999999 is not below B's 4). Round 4 excludes D; his
//	  2 ballots are exhausted.
//	Now X holds its seat, so B can never be elected: C is the only hopeful who can still take a
//	  seat, no more than the one seat left, and the count stops (B does not keep it going).
//	Round 5: B (4) comes first by votes but is passed over; C (3) is elected. In the last
//	  distribution B's keep value is 0: "B C" goes to C, C 7; A keeps everything (keep value
//	  still 1): A 6; D's 2 ballots stay exhausted. Without the cap: A and B.
func TestMeekAffiliationCap(t *testing.T) {
	e := readTestBLT(t, "meek", "affiliation-cap.blt")
	for c, aff := range []string{"X", "X", "Y", "Z"} {
		e.Candidates[c].Affiliation = aff
	}
	names := tallytest.Names(e)

	uncapped := countOrFatal(t, "meek", e, tally.Options{})
	if diff := cmp.Diff([]string{"A", "B"}, namesOf(names, uncapped.Elected)); diff != "" {
		t.Errorf("without a cap, elected (-want +got):\n%s", diff)
	}

	res := countOrFatal(t, "meek", e, tally.Options{AffiliationCap: 1})
	q := "5.000000001"
	want := []roundView{
		{Kind: tally.RoundFirst, Quota: q, Votes: "A=6.000000000 B=4.000000000 C=3.000000000 D=2.000000000", NT: "0.000000000"},
		{Kind: tally.RoundIteration, Quota: q, Votes: "A=6.000000000 B=4.000000000 C=3.000000000 D=2.000000000", NT: "0.000000000", Elected: []string{"A"}},
		{Kind: tally.RoundIteration, Quota: q, Votes: "A=6.000000000 B=4.000000000 C=3.000000000 D=2.000000000", NT: "0.000000000"},
		{Kind: tally.RoundExclusion, Quota: q, Votes: "A=6.000000000 B=4.000000000 C=3.000000000 D=0.000000000", NT: "2.000000000", Excluded: []string{"D"}},
		{Kind: tally.RoundElection, Quota: q, Votes: "A=6.000000000 B=0.000000000 C=7.000000000 D=0.000000000", NT: "2.000000000",
			Elected: []string{"C"}, Excluded: []string{"B"}},
	}
	if diff := cmp.Diff(want, viewRounds(e, res)); diff != "" {
		t.Errorf("rounds (-hand +ours):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"A", "C"}, namesOf(names, res.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if len(res.PassedOver) != 1 || res.PassedOver[0].Candidate != 1 || res.PassedOver[0].Round != 5 {
		t.Errorf("passed over = %+v, want B at round 5", res.PassedOver)
	}
}

// TestMeekFewCandidates: when no more candidates stand than there are seats, all of them are
// elected without iterating, and withdrawn candidates are neither elected nor excluded.
func TestMeekFewCandidates(t *testing.T) {
	e := &tally.Election{Seats: 3, Candidates: []tally.Candidate{{Name: "A"}, {Name: "B"}, {Name: "W", Withdrawn: true}, {Name: "C"}}}
	for _, r := range [][][]int{{{0}, {1}}, {{2}, {3}}, {{1}}} {
		if err := e.Ballots.AddRanking(1, r); err != nil {
			t.Fatal(err)
		}
	}
	res := countOrFatal(t, "meek", e, tally.Options{})
	names := tallytest.Names(e)
	// Votes: A 1, B 1, C 1 (the W ballot counts for C); all three are elected in round 2, in
	// the order the seed gives equal votes, one "order" tie for each place decided.
	o := tally.NewTieBreaker(e, nil).Order(2, "order", []int{0, 1, 3})
	if diff := cmp.Diff(namesOf(names, o), namesOf(names, res.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if len(res.Excluded) != 0 {
		t.Errorf("excluded %v, want none", namesOf(names, res.Excluded))
	}
	wantTies := []tally.Tie{
		{Round: 2, Tied: []int{0, 1, 3}, Rule: "seed", Chosen: o[0], Purpose: "order"},
		{Round: 2, Tied: slices.Sorted(slices.Values(o[1:])), Rule: "seed", Chosen: o[1], Purpose: "order"},
	}
	if diff := cmp.Diff(wantTies, res.Ties); diff != "" {
		t.Errorf("ties (-want +got):\n%s", diff)
	}
}

// TestMeekWithdrawnBetweenLevels: W is withdrawn. The ballot "A W=B" ranks A then B at
// different levels once W is gone, so it is a strict ballot and must pass over A when A is
// excluded (a level of excluded candidates would stop a ballot with equal rankings).
// Ballots: 1 "A W=B", 2 "B", 2 "C"; 1 seat. Round 1: A 1, B 2, C 2, quota 2.500000001; nobody
// elected, A excluded (lowest, no tie); the ballot goes to B: B 3 ≥ 2.500000001, elected.
func TestMeekWithdrawnBetweenLevels(t *testing.T) {
	e := &tally.Election{Seats: 1, Candidates: []tally.Candidate{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "W", Withdrawn: true}}}
	for _, b := range []struct {
		w int64
		r [][]int
	}{{1, [][]int{{0}, {3, 1}}}, {2, [][]int{{1}}}, {2, [][]int{{2}}}} {
		if err := e.Ballots.AddRanking(b.w, b.r); err != nil {
			t.Fatal(err)
		}
	}
	res := countOrFatal(t, "meek", e, tally.Options{})
	names := tallytest.Names(e)
	if diff := cmp.Diff([]string{"B"}, namesOf(names, res.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	if len(res.Ties) != 0 {
		t.Errorf("ties = %+v, want none", res.Ties)
	}
}

// TestMeekDeterministic counts a generated election twice with the same seed and once with
// every ballot as separate weight-1 entries merged again: the results must be identical.
func TestMeekDeterministic(t *testing.T) {
	e := tallytest.Generate(7, 3000, 12, 5)
	opts := tally.Options{Seed: []byte("det")}
	a := countOrFatal(t, "meek", e, opts)
	b := countOrFatal(t, "meek", e, opts)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two counts differ:\n%s", diff)
	}
	merged := *e
	if err := merged.Ballots.Compact(); err != nil {
		t.Fatal(err)
	}
	if merged.Ballots.Len() >= e.Ballots.Len() {
		t.Fatalf("generated ballots have no duplicates to merge (%d)", merged.Ballots.Len())
	}
	if diff := cmp.Diff(a, countOrFatal(t, "meek", &merged, opts)); diff != "" {
		t.Errorf("merged ballots count differently:\n%s", diff)
	}
	if len(a.Elected) != 5 {
		t.Errorf("elected %d candidates, want 5", len(a.Elected))
	}
}

// benchElection is the benchmark's election: 1,000,000 voters, 20 candidates, 10 seats, made once.
var benchElection = sync.OnceValue(func() *tally.Election {
	return tallytest.Generate(1, 1_000_000, 20, 10)
})

// BenchmarkMeek counts 1,000,000 generated ballots over 20 candidates for 10 seats, the size of
// the `govboard tally --method meek` target (whole process under 3 s, peak memory under 512 MiB):
//   - blt: reading the BLT file (which merges identical ballots) and counting, as the command does;
//   - merged: counting only, identical ballots merged;
//   - per-voter: counting only, one weight-1 entry per voter (nothing merged).
func BenchmarkMeek(b *testing.B) {
	e := benchElection()
	var file bytes.Buffer
	if err := tallytest.WriteBLT(&file, e); err != nil {
		b.Fatal(err)
	}
	merged := *e
	if err := merged.Ballots.Compact(); err != nil {
		b.Fatal(err)
	}
	b.Run("blt", func(b *testing.B) {
		for b.Loop() {
			read, err := blt.Read(bytes.NewReader(file.Bytes()))
			if err != nil {
				b.Fatal(err)
			}
			benchCount(b, "meek", read)
		}
		reportHeap(b)
	})
	b.Run("merged", func(b *testing.B) {
		for b.Loop() {
			benchCount(b, "meek", &merged)
		}
	})
	b.Run("per-voter", func(b *testing.B) {
		for b.Loop() {
			benchCount(b, "meek", e)
		}
	})
}

func benchCount(b *testing.B, method string, e *tally.Election) {
	if _, err := tally.Count(method, e, tally.Options{Seed: []byte("bench")}); err != nil {
		b.Fatal(err)
	}
}

// reportHeap reports the peak heap the process reached (HeapSys: what the runtime got from the
// system for the heap), a lower bound of the command's peak memory.
func reportHeap(b *testing.B) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-MiB")
}
