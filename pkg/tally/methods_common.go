package tally

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// This file holds what several counting methods share: candidate names in action sentences,
// the tie rules that look back at earlier rounds, and the end of an STV count.

// joinNames lists candidates by name for an action sentence, "none" when there are none.
func joinNames(e *Election, cands []int) string {
	if len(cands) == 0 {
		return "none"
	}
	names := make([]string, len(cands))
	for k, c := range cands {
		names[k] = e.Candidates[c].Name
	}
	return strings.Join(names, ", ")
}

// extremes returns the candidates among cands with the lowest (or, with highest, the largest)
// value in votes, in the order of cands.
func extremes(votes []int64, cands []int, highest bool) []int {
	var out []int
	for _, c := range cands {
		switch {
		case len(out) == 0:
			out = append(out, c)
		case votes[c] == votes[out[0]]:
			out = append(out, c)
		case (highest && votes[c] > votes[out[0]]) || (!highest && votes[c] < votes[out[0]]):
			out = append(out[:0], c)
		}
	}
	return out
}

// narrowByHistory breaks a tie among tied candidates by their votes at earlier rounds:
// history[r][c] is candidate c's vote at the end of round r. Rounds are visited newest first
// when backward is set (Scottish STV: "the most recent preceding stage at which they had
// unequal votes"; IRV), oldest first otherwise (ERS97: "the first stage or the earliest
// point"). At each round where the still-tied candidates differ, only those with the lowest
// (or, with highest, the largest) vote stay tied. It returns the candidates still tied at the
// end: one when the history decided.
func narrowByHistory(history [][]int64, tied []int, highest, backward bool) []int {
	tied = slices.Clone(tied)
	for k := range history {
		r := k
		if backward {
			r = len(history) - 1 - k
		}
		h := history[r]
		best := h[tied[0]]
		for _, c := range tied[1:] {
			if (highest && h[c] > best) || (!highest && h[c] < best) {
				best = h[c]
			}
		}
		tied = slices.DeleteFunc(tied, func(c int) bool { return h[c] != best })
		if len(tied) == 1 {
			break
		}
	}
	return tied
}

// tieRule breaks the ties of a count: first by the votes of earlier rounds, as the method's
// rules say (none for Meek: a nil history), then by the seed.
type tieRule struct {
	tb       TieBreaker
	backward bool   // look at the most recent earlier round first (Scottish, IRV) or the first (ERS97)
	name     string // Tie.Rule recorded when the history decides
}

// pick chooses one of tied (lowest or highest vote) for purpose at round, recording the tie.
func (t tieRule) pick(history [][]int64, tied []int, highest bool, round int, purpose string, res *Result) int {
	if len(tied) == 1 {
		return tied[0]
	}
	left := narrowByHistory(history, tied, highest, t.backward)
	if len(left) == 1 {
		sorted := slices.Sorted(slices.Values(tied))
		res.Ties = append(res.Ties, Tie{Round: round, Tied: sorted, Rule: t.name, Chosen: left[0], Purpose: purpose})
		return left[0]
	}
	c, tie := t.tb.Choose(round, purpose, left)
	res.Ties = append(res.Ties, tie)
	return c
}

// order sorts cands by decreasing vote; candidates with equal votes are put in order by pick
// (purpose "order", one Tie for each place decided), so that the order of election, which
// decides who takes the full terms, and the order of the last exclusions are never left to
// chance silently.
func (t tieRule) order(history [][]int64, votes []int64, cands []int, round int, res *Result) []int {
	cands = slices.Clone(cands)
	slices.SortStableFunc(cands, func(a, b int) int { return cmp.Compare(votes[b], votes[a]) })
	out := make([]int, 0, len(cands))
	for len(cands) > 0 {
		same := extremes(votes, cands, true)
		c := t.pick(history, same, true, round, "order", res)
		out = append(out, c)
		cands = slices.DeleteFunc(cands, func(x int) bool { return x == c })
	}
	return out
}

// trial returns a copy of g that can seat candidates without changing g, to try out an order
// of election.
func (g *capGuard) trial() *capGuard {
	t := *g
	t.won = maps.Clone(g.won)
	return &t
}

// capFilter goes through cands in order of election as if each allowed one were elected, and
// splits them into those the affiliation cap lets take a seat and those it refuses.
func capFilter(g *capGuard, cands []int) (ok, refused []int) {
	t := g.trial()
	for _, c := range cands {
		if t.allows(c) {
			t.seat(c)
			ok = append(ok, c)
		} else {
			refused = append(refused, c)
		}
	}
	return ok, refused
}

// stvCanStop reports whether an STV count is over, the continuing candidates taking the seats
// left without any further transfer, whatever their votes: every seat is filled, or the
// continuing candidates are no more than the seats left (Scottish rule 52, ERS97 5.2.7: "when
// the number of continuing candidates equals the number of vacancies remaining, they are
// elected"; Meek likewise). With an affiliation cap, a continuing candidate whose affiliation
// already holds all its seats can never be elected, so they do not keep the count going (else
// they could outlast an eligible candidate and leave a seat empty); candidates of one
// affiliation who cannot all be seated together still compete with each other, so the count
// goes on until they can.
func stvCanStop(g *capGuard, hopeful []int, seatsLeft int) bool {
	if seatsLeft <= 0 {
		return true
	}
	var eligible []int
	for _, c := range hopeful {
		if g.allows(c) {
			eligible = append(eligible, c)
		}
	}
	ok, refused := capFilter(g, eligible)
	return len(refused) == 0 && len(ok) <= seatsLeft
}

// stvFinish ends an STV count that stvCanStop stopped. ranked holds the continuing candidates,
// most votes first, equal votes put in order by the method's tie rule. While seats are left,
// each is elected or, when the affiliation cap refuses them, passed over; once the seats are
// filled, the others are excluded, fewest votes first. elect must seat the candidate in g.
func stvFinish(ranked []int, seatsLeft int, g *capGuard, elect, passOver, exclude func(int)) {
	var rest []int
	for _, c := range ranked {
		switch {
		case seatsLeft <= 0:
			rest = append(rest, c)
		case g.allows(c):
			elect(c)
			seatsLeft--
		default:
			passOver(c)
		}
	}
	slices.Reverse(rest)
	for _, c := range rest {
		exclude(c)
	}
}
