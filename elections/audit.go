package elections

import (
	"context"
	"encoding/json"
	"time"
)

// Actor is who performs an action: a signed-in account, a member, the command line or the
// service itself. It is recorded in the audit trail with every change.
type Actor struct {
	// Kind is "user" (an officer, auditor or admin account), "member", "cli" (an operator at the
	// command line) or "system" (a background job).
	Kind string
	// ID is the account id for kind "user"; 0 otherwise. Members are never named in events
	// that could link them to a ballot.
	ID   int64
	Role Role
}

// SystemActor is the service acting on its own (scheduled jobs).
var SystemActor = Actor{Kind: "system"}

// CLIActor is an operator using the govboard command on the server.
var CLIActor = Actor{Kind: "cli"}

// String names the actor in the audit trail, e.g. "user:3", "cli".
func (a Actor) String() string {
	if a.Kind == "user" {
		return "user:" + itoa(a.ID)
	}
	return a.Kind
}

// Event is one entry of the append-only audit trail: what changed, when, by whom.
type Event struct {
	ID      int64
	At      time.Time
	Actor   string
	Kind    string
	Payload json.RawMessage
}

// Event kinds recorded so far.
const (
	EventAccountCreated = "account.created"
)

// EventFilter selects audit events; zero fields do not filter.
type EventFilter struct {
	Kind    string
	AfterID int64
	Limit   int
}

// EventStore keeps the audit trail. Nothing in it is ever updated or deleted.
type EventStore interface {
	AppendEvent(ctx context.Context, e *Event) error
	ListEvents(ctx context.Context, f EventFilter) ([]Event, error)
}

// newEvent builds an event with its payload encoded as JSON.
func newEvent(at time.Time, actor Actor, kind string, payload any) (*Event, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &Event{At: at, Actor: actor.String(), Kind: kind, Payload: b}, nil
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
	return s.store.ListEvents(ctx, f)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
