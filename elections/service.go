package elections

import (
	"context"
	"unicode/utf8"
)

// Store is everything the domain needs from storage.
type Store interface {
	UserStore
	EventStore
	CharterStore
	MemberStore
	BoardStore
	ElectionStore
	NominationStore
	AccessCodeStore
	VotingStore
	// Lock serialises writers: inside a transaction, it waits until no other transaction holds
	// the lock of that name and holds it until the transaction ends (an advisory lock on
	// PostgreSQL; SQLite transactions already hold the database's write lock). The domain takes
	// LockBoard before checking and changing terms or the charter, LockMembers before the roll.
	Lock(ctx context.Context, name string) error
	// Tx runs fn in one transaction: fn's changes are all committed or, when fn returns an
	// error, none are. The Store passed to fn works inside the transaction.
	Tx(ctx context.Context, fn func(tx Store) error) error
}

// Service holds the use cases of govboard.
type Service struct {
	store  Store
	clock  Clock
	hasher PasswordHasher
	// dummyHash is compared against when an e-mail is unknown, so that unknown addresses and
	// wrong passwords take the same time.
	dummyHash string
	// ballots caches what casting a ballot reads that never changes (ballot_service.go).
	ballots ballotCache
	// casts is the group commit of ballots (castqueue.go), started by the first cast.
	casts castQueue
}

// NewService returns a Service on the given store, clock and password hasher.
func NewService(store Store, clock Clock, hasher PasswordHasher) (*Service, error) {
	if clock == nil {
		clock = SystemClock{}
	}
	h, err := hasher.Hash("govboard-dummy-password-for-timing")
	if err != nil {
		return nil, err
	}
	return &Service{store: store, clock: clock, hasher: hasher, dummyHash: h}, nil
}

// Close stops the service's background work: the group commit of ballots ends, casts still
// queued fail, and later casts are refused. A cast being committed finishes first.
func (s *Service) Close() { s.casts.close() }

// Clock returns the service's clock.
func (s *Service) Clock() Clock { return s.clock }

// AddUser creates an officer, auditor or admin account.
// The creation is recorded in the audit trail in the same transaction.
func (s *Service) AddUser(ctx context.Context, actor Actor, email string, role Role, password string) (*User, error) {
	var problems []string
	email, err := NormalizeEmail(email)
	if err != nil {
		problems = append(problems, ErrorMessage(err))
	}
	if !isAccountRole(role) {
		problems = append(problems, "role must be officer, auditor or admin (members sign in with access codes)")
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		problems = append(problems, "password must have at least 12 characters")
	}
	if len(password) > 72 {
		problems = append(problems, "password must have at most 72 bytes")
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	u := &User{Email: email, Role: role, PasswordHash: hash, CreatedAt: now}
	err = s.store.Tx(ctx, func(tx Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		ev, err := newEvent(now, actor, 0, EventAccountCreated,
			map[string]any{"user_id": u.ID, "email": u.Email, "role": u.Role})
		if err != nil {
			return err
		}
		return tx.AppendEvent(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// badLogin returns the one error of a failed login, whatever the reason, so that a caller
// cannot tell an unknown address from a wrong password.
func badLogin() *Error { return Errorf(EUNAUTHORIZED, "wrong e-mail address or password") }

// Authenticate checks an e-mail address and password and returns the account. An unknown
// address and a wrong password give the same error after the same work.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		_ = s.hasher.Compare(s.dummyHash, password)
		return nil, badLogin()
	}
	u, err := s.store.UserByEmail(ctx, norm)
	if ErrorCode(err) == ENOTFOUND {
		_ = s.hasher.Compare(s.dummyHash, password)
		return nil, badLogin()
	}
	if err != nil {
		return nil, err
	}
	if err := s.hasher.Compare(u.PasswordHash, password); err != nil {
		return nil, badLogin()
	}
	if s.hasher.NeedsRehash(u.PasswordHash) {
		// Re-hash with today's parameters, so that a raised cost reaches every account and
		// old hashes do not verify measurably faster than the dummy compared for unknown
		// addresses. A failure here does not fail the login; the next login tries again.
		if h, err := s.hasher.Hash(password); err == nil && s.store.SetPasswordHash(ctx, u.ID, h) == nil {
			u.PasswordHash = h
		}
	}
	return u, nil
}

// ListUsers returns all accounts, oldest first.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	return s.store.ListUsers(ctx)
}

// UserByID returns an account.
func (s *Service) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.store.UserByID(ctx, id)
}

// HasUsers reports whether any account exists (serve uses it to tell how to create the first).
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return false, err
	}
	return n > 0, nil
}
