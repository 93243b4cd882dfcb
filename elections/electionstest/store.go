package electionstest

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/govboard/govboard/elections"
)

// Store is an in-memory elections.Store for tests of the domain. It is not a second storage
// engine: HTTP and end-to-end tests use pkg/sqlstore on a real database. Tx runs fn on a copy
// and keeps it only when fn succeeds, so rollbacks can be tested too.
type Store struct {
	// txMu is held by Tx for the whole transaction and by CastBallots, so that a batch of
	// ballots cannot slip in between a transaction's copy of the state and its commit (and
	// be lost when the copy replaces the state).
	txMu  sync.Mutex
	mu    sync.Mutex
	state *storeState
}

type storeState struct {
	users  []elections.User
	events []elections.Event
	// board.go
	charters []elections.Charter
	terms    []elections.Term
	// members.go
	members         []elections.Member
	representatives map[int64][]elections.Representative
	donations       []elections.Donation
	// elections.go
	elections electionState
	// nominations.go
	nominations nominationState
	// voting.go
	voting votingState
}

// NewStore returns an empty Store.
func NewStore() *Store { return &Store{state: &storeState{}} }

var _ elections.Store = (*Store)(nil)

func (s *storeState) clone() *storeState {
	reps := make(map[int64][]elections.Representative, len(s.representatives))
	for k, v := range s.representatives {
		reps[k] = slices.Clone(v)
	}
	terms := slices.Clone(s.terms)
	for i := range terms {
		terms[i].Representatives = slices.Clone(terms[i].Representatives)
	}
	return &storeState{
		elections: s.elections.clone(), nominations: s.nominations.clone(), voting: s.voting.clone(),
		users: slices.Clone(s.users), events: slices.Clone(s.events),
		charters: slices.Clone(s.charters), terms: terms,
		members: slices.Clone(s.members), representatives: reps, donations: slices.Clone(s.donations),
	}
}

// Tx runs fn on a copy of the state and keeps the copy only when fn returns nil. Transactions
// (and batches of ballots) run one at a time.
func (s *Store) Tx(ctx context.Context, fn func(tx elections.Store) error) error {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	s.mu.Lock()
	tx := &Store{state: s.state.clone()}
	s.mu.Unlock()
	if err := fn(tx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = tx.state
	return nil
}

// CreateUser stores u with the next ID; a taken address is a conflict.
func (s *Store) CreateUser(_ context.Context, u *elections.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.state.users {
		if o.Email == u.Email {
			return elections.Errorf(elections.ECONFLICT, "an account with address %s exists", u.Email)
		}
	}
	u.ID = int64(len(s.state.users) + 1)
	s.state.users = append(s.state.users, *u)
	return nil
}

// UserByEmail returns the account with that address.
func (s *Store) UserByEmail(_ context.Context, email string) (*elections.User, error) {
	return s.findUser(func(u elections.User) bool { return u.Email == email })
}

// UserByID returns the account with that ID.
func (s *Store) UserByID(_ context.Context, id int64) (*elections.User, error) {
	return s.findUser(func(u elections.User) bool { return u.ID == id })
}

func (s *Store) findUser(match func(elections.User) bool) (*elections.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.IndexFunc(s.state.users, match); i >= 0 {
		u := s.state.users[i]
		return &u, nil
	}
	return nil, elections.Errorf(elections.ENOTFOUND, "no such account")
}

// CountUsers returns the number of accounts.
func (s *Store) CountUsers(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.state.users)), nil
}

// ListUsers returns every account in creation order.
func (s *Store) ListUsers(context.Context) ([]elections.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.users), nil
}

// SetPasswordHash replaces the password hash of account id.
func (s *Store) SetPasswordHash(_ context.Context, id int64, hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.state.users {
		if s.state.users[i].ID == id {
			s.state.users[i].PasswordHash = hash
			return nil
		}
	}
	return elections.Errorf(elections.ENOTFOUND, "no such account")
}

// AppendEvent appends e to the audit chain: it sets its ID, PrevHash and Hash.
func (s *Store) AppendEvent(_ context.Context, e *elections.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appendEventLocked(e)
	return nil
}

// appendEventLocked appends e to the chain; s.mu is held.
func (s *Store) appendEventLocked(e *elections.Event) {
	e.ID, e.PrevHash = 1, ""
	if n := len(s.state.events); n > 0 {
		last := s.state.events[n-1]
		e.ID, e.PrevHash = last.ID+1, last.Hash
	}
	e.Hash = elections.ChainHash(e)
	s.state.events = append(s.state.events, *e)
}

// AppendEvents appends es in order to the audit chain.
func (s *Store) AppendEvents(ctx context.Context, es []*elections.Event) error {
	for _, e := range es {
		if err := s.AppendEvent(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// AuditChain calls fn with every event after afterID, in ID order.
func (s *Store) AuditChain(_ context.Context, afterID int64, fn func(e *elections.Event) error) error {
	s.mu.Lock()
	events := slices.Clone(s.state.events)
	s.mu.Unlock()
	for _, e := range events {
		if e.ID <= afterID {
			continue
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return nil
}

// AuditHead returns the last event's link, the zero ChainLink when there is none.
func (s *Store) AuditHead(context.Context) (elections.ChainLink, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.state.events); n > 0 {
		e := s.state.events[n-1]
		return elections.ChainLink{ID: e.ID, PrevHash: e.PrevHash, Hash: e.Hash}, nil
	}
	return elections.ChainLink{}, nil
}

// TamperEvent replaces the payload of the stored event id, as someone with access to the
// database could, for tests of the chain's verification.
func (s *Store) TamperEvent(id int64, payload string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.state.events {
		if s.state.events[i].ID == id {
			s.state.events[i].Payload = []byte(payload)
		}
	}
}

// Lock does nothing: the in-memory store runs one transaction at a time.
func (s *Store) Lock(context.Context, string) error { return nil }

// ListEvents returns the events f selects, in ID order.
func (s *Store) ListEvents(_ context.Context, f elections.EventFilter) ([]elections.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Event
	for _, e := range s.state.events {
		if e.ID > f.AfterID && (f.Kind == "" || e.Kind == f.Kind) && (f.Election == 0 || e.Election == f.Election) &&
			(!f.Accounts || strings.HasPrefix(e.Actor, "user:") || e.Actor == "cli") && len(out) < f.Limit {
			out = append(out, e)
		}
	}
	return out, nil
}

// Hasher is a fast elections.PasswordHasher for tests that counts its calls, so tests can check
// that every failed login does the same work.
type Hasher struct {
	mu       sync.Mutex
	compares int
	// Version is written into new hashes; hashes of another version need a rehash.
	Version string
}

// Hash returns a reversible stand-in for a hash ("hash<version>:" + password); for tests only.
func (h *Hasher) Hash(password string) (string, error) {
	return "hash" + h.Version + ":" + password, nil
}

// NeedsRehash reports whether hash was made with another Version.
func (h *Hasher) NeedsRehash(hash string) bool {
	return !strings.HasPrefix(hash, "hash"+h.Version+":")
}

// Compare checks password against hash and counts the call.
func (h *Hasher) Compare(hash, password string) error {
	h.mu.Lock()
	h.compares++
	h.mu.Unlock()
	_, pw, _ := strings.Cut(hash, ":")
	if pw != password {
		return elections.Errorf(elections.EUNAUTHORIZED, "mismatch")
	}
	return nil
}

// Compares returns how many times Compare ran.
func (h *Hasher) Compares() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.compares
}
