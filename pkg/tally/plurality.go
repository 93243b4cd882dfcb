package tally

import (
	"cmp"
	"fmt"
	"slices"
)

// This file holds the three "top seats by count" methods (plurality, approval, cumulative) and
// the helpers they share with the Condorcet methods: turning totals into a social order and
// filling the seats from an order with the seed and the affiliation cap.

// countPlurality counts a block vote: each ballot gives one vote to every candidate marked at its
// first (lowest) preference level, so a ranking counts its first preference and a plurality
// ballot (all marks at level 1) all its marks. A ballot that marks more candidates than there
// are seats at that level is an overvote and is set aside, as US counts do ("cut at the first
// overvote"). The top seats win.
func countPlurality(e *Election, opts Options) (*Result, error) {
	votes := make([]int64, len(e.Candidates))
	var overvoted, blank int64
	for i := range e.Ballots.Len() {
		w := e.Ballots.Weight(i)
		first := firstLevel(e, i)
		switch {
		case len(first) == 0:
			blank += w
		case len(first) > e.Seats:
			overvoted += w
		default:
			for _, c := range first {
				votes[c] += w
			}
		}
	}
	r := topSeats(e, opts, votes, "first preferences")
	r.Rounds[0].NonTransferable = Int(overvoted+blank, 0)
	if overvoted > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf(
			"%d ballot(s) marked more than %d candidate(s) at their first preference and were set aside as invalid",
			overvoted, e.Seats))
	}
	if blank > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d ballot(s) marked no continuing candidate", blank))
	}
	return r, nil
}

// firstLevel returns the candidates of ballot i at its lowest preference level, skipping
// withdrawn candidates (so a ballot whose first choice withdrew counts for its next level).
func firstLevel(e *Election, i int) []int {
	cands, values := e.Ballots.Marks(i)
	var first []int
	level := int32(0)
	for k, c := range cands {
		if e.Candidates[c].Withdrawn {
			continue
		}
		switch {
		case len(first) == 0 || values[k] < level:
			first, level = append(first[:0], int(c)), values[k]
		case values[k] == level:
			first = append(first, int(c))
		}
	}
	return first
}

// countApproval counts an approval vote: every candidate marked on a ballot, at any level, is
// approved once. A ranking therefore approves every candidate it ranks (how OpenSTV counts
// ranked ballots as approval). The top seats win.
func countApproval(e *Election, opts Options) (*Result, error) {
	votes := make([]int64, len(e.Candidates))
	var blank int64
	for i := range e.Ballots.Len() {
		w := e.Ballots.Weight(i)
		cands, _ := e.Ballots.Marks(i)
		counted := false
		for _, c := range cands {
			if !e.Candidates[c].Withdrawn {
				votes[c] += w
				counted = true
			}
		}
		if !counted {
			blank += w
		}
	}
	r := topSeats(e, opts, votes, "approvals")
	r.Rounds[0].NonTransferable = Int(blank, 0)
	if blank > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d ballot(s) approved no continuing candidate", blank))
	}
	return r, nil
}

// countCumulative counts a cumulative vote: a mark's Value is the points given to the candidate.
// Negative points are refused by Election.Validate (KindPoints). A ballot that gives more points
// in total than the budget (Options.Points, default Seats) is invalid and set aside; it does not
// stop the count. The budget is checked on
// the ballot as the voter marked it, withdrawn candidates included, because validity is a
// property of the ballot paper; points on withdrawn candidates of a valid ballot are then lost.
func countCumulative(e *Election, opts Options) (*Result, error) {
	budget := int64(opts.Points)
	if budget < 0 {
		return nil, invalidf("cumulative: negative points budget %d", budget)
	}
	if budget == 0 {
		budget = int64(e.Seats)
	}
	votes := make([]int64, len(e.Candidates))
	var invalid, invalidBallots int64
	for i := range e.Ballots.Len() {
		w := e.Ballots.Weight(i)
		cands, values := e.Ballots.Marks(i)
		var total int64
		for _, v := range values {
			total += int64(v)
		}
		if total > budget {
			invalid += w
			invalidBallots++
			continue
		}
		for k, c := range cands {
			if !e.Candidates[c].Withdrawn {
				votes[c] += w * int64(values[k])
			}
		}
	}
	r := topSeats(e, opts, votes, "points")
	r.Rounds[0].NonTransferable = Int(invalid, 0)
	if invalid > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf(
			"%d ballot(s) gave more than %d points in total and were set aside as invalid",
			invalid, budget))
	}
	return r, nil
}

