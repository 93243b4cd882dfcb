package elections

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// The kinds of Actor.
const (
	// ActorUser is a signed-in officer, auditor or admin account.
	ActorUser = "user"
	// ActorMember is a member signed in with an access code.
	ActorMember = "member"
	// ActorCLI is an operator at the govboard command line on the server.
	ActorCLI = "cli"
	// ActorSystem is the service acting on its own (scheduled jobs).
	ActorSystem = "system"
)

// Actor is who performs an action: a signed-in account, a member, the command line or the
// service itself. It is recorded in the audit trail with every change.
type Actor struct {
	// Kind is one of ActorUser, ActorMember, ActorCLI or ActorSystem.
	Kind string
	// ID is the account id for ActorUser; 0 otherwise. Members are never named in events
	// that could link them to a ballot.
	ID int64
	// Role is the role the actor acts in.
	Role Role
	// Member is the member's external id for ActorMember (from the access-code token), and
	// Election the election the token was issued for.
	Member   string
	Election int64
}

// MemberActor returns a member signed in with an access code for an election.
func MemberActor(member string, election int64) Actor {
	return Actor{Kind: ActorMember, Role: RoleMember, Member: member, Election: election}
}

// SystemActor returns the service acting on its own (scheduled jobs).
func SystemActor() Actor { return Actor{Kind: ActorSystem} }

// CLIActor returns an operator using the govboard command on the server.
func CLIActor() Actor { return Actor{Kind: ActorCLI} }

// String names the actor in the audit trail, e.g. "user:3", "cli".
func (a Actor) String() string {
	if a.Kind == ActorUser {
		return ActorUser + ":" + strconv.FormatInt(a.ID, 10)
	}
	return a.Kind
}

// Event is one entry of the append-only audit trail: what changed, when, by whom.
type Event struct {
	// ID orders the trail; it is assigned by the store when the event is appended.
	ID int64
	// At is when the change happened, in UTC.
	At time.Time
	// Actor names who made the change (Actor.String).
	Actor string
	// Kind says what changed, e.g. EventAccountCreated.
	Kind string
	// Election is the election the change belongs to; 0 for changes outside any election
	// (board, members, accounts).
	Election int64
	// Payload holds the details as JSON; never a password, a code or a voter's choice.
	Payload json.RawMessage
	// PrevHash is the Hash of the entry before this one ("" for the first); Hash is this
	// entry's ChainHash. The store sets both when it appends the entry.
	PrevHash string
	Hash     string
}

// Event kinds recorded so far.
const (
	EventAccountCreated = "account.created"

	EventCharterApplied             = "charter.applied"
	EventTermRecorded               = "seat.term_recorded"
	EventSeatVacated                = "seat.vacated"
	EventSeatRepresentativeReplaced = "seat.representative_replaced"
	EventMemberCreated              = "member.created"
	EventMemberUpdated              = "member.updated"
	EventRepresentativeReplaced     = "member.representative_replaced"
	EventMembersImported            = "members.imported"
	EventDonationRecorded           = "donation.recorded"
	EventDonationCorrected          = "donation.corrected"
	EventDonationsImported          = "donations.imported"

	EventElectionCreated         = "election.created"
	EventScheduleChanged         = "election.schedule_changed"
	EventContestChanged          = "contest.changed"
	EventNominationCreated       = "nomination.created"
	EventNominationConsented     = "nomination.consented"
	EventNominationDeclined      = "nomination.declined"
	EventNominationAccepted      = "nomination.accepted"
	EventNominationRejected      = "nomination.rejected"
	EventNominationWithdrawn     = "nomination.withdrawn"
	EventNominationProfileEdited = "nomination.profile_edited"
	EventRollFrozen              = "roll.frozen"
	EventRollEntryAdded          = "roll.entry_added"
	EventAccessCodesIssued       = "access_codes.issued"
)

// Names for Store.Lock.
const (
	LockBoard   = "board"
	LockMembers = "members"
	// LockElections serialises election, contest, nomination and roll changes.
	LockElections = "elections"
)

