package tally

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// MergeMode says which identical ballots a BallotBuilder merges.
type MergeMode int

// The merge modes.
const (
	// MergeNone keeps every ballot as its own entry.
	MergeNone MergeMode = iota
	// MergeShort merges identical ballots of at most three strictly ranked candidates (in
	// elections of at most 64 candidates). These are most of the repeats in real elections,
	// and a dense index merges them at no measurable cost; longer ballots are mostly unique,
	// and hashing them costs more time than the count saves.
	MergeShort
	// MergeAll merges every identical ballot (a hash table over the marks).
	MergeAll
)

// BallotBuilder appends ballots to a Ballots list one mark at a time, without a per-ballot
// allocation, and merges a ballot into an identical earlier one (same marks in the same order)
// by adding its weight. Ballot readers use it so that a file of a million one-voter lines costs
// a few flat arrays, and fewer entries when voters repeat each other.
//
// Merging keeps the first-seen order of distinct ballots, so the result is deterministic. It
// leaves every count unchanged because every method treats a ballot of weight w exactly as w
// identical ballots of weight 1.
type BallotBuilder struct {
	b    Ballots
	n    int
	mode MergeMode
	// stamp[c] == serial when candidate c is already on the current ballot: a duplicate check
	// in O(1) per mark instead of a scan of the ballot.
	stamp  []uint32
	serial uint32
	open   int      // index in b.cand where the current ballot starts
	table  []uint64 // open addressing, see slot
	short  []int32  // dense index of short ballots, see shortKey
	used   int
	total  int64 // weight of the ballots ended so far, at most MaxTotalWeight
}

// NewBallotBuilder returns a builder for ballots over n candidates that merges identical
// ballots as mode says.
func NewBallotBuilder(n int, mode MergeMode) *BallotBuilder {
	bb := &BallotBuilder{n: n, mode: mode, stamp: make([]uint32, n), serial: 1}
	bb.b.start = []int32{0}
	return bb
}

// Grow reserves room for about ballots more ballots holding marks marks in all.
func (bb *BallotBuilder) Grow(ballots, marks int) {
	bb.b.weight = reserve(bb.b.weight, ballots)
	bb.b.start = reserve(bb.b.start, ballots)
	bb.b.cand = reserve(bb.b.cand, marks)
	bb.b.value = reserve(bb.b.value, marks)
}

