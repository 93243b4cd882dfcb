package tally

import (
	"fmt"
	"math"
	"slices"
)

// BallotBuilder appends ballots to a Ballots list one mark at a time, without a per-ballot
// allocation, and merges a ballot into an identical earlier one (same marks in the same order)
// by adding its weight. Ballot readers use it so that a file of a million one-voter lines costs
// a few flat arrays, and far fewer entries when voters repeat each other.
//
// Merging keeps the first-seen order of distinct ballots, so the result is deterministic. It
// leaves every count unchanged because every method treats a ballot of weight w exactly as w
// identical ballots of weight 1.
type BallotBuilder struct {
	b     Ballots
	n     int
	merge bool
	// stamp[c] == serial when candidate c is already on the current ballot: a duplicate check
	// in O(1) per mark instead of a scan of the ballot.
	stamp  []uint32
	serial uint32
	open   int     // index in b.cand where the current ballot starts
	table  []int32 // open addressing: ballot index + 1, 0 when empty
	used   int
}

// NewBallotBuilder returns a builder for ballots over n candidates. With merge, identical
// ballots are merged as they are added.
func NewBallotBuilder(n int, merge bool) *BallotBuilder {
	bb := &BallotBuilder{n: n, merge: merge, stamp: make([]uint32, n), serial: 1}
	bb.b.start = []int32{0}
	return bb
}

// Grow reserves room for about ballots more ballots holding marks marks in all.
func (bb *BallotBuilder) Grow(ballots, marks int) {
	bb.b.weight = slices.Grow(bb.b.weight, ballots)
	bb.b.start = slices.Grow(bb.b.start, ballots)
	bb.b.cand = slices.Grow(bb.b.cand, marks)
	bb.b.value = slices.Grow(bb.b.value, marks)
}

// Marked reports whether candidate c (0-based) is already on the ballot being built.
func (bb *BallotBuilder) Marked(c int) bool {
	return c >= 0 && c < bb.n && bb.stamp[c] == bb.serial
}

// Mark adds candidate c (0-based) with the given value to the ballot being built. It refuses a
// candidate outside 0..n-1 or one already on the ballot; callers that want their own message
// check with Marked first.
func (bb *BallotBuilder) Mark(c, value int) error {
	if c < 0 || c >= bb.n {
		return invalidf("candidate index %d is not in 0..%d", c, bb.n-1)
	}
	if bb.stamp[c] == bb.serial {
		return invalidf("candidate index %d appears twice on one ballot", c)
	}
	if value < math.MinInt32 || value > math.MaxInt32 {
		return invalidf("mark value %d is out of range", value)
	}
	if len(bb.b.cand) >= math.MaxInt32 {
		return invalidf("too many marks (more than %d)", math.MaxInt32)
	}
	bb.stamp[c] = bb.serial
	bb.b.cand = append(bb.b.cand, int32(c))
	bb.b.value = append(bb.b.value, int32(value))
	return nil
}

// Discard drops the marks of the ballot being built.
func (bb *BallotBuilder) Discard() {
	bb.b.cand = bb.b.cand[:bb.open]
	bb.b.value = bb.b.value[:bb.open]
	bb.nextSerial()
}

func (bb *BallotBuilder) nextSerial() {
	bb.serial++
	if bb.serial == 0 { // wrapped after 4 billion ballots: reset the stamps
		clear(bb.stamp)
		bb.serial = 1
	}
}

// End finishes the ballot being built with the given weight: it is merged into an identical
// earlier ballot when merging is on, appended otherwise.
func (bb *BallotBuilder) End(weight int64) error {
	if weight <= 0 {
		bb.Discard()
		return invalidf("ballot weight %d is not positive", weight)
	}
	defer bb.nextSerial()
	if bb.merge {
		if i, ok := bb.find(); ok {
			if bb.b.weight[i] > math.MaxInt64-weight {
				bb.Discard()
				return invalidf("total weight of identical ballots overflows")
			}
			bb.b.weight[i] += weight
			bb.b.cand = bb.b.cand[:bb.open]
			bb.b.value = bb.b.value[:bb.open]
			return nil
		}
	}
	bb.b.weight = append(bb.b.weight, weight)
	bb.b.start = append(bb.b.start, int32(len(bb.b.cand)))
	bb.open = len(bb.b.cand)
	if bb.merge {
		bb.insert(len(bb.b.weight) - 1)
	}
	return nil
}

// Ballots returns the list built so far. The builder must not be used afterwards.
func (bb *BallotBuilder) Ballots() Ballots {
	b := bb.b
	if len(b.weight) == 0 {
		return Ballots{}
	}
	b.cand = b.cand[:bb.open:bb.open]
	b.value = b.value[:bb.open:bb.open]
	return b
}

// hashMarks hashes a ballot's marks (FNV-1a over 64-bit words, then a final mix).
func hashMarks(cands, values []int32) uint64 {
	h := uint64(14695981039346656037)
	for k, c := range cands {
		h ^= uint64(uint32(c))<<32 | uint64(uint32(values[k]))
		h *= 1099511628211
	}
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>32
}

// find looks for an earlier ballot with the same marks as the one being built.
func (bb *BallotBuilder) find() (int, bool) {
	if len(bb.table) == 0 {
		return 0, false
	}
	cands, values := bb.b.cand[bb.open:], bb.b.value[bb.open:]
	mask := len(bb.table) - 1
	for p := int(hashMarks(cands, values)) & mask; bb.table[p] != 0; p = (p + 1) & mask {
		i := int(bb.table[p] - 1)
		c, v := bb.b.Marks(i)
		if slices.Equal(c, cands) && slices.Equal(v, values) {
			return i, true
		}
	}
	return 0, false
}

// insert adds ballot i to the hash table, growing it to keep it at most half full.
func (bb *BallotBuilder) insert(i int) {
	if 2*(bb.used+1) > len(bb.table) {
		bb.rehash(max(1024, 2*len(bb.table)))
	}
	bb.place(i)
	bb.used++
}

func (bb *BallotBuilder) place(i int) {
	mask := len(bb.table) - 1
	p := int(hashMarks(bb.b.Marks(i))) & mask
	for bb.table[p] != 0 {
		p = (p + 1) & mask
	}
	bb.table[p] = int32(i + 1)
}

func (bb *BallotBuilder) rehash(size int) {
	bb.table = make([]int32, size)
	for i := range bb.used {
		bb.place(i)
	}
}

// Compact merges identical ballots (same marks in the same order) by adding their weights,
// keeping the first-seen order. Counts are unchanged: a ballot of weight w stands for w
// identical ballots in every method.
func (b *Ballots) Compact() error {
	if b.Len() == 0 {
		return nil
	}
	n := 0
	for _, c := range b.cand {
		n = max(n, int(c)+1)
	}
	bb := NewBallotBuilder(n, true)
	for i := range b.Len() {
		cands, values := b.Marks(i)
		for k, c := range cands {
			if err := bb.Mark(int(c), int(values[k])); err != nil {
				return fmt.Errorf("ballot %d: %w", i+1, err)
			}
		}
		if err := bb.End(b.weight[i]); err != nil {
			return fmt.Errorf("ballot %d: %w", i+1, err)
		}
	}
	*b = bb.Ballots()
	return nil
}
