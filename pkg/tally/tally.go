package tally

import (
	"errors"
	"fmt"
	"slices"
)

// ErrInvalid is wrapped by every error that is caused by the input (unknown method, bad seats,
// a ballot that names an unknown candidate, …) rather than by the counting itself.
var ErrInvalid = errors.New("invalid count input")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Candidate is a person standing in the count.
type Candidate struct {
	Name string
	// Withdrawn candidates are skipped on every ballot, as if they were not there.
	Withdrawn bool
	// Affiliation is the organisation the candidate belongs to; used by Options.AffiliationCap.
	Affiliation string
}

// Election is the input of a count: candidates, number of seats and the ballots.
type Election struct {
	Title      string
	Candidates []Candidate
	Seats      int
	Ballots    Ballots
}

// Validate checks that the election can be counted: at least one seat and one candidate,
// unique candidate names, and ballots that name only known candidates.
func (e *Election) Validate() error {
	if e.Seats < 1 {
		return invalidf("seats must be at least 1, got %d", e.Seats)
	}
	if len(e.Candidates) == 0 {
		return invalidf("no candidates")
	}
	seen := make(map[string]bool, len(e.Candidates))
	for _, c := range e.Candidates {
		if c.Name == "" {
			return invalidf("a candidate has no name")
		}
		if seen[c.Name] {
			return invalidf("candidate %q appears twice", c.Name)
		}
		seen[c.Name] = true
	}
	if err := e.Ballots.validate(len(e.Candidates)); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}

// Ratio is an exact fraction Num/Den.
type Ratio struct {
	Num, Den int64
}

// Options tune a count. The zero value is valid: no seed (ties broken with an empty seed), no
// affiliation cap, no term labels, defaults of each method.
type Options struct {
	// Seed is the revealed tie-break seed of the round (DESIGN.md §5).
	Seed []byte
	// AffiliationCap, when positive, is the most seats that candidates of one affiliation may
	// win in this count; a candidate who would exceed it is passed over.
	AffiliationCap int
	// TermLabels, when set, labels each seat (len == Seats); winners in order of election take
	// the labels in order, so full terms are listed first.
	TermLabels []string
	// Points is the budget of a cumulative ballot; 0 means Seats.
	Points int
	// ConfidenceThreshold is the share of yes among yes+no votes that a candidate must exceed
	// in a confidence vote; the zero value means 1/2 (seated when yes > no).
	ConfidenceThreshold Ratio
}

// RoundKind says what happened in a round.
type RoundKind string

// The kinds of round a method reports.
const (
	RoundFirst     RoundKind = "first"     // first count, no transfer yet
	RoundSurplus   RoundKind = "surplus"   // a surplus was transferred
	RoundExclusion RoundKind = "exclusion" // one or more candidates were excluded and their votes transferred
	RoundIteration RoundKind = "iteration" // an iteration of an iterative method (Meek)
	RoundElection  RoundKind = "election"  // remaining candidates were elected without transfer
	RoundTally     RoundKind = "tally"     // the single count of a non-transferable method
)

// Round is one round or stage of a count.
type Round struct {
	Number int
	Kind   RoundKind
	// Action is a human-readable sentence of what the round did, e.g.
	// "Surplus transferred: Avril MACKENZIE (Con) (690.00000)".
	Action string
	// Subjects are the candidates the action applied to (whose surplus, who was excluded).
	Subjects []int
	// Votes holds each candidate's total at the end of the round, indexed like Candidates.
	Votes []Decimal
	// NonTransferable is the total of votes that could not be transferred (exhausted ballots)
	// at the end of the round, as each method's rules report it: Scottish STV counts only
	// exhausted papers (its truncation losses are listed in Result.Notes), ERS97 and Meek include
	// rounding losses, as their count sheets do.
	NonTransferable Decimal
	// Elected and Excluded are the candidates elected or excluded in this round.
	Elected  []int
	Excluded []int
	// Quota is the quota in force in this round (methods whose quota changes, e.g. Meek).
	Quota *Decimal `json:",omitempty"`
}

// Tie records a tie that the method had to break.
type Tie struct {
	Round int
	Tied  []int
	// Rule is how it was broken: "earlier-stage" (Scottish STV), "previous-round",
	// "seed" (the TieBreaker), or a method-specific rule name.
	Rule   string
	Chosen int
	// Purpose says what the choice was for: "exclude", "elect", "surplus", "order".
	Purpose string
}

// PassOver records a candidate passed over by the affiliation cap.
type PassOver struct {
	Round     int
	Candidate int
	Reason    string
}

// ConfidenceCount is the yes/no/abstain tally of one candidate in a confidence vote.
type ConfidenceCount struct {
	Yes, No, Abstain int64
}

// Result is the outcome of a count with everything needed to audit it.
type Result struct {
	Method string
	Seats  int
	// Quota is the quota (of the first round for methods whose quota changes); nil when the
	// method has none.
	Quota    *Decimal
	Elected  []int
	Excluded []int
	// Terms holds the term label of each elected candidate, parallel to Elected, when
	// Options.TermLabels was set.
	Terms  []string
	Rounds []Round
	Ties   []Tie
	// PassedOver lists candidates passed over because of the affiliation cap.
	PassedOver []PassOver
	// Pairwise is the pairwise preference matrix of Condorcet methods: Pairwise[i][j] is the
	// weight of ballots preferring i to j.
	Pairwise [][]int64
	// Order is the full social order of Condorcet methods, best first, with ties grouped.
	Order [][]int
	// Confidence holds per-candidate yes/no/abstain counts of a confidence vote.
	Confidence []ConfidenceCount
	// Notes are further remarks of the method (deferred exclusions, rounding, …).
	Notes []string
}

// Counter is a counting method.
type Counter func(e *Election, opts Options) (*Result, error)

// methods lists every counting method by its DESIGN.md §8 name.
var methods = map[string]Counter{
	"plurality":   countPlurality,
	"approval":    countApproval,
	"cumulative":  countCumulative,
	"confidence":  countConfidence,
	"irv":         countIRV,
	"meek":        countMeek,
	"scottish":    countScottish,
	"ers97":       countERS97,
	"schulze":     countSchulze,
	"rankedpairs": countRankedPairs,
}

// Methods returns the names of all counting methods, sorted.
func Methods() []string {
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Count validates the election and counts it with the named method.
func Count(method string, e *Election, opts Options) (*Result, error) {
	m, ok := methods[method]
	if !ok {
		return nil, invalidf("unknown counting method %q (known: %v)", method, Methods())
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if opts.TermLabels != nil && len(opts.TermLabels) != e.Seats {
		return nil, invalidf("%d term labels for %d seats", len(opts.TermLabels), e.Seats)
	}
	r, err := m(e, opts)
	if err != nil {
		return nil, err
	}
	r.Method, r.Seats = method, e.Seats
	if opts.TermLabels != nil {
		r.Terms = opts.TermLabels[:len(r.Elected)]
	}
	return r, nil
}
