package tally

import "fmt"

// capGuard enforces Options.AffiliationCap: it counts seats held per affiliation and says
// whether one more candidate of an affiliation may be elected.
type capGuard struct {
	cap int
	// won counts the seats of each affiliation: those held before the count
	// (Options.AffiliationHeld), so that the cap applies across the board, plus those won in it.
	won   map[string]int
	cands []Candidate
}

func newCapGuard(e *Election, opts Options) *capGuard {
	won := make(map[string]int, len(opts.AffiliationHeld))
	for a, n := range opts.AffiliationHeld {
		if a != "" && n > 0 {
			won[a] = n
		}
	}
	return &capGuard{cap: opts.AffiliationCap, won: won, cands: e.Candidates}
}

// allows reports whether candidate c may be elected without exceeding the cap. Candidates
// without an affiliation are never capped.
func (g *capGuard) allows(c int) bool {
	a := g.cands[c].Affiliation
	return g.cap <= 0 || a == "" || g.won[a] < g.cap
}

// seat records that candidate c was elected.
func (g *capGuard) seat(c int) {
	if a := g.cands[c].Affiliation; a != "" {
		g.won[a]++
	}
}

// passOver returns the PassOver record for candidate c at round.
func (g *capGuard) passOver(round, c int) PassOver {
	a := g.cands[c].Affiliation
	return PassOver{Round: round, Candidate: c,
		Reason: fmt.Sprintf("affiliation cap: %d seat(s) already held by %s", g.won[a], a)}
}
