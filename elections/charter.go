package elections

import (
	"context"
	"time"
)

// Seating says how a constituency's seats are filled.
type Seating string

// The kinds of Seating.
const (
	// SeatingElected seats are filled by the constituency's election.
	SeatingElected Seating = "elected"
	// SeatingExOfficio seats go with an office (the Managing Director) and are never elected.
	SeatingExOfficio Seating = "ex_officio"
	// SeatingAppointed seats are filled by appointment, recorded by an officer.
	SeatingAppointed Seating = "appointed"
)

// UncontestedPolicy says what happens to a contest with no more candidates than seats.
type UncontestedPolicy string

// The uncontested policies of DESIGN.md §2.
const (
	// Acclamation seats the candidates without a vote.
	Acclamation UncontestedPolicy = "acclamation"
	// ConfidenceVote puts each candidate to a yes/no vote.
	ConfidenceVote UncontestedPolicy = "confidence"
)

// EligibilityRule names how a member qualifies to vote and stand in a constituency.
type EligibilityRule string

// The eligibility rules of DESIGN.md §3.
const (
	// EligibleByMembership: an active membership in good standing on the cut-off date.
	EligibleByMembership EligibilityRule = "membership"
	// EligibleByDonation: an active membership and donations of at least MinDonation from
	// WindowStart of the year before the cut-off up to the cut-off (Matrix: 60 USD since
	// 20 April of the previous year).
	EligibleByDonation EligibilityRule = "donation"
)

// Affiliation cap scopes.
const (
	// CapBoard counts the seats held by people of one organisation across the whole board.
	CapBoard = "board"
	// CapContest counts them within one contest only.
	CapContest = "contest"
)

// Charter is one version of the board's definition (DESIGN.md §2). Versions are never changed:
// a new version, in force from its EffectiveFrom, is applied instead, and an election keeps
// the version that was in force when it was created.
type Charter struct {
	// Version numbers the charters 1, 2, …; assigned when the charter is applied.
	Version int
	// EffectiveFrom is the first day this version is in force; each version's is later than
	// the previous one's.
	EffectiveFrom Date
	// Name is the board's name, e.g. "The Matrix.org Foundation Governing Board".
	Name string
	// Currency is the ISO 4217 code that donations and thresholds are counted in, e.g. "USD".
	Currency string
	// TermYears is the normal length of a term (2 for staggered two-year terms).
	TermYears int
	// FirstElection is the year of the bootstrap election, in which every elected
	// constituency is up and those of the other cohorts get shorter terms.
	FirstElection int
	// Rules are the optional rules, off unless set.
	Rules CharterRules
	// Constituencies are the board's constituencies in the order the charter lists them.
	Constituencies []Constituency
	// AppliedAt is when this version was applied, in UTC.
	AppliedAt time.Time
	// Fingerprint is the SHA-256 (hex) of the charter's canonical content (everything but
	// Version, AppliedAt and Fingerprint); applying the same content again changes nothing.
	Fingerprint string
}

// CharterRules are the optional rules of DESIGN.md §2 rule 6.
type CharterRules struct {
	// OneConstituencyPerNominee: a person stands in at most one constituency per election
	// (Matrix ToR §2.4.1). On by default.
	OneConstituencyPerNominee bool
	// AffiliationCap limits the seats held by people of one organisation; nil: no cap.
	AffiliationCap *AffiliationCap
	// TermLimit limits consecutive terms; nil: no limit.
	TermLimit *TermLimit
	// Quorum is the minimum turnout of every contest, unless its constituency sets its own;
	// nil: none.
	Quorum *Quorum
	// RollAdditionsAfterFreeze allows officers to add voters to a frozen roll (logged).
	RollAdditionsAfterFreeze bool
	// RunoffOnTie sends a count whose outcome was decided by the tie-break seed to a runoff
	// round among the tied candidates, instead of letting the seed decide; off by default.
	RunoffOnTie bool
}

// AffiliationCap is "at most Max seats held by people of one organisation".
type AffiliationCap struct {
	// Max is the most seats (≥ 1).
	Max int
	// Scope is CapBoard or CapContest.
	Scope string
}

// TermLimit is "at most MaxConsecutiveTerms consecutive terms, then a gap".
type TermLimit struct {
	// MaxConsecutiveTerms is ≥ 1.
	MaxConsecutiveTerms int
}

// Quorum is a minimum turnout; a contest below it is void.
type Quorum struct {
	// MinTurnoutPercent is the share of the roll, 1 to 100, that must vote.
	MinTurnoutPercent int
}

// Constituency is one part of the board with its own seats (DESIGN.md §2 rule 2).
type Constituency struct {
	// Key names the constituency in the API and files: lower case letters, digits and
	// hyphens, e.g. "individual".
	Key string
	// Name is the display name, e.g. "Individual Members".
	Name string
	// Category groups constituencies, e.g. "Community", "Funder", "Foundation".
	Category string
	// Seats is the number of seats, or the most seats when MembersPerSeat is set.
	Seats int
	// MembersPerSeat, when > 0, makes the seat count a ratio: one seat per MembersPerSeat
	// active members (rounded up), at most Seats, evaluated on each election's cut-off date.
	MembersPerSeat int
	// Seating says how the seats are filled.
	Seating Seating
	// Cohort says in which years the seats are elected: the years y with
	// y % TermYears == Cohort (with two-year terms, 0 is even years and 1 odd years).
	// Only for elected constituencies.
	Cohort int
	// Method is the default counting method (a pkg/tally method name). Only for elected
	// constituencies.
	Method string
	// Uncontested is the policy when candidates ≤ seats. Only for elected constituencies.
	Uncontested UncontestedPolicy
	// Eligibility is who may vote and stand. Only for elected constituencies.
	Eligibility Eligibility
	// Quorum overrides the charter's quorum for this constituency; nil: the charter's.
	Quorum *Quorum
}

// Eligibility is a constituency's eligibility rule with its parameters.
type Eligibility struct {
	// Rule is EligibleByMembership or EligibleByDonation.
	Rule EligibilityRule
	// MinDonation is the donation threshold of EligibleByDonation, in the charter currency.
	MinDonation Amount
	// WindowStart is the day of the year before the cut-off from which donations count
	// (EligibleByDonation).
	WindowStart MonthDay
}

// CharterStore keeps the charter versions. Versions are never updated or deleted.
type CharterStore interface {
	// CreateCharter stores c as a new version: it sets c.Version to the next number.
	CreateCharter(ctx context.Context, c *Charter) error
	// Charters returns every version, oldest first (an empty slice when there is none).
	Charters(ctx context.Context) ([]Charter, error)
}
