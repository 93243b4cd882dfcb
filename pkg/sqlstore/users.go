package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// userRow is a row of the users table.
type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Role         string
	PasswordHash string
	CreatedAt    time.Time
}

// TableName tells gorm the table's name.
func (userRow) TableName() string { return "users" }

// userFromDomain maps an account to a row. Times are stored in UTC with microsecond precision,
// the precision of PostgreSQL, so that both engines return what was stored.
func userFromDomain(u *elections.User) userRow {
	return userRow{
		ID:           u.ID,
		Email:        u.Email,
		Role:         string(u.Role),
		PasswordHash: u.PasswordHash,
		CreatedAt:    storedTime(u.CreatedAt),
	}
}

// toDomain maps a row to an account.
func (r userRow) toDomain() *elections.User {
	return &elections.User{
		ID:           r.ID,
		Email:        r.Email,
		Role:         elections.Role(r.Role),
		PasswordHash: r.PasswordHash,
		CreatedAt:    r.CreatedAt.UTC(),
	}
}

// storedTime is t as the database keeps it: UTC, truncated to microseconds.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CreateUser stores a new account and sets its ID (and its CreatedAt to the stored precision).
// A taken e-mail address gives an ECONFLICT *elections.Error.
func (s *Store) CreateUser(ctx context.Context, u *elections.User) error {
	row := userFromDomain(u)
	row.ID = 0 // the database assigns it
	err := s.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "an account with e-mail address %s already exists", u.Email)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create user: %w", err)
	}
	*u = *row.toDomain()
	return nil
}

// SetPasswordHash replaces the password hash of account id, or returns an ENOTFOUND
// *elections.Error when there is no such account.
func (s *Store) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", id).Update("password_hash", hash)
	if res.Error != nil {
		return fmt.Errorf("sqlstore: set password hash: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no account with id %d", id)
	}
	return nil
}

// UserByEmail returns the account with the (normalised) e-mail address, or an ENOTFOUND
// *elections.Error.
func (s *Store) UserByEmail(ctx context.Context, email string) (*elections.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no account with e-mail address %s", email)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: user by e-mail: %w", err)
	}
	return row.toDomain(), nil
}

// UserByID returns the account with the ID, or an ENOTFOUND *elections.Error.
func (s *Store) UserByID(ctx context.Context, id int64) (*elections.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no account %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: user by id: %w", err)
	}
	return row.toDomain(), nil
}

// ListUsers returns all accounts, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]elections.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list users: %w", err)
	}
	users := make([]elections.User, len(rows))
	for i, r := range rows {
		users[i] = *r.toDomain()
	}
	return users, nil
}

// CountUsers returns the number of accounts.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&userRow{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("sqlstore: count users: %w", err)
	}
	return n, nil
}
