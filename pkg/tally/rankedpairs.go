package tally

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// majority is a pair of candidates where more ballots rank w above l than l above w.
type majority struct {
	w, l   int
	wv, lv int64 // winning votes d[w][l] and losing votes d[l][w]
}

// countRankedPairs counts by Tideman's ranked pairs with winning votes. Every majority w>l
// (d[w][l] > d[l][w]; an exact pairwise tie makes no majority) is sorted by winning votes,
// largest first, then by losing votes, smallest first. In that order each majority is locked
// unless it would close a cycle with the majorities already locked. Result.Order is the locked
// graph in layers (the candidates nothing locked is above, then the next, …); the seats go to
// the top of the order, a group that must be split being ordered by the seed (purpose "order").
//
// Majorities of equal strength: when locking them in any order gives the same graph (the usual
// case), nothing is drawn. When the outcome depends on their order, they are considered in the
// order of a tie-breaking ranking of candidates (TBRC) drawn with the seed — TieBreaker.Order of
// all continuing candidates in round 1 for purpose "order": the majority whose winner ranks
// higher in the TBRC first, and for the same winner the one whose loser ranks lower first (as in
// Tideman's use of a TBRC). That draw is recorded as a Tie whose Tied are the winners of the
// conflicting majorities and whose Chosen is the winner of the majority considered first, with a
// note listing the majorities in the order used.
func countRankedPairs(e *Election, opts Options) (*Result, error) {
	d, blank := pairwise(e)
	cands := continuing(e)
	rp := rankedPairs{e: e, tb: NewTieBreaker(e, opts.Seed), cands: cands,
		locked: newBoolMatrix(len(e.Candidates))}
	pairs := majorities(d, cands)
	for start := 0; start < len(pairs); {
		end := start + 1
		for end < len(pairs) && pairs[end].wv == pairs[start].wv && pairs[end].lv == pairs[start].lv {
			end++
		}
		rp.lockGroup(pairs[start:end])
		start = end
	}
	above := closure(rp.locked, cands)
	order := layers(cands, func(a, b int) bool { return above[a][b] })
	wins := make([]int64, len(e.Candidates))
	for _, a := range cands {
		for _, b := range cands {
			if above[a][b] {
				wins[a]++
			}
		}
	}
	r := condorcetResult(e, opts, d, blank, order, wins, "Ranked pairs")
	r.Ties = append(rp.ties, r.Ties...)
	r.Notes = append(r.Notes, fmt.Sprintf("%d of %d majorities locked", rp.nLocked, len(pairs)))
	r.Notes = append(r.Notes, rp.notes...)
	return r, nil
}

// majorities lists the majorities among cands in locking order: winning votes descending, then
// losing votes ascending, then (only to make the list deterministic; equal strengths are handled
// by lockGroup) by candidate index.
func majorities(d [][]int64, cands []int) []majority {
	var ps []majority
	for _, i := range cands {
		for _, j := range cands {
			if d[i][j] > d[j][i] {
				ps = append(ps, majority{w: i, l: j, wv: d[i][j], lv: d[j][i]})
			}
		}
	}
	slices.SortFunc(ps, func(a, b majority) int {
		return cmp.Or(cmp.Compare(b.wv, a.wv), cmp.Compare(a.lv, b.lv),
			cmp.Compare(a.w, b.w), cmp.Compare(a.l, b.l))
	})
	return ps
}

// rankedPairs is the state of the locking phase.
type rankedPairs struct {
	e       *Election
	tb      TieBreaker
	cands   []int
	locked  [][]bool
	nLocked int
	tbrc    []int // position of each candidate in the tie-breaking ranking; nil until drawn
	ties    []Tie
	notes   []string
}

// lockGroup locks a group of majorities of equal strength.
func (rp *rankedPairs) lockGroup(group []majority) {
	var open []majority // those that do not close a cycle on their own
	for _, m := range group {
		if !reaches(rp.locked, m.l, m.w) {
			open = append(open, m)
		}
	}
	if len(open) > 1 && !acyclicWith(rp.locked, open) {
		rp.orderByTBRC(open)
	}
	for _, m := range open {
		if !reaches(rp.locked, m.l, m.w) {
			rp.locked[m.w][m.l] = true
			rp.nLocked++
		}
	}
}

// orderByTBRC sorts conflicting majorities of equal strength by the seed's tie-breaking ranking
// of candidates and records the draw.
func (rp *rankedPairs) orderByTBRC(open []majority) {
	if rp.tbrc == nil {
		rp.tbrc = make([]int, len(rp.e.Candidates))
		for k, c := range rp.tb.Order(1, "order", rp.cands) {
			rp.tbrc[c] = k
		}
	}
	pos := rp.tbrc
	slices.SortFunc(open, func(a, b majority) int {
		return cmp.Or(cmp.Compare(pos[a.w], pos[b.w]), cmp.Compare(pos[b.l], pos[a.l]))
	})
	var winners []int
	desc := make([]string, len(open))
	for k, m := range open {
		if !slices.Contains(winners, m.w) {
			winners = append(winners, m.w)
		}
		desc[k] = rp.e.Candidates[m.w].Name + ">" + rp.e.Candidates[m.l].Name
	}
	slices.Sort(winners)
	rp.ties = append(rp.ties, Tie{Round: 1, Tied: winners, Rule: "seed", Chosen: open[0].w, Purpose: "order"})
	rp.notes = append(rp.notes, fmt.Sprintf(
		"majorities of equal strength (%d:%d) conflict; considered in the seed's tie-breaking order: %s",
		open[0].wv, open[0].lv, strings.Join(desc, ", ")))
}

func newBoolMatrix(n int) [][]bool {
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	return m
}

// reaches reports whether a path of locked majorities leads from a to b.
func reaches(g [][]bool, a, b int) bool {
	seen := make([]bool, len(g))
	stack := []int{a}
	seen[a] = true
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == b {
			return true
		}
		for y, ok := range g[x] {
			if ok && !seen[y] {
				seen[y] = true
				stack = append(stack, y)
			}
		}
	}
	return false
}

// acyclicWith reports whether the locked graph plus all of extra has no cycle; then the order
// in which extra is locked cannot matter.
func acyclicWith(g [][]bool, extra []majority) bool {
	h := make([][]bool, len(g))
	for i := range g {
		h[i] = slices.Clone(g[i])
	}
	for _, m := range extra {
		h[m.w][m.l] = true
	}
	for _, m := range extra {
		if reaches(h, m.l, m.w) {
			return false
		}
	}
	return true
}

// closure returns the transitive closure of g restricted to cands.
func closure(g [][]bool, cands []int) [][]bool {
	c := newBoolMatrix(len(g))
	for i := range g {
		copy(c[i], g[i])
	}
	for _, k := range cands {
		for _, i := range cands {
			if !c[i][k] {
				continue
			}
			for _, j := range cands {
				c[i][j] = c[i][j] || c[k][j]
			}
		}
	}
	return c
}
