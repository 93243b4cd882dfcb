package elections

import (
	"context"
	"unicode/utf8"
)

// EventAccountPasswordReset records that an account's password was replaced (SetPassword).
// Its payload names the account, never the password or its hash.
const EventAccountPasswordReset = "account.password_reset"

// passwordProblems returns what is wrong with a new account password.
func passwordProblems(password string) []string {
	var problems []string
	if utf8.RuneCountInString(password) < MinPasswordLength {
		problems = append(problems, "password must have at least 12 characters")
	}
	if len(password) > 72 {
		problems = append(problems, "password must have at most 72 bytes")
	}
	return problems
}

// SetPassword replaces the password of the account with that e-mail address (ENOTFOUND when
// there is none) and records it in the audit trail in the same transaction. `govboard serve
// --demo` uses it to hand out a fresh password for the demo officer on every start.
func (s *Service) SetPassword(ctx context.Context, actor Actor, email, password string) (*User, error) {
	var problems []string
	norm, err := NormalizeEmail(email)
	if err != nil {
		problems = append(problems, ErrorMessage(err))
	}
	if problems = append(problems, passwordProblems(password)...); len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	var out *User
	err = s.store.Tx(ctx, func(tx Store) error {
		u, err := tx.UserByEmail(ctx, norm)
		if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		u.PasswordHash, out = hash, u
		return record(ctx, tx, s.clock.Now().UTC(), actor, 0, EventAccountPasswordReset,
			map[string]any{"user_id": u.ID, "email": u.Email, "role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
