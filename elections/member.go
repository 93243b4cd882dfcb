package elections

import (
	"context"
	"time"
)

// MemberKind says whether a member is a person or an organisation.
type MemberKind string

// The kinds of member.
const (
	// MemberPerson is an individual member (or a Guardian, a Spec Core Team member, …).
	MemberPerson MemberKind = "person"
	// MemberOrganisation is a member organisation; it acts through its representative.
	MemberOrganisation MemberKind = "organisation"
)

// Standing is whether a member may take part.
type Standing string

// The standings of DESIGN.md §3.
const (
	StandingGood      Standing = "good"
	StandingSuspended Standing = "suspended"
)

// Member is a person or an organisation on the member roll (DESIGN.md §3). It belongs to
// exactly one constituency.
type Member struct {
	// ID is the store's internal id; never shown outside the service.
	ID int64
	// ExternalID is the member's id in the foundation's own records: the key of imports and
	// the id the API shows. 1 to 64 characters of letters, digits and . _ : @ + -.
	ExternalID string
	// Kind is MemberPerson or MemberOrganisation.
	Kind MemberKind
	// Name is the person's or the organisation's name.
	Name string
	// Email is where the member (a person) is reached; optional, lower case.
	Email string
	// Constituency is the key of the member's constituency.
	Constituency string
	// Joined is the first day of the membership.
	Joined Date
	// PaidThrough is the last day the membership is paid for; zero means open-ended.
	PaidThrough Date
	// Standing is good or suspended.
	Standing Standing
	// Representative is an organisation's current designated representative; nil for a
	// person, or for an organisation that has none yet.
	Representative *Representative
	// CreatedAt and UpdatedAt are when the member was first recorded and last changed (UTC).
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ActiveOn reports whether the membership is active on d: joined on or before d, paid
// through d (or open-ended), and in good standing.
func (m *Member) ActiveOn(d Date) bool {
	return m.Standing == StandingGood && !m.Joined.After(d) && (m.PaidThrough.IsZero() || !m.PaidThrough.Before(d))
}

// Representative is the person who acts for a member organisation, from Since until Until
// (zero Until: still the representative). Replacing one keeps the history.
type Representative struct {
	Name  string
	Email string
	// Since is the first day as representative.
	Since Date
	// Until is the day the next representative took over; zero while current.
	Until Date
}

// Donation is one entry of an individual member's donation ledger.
type Donation struct {
	// ID is the store's internal id.
	ID int64
	// ExternalID is the donation's id in the payment records: the key of imports.
	ExternalID string
	// MemberID is the store's id of the donor; MemberExternalID the donor's external id.
	MemberID         int64
	MemberExternalID string
	// Amount is the amount as given, in Currency, as a decimal string (e.g. "50.00").
	Amount string
	// Currency is the ISO 4217 code of Amount.
	Currency string
	// Value is the amount in the charter's currency (equal to Amount when Currency is the
	// charter's; given at import otherwise: govboard converts nothing).
	Value Amount
	// Date is the day of the donation.
	Date Date
	// Source says where it came from, e.g. "stripe", "liberapay"; optional.
	Source string
	// CreatedAt and UpdatedAt are when it was first recorded and last corrected (UTC).
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MemberFilter selects members for ListMembers; zero fields do not filter.
type MemberFilter struct {
	// Constituency keeps the members of this constituency.
	Constituency string
	// After keeps members whose ExternalID sorts after it (the next page).
	After string
	// Limit is the most members returned; the service clamps it to 1..MaxMemberPage.
	Limit int
}

// MaxMemberPage is the most members one ListMembers call returns.
const MaxMemberPage = 1000

// MemberStore keeps the member roll and the donation ledger.
type MemberStore interface {
	// CreateMembers stores new members and sets their IDs; a member's Representative, when
	// set, is stored as its first representative. A taken ExternalID is an ECONFLICT *Error.
	CreateMembers(ctx context.Context, ms []*Member) error
	// UpdateMember stores every field of m but Representative and CreatedAt, by m.ID.
	UpdateMember(ctx context.Context, m *Member) error
	// MembersByExternalID returns the members with these external ids that exist, with their
	// current representative, keyed by external id. Any number of ids.
	MembersByExternalID(ctx context.Context, ids []string) (map[string]*Member, error)
	// ListMembers returns the members f selects ordered by ExternalID, with their current
	// representative.
	ListMembers(ctx context.Context, f MemberFilter) ([]Member, error)
	// CountActiveMembers returns the number of members of a constituency active on d
	// (Member.ActiveOn).
	CountActiveMembers(ctx context.Context, constituency string, d Date) (int, error)
	// AddRepresentative makes r the current representative of member memberID: the current
	// one, if any, gets Until = r.Since.
	AddRepresentative(ctx context.Context, memberID int64, r Representative) error
	// Representatives returns a member's representatives, oldest first.
	Representatives(ctx context.Context, memberID int64) ([]Representative, error)

	// CreateDonations stores new donations and sets their IDs (MemberID must be set).
	CreateDonations(ctx context.Context, ds []*Donation) error
	// UpdateDonation stores the Amount, Currency, Value, Date, Source and UpdatedAt of d, by d.ID.
	UpdateDonation(ctx context.Context, d *Donation) error
	// DonationsByExternalID returns the donations with these external ids that exist, keyed
	// by external id. Any number of ids.
	DonationsByExternalID(ctx context.Context, ids []string) (map[string]*Donation, error)
	// DonationsOf returns a member's donations ordered by Date, then ExternalID.
	DonationsOf(ctx context.Context, memberID int64) ([]Donation, error)
	// DonationTotals sums, per member of a constituency, the Value of donations dated
	// from..to (both included), keyed by member ID; members without donations are absent.
	DonationTotals(ctx context.Context, constituency string, from, to Date) (map[int64]Amount, error)
	// DonationTotal sums the Value of a member's donations dated from..to, both included; a
	// zero bound leaves that end open.
	DonationTotal(ctx context.Context, memberID int64, from, to Date) (Amount, error)
}
