package tally

import "slices"

// The iteration side of meekTrie: the trees laid out flat in preorder, and the distribution
// of the ballots' value by keep values over them.

// meekFlat is one tree laid out in preorder without its root, so that an iteration reads it
// sequentially: the subtree of node k is k..end[k]-1.
type meekFlat struct {
	node  []int32 // trie node id
	cand  []int32 // strict tree: the candidate
	depth []int32 // strict tree: 0 for children of the root
	count []int64
	end   []int32
}

// flatten lays both trees out in preorder when their shape changed.
func (t *meekTrie) flatten() {
	if !t.dirty {
		return
	}
	t.dirty = false
	t.fill(&t.fs, meekStrictRoot, true)
	t.fill(&t.ft, meekTieRoot, false)
	maxDepth := int32(0)
	for _, d := range t.fs.depth {
		maxDepth = max(maxDepth, d)
	}
	t.ws = make([]int64, maxDepth+2)
}

func (t *meekTrie) fill(f *meekFlat, root int32, strict bool) {
	f.node, f.cand, f.depth = f.node[:0], f.cand[:0], f.depth[:0]
	f.count, f.end = f.count[:0], f.end[:0]
	stack, parentFlat := t.flatStack[:0], t.parentIdx[:0]
	for ch := t.child[root]; ch >= 0; ch = t.sib[ch] {
		stack = append(stack, meekFlatItem{ch, -1, 0})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		idx := int32(len(f.node))
		f.node = push(f.node, it.node)
		if strict {
			f.cand = push(f.cand, t.members[t.grpOff[it.node]])
			f.depth = push(f.depth, it.depth)
		}
		f.count = push(f.count, t.count[it.node])
		f.end = push(f.end, 1)
		parentFlat = push(parentFlat, it.parentFlat)
		for ch := t.child[it.node]; ch >= 0; ch = t.sib[ch] {
			stack = append(stack, meekFlatItem{ch, idx, it.depth + 1})
		}
	}
	t.flatStack, t.parentIdx = stack, parentFlat
	// end holds subtree sizes so far; children come after their parent in preorder.
	for k := len(f.end) - 1; k >= 0; k-- {
		if p := parentFlat[k]; p >= 0 {
			f.end[p] += f.end[k]
		}
	}
	for k := range f.end {
		f.end[k] += int32(k)
	}
}

// distribute computes every candidate's votes (in units of 10^-9) for the keep values kf, as
// Droop's meek rule does with fixed-point arithmetic: at each candidate the value w reaching
// it splits into keep = ⌊w·kf⌋ and passes on ⌊w·(1−kf)⌋, both rounded down.
func (t *meekTrie) distribute(kf, votes []int64) {
	clear(votes)
	t.flatten()
	t.distributeStrict(kf, votes)
	f := &t.ft
	for k := int32(0); k < int32(len(f.end)); k = f.end[k] {
		t.distributeTie(k, meekOne, kf, votes)
	}
}

func (t *meekTrie) distributeStrict(kf, votes []int64) {
	f := &t.fs
	ws := t.ws
	ws[0] = meekOne
	cand, depth, count, end := f.cand, f.depth, f.count, f.end
	for k := int32(0); k < int32(len(cand)); {
		c, d := cand[k], depth[k]
		w, keep := ws[d], kf[c]
		votes[c] += w * keep / meekOne * count[k]
		// A strict ballot stops once the value passed on is not positive (Droop: weight <= 0).
		rest := w * (meekOne - keep)
		if rest < meekOne {
			k = end[k]
			continue
		}
		ws[d+1] = rest / meekOne
		k++
	}
}

// distributeTie handles node k of the tie tree reached by value w (per unit of ballot). As in
// Droop and stv-rs, w is split equally among the level's candidates who are not excluded, each
// keeps its share times its keep value, and what each passes on goes separately down to the
// next level; a level whose candidates are all excluded stops the ballot.
func (t *meekTrie) distributeTie(k int32, w int64, kf, votes []int64) {
	f := &t.ft
	grp := t.group(f.node[k])
	live := int64(0)
	for _, c := range grp {
		if kf[c] != 0 {
			live++
		}
	}
	if live == 0 {
		return
	}
	share := floorDiv(w, live)
	for _, c := range grp {
		keep := kf[c]
		if keep == 0 {
			continue
		}
		votes[c] += floorDiv(share*keep, meekOne) * f.count[k]
		if rest := floorDiv(share*(meekOne-keep), meekOne); rest != 0 {
			for ch := k + 1; ch < f.end[k]; ch = f.end[ch] {
				t.distributeTie(ch, rest, kf, votes)
			}
		}
	}
}

// push appends v, doubling the capacity when full (append grows large slices by a quarter at
// a time, which allocates several times the final size).
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(64, len(s)))
	}
	return append(s, v)
}

// floorDiv divides rounding toward minus infinity, as Python's // does in Droop.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
