package tally

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrInvalid is wrapped by every error that is caused by the input (unknown method, bad seats,
// a ballot that names an unknown candidate, …) rather than by the counting itself.
var ErrInvalid = errors.New("invalid count input")

// InputError is an error caused by the input of a count. Its message is "invalid count input:
// " followed by Reason, and it matches ErrInvalid with errors.Is. Readers that report problems
// in their own words (naming a file and line) take Reason rather than editing the message.
type InputError struct {
	// Reason says what is wrong, e.g. "candidate 9 is not in 1..7".
	Reason string
}

// Error returns "invalid count input: " and the reason.
func (e *InputError) Error() string { return ErrInvalid.Error() + ": " + e.Reason }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Unwrap() error { return ErrInvalid }

func invalidf(format string, args ...any) error {
	return &InputError{Reason: fmt.Sprintf(format, args...)}
}

// MaxTotalWeight is the largest total weight of the ballots (the number of voters) that a count
// accepts; Election.Validate and the ballot readers refuse more. Every method computes in int64
// fixed point, the finest being Meek's 9 decimals, so a total vote must fit int64 at 10^9 units
// per vote: 2^32 × 10^9 ≈ 4.3 × 10^18 < 2^63 ≈ 9.2 × 10^18. Without the bound, weights whose sum
// wraps around int64 would give wrong results without any error. 2^32 (about 4.3 billion voters)
// is far above any real electorate.
const MaxTotalWeight = 1 << 32

// BallotKind says what the values of the marks of an election's ballots mean (see Mark). Every
// ballot of an election has the same kind, and each method counts only the kinds it
// understands (see Count), so that, e.g., the preference levels of a ranking are never read as
// cumulative points.
type BallotKind string

// The ballot kinds. The zero value of BallotKind means KindRanking.
const (
	// KindRanking: preference levels, 1 first; equal levels rank equally.
	KindRanking BallotKind = "ranking"
	// KindApproval: every marked candidate is approved (value 1); also plurality ballots.
	KindApproval BallotKind = "approval"
	// KindPoints: the points given to each candidate (cumulative voting), ≥ 0.
	KindPoints BallotKind = "points"
	// KindConfidence: +1 yes, -1 no, 0 abstain (a candidate without a mark abstains).
	KindConfidence BallotKind = "confidence"
)

// orDefault returns k, or KindRanking for the zero value.
func (k BallotKind) orDefault() BallotKind {
	if k == "" {
		return KindRanking
	}
	return k
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
	// Kind is the kind of every ballot; the zero value means KindRanking.
	Kind    BallotKind
	Ballots Ballots
}

// Validate checks that the election can be counted: at least one seat and one candidate,
// unique candidate names, a known Kind, ballots that name only known candidates with values
// that make sense for Kind (see Mark), and a total weight of at most MaxTotalWeight.
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
	return e.Ballots.validate(len(e.Candidates), e.Kind)
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
	// hold; a candidate whose election would exceed it is passed over. Seats already held
	// (AffiliationHeld) count towards it, so that the cap applies across the whole board
	// (DESIGN.md §2 rule 6), not only to the seats of this count.
	AffiliationCap int
	// AffiliationHeld gives, per affiliation, the seats its members already hold on the board
	// outside this count (members whose terms continue). With a cap of 2 and AffiliationHeld
	// {"Org": 1}, at most one candidate of Org can be elected in this count. Values must not be
	// negative; it is ignored without AffiliationCap.
	AffiliationHeld map[string]int
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

// method is a registered counting method and the ballot kinds it counts.
type method struct {
	count Counter
	kinds []BallotKind
}

var (
	ranked   = []BallotKind{KindRanking}
	marked   = []BallotKind{KindRanking, KindApproval}
	points   = []BallotKind{KindPoints}
	yesOrNo  = []BallotKind{KindConfidence}
	allKinds = []BallotKind{KindRanking, KindApproval, KindPoints, KindConfidence}
)

// methods lists every counting method by its DESIGN.md §8 name. Plurality and approval read a
// ranking too (its first level, all its levels); the others need their own kind.
var methods = map[string]method{
	"plurality":   {countPlurality, marked},
	"approval":    {countApproval, marked},
	"cumulative":  {countCumulative, points},
	"confidence":  {countConfidence, yesOrNo},
	"irv":         {countIRV, ranked},
	"meek":        {countMeek, ranked},
	"scottish":    {countScottish, ranked},
	"ers97":       {countERS97, ranked},
	"schulze":     {countSchulze, ranked},
	"rankedpairs": {countRankedPairs, ranked},
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

// Count validates the election and the options and counts the election with the named method.
// It refuses (ErrInvalid) ballots of a kind the method does not count: irv, meek, scottish,
// ers97, schulze and rankedpairs need rankings; plurality and approval take rankings or
// approval ballots; cumulative needs points and confidence needs confidence ballots. An
// election without ballots is of any kind.
func Count(method string, e *Election, opts Options) (*Result, error) {
	m, ok := methods[method]
	if !ok {
		return nil, invalidf("unknown counting method %q (known: %v)", method, Methods())
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if k := e.Kind.orDefault(); e.Ballots.Len() > 0 && !slices.Contains(m.kinds, k) {
		return nil, invalidf("method %s counts %s ballots, not %s ballots", method, kindList(m.kinds), k)
	}
	if err := opts.validate(e); err != nil {
		return nil, err
	}
	r, err := m.count(e, opts)
	if err != nil {
		return nil, err
	}
	r.Method, r.Seats = method, e.Seats
	if opts.TermLabels != nil {
		r.Terms = opts.TermLabels[:len(r.Elected)]
	}
	return r, nil
}

// validate checks the options against the election.
func (o Options) validate(e *Election) error {
	if o.TermLabels != nil && len(o.TermLabels) != e.Seats {
		return invalidf("%d term labels for %d seats", len(o.TermLabels), e.Seats)
	}
	for _, a := range slices.Sorted(maps.Keys(o.AffiliationHeld)) {
		if n := o.AffiliationHeld[a]; n < 0 {
			return invalidf("affiliation %q holds %d seats: a negative number", a, n)
		}
	}
	return nil
}

// kindList names kinds for a message: "ranking or approval".
func kindList(kinds []BallotKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}
