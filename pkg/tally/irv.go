package tally

import (
	"fmt"
	"slices"
)

// irvNote is the rule summary every IRV result carries.
const irvNote = "Instant runoff: the fewest votes excluded one at a time until a candidate has more than " +
	"half of the continuing votes; a ballot is exhausted at its first overvote (equal rankings); " +
	"ties for exclusion go to the most recent earlier round where the tied candidates differed, " +
	"then to the tie-break seed."

// irvCount is the state of one IRV count: each ballot sits on the pile of the candidate it
// counts for, so that an exclusion only reads the excluded candidate's ballots.
type irvCount struct {
	e    *Election
	ties tieRule
	res  *Result

	continuing []bool
	votes      []int64
	exhausted  int64
	history    [][]int64 // votes at the end of each round, for the tie rule

	pos  []int32 // index in the ballot just after the level it currently counts for
	next []int32 // next ballot in the same pile, -1 at the end
	pile []int32 // first ballot counting for each candidate, -1 when none
}

// countIRV counts by instant-runoff voting, which elects one candidate: every ballot counts for
// its highest-ranked continuing candidate, and the candidate with the fewest votes is excluded,
// one at a time, until a candidate holds more than half of the votes of the continuing
// candidates (or is the last one left). Totals are whole ballots.
//
// Ballot rules, as US IRV counts apply them (DESIGN.md §5, conformance README):
//   - a skipped or withdrawn candidate is passed over;
//   - equal rankings are an overvote: when a ballot reaches a level with two or more candidates
//     it is exhausted there (the ballot is "cut at its first overvote"), whether or not those
//     candidates are still continuing;
//   - exhausted ballots are reported as NonTransferable.
//
// A tie for the fewest votes is broken by the votes at the most recent earlier round at which
// the tied candidates had different votes (the lowest there is excluded; with three or more,
// the search goes on among those still tied), and otherwise by the TieBreaker. The last
// continuing candidate is elected whatever their votes: with no ballots at all, the seed
// decides every exclusion.
func countIRV(e *Election, opts Options) (*Result, error) {
	if e.Seats != 1 {
		return nil, invalidf("irv elects exactly one candidate, not %d (use meek or scottish for several seats)", e.Seats)
	}
	n := len(e.Candidates)
	m := &irvCount{
		e: e, ties: tieRule{tb: NewTieBreaker(e, opts.Seed), backward: true, name: "previous-round"}, res: &Result{},
		continuing: make([]bool, n), votes: make([]int64, n),
		pos: make([]int32, e.Ballots.Len()), next: make([]int32, e.Ballots.Len()),
		pile: make([]int32, n),
	}
	for c, cand := range e.Candidates {
		m.continuing[c] = !cand.Withdrawn
		m.pile[c] = -1
	}
	for i := range e.Ballots.Len() {
		m.place(int32(i), 0)
	}
	m.record(RoundFirst, "First preferences", nil)
	for m.winner() < 0 && m.left() > 0 {
		m.excludeLowest()
	}
	m.res.Notes = append(m.res.Notes, irvNote)
	return m.res, nil
}

// place puts ballot i on the pile of the first continuing candidate it ranks from mark k on
// (k is the start of a level), or counts it as exhausted.
func (m *irvCount) place(i int32, k int) {
	cands, values := m.e.Ballots.Marks(int(i))
	for k < len(cands) {
		end := k
		standing := -1
		for ; end < len(cands) && values[end] == values[k]; end++ {
			if c := cands[end]; !m.e.Candidates[c].Withdrawn {
				if standing >= 0 {
					m.exhausted += m.e.Ballots.Weight(int(i)) // overvote
					return
				}
				standing = int(c)
			}
		}
		if standing >= 0 && m.continuing[standing] {
			m.pos[i] = int32(end)
			m.next[i] = m.pile[standing]
			m.pile[standing] = i
			m.votes[standing] += m.e.Ballots.Weight(int(i))
			return
		}
		k = end
	}
	m.exhausted += m.e.Ballots.Weight(int(i))
}

// left returns how many candidates are continuing.
func (m *irvCount) left() int {
	n := 0
	for _, ok := range m.continuing {
		if ok {
			n++
		}
	}
	return n
}

// winner returns the candidate elected by the latest round (recording it), or -1.
func (m *irvCount) winner() int {
	var total int64
	top := -1
	for c, v := range m.votes {
		if m.continuing[c] {
			total += v
			if top < 0 || v > m.votes[top] {
				top = c
			}
		}
	}
	if top < 0 || (2*m.votes[top] <= total && m.left() > 1) {
		return -1
	}
	r := &m.res.Rounds[len(m.res.Rounds)-1]
	r.Elected = []int{top}
	how := "a majority of the continuing votes"
	if m.left() == 1 {
		how = "the last continuing candidate"
	}
	r.Action += fmt.Sprintf("; elected %s (%d of %d continuing votes): %s",
		m.e.Candidates[top].Name, m.votes[top], total, how)
	m.res.Elected = []int{top}
	return top
}

// excludeLowest excludes the continuing candidate with the fewest votes and moves each of
// their ballots to its next continuing preference.
func (m *irvCount) excludeLowest() {
	var tied []int
	for c, v := range m.votes {
		if !m.continuing[c] {
			continue
		}
		if len(tied) > 0 && v < m.votes[tied[0]] {
			tied = tied[:0]
		}
		if len(tied) == 0 || v == m.votes[tied[0]] {
			tied = append(tied, c)
		}
	}
	low, note := m.breakTie(tied)
	lowVotes := m.votes[low]
	m.continuing[low] = false
	m.votes[low] = 0
	for i := m.pile[low]; i >= 0; {
		next := m.next[i]
		m.place(i, int(m.pos[i]))
		i = next
	}
	m.pile[low] = -1
	m.res.Excluded = append(m.res.Excluded, low)
	unit := "votes"
	if lowVotes == 1 {
		unit = "vote"
	}
	action := fmt.Sprintf("Excluded: %s (%d %s, the fewest)%s", m.e.Candidates[low].Name, lowVotes, unit, note)
	m.record(RoundExclusion, action, []int{low})
}

// breakTie picks the candidate to exclude among those tied for the fewest votes: the tie rule
// looks at the rounds before the latest one, most recent first, then the seed decides.
func (m *irvCount) breakTie(tied []int) (int, string) {
	if len(tied) == 1 {
		return tied[0], ""
	}
	round := len(m.res.Rounds) + 1
	c := m.ties.pick(m.history[:len(m.history)-1], tied, false, round, "exclude", m.res)
	tie := m.res.Ties[len(m.res.Ties)-1]
	others := joinNames(m.e, slices.DeleteFunc(slices.Clone(tie.Tied), func(x int) bool { return x == c }))
	if tie.Rule == m.ties.name {
		return c, fmt.Sprintf("; tied with %s, fewest votes at an earlier round", others)
	}
	return c, fmt.Sprintf("; tied with %s at every round, chosen by the tie-break seed", others)
}

func (m *irvCount) record(kind RoundKind, action string, excluded []int) {
	votes := make([]Decimal, len(m.votes))
	for c, v := range m.votes {
		votes[c] = Decimal{Units: v}
	}
	m.history = append(m.history, slices.Clone(m.votes))
	m.res.Rounds = append(m.res.Rounds, Round{
		Number: len(m.res.Rounds) + 1, Kind: kind, Action: action, Subjects: excluded,
		Votes: votes, NonTransferable: Decimal{Units: m.exhausted}, Excluded: excluded,
	})
}
