package tally

import (
	"fmt"
	"math"
	"strings"
)

// This file holds what the Condorcet methods (schulze.go, rankedpairs.go) share: the pairwise
// matrix, the layering of a strict partial order into groups, and the result they report.

// unranked is the level of a candidate that a ballot does not rank: below every ranked level.
const unranked = math.MaxInt32

// pairwise returns d, where d[i][j] is the weight of ballots that rank i above j. Equal
// rankings express no preference; a candidate that a ballot does not rank is below every ranked
// one and equal to the other unranked ones; withdrawn candidates are skipped (their rows and
// columns stay zero). It also returns the weight of ballots that rank no continuing candidate.
func pairwise(e *Election) (d [][]int64, blank int64) {
	n := len(e.Candidates)
	d = make([][]int64, n)
	for i := range d {
		d[i] = make([]int64, n)
	}
	level := make([]int32, n)
	for b := range e.Ballots.Len() {
		for c := range level {
			level[c] = unranked
		}
		cands, values := e.Ballots.Marks(b)
		ranked := false
		for k, c := range cands {
			if !e.Candidates[c].Withdrawn {
				level[c], ranked = values[k], true
			}
		}
		w := e.Ballots.Weight(b)
		if !ranked {
			blank += w
			continue
		}
		for _, i := range cands { // an unranked candidate is above nobody
			if e.Candidates[i].Withdrawn {
				continue
			}
			li, row := level[i], d[i]
			for j := range n {
				if li < level[j] && !e.Candidates[j].Withdrawn {
					row[j] += w
				}
			}
		}
	}
	return d, blank
}

// continuing returns the candidates that have not withdrawn, in candidate order.
func continuing(e *Election) []int {
	var cs []int
	for c := range e.Candidates {
		if !e.Candidates[c].Withdrawn {
			cs = append(cs, c)
		}
	}
	return cs
}

// layers turns a strict partial order on cands into groups, best first: each group holds the
// remaining candidates that no remaining candidate beats. Members of a group are incomparable,
// and any order inside the groups gives a linear order that agrees with beats, which is why a
// tie inside a group may be broken freely (by the seed).
func layers(cands []int, beats func(a, b int) bool) [][]int {
	rest := append([]int(nil), cands...)
	var order [][]int
	for len(rest) > 0 {
		var top, next []int
		for _, c := range rest {
			beaten := false
			for _, o := range rest {
				if o != c && beats(o, c) {
					beaten = true
					break
				}
			}
			if beaten {
				next = append(next, c)
			} else {
				top = append(top, c)
			}
		}
		if len(top) == 0 { // cannot happen for a strict partial order; never loop forever
			top, next = next, nil
		}
		order = append(order, top)
		rest = next
	}
	return order
}

// condorcetResult builds the result of a Condorcet method from its social order. wins[c] is the
// number of candidates c beats in the method's final relation, reported as the round's Votes.
func condorcetResult(e *Election, opts Options, d [][]int64, blank int64, order [][]int,
	wins []int64, method string) *Result {
	s := seatInOrder(e, opts, order, 1, "order")
	round := tallyRound(e, wins, s.elected, fmt.Sprintf(
		"%s order (winning votes): %s; Votes are the number of candidates each beats; elected: %s",
		method, formatOrder(e, order), joinNames(e, s.elected)))
	round.NonTransferable = Int(blank, 0)
	r := &Result{Elected: s.elected, Rounds: []Round{round}, Ties: s.ties, PassedOver: s.passed,
		Pairwise: d, Order: order}
	if blank > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d ballot(s) ranked no continuing candidate", blank))
	}
	return r
}

// formatOrder writes an order as "A > B = C > D".
func formatOrder(e *Election, order [][]int) string {
	groups := make([]string, len(order))
	for k, g := range order {
		names := make([]string, len(g))
		for m, c := range g {
			names[m] = e.Candidates[c].Name
		}
		groups[k] = strings.Join(names, " = ")
	}
	return strings.Join(groups, " > ")
}
