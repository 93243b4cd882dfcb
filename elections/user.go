package elections

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is what a caller may do.
type Role string

// The roles of DESIGN.md §1.
const (
	RoleMember  Role = "member"
	RoleOfficer Role = "officer"
	RoleAuditor Role = "auditor"
	RoleAdmin   Role = "admin"
)

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleMember, RoleOfficer, RoleAuditor, RoleAdmin:
		return r, nil
	}
	return "", Errorf(EINVALID, "unknown role %q (member, officer, auditor or admin)", s)
}

// accountRoles are the roles a password account may have; members sign in with access codes.
func isAccountRole(r Role) bool {
	return r == RoleOfficer || r == RoleAuditor || r == RoleAdmin
}

// User is a password account of an officer, an auditor or an admin.
type User struct {
	// ID is assigned by the store.
	ID int64
	// Email is the normalised (lower-case) address the account signs in with; unique.
	Email string
	// Role is officer, auditor or admin.
	Role Role
	// PasswordHash is the slow salted hash of the password; never shown to anyone.
	PasswordHash string
	// CreatedAt is when the account was created, in UTC.
	CreatedAt time.Time
}

// UserStore keeps accounts. Email addresses are stored normalised (lower case) and unique.
type UserStore interface {
	// CreateUser stores u and sets its ID; a taken address is an ECONFLICT *Error.
	CreateUser(ctx context.Context, u *User) error
	// UserByEmail returns the account with that normalised address, or an ENOTFOUND *Error.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UserByID returns the account with that ID, or an ENOTFOUND *Error.
	UserByID(ctx context.Context, id int64) (*User, error)
	// CountUsers returns the number of accounts.
	CountUsers(ctx context.Context) (int64, error)
	// ListUsers returns every account, oldest first.
	ListUsers(ctx context.Context) ([]User, error)
	// SetPasswordHash replaces the password hash of an account, or returns an ENOTFOUND *Error.
	SetPasswordHash(ctx context.Context, id int64, hash string) error
}

// PasswordHasher hashes and checks passwords with a slow, salted algorithm. It is an interface
// so the domain does not depend on a cryptography library.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Compare returns nil when password matches hash.
	Compare(hash, password string) error
	// NeedsRehash reports whether hash was made with other parameters (e.g. a lower cost)
	// than Hash uses now.
	NeedsRehash(hash string) bool
}

// MinPasswordLength is the shortest password an account may have.
const MinPasswordLength = 12

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", Errorf(EINVALID, "%q is not an e-mail address", s)
	}
	return s, nil
}
