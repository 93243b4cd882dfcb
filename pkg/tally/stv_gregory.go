package tally

import (
	"math"
	"math/bits"
)

// This file holds the paper handling shared by the two Gregory-method STV counts, Scottish STV
// and ERS97: ballots stay where Ballots keeps them and are referred to by index; each candidate
// holds its papers in parcels of equal value, so that a transfer credits "number of papers ×
// value" once per parcel, as a count sheet does, rather than adding fractions paper by paper.

// stvState is where a candidate stands in a Gregory count.
type stvState uint8

const (
	stvHopeful   stvState = iota // continuing: may still receive papers
	stvElected                   // deemed elected; receives no more papers
	stvExcluded                  // excluded or passed over; receives no more papers
	stvWithdrawn                 // withdrawn before the count; skipped on every ballot
)

// gregParcel is a set of papers of one value held by one candidate.
type gregParcel struct {
	value  int64   // value of each paper, in units of 10^-scale
	batch  int32   // round in which the papers were received (ERS97 "batch"); 0 = first count
	weight int64   // number of papers (sum of ballot weights)
	papers []int32 // per paper, its place in gregory.marks: the preference now holding it
}

// gregory is the state of a Gregory-method count: who holds which paper, at which value.
//
// A paper is known only by its place in marks, where every ballot's preferences are laid out
// one after the other, each ballot ended by its weight. Moving a paper on thus reads one short
// stretch of memory: the rest of its ballot.
type gregory struct {
	e     *Election
	unit  int64           // 10^scale: the value of a whole vote
	marks []int32         // see layout
	big   map[int32]int64 // weights too large for marks, by the index of their end mark
	state []stvState      // per candidate
	votes []int64         // per candidate, in units
	piles [][]gregParcel  // per candidate, in the order received
	// mergeAnyBatch lets papers of equal value share a parcel whatever their batch (Scottish
	// STV looks only at values); ERS97 keeps batches apart because it transfers the last one.
	mergeAnyBatch bool
	valid         int64 // number of valid ballot papers (sum of weights)
	exhausted     int64 // value of papers set aside as non-transferable, in units

	dst  []*gregParcel // scratch per candidate: the parcel receiving papers from the one being moved
	recv []int64       // scratch per candidate: papers received from the parcel being moved
	hit  []int32       // scratch: candidates with recv > 0
}

// In gregory.marks a preference is the candidate's index, with markTieNext set when the next
// preference of the ballot is at the same level (an equal ranking). A negative entry ends a
// ballot and holds minus its weight, or markBig when the weight is in gregory.big.
const (
	markTieNext = 1 << 30
	markBig     = math.MinInt32
)

// newGregory lays the ballots out and sorts them into first-preference parcels of value one.
func newGregory(e *Election, scale int, mergeAnyBatch bool) (*gregory, error) {
	n := len(e.Candidates)
	if n >= markTieNext {
		return nil, invalidf("too many candidates (%d)", n)
	}
	g := &gregory{
		e: e, unit: pow10(scale), mergeAnyBatch: mergeAnyBatch,
		state: make([]stvState, n), votes: make([]int64, n), piles: make([][]gregParcel, n),
		dst: make([]*gregParcel, n), recv: make([]int64, n),
	}
	for c, cand := range e.Candidates {
		if cand.Withdrawn {
			g.state[c] = stvWithdrawn
		}
	}
	for c := range n {
		g.piles[c] = []gregParcel{{value: g.unit}}
	}
	if err := g.layout(); err != nil {
		return nil, err
	}
	for c := range n {
		g.votes[c] = g.piles[c][0].weight * g.unit
		g.valid += g.piles[c][0].weight
	}
	return g, nil
}

// layout copies every ballot into marks and gives each valid paper to its first preference.
func (g *gregory) layout() error {
	b := &g.e.Ballots
	size := len(b.cand) + b.Len()
	if size >= math.MaxInt32 {
		return invalidf("too many preferences (%d) for an STV count", size)
	}
	g.marks = make([]int32, size)
	at := int32(0)
	for i := range b.Len() {
		s, e := b.start[i], b.start[i+1]
		base := at
		at += int32(copy(g.marks[at:], b.cand[s:e]))
		for k := s + 1; k < e; k++ {
			if b.value[k] == b.value[k-1] {
				g.marks[base+k-s-1] |= markTieNext
			}
		}
		if w := b.weight[i]; w <= math.MaxInt32 {
			g.marks[at] = -int32(w)
		} else {
			if g.big == nil {
				g.big = map[int32]int64{}
			}
			g.big[at] = w
			g.marks[at] = markBig
		}
		at++
		if c, k, w := g.next(base - 1); c >= 0 {
			p := &g.piles[c][0]
			p.papers = append(p.papers, k)
			p.weight += w
		}
	}
	return nil
}