// topSeats builds the single-round result of a method that elects the candidates with the most
// votes. what names the unit in the round's action ("first preferences", "approvals", "points").
func topSeats(e *Election, opts Options, votes []int64, what string) *Result {
	s := seatInOrder(e, opts, orderByVotes(e, votes), 1, "elect")
	round := tallyRound(e, votes, s.elected,
		fmt.Sprintf("Count of %s for %d seat(s); elected by most %s: %s",
			what, e.Seats, what, joinNames(e, s.elected)))
	return &Result{Elected: s.elected, Rounds: []Round{round}, Ties: s.ties, PassedOver: s.passed}
}

// orderByVotes groups the continuing candidates by equal votes, most votes first.
func orderByVotes(e *Election, votes []int64) [][]int {
	var cands []int
	for c := range e.Candidates {
		if !e.Candidates[c].Withdrawn {
			cands = append(cands, c)
		}
	}
	slices.SortStableFunc(cands, func(a, b int) int { return cmp.Compare(votes[b], votes[a]) })
	var order [][]int
	for k, c := range cands {
		if k == 0 || votes[c] != votes[cands[k-1]] {
			order = append(order, nil)
		}
		order[len(order)-1] = append(order[len(order)-1], c)
	}
	return order
}

// seating is the outcome of filling the seats from an order.
type seating struct {
	elected []int
	ties    []Tie
	passed  []PassOver
}

// seatInOrder fills the seats from a social order (groups of equally placed candidates, best
// first). A group that fits in the remaining seats is elected whole, in candidate order, without
// a draw; the seed decides (purpose, e.g. "elect" or "order") only when the order inside a group
// can matter: the group is larger than the seats left, term labels make the order of election
// visible, or an affiliation cap may pass a member over. A candidate over the cap is passed over
// and the next one in the order takes the seat.
func seatInOrder(e *Election, opts Options, order [][]int, round int, purpose string) seating {
	var s seating
	guard := newCapGuard(e, opts)
	tb := NewTieBreaker(e, opts.Seed)
	left := e.Seats
	for _, group := range order {
		g := slices.Clone(group)
		slices.Sort(g)
		draw := len(g) > left || opts.TermLabels != nil || opts.AffiliationCap > 0
		for len(g) > 0 && left > 0 {
			c := g[0]
			if draw && len(g) > 1 {
				var tie Tie
				c, tie = tb.Choose(round, purpose, g)
				s.ties = append(s.ties, tie)
			}
			g = slices.DeleteFunc(g, func(x int) bool { return x == c })
			if !guard.allows(c) {
				s.passed = append(s.passed, guard.passOver(round, c))
				continue
			}
			guard.seat(c)
			s.elected = append(s.elected, c)
			left--
		}
	}
	return s
}

// tallyRound is the single round of a non-transferable count, with integer totals.
func tallyRound(e *Election, votes []int64, elected []int, action string) Round {
	v := make([]Decimal, len(e.Candidates))
	for c := range v {
		v[c] = Int(votes[c], 0)
	}
	return Round{
		Number:   1,
		Kind:     RoundTally,
		Action:   action,
		Subjects: slices.Clone(elected),
		Votes:    v,
		Elected:  slices.Clone(elected),
	}
}
