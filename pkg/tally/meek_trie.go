package tally

import (
	"math"
	"slices"
)

// meekTrie holds the ballots of a Meek count as prefix trees cut at the first point where a
// ballot can pass nothing further on, so that each iteration visits every distinct ballot
// prefix once instead of every ballot.
//
// Why this is exact: Meek's rule computes the vote a ballot gives each candidate from the keep
// values along its ranking only, per unit of ballot, and then multiplies by the ballot's weight.
// Ballots that share a prefix therefore share every intermediate value of that prefix, and the
// integer products keep×weight add up exactly whatever the grouping.
//
// Why the trees can be cut: a hopeful candidate keeps the whole value (keep value 1), so nothing
// below a hopeful candidate is ever reached. A ballot is extended past a node only when the
// node's candidate is elected, and re-attached to the parent when the candidate is excluded.
// Over the whole count every mark is therefore read once.
//
// There are two trees, because the reference programs (Droop, stv-rs) count ballots with equal
// rankings differently from strict ballots (see countMeek):
//   - the strict tree (root 0) has one candidate per node; excluded candidates are removed from
//     it, so ballots that differ only by excluded candidates merge;
//   - the tie tree (root 1) has one preference level (a group of equally ranked candidates) per
//     node and keeps excluded candidates, since a level whose candidates are all excluded stops
//     the ballot there.
type meekTrie struct {
	status []meekStatus // shared with the count

	// The ballots, each packed in one record so that moving a ballot touches one place in
	// memory: rec[r:] = next record in the same list (-1 at the end), position of the next
	// unread mark, number of marks n, weight (low and high 32 bits), the n candidates (withdrawn
	// ones left out) and, for ballots with equal rankings, the n preference levels.
	rec []int32

	// Per node (index 0 and 1 are the roots).
	grpOff, grpLen []int32 // the node's candidates in members
	members        []int32
	parent         []int32
	child, sib     []int32 // first child, next sibling, -1 when none
	count          []int64 // total weight of the ballots whose path passes through the node
	wait           []int32 // ballots whose path ends here and that may be extended later
	alive          []bool
	inTie          []bool    // the node belongs to the tie tree
	byCand         [][]int32 // nodes whose group contains each candidate

	// Scratch space for extension.
	slot      []int32 // slot[c] is the child of the node being extended for candidate c...
	slotStamp []uint32
	stamp     uint32 // ...when slotStamp[c] == stamp
	level     []int32
	single    [1]int32
	flatStack []meekFlatItem
	parentIdx []int32
	stack     []meekWork

	// tieChildren finds the child of a tie-tree node for a group: by parent and group hash.
	tieChildren map[meekTieKey][]int32

	dirty bool
	fs    meekFlat // strict tree in preorder
	ft    meekFlat // tie tree in preorder
	ws    []int64  // value reaching each depth of the strict tree
}

type meekWork struct{ node, head int32 }

type meekTieKey struct {
	parent int32
	hash   uint64
}

type meekFlatItem struct{ node, parentFlat, depth int32 }

const (
	meekStrictRoot = 0
	meekTieRoot    = 1
)

// Offsets within a ballot record.
const (
	recNext = iota
	recPos
	recLen
	recWeightLo
	recWeightHi
	recMarks
)

// newMeekTrie builds the trees for the first count, when every candidate who is not withdrawn
// is hopeful.
func newMeekTrie(b *Ballots, status []meekStatus) (*meekTrie, error) {
	n := len(status)
	t := &meekTrie{
		status: status,
		byCand: make([][]int32, n), slot: make([]int32, n), slotStamp: make([]uint32, n),
		tieChildren: map[meekTieKey][]int32{},
	}
	t.newNode(-1, nil)
	t.newNode(-1, nil)
	if err := t.pack(b); err != nil {
		return nil, err
	}
	return t, nil
}