// reserve is slices.Grow without clearing the new room: slices.Grow writes zeros over all of
// it (touching every page of a generous guess), while make takes fresh, already zero pages
// from the system, so room that is never used costs no memory.
func reserve[E any](s []E, n int) []E {
	if n <= cap(s)-len(s) {
		return s
	}
	ns := make([]E, len(s), len(s)+n)
	copy(ns, s)
	return ns
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

// AddBallot adds a whole ballot at once: cands[k] (0-based) gets values[k]. It is Mark for
// each candidate then End(weight), with one call per ballot instead of one per mark, for
// readers of large files. No ballot may be open (marked but not ended).
func (bb *BallotBuilder) AddBallot(weight int64, cands, values []int32) error {
	if len(bb.b.cand) != bb.open {
		return invalidf("AddBallot while a ballot is open")
	}
	if len(cands) != len(values) {
		return invalidf("%d candidates for %d values", len(cands), len(values))
	}
	if len(bb.b.cand)+len(cands) > math.MaxInt32 {
		return invalidf("too many marks (more than %d)", math.MaxInt32)
	}
	// Element by element: ballots are short, and a call to memmove per ballot costs more.
	for k, c := range cands {
		if c < 0 || int(c) >= bb.n || bb.stamp[c] == bb.serial {
			bb.Discard()
			return invalidf("candidate index %d is out of range or twice on one ballot", c)
		}
		bb.stamp[c] = bb.serial
		bb.b.cand = append(bb.b.cand, c)
		bb.b.value = append(bb.b.value, values[k])
	}
	return bb.End(weight)
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
// earlier ballot when merging is on, appended otherwise. It refuses a weight that is not
// positive or that would take the total weight over MaxTotalWeight, so that a reader names the
// line where a file goes over the bound.
func (bb *BallotBuilder) End(weight int64) error {
	switch {
	case weight <= 0:
		bb.Discard()
		return invalidf("ballot weight %d is not positive", weight)
	case weight > MaxTotalWeight:
		bb.Discard()
		return invalidf("ballot weight %d exceeds %d, the most a count accepts", weight, int64(MaxTotalWeight))
	case weight > MaxTotalWeight-bb.total:
		bb.Discard()
		return invalidf("the total weight of the ballots exceeds %d, the most a count accepts",
			int64(MaxTotalWeight))
	}
	bb.total += weight
	defer bb.nextSerial()
	if bb.mode == MergeNone {
		bb.appendOpen(weight)
		return nil
	}
	key, short := bb.shortKey()
	var i int
	var found bool
	switch {
	case short:
		i, found = int(bb.short[key])-1, bb.short[key] != 0
	case bb.mode == MergeShort:
		bb.appendOpen(weight)
		return nil
	default:
		i, found = bb.find()
	}
	if found {
		bb.b.weight[i] += weight // cannot overflow: the total is at most MaxTotalWeight
		bb.b.cand = bb.b.cand[:bb.open]
		bb.b.value = bb.b.value[:bb.open]
		return nil
	}
	bb.appendOpen(weight)
	if i := len(bb.b.weight) - 1; short {
		bb.short[key] = int32(i + 1)
	} else {
		bb.insert(i)
	}
	return nil
}

func (bb *BallotBuilder) appendOpen(weight int64) {
	bb.b.weight = append(bb.b.weight, weight)
	bb.b.start = append(bb.b.start, int32(len(bb.b.cand)))
	bb.open = len(bb.b.cand)
}

// Short ballots (at most shortLen candidates ranked 1, 2, 3 strictly) are most of the repeats
// in real elections; with at most shortMaxCands candidates each has an exact slot in a dense
// index, which merges them without hashing or comparing marks.
const (
	shortLen      = 3
	shortMaxCands = 64
)

// shortKey returns the dense-index slot of the ballot being built, if it is short.
func (bb *BallotBuilder) shortKey() (int, bool) {
	n := bb.n
	cands, values := bb.b.cand[bb.open:], bb.b.value[bb.open:]
	if len(cands) > shortLen || n > shortMaxCands {
		return 0, false
	}
	key, base := 0, 1 // slots: empty ballot 0, then n singles, n² pairs, n³ triples
	for k, c := range cands {
		if values[k] != int32(k+1) {
			return 0, false
		}
		key = key*n + int(c)
		if k > 0 {
			base += pow(n, k)
		}
	}
	if len(cands) > 0 {
		key += base
	}
	if bb.short == nil {
		bb.short = make([]int32, 1+n+n*n+n*n*n)
	}
	return key, true
}

func pow(n, k int) int {
	p := 1
	for range k {
		p *= n
	}
	return p
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

// hashMarks hashes a ballot's marks: each (candidate, value) pair is mixed into the state
// with a multiply-rotate step, and the result finished with the murmur3 64-bit mixer so that
// both the low bits (the table slot) and the high bits (the tag) depend on every mark.
func hashMarks(cands, values []int32) uint64 {
	h := uint64(len(cands)) * 0x9e3779b97f4a7c15
	for k, c := range cands {
		h ^= uint64(uint32(c))<<32 | uint64(uint32(values[k]))
		h = bits.RotateLeft64(h*0xff51afd7ed558ccd, 31)
	}
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}

// A table slot holds the top 32 bits of the ballot's hash and the ballot index + 1 (0 marks an
// empty slot). The top bits choose the slot, so that growing the table needs no rehashing of
// marks, and rule out almost every mismatch without touching the marks.
func slot(h uint64, i int) uint64 { return h&^0xffffffff | uint64(i+1) }

// home is the first slot to probe for a hash or a slot (same top 32 bits).
func home(h uint64, mask int) int { return int(h>>32) & mask }

// find looks for an earlier ballot with the same marks as the one being built.
func (bb *BallotBuilder) find() (int, bool) {
	if len(bb.table) == 0 {
		return 0, false
	}
	cands, values := bb.b.cand[bb.open:], bb.b.value[bb.open:]
	h := hashMarks(cands, values)
	mask := len(bb.table) - 1
	for p := home(h, mask); bb.table[p] != 0; p = (p + 1) & mask {
		s := bb.table[p]
		if s>>32 != h>>32 {
			continue
		}
		i := int(uint32(s)) - 1
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
	bb.put(slot(hashMarks(bb.b.Marks(i)), i))
}

func (bb *BallotBuilder) put(s uint64) {
	mask := len(bb.table) - 1
	p := home(s, mask)
	for bb.table[p] != 0 {
		p = (p + 1) & mask
	}
	bb.table[p] = s
}

func (bb *BallotBuilder) rehash(size int) {
	old := bb.table
	bb.table = make([]uint64, size)
	for _, s := range old {
		if s != 0 {
			bb.put(s)
		}
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
	bb := NewBallotBuilder(n, MergeAll)
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