// next finds the next available preference of the paper held at marks index at: the first
// later preference for a continuing candidate. It returns the candidate (-1 when there is none),
// its index and the paper's weight. Two continuing candidates ranked equally at that level make
// the preference uncertain, and the paper is non-transferable.
func (g *gregory) next(at int32) (int32, int32, int64) {
	k := at + 1
	c := int32(-1)
	for ; g.marks[k] >= 0; k++ {
		m := g.marks[k] &^ markTieNext
		if g.state[m] != stvHopeful {
			continue
		}
		c = m
		for j := k; g.marks[j] >= 0 && g.marks[j]&markTieNext != 0; j++ {
			if g.state[g.marks[j+1]&^markTieNext] == stvHopeful {
				c = -1
			}
		}
		break
	}
	end := k
	for g.marks[end] >= 0 {
		end++
	}
	if m := g.marks[end]; m != markBig {
		return c, k, -int64(m)
	}
	return c, k, g.big[end]
}

// gregMove says what a transfer did, in units.
type gregMove struct {
	papers      int64 // papers examined
	transferred int64 // value credited to continuing candidates
	exhausted   int64 // value of the papers that had no next available preference
}

// move transfers every paper of ps to its next available preference. A paper of value v goes
// on at value nv(v); receiving candidates are credited once per parcel with papers × value,
// and the value of the papers without a next preference is added to g.exhausted. The caller
// takes the papers' old value off the giving candidate.
func (g *gregory) move(ps []gregParcel, batch int32, nv func(int64) int64) gregMove {
	var r gregMove
	for _, p := range ps {
		v := nv(p.value)
		var lost int64
		for _, at := range p.papers {
			c, to, w := g.next(at)
			if c < 0 {
				lost += w
				continue
			}
			if g.recv[c] == 0 {
				g.hit = append(g.hit, c)
				g.dst[c] = g.receivingParcel(c, v, batch)
			}
			g.recv[c] += w
			q := g.dst[c]
			q.papers = append(q.papers, to)
			q.weight += w
		}
		for _, c := range g.hit {
			g.votes[c] += g.recv[c] * v
			r.transferred += g.recv[c] * v
			g.recv[c], g.dst[c] = 0, nil
		}
		g.hit = g.hit[:0]
		r.papers += p.weight
		r.exhausted += lost * v
	}
	g.exhausted += r.exhausted
	return r
}

// receivingParcel returns the parcel of candidate c that takes papers of value v arriving in
// batch, appending an empty one when none fits. The pointer stays valid until c receives a
// new parcel, which happens only here.
func (g *gregory) receivingParcel(c int32, v int64, batch int32) *gregParcel {
	pile := g.piles[c]
	if g.mergeAnyBatch {
		for k := range pile {
			if pile[k].value == v {
				return &pile[k]
			}
		}
	} else if k := len(pile) - 1; k >= 0 && pile[k].value == v && pile[k].batch == batch {
		return &pile[k]
	}
	g.piles[c] = append(pile, gregParcel{value: v, batch: batch})
	return &g.piles[c][len(g.piles[c])-1]
}

// hopeful returns the continuing candidates, in index order.
func (g *gregory) hopeful() []int {
	var out []int
	for c, s := range g.state {
		if s == stvHopeful {
			out = append(out, c)
		}
	}
	return out
}

// gregDecimals returns votes as Decimals of the given scale, withdrawn and excluded candidates
// included with whatever they still hold.
func gregDecimals(votes []int64, scale int) []Decimal {
	out := make([]Decimal, len(votes))
	for c, v := range votes {
		out[c] = Decimal{Units: v, Scale: scale}
	}
	return out
}

// gregMulDiv returns floor(a*b/c) for non-negative a, b and positive c with a*b/c < 2^63, without
// overflowing on the product: 5-decimal values times a large electorate exceed int64.
func gregMulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}