// EventFilter selects audit events; zero fields do not filter.
type EventFilter struct {
	// Kind keeps only events of this kind.
	Kind string
	// Election keeps only events of this election.
	Election int64
	// Accounts keeps only events whose actor is an account ("user:<id>") or the command
	// line ("cli"): the actions of people, not of members voting or of the service itself.
	Accounts bool
	// AfterID keeps only events with a larger ID (the next page starts after the last seen).
	AfterID int64
	// Limit is the most events returned; ListEvents clamps it to 1..MaxEventPage.
	Limit int
}

// EventStore keeps the audit trail. Nothing in it is ever updated or deleted.
type EventStore interface {
	// AppendEvent appends e to the audit chain and sets its ID, PrevHash and Hash: at once
	// outside a transaction, when the transaction commits inside one (the store appends a
	// transaction's events last, one appender at a time, so that the chain never forks).
	AppendEvent(ctx context.Context, e *Event) error
	// AppendEvents appends events in order, as AppendEvent does.
	AppendEvents(ctx context.Context, es []*Event) error
	// ListEvents returns the events that f selects, in ID order, at most f.Limit of them.
	ListEvents(ctx context.Context, f EventFilter) ([]Event, error)
	// AuditChain calls fn with every event whose ID is above afterID, in ID order, with its
	// hashes, reading in pages; an error from fn stops it and is returned.
	AuditChain(ctx context.Context, afterID int64, fn func(e *Event) error) error
	// AuditHead returns the last entry's link; the zero ChainLink when the log is empty.
	AuditHead(ctx context.Context) (ChainLink, error)
}

// newEvent builds an event of an election (0 for none) with its payload encoded as JSON.
func newEvent(at time.Time, actor Actor, election int64, kind string, payload any) (*Event, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &Event{At: at, Actor: actor.String(), Kind: kind, Election: election, Payload: b}, nil
}

// MaxEventPage is the most events one ListEvents call returns.
const MaxEventPage = 500

// ListEvents returns audit events in the order they were recorded.
func (s *Service) ListEvents(ctx context.Context, f EventFilter) ([]Event, error) {
	if f.Limit <= 0 || f.Limit > MaxEventPage {
		f.Limit = MaxEventPage
	}
	if f.AfterID < 0 {
		return nil, Errorf(EINVALID, "after must not be negative")
	}
	if f.Election < 0 {
		return nil, Errorf(EINVALID, "election must not be negative")
	}
	return s.store.ListEvents(ctx, f)
}

// record appends one event to the audit trail through tx: every change of the board, the roll
// and the ledger goes through record or recordAll, in the transaction of the change, so that
// the audit chain sees exactly what was committed. election is the election the change
// belongs to, 0 for the board, members, donations and accounts.
func record(ctx context.Context, tx Store, at time.Time, actor Actor, election int64, kind string, payload any) error {
	e, err := newEvent(at, actor, election, kind, payload)
	if err != nil {
		return err
	}
	return tx.AppendEvent(ctx, e)
}

// pendingEvent is an event waiting for recordAll.
type pendingEvent struct {
	Kind    string
	Payload any
}

// recordAll appends many events of one actor, time and election (0 for none), in order, in
// batches.
func recordAll(ctx context.Context, tx Store, at time.Time, actor Actor, election int64, pending []pendingEvent) error {
	es := make([]*Event, 0, len(pending))
	for _, p := range pending {
		e, err := newEvent(at, actor, election, p.Kind, p.Payload)
		if err != nil {
			return err
		}
		es = append(es, e)
	}
	if len(es) == 0 {
		return nil
	}
	return tx.AppendEvents(ctx, es)
}

// canVerifyAudit reports whether actor may check the audit chain: an officer, auditor or
// admin account, or the operator at the command line.
func canVerifyAudit(actor Actor) bool {
	if actor.Kind == ActorCLI {
		return true
	}
	return actor.Kind == ActorUser && isAccountRole(actor.Role)
}

// VerifyAuditChain recomputes the hash of every audit entry, in order, and checks each link to
// the entry before it (officers, auditors and admins). The report's Broken is the first entry
// where the chain does not hold: an entry changed, removed or inserted after it was appended.
func (s *Service) VerifyAuditChain(ctx context.Context, actor Actor) (*ChainReport, error) {
	if !canVerifyAudit(actor) {
		return nil, Errorf(EFORBIDDEN, "only officers, auditors and admins can verify the audit log")
	}
	var c ChainChecker
	err := s.store.AuditChain(ctx, 0, func(e *Event) error {
		c.Add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.Report(), nil
}
