package tally

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
)

// countConfidence counts a yes/no vote on each candidate (the policy of an uncontested contest,
// DESIGN.md §4). A mark's Value is +1 for yes, -1 for no and 0 for abstain; a candidate that a
// ballot does not mark is abstained on. Election.Validate refuses any other value
// (KindConfidence).
//
// A candidate qualifies when yes/(yes+no) exceeds Options.ConfidenceThreshold (1/2 by default,
// i.e. yes > no); with no yes and no no votes at all a candidate does not qualify. When more
// candidates qualify than there are seats, the seats go to the largest yes−no margins, because
// the margin is the number of voters who would have to change their vote to unseat the
// candidate; candidates with equal margins are ordered by the seed (purpose "elect"). The
// round's Votes are the yes votes; Result.Confidence holds the full counts.
func countConfidence(e *Election, opts Options) (*Result, error) {
	th, err := confidenceThreshold(opts.ConfidenceThreshold)
	if err != nil {
		return nil, err
	}
	counts := make([]ConfidenceCount, len(e.Candidates))
	tallyConfidence(e, counts)
	var qualified []int
	for c, n := range counts {
		if !e.Candidates[c].Withdrawn && confident(n, th) {
			qualified = append(qualified, c)
		}
	}
	margin := func(c int) int64 { return counts[c].Yes - counts[c].No }
	slices.SortStableFunc(qualified, func(a, b int) int { return cmp.Compare(margin(b), margin(a)) })
	var order [][]int
	for k, c := range qualified {
		if k == 0 || margin(c) != margin(qualified[k-1]) {
			order = append(order, nil)
		}
		order[len(order)-1] = append(order[len(order)-1], c)
	}
	s := seatInOrder(e, opts, order, 1, "elect")

	yes := make([]int64, len(e.Candidates))
	for c, n := range counts {
		yes[c] = n.Yes
	}
	round := tallyRound(e, yes, s.elected, fmt.Sprintf(
		"Confidence vote: seated when yes/(yes+no) > %d/%d, at most %d seat(s), by largest yes-no margin; elected: %s",
		th.Num, th.Den, e.Seats, joinNames(e, s.elected)))
	r := &Result{Elected: s.elected, Rounds: []Round{round}, Ties: s.ties, PassedOver: s.passed,
		Confidence: counts}
	if len(qualified) > len(s.elected)+len(s.passed) {
		r.Notes = append(r.Notes, fmt.Sprintf(
			"%d candidate(s) passed the threshold for %d seat(s); the largest yes-no margins were seated",
			len(qualified), e.Seats))
	}
	return r, nil
}

// confidenceThreshold returns the threshold in force: the zero value means 1/2. A threshold must
// lie in [0, 1) to be reachable.
func confidenceThreshold(t Ratio) (Ratio, error) {
	if t == (Ratio{}) {
		return Ratio{Num: 1, Den: 2}, nil
	}
	if t.Den <= 0 || t.Num < 0 || t.Num >= t.Den {
		return Ratio{}, invalidf("confidence threshold %d/%d is not in [0, 1)", t.Num, t.Den)
	}
	return t, nil
}

// tallyConfidence adds every ballot to counts. Withdrawn candidates keep zero counts.
func tallyConfidence(e *Election, counts []ConfidenceCount) {
	total := e.Ballots.TotalWeight()
	for i := range e.Ballots.Len() {
		w := e.Ballots.Weight(i)
		cands, values := e.Ballots.Marks(i)
		for k, c := range cands {
			switch values[k] {
			case 1:
				counts[c].Yes += w
			case -1:
				counts[c].No += w
			}
		}
	}
	for c := range counts {
		if e.Candidates[c].Withdrawn {
			counts[c] = ConfidenceCount{}
			continue
		}
		// Unmarked and explicit 0 marks both abstain.
		counts[c].Abstain = total - counts[c].Yes - counts[c].No
	}
}

// confident reports whether yes/(yes+no) > th, exactly (in big integers, since weights are
// arbitrary int64).
func confident(n ConfidenceCount, th Ratio) bool {
	lhs := new(big.Int).Mul(big.NewInt(n.Yes), big.NewInt(th.Den))
	rhs := new(big.Int).Mul(big.NewInt(n.Yes+n.No), big.NewInt(th.Num))
	return n.Yes+n.No > 0 && lhs.Cmp(rhs) > 0
}