// pack copies the ballots into records, in two lists (strict ballots, ballots with equal
// rankings) in ballot order, and attaches them to the roots. Ballots that rank no candidate
// who stands give nothing to anyone and are left out.
func (t *meekTrie) pack(b *Ballots) error {
	t.rec = make([]int32, 0, len(b.cand)+recMarks*b.Len())
	var heads, tails [2]int32
	heads, tails = [2]int32{-1, -1}, [2]int32{-1, -1}
	for i := range b.Len() {
		cands, values := b.Marks(i)
		r := len(t.rec)
		if r > math.MaxInt32-recMarks-2*len(cands) {
			return invalidf("meek: too many ballot marks")
		}
		w := b.Weight(i)
		t.rec = append(t.rec, -1, 0, 0, int32(uint32(w)), int32(uint32(uint64(w)>>32)))
		tie, kept, last := 0, 0, int32(0)
		for k, c := range cands {
			if t.status[c] != meekWithdrawn {
				if kept > 0 && values[k] == last {
					tie = 1
				}
				t.rec = append(t.rec, c)
				kept, last = kept+1, values[k]
			}
		}
		if kept == 0 {
			t.rec = t.rec[:r]
			continue
		}
		t.rec[r+recLen] = int32(kept)
		if tie == 1 {
			for k, c := range cands {
				if t.status[c] != meekWithdrawn {
					t.rec = append(t.rec, values[k])
				}
			}
		}
		if tails[tie] < 0 {
			heads[tie] = int32(r)
		} else {
			t.rec[tails[tie]+recNext] = int32(r)
		}
		tails[tie] = int32(r)
	}
	t.extend(meekStrictRoot, heads[0])
	t.extend(meekTieRoot, heads[1])
	return nil
}

func (t *meekTrie) weight(r int32) int64 {
	return int64(uint64(uint32(t.rec[r+recWeightLo])) | uint64(uint32(t.rec[r+recWeightHi]))<<32)
}

func (t *meekTrie) marks(r int32) []int32 {
	return t.rec[r+recMarks : r+recMarks+t.rec[r+recLen]]
}

// levels returns the preference levels of a ballot with equal rankings.
func (t *meekTrie) levels(r int32) []int32 {
	n := t.rec[r+recLen]
	return t.rec[r+recMarks+n : r+recMarks+2*n]
}

func (t *meekTrie) newNode(parent int32, group []int32) int32 {
	id := int32(len(t.parent))
	if len(t.parent) == cap(t.parent) {
		t.growNodes()
	}
	t.grpOff = append(t.grpOff, int32(len(t.members)))
	t.grpLen = append(t.grpLen, int32(len(group)))
	t.members = append(t.members, group...)
	t.parent = append(t.parent, parent)
	t.child = append(t.child, -1)
	t.sib = append(t.sib, -1)
	if parent >= 0 {
		t.sib[id] = t.child[parent]
		t.child[parent] = id
	}
	t.count = append(t.count, 0)
	t.wait = append(t.wait, -1)
	t.alive = append(t.alive, true)
	t.inTie = append(t.inTie, id == meekTieRoot || parent >= 0 && t.inTie[parent])
	for _, c := range group {
		t.byCand[c] = append(t.byCand[c], id)
	}
	t.dirty = true
	return id
}

// one returns the group {c} in scratch space, for newNode.
func (t *meekTrie) one(c int32) []int32 {
	t.single[0] = c
	return t.single[:]
}

// growNodes doubles the capacity of the node arrays (append alone grows large slices by a
// quarter at a time, which allocates several times the final size).
func (t *meekTrie) growNodes() {
	n := max(1024, 2*len(t.parent))
	t.grpOff = slices.Grow(t.grpOff, n)
	t.grpLen = slices.Grow(t.grpLen, n)
	t.members = slices.Grow(t.members, n)
	t.parent = slices.Grow(t.parent, n)
	t.child = slices.Grow(t.child, n)
	t.sib = slices.Grow(t.sib, n)
	t.count = slices.Grow(t.count, n)
	t.wait = slices.Grow(t.wait, n)
	t.alive = slices.Grow(t.alive, n)
	t.inTie = slices.Grow(t.inTie, n)
}

func (t *meekTrie) group(k int32) []int32 {
	return t.members[t.grpOff[k] : t.grpOff[k]+t.grpLen[k]]
}

// elect extends the ballots waiting at the nodes of c, who has just been elected. The status of
// every candidate must already be up to date.
func (t *meekTrie) elect(c int) {
	for _, k := range t.byCand[c] {
		if t.alive[k] && t.wait[k] >= 0 {
			head := t.wait[k]
			t.wait[k] = -1
			t.extend(k, head)
		}
	}
}

