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
	cost := h.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(b), err
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
