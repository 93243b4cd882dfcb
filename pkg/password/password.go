// Package password hashes account passwords with bcrypt (golang.org/x/crypto/bcrypt: maintained,
// salted, adaptive cost), so govboard does not carry its own password cryptography.
package password

import (
	"errors"

	"golang.org/x/crypto/bcrypt"
)

// Hasher implements elections.PasswordHasher with bcrypt.
type Hasher struct {
	// Cost is the bcrypt cost; 0 means bcrypt.DefaultCost. Tests use bcrypt.MinCost.
	Cost int
}

// Hash returns the bcrypt hash of password.
func (h Hasher) Hash(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), h.cost())
	return string(b), err
}

// NeedsRehash reports whether hash was made with another cost than h uses (or is not a bcrypt
// hash at all).
func (h Hasher) NeedsRehash(hash string) bool {
	cost, err := bcrypt.Cost([]byte(hash))
	return err != nil || cost != h.cost()
}

func (h Hasher) cost() int {
	if h.Cost == 0 {
		return bcrypt.DefaultCost
	}
	return h.Cost
}

// ErrMismatch is returned by Compare when the password does not match.
var ErrMismatch = errors.New("password does not match")

// Compare returns nil when password matches hash.
func (h Hasher) Compare(hash, password string) error {
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return ErrMismatch
	}
	return err
}
