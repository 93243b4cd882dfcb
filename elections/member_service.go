package elections

import "context"

// This file's bodies are placeholders until the members helper replaces them.

// MemberInput is one member as an import row or an API request gives it: text fields,
// checked and converted by the service, so that every problem is reported with its Line.
type MemberInput struct {
	// Line is the row's line in its file (0 for a single API request).
	Line int
	// ExternalID, Kind ("person" or "organisation"), Name and Constituency are required.
	ExternalID   string
	Kind         string
	Name         string
	Email        string
	Constituency string
	// Joined (required) and PaidThrough (optional) are dates YYYY-MM-DD.
	Joined      string
	PaidThrough string
	// Standing is "good" (default when empty) or "suspended".
	Standing string
	// RepresentativeName and RepresentativeEmail designate an organisation's representative;
	// RepresentativeSince (default: today) is when a new one takes over.
	RepresentativeName  string
	RepresentativeEmail string
	RepresentativeSince string
}

// MemberPatch changes some fields of a member; nil fields stay as they are. Values are text,
// as for MemberInput.
type MemberPatch struct {
	Name         *string
	Email        *string
	Constituency *string
	PaidThrough  *string
	Standing     *string
}

// RepresentativeInput designates a new representative of an organisation.
type RepresentativeInput struct {
	Name  string
	Email string
	// Since is a date YYYY-MM-DD; default today.
	Since string
}

// DonationInput is one donation as an import row gives it.
type DonationInput struct {
	Line int
	// ExternalID is the donation's id in the payment records (required, the import key).
	ExternalID string
	// Member is the donor's member external id (required; a person).
	Member string
	// Amount and Currency are the donation as made, e.g. "50.00" "EUR".
	Amount   string
	Currency string
	// Value is the amount in the charter's currency; required when Currency is not the
	// charter's, must be empty or equal to Amount when it is.
	Value string
	// Date is YYYY-MM-DD, not in the future.
	Date string
	// Source is optional, e.g. "stripe".
	Source string
}

// ImportSource describes an imported file for the audit trail.
type ImportSource struct {
	// Name is the file name (or "request").
	Name string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string
	// Format is "csv" or "json".
	Format string
}

// The actions of an ImportChange.
const (
	ImportCreated = "created"
	ImportUpdated = "updated"
)

// ImportResult says what an import changed. Re-importing the same file gives Created and
// Updated 0.
type ImportResult struct {
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	// Changes lists the created and updated rows in file order.
	Changes []ImportChange
}

// ImportChange is one row that changed something.
type ImportChange struct {
	Line       int
	ExternalID string
	Action     string
	// Fields names the fields that changed (for updates), e.g. ["email", "representative"].
	Fields []string
}

// MemberEligibility is whether a member may vote and stand in a constituency on a day.
type MemberEligibility struct {
	Member       string
	Constituency string
	At           Date
	Eligible     bool
	// Reason says why not, e.g. "donations 45.00 USD since 2025-04-20, 60.00 required";
	// empty when eligible.
	Reason string
	// Rule is the constituency's eligibility rule.
	Rule EligibilityRule
	// For EligibleByDonation: the window's first day, the total donated in it, the threshold.
	WindowStart   Date
	DonationTotal Amount
	MinDonation   Amount
}

// ImportMembers creates and updates members from rows, all or nothing: when any row is bad,
// nothing is written and the EINVALID error's Details hold one "line N: …" problem per bad
// row. External ids are the key; a row equal to the stored member changes nothing.
func (s *Service) ImportMembers(ctx context.Context, actor Actor, rows []MemberInput, src ImportSource) (*ImportResult, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// CreateMember adds one member (ECONFLICT when the external id is taken).
func (s *Service) CreateMember(ctx context.Context, actor Actor, in MemberInput) (*Member, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// UpdateMember changes some fields of a member.
func (s *Service) UpdateMember(ctx context.Context, actor Actor, externalID string, p MemberPatch) (*Member, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// ReplaceRepresentative designates a new representative of a member organisation; the old
// one stays in the history.
func (s *Service) ReplaceRepresentative(ctx context.Context, actor Actor, externalID string, in RepresentativeInput) (*Member, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Member returns a member by external id (ENOTFOUND when there is none).
func (s *Service) Member(ctx context.Context, externalID string) (*Member, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// ListMembers returns a page of members ordered by external id.
func (s *Service) ListMembers(ctx context.Context, f MemberFilter) ([]Member, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Representatives returns the representatives of a member organisation, oldest first.
func (s *Service) Representatives(ctx context.Context, externalID string) ([]Representative, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// ImportDonations creates and corrects donations from rows, all or nothing, like
// ImportMembers. Donors must be members already.
func (s *Service) ImportDonations(ctx context.Context, actor Actor, rows []DonationInput, src ImportSource) (*ImportResult, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Donations returns a member's donations by date.
func (s *Service) Donations(ctx context.Context, externalID string) ([]Donation, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Eligibility tells whether a member may vote and stand in constituency (the member's own
// when empty) on at, under the charter in force on at, and why not.
func (s *Service) Eligibility(ctx context.Context, externalID, constituency string, at Date) (*MemberEligibility, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}
