package tallytest

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
)

// Generate returns a random election with one ballot entry (weight 1) per voter, the same for
// the same arguments. Rankings look like real STV ballots: candidates have unequal popularity
// (a few favourites, a long tail), each ballot ranks candidates in a popularity-weighted random
// order (Plackett–Luce), and ballot lengths vary from a single "plump" to a full ranking, with
// short ballots most common. There are no equal rankings, so every ranked method accepts it.
func Generate(seed int64, ballots, candidates, seats int) *tally.Election {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	e := &tally.Election{
		Title:      fmt.Sprintf("Generated election (seed %d, %d ballots, %d candidates, %d seats)", seed, ballots, candidates, seats),
		Seats:      seats,
		Candidates: make([]tally.Candidate, candidates),
	}
	for k := range e.Candidates {
		e.Candidates[k].Name = fmt.Sprintf("Candidate %0*d", len(fmt.Sprint(candidates)), k+1)
	}
	pop := popularity(rng, candidates)
	bb := tally.NewBallotBuilder(candidates, tally.MergeNone)
	bb.Grow(ballots, ballots*min(candidates, 6))
	g := &rankGen{rng: rng, pop: pop, w: make([]float64, candidates)}
	for range ballots {
		g.ballot(bb)
		if err := bb.End(1); err != nil {
			panic(err) // cannot happen: weight 1
		}
	}
	e.Ballots = bb.Ballots()
	return e
}

// popularity gives candidate k a Zipf-like weight 1/(rank+1)^0.9, the ranks shuffled so that
// the favourites are not always the first candidates.
func popularity(rng *rand.Rand, n int) []float64 {
	pop := make([]float64, n)
	for k, r := range rng.Perm(n) {
		pop[k] = 1 / math.Pow(float64(r+1), 0.9)
	}
	return pop
}

type rankGen struct {
	rng *rand.Rand
	pop []float64
	w   []float64
}

// length draws a ballot length: a quarter of voters rank one candidate, a few rank everyone,
// the rest a geometric number of preferences.
func (g *rankGen) length() int {
	n := len(g.pop)
	switch u := g.rng.Float64(); {
	case u < 0.25:
		return 1
	case u < 0.35:
		return n
	}
	l := 2
	for l < n && g.rng.Float64() < 0.7 {
		l++
	}
	return l
}

// ballot marks a Plackett–Luce ranking of the drawn length on bb.
func (g *rankGen) ballot(bb *tally.BallotBuilder) {
	copy(g.w, g.pop)
	total := 0.0
	for _, p := range g.pop {
		total += p
	}
	l := g.length()
	for level := 1; level <= l; level++ {
		x := g.rng.Float64() * total
		c := 0
		for c < len(g.w)-1 && (g.w[c] == 0 || x >= g.w[c]) {
			x -= g.w[c]
			c++
		}
		for g.w[c] == 0 { // rounding left x past the last candidate: take the last one left
			c--
		}
		if err := bb.Mark(c, level); err != nil {
			panic(err) // cannot happen: a candidate is drawn once
		}
		total -= g.w[c]
		g.w[c] = 0
	}
}

// WriteBLT writes e in BLT format, one line per ballot entry (Generate makes one per voter).
func WriteBLT(w io.Writer, e *tally.Election) error { return blt.Write(w, e) }

// Expand returns a copy of e with one entry of weight 1 per voter: a ballot of weight w
// becomes w identical entries. Counting it must give the same result as counting e, since
// a weight stands for identical ballots.
func Expand(e *tally.Election) *tally.Election {
	out := *e
	out.Candidates = append([]tally.Candidate(nil), e.Candidates...)
	bb := tally.NewBallotBuilder(len(e.Candidates), tally.MergeNone)
	b := &e.Ballots
	for i := range b.Len() {
		cands, values := b.Marks(i)
		for range b.Weight(i) {
			for k, c := range cands {
				if err := bb.Mark(int(c), int(values[k])); err != nil {
					panic(err) // cannot happen: copied from a valid list
				}
			}
			if err := bb.End(1); err != nil {
				panic(err)
			}
		}
	}
	out.Ballots = bb.Ballots()
	return &out
}
