package elections

import (
	"context"
	"time"
)

// NominationStatus is where a nomination stands.
type NominationStatus string

// The nomination statuses. A nomination counts (its nominee is a candidate) only when
// accepted, which needs the nominee's consent first.
const (
	NominationAwaitingConsent NominationStatus = "awaiting_consent"
	NominationConsented       NominationStatus = "consented" // awaiting an officer's review
	NominationAccepted        NominationStatus = "accepted"
	NominationRejected        NominationStatus = "rejected"
	NominationDeclined        NominationStatus = "declined"  // the nominee refused consent
	NominationWithdrawn       NominationStatus = "withdrawn" // the candidate withdrew
)

// Active reports whether the nomination still stands (not rejected, declined or withdrawn).
func (s NominationStatus) Active() bool {
	return s == NominationAwaitingConsent || s == NominationConsented || s == NominationAccepted
}

// CandidateProfile is what voters see of a candidate (DESIGN.md §4).
type CandidateProfile struct {
	// DisplayName is the candidate's name as shown on the ballot (required).
	DisplayName string
	Pronouns    string
	// Affiliation is the organisation the candidate stands for; required when an
	// organisation nominated them.
	Affiliation string
	// Bio is a short biography (at most 500 characters).
	Bio string
	// Statement is the candidate's statement (at most 5,000 characters).
	Statement string
	// Link is an optional https:// or http:// URL.
	Link string
}

// Nomination is one member nominated in a contest by a member of the same constituency.
type Nomination struct {
	// ID identifies the nomination in the API.
	ID         int64
	ElectionID int64
	ContestID  int64
	// Constituency is the contest's constituency.
	Constituency string
	// Nominee is the nominated member's external id; NominatedBy the nominator's (equal for a
	// self-nomination).
	Nominee     string
	NominatedBy string
	// PersonKey recognises the person standing across member records, for the rule "one
	// constituency per nominee": the lower-case e-mail address of the person (or of an
	// organisation's representative), else "member:<external id>".
	PersonKey string
	Status    NominationStatus
	Profile   CandidateProfile
	// ReviewReason is the officer's reason for accepting or rejecting; ReviewedBy the actor.
	ReviewReason string
	ReviewedBy   string
	CreatedAt    time.Time
	ConsentedAt  time.Time
	ReviewedAt   time.Time
	WithdrawnAt  time.Time
}

// NominationFilter selects nominations; zero fields do not filter.
type NominationFilter struct {
	ElectionID int64
	ContestID  int64
	Nominee    string
	PersonKey  string
}

// NominationStore keeps nominations.
type NominationStore interface {
	// CreateNomination stores n and sets its ID.
	CreateNomination(ctx context.Context, n *Nomination) error
	// UpdateNomination stores Status, Profile, ReviewReason, ReviewedBy, ConsentedAt,
	// ReviewedAt and WithdrawnAt of n, by n.ID.
	UpdateNomination(ctx context.Context, n *Nomination) error
	// NominationByID returns a nomination (ENOTFOUND when none).
	NominationByID(ctx context.Context, id int64) (*Nomination, error)
	// Nominations returns the nominations f selects, by ID.
	Nominations(ctx context.Context, f NominationFilter) ([]Nomination, error)
}