// exclude removes the strict nodes of c, who has just been excluded, and hands their ballots
// on from the parent. Such nodes are leaves: c was hopeful, so no ballot went past c.
func (t *meekTrie) exclude(c int) {
	for _, k := range t.byCand[c] {
		if !t.alive[k] || t.inTie[k] {
			continue
		}
		t.alive[k] = false
		p := t.parent[k]
		if t.child[p] == k {
			t.child[p] = t.sib[k]
		} else {
			for s := t.child[p]; s >= 0; s = t.sib[s] {
				if t.sib[s] == k {
					t.sib[s] = t.sib[k]
					break
				}
			}
		}
		head := t.wait[k]
		t.wait[k] = -1
		t.dirty = true
		t.extend(p, head)
	}
}

// extend attaches the listed ballots, whose paths end at node p, below p: each one goes down
// to the child for its next candidate (or level) and further down while that child can pass
// value on. Ballots that run out of preferences stay where they are.
func (t *meekTrie) extend(p, head int32) {
	t.stack = append(t.stack[:0], meekWork{p, head})
	for len(t.stack) > 0 {
		w := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		if w.head < 0 {
			continue
		}
		if t.inTie[w.node] {
			t.partitionTie(w.node, w.head)
		} else {
			t.partitionStrict(w.node, w.head)
		}
		for ch := t.child[w.node]; ch >= 0; ch = t.sib[ch] {
			if t.wait[ch] >= 0 && t.passesOn(ch) {
				t.stack = append(t.stack, meekWork{ch, t.wait[ch]})
				t.wait[ch] = -1
			}
		}
	}
}

// passesOn reports whether value can flow below node k: some candidate of it is elected.
func (t *meekTrie) passesOn(k int32) bool {
	for _, c := range t.group(k) {
		if t.status[c] == meekElected {
			return true
		}
	}
	return false
}

// partitionStrict moves each listed ballot from p to the child for its next candidate who is
// neither withdrawn nor excluded.
func (t *meekTrie) partitionStrict(p, head int32) {
	t.stamp++
	for ch := t.child[p]; ch >= 0; ch = t.sib[ch] {
		c := t.members[t.grpOff[ch]]
		t.slot[c], t.slotStamp[c] = ch, t.stamp
	}
	for r := head; r >= 0; {
		next := t.rec[r+recNext]
		cands := t.marks(r)
		k := int(t.rec[r+recPos])
		for k < len(cands) && t.status[cands[k]] >= meekExcluded {
			k++
		}
		if k < len(cands) {
			c := cands[k]
			t.rec[r+recPos] = int32(k + 1)
			if t.slotStamp[c] != t.stamp {
				t.slot[c], t.slotStamp[c] = t.newNode(p, t.one(c)), t.stamp
			}
			ch := t.slot[c]
			t.count[ch] += t.weight(r)
			t.rec[r+recNext], t.wait[ch] = t.wait[ch], r
		} else {
			t.rec[r+recPos] = int32(k)
		}
		r = next
	}
}

// partitionTie moves each listed ballot from p to the child for its next preference level
// (withdrawn candidates were left out when packing, so a level of withdrawn candidates only is
// skipped).
func (t *meekTrie) partitionTie(p, head int32) {
	for r := head; r >= 0; {
		next := t.rec[r+recNext]
		if t.readLevel(r) {
			key := meekTieKey{p, hashGroup(t.level)}
			ch := int32(-1)
			for _, k := range t.tieChildren[key] {
				if slices.Equal(t.group(k), t.level) {
					ch = k
					break
				}
			}
			if ch < 0 {
				ch = t.newNode(p, t.level)
				t.tieChildren[key] = append(t.tieChildren[key], ch)
			}
			t.count[ch] += t.weight(r)
			t.rec[r+recNext], t.wait[ch] = t.wait[ch], r
		}
		r = next
	}
}

// readLevel reads the next preference level of ballot record r into t.level, sorted, and
// reports whether there was one.
func (t *meekTrie) readLevel(r int32) bool {
	cands, values := t.marks(r), t.levels(r)
	k := int(t.rec[r+recPos])
	if k >= len(cands) {
		return false
	}
	t.level = t.level[:0]
	for v := values[k]; k < len(cands) && values[k] == v; k++ {
		t.level = append(t.level, cands[k])
	}
	t.rec[r+recPos] = int32(k)
	slices.Sort(t.level)
	return true
}

func hashGroup(g []int32) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range g {
		h ^= uint64(uint32(c))
		h *= 1099511628211
	}
	return h
}
