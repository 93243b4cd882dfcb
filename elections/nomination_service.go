package elections

import (
	"context"
	"time"
)

// This file's bodies are placeholders until the nominations helper replaces them.

// NominationInput is a member's nomination of a member of their constituency.
type NominationInput struct {
	// Nominee is the nominated member's external id (the nominator's own for a
	// self-nomination).
	Nominee string
	// Profile is the candidate's profile; DisplayName defaults to the nominee's name (for
	// an organisation, the name of its representative), Affiliation to the organisation's
	// name when an organisation is nominated.
	Profile CandidateProfile
}

// Nominate records actor's nomination in an election (member role, nominations phase). The
// nominator and the nominee must be members of the same constituency with a contest in the
// election, both eligible on the cut-off day; a self-nomination is consented at once.
func (s *Service) Nominate(ctx context.Context, actor Actor, electionID int64, in NominationInput) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Consent records the nominee's consent (nominations phase), optionally with profile changes
// (zero fields keep the current ones).
func (s *Service) Consent(ctx context.Context, actor Actor, nominationID int64, profile CandidateProfile) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Decline records that the nominee refuses the nomination (before voting opens).
func (s *Service) Decline(ctx context.Context, actor Actor, nominationID int64) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// AcceptNomination is an officer's acceptance (consent required; before voting opens).
func (s *Service) AcceptNomination(ctx context.Context, actor Actor, nominationID int64, reason string) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// RejectNomination is an officer's rejection with a required reason (before voting opens).
func (s *Service) RejectNomination(ctx context.Context, actor Actor, nominationID int64, reason string) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// WithdrawNomination is the nominee withdrawing (before voting opens).
func (s *Service) WithdrawNomination(ctx context.Context, actor Actor, nominationID int64) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// NominationFor returns a nomination to an officer or auditor, or to the member who is its
// nominee or nominator (ENOTFOUND for anyone else).
func (s *Service) NominationFor(ctx context.Context, actor Actor, nominationID int64) (*Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// ElectionNominations returns every nomination of an election (officers and auditors).
func (s *Service) ElectionNominations(ctx context.Context, electionID int64) ([]Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Candidates returns the accepted candidates of a contest, by display name, once nominations
// have closed (ECONFLICT naming the phase before).
func (s *Service) Candidates(ctx context.Context, contestID int64) ([]Nomination, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// IssuedCode is one access code as issued: shown once, never stored in clear.
type IssuedCode struct {
	Member         string
	Name           string
	Representative string
	// Email is where to send it: the person's, or the representative's, address ("" when
	// unknown).
	Email     string
	Code      string
	ExpiresAt time.Time
	// Skipped says why no code was issued (e.g. an organisation without representative);
	// Code is then empty.
	Skipped string
}

// MemberSession is who redeemed an access code.
type MemberSession struct {
	Member     *Member
	ElectionID int64
	// Representative names who acts for an organisation; "" for a person.
	Representative string
}

// IssueAccessCodes issues one-time codes for an election: for members (external ids), or for
// every voter on the election's rolls when members is empty. A member's earlier unused codes
// for the election are revoked. Codes expire at expiresAt (default and at most: the end of
// voting). Only hashes are stored; the event records the members, never the codes.
func (s *Service) IssueAccessCodes(ctx context.Context, actor Actor, electionID int64, members []string, expiresAt time.Time) ([]IssuedCode, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// RedeemAccessCode exchanges a code for a member session, once. An unknown, used, revoked or
// expired code gives the same EUNAUTHORIZED error.
func (s *Service) RedeemAccessCode(ctx context.Context, code string) (*MemberSession, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}
