package elections

import (
	"context"
	"time"
)

// AccessCode is a stored one-time member access code: only its hash is kept (DESIGN.md §7).
type AccessCode struct {
	ID         int64
	ElectionID int64
	// Member is the member's external id.
	Member string
	// Hash is the hex SHA-256 of the normalised code (upper case, no separators).
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
	// UsedAt is when it was redeemed; RevokedAt when a newer code replaced it. Zero when not.
	UsedAt    time.Time
	RevokedAt time.Time
}

// AccessCodeStore keeps access codes.
type AccessCodeStore interface {
	// CreateAccessCodes stores codes and sets their IDs.
	CreateAccessCodes(ctx context.Context, codes []*AccessCode) error
	// RevokeAccessCodes marks the unused, unrevoked codes of these members in an election
	// (in every election when electionID is 0) as revoked at at, and returns how many it
	// revoked.
	RevokeAccessCodes(ctx context.Context, electionID int64, members []string, at time.Time) (int, error)
	// AccessCodeByHash returns the code with that hash (ENOTFOUND when none).
	AccessCodeByHash(ctx context.Context, hash string) (*AccessCode, error)
	// UseAccessCode marks code id used at at, only if it is neither used nor revoked, in one
	// atomic statement; it reports whether this call used it (false: someone else did first).
	UseAccessCode(ctx context.Context, id int64, at time.Time) (bool, error)
	// ExtendAccessCodes sets ExpiresAt to to on the codes of an election that are unused,
	// unrevoked, not expired at now (ExpiresAt after now) and would expire before to
	// (ExpiresAt before to), and returns how many it changed. Extending a voting round past
	// the codes' expiry calls it, so that the codes last as long as the voting.
	ExtendAccessCodes(ctx context.Context, electionID int64, now, to time.Time) (int, error)
}
