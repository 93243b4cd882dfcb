package sqlstore

import (
	"context"
	"io/fs"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// SetMigrations replaces the store's migrations with fsys (one directory per dialect), so that
// tests can run the migration runner on migrations of their own.
func SetMigrations(s *Store, fsys fs.FS) { s.migrations = fsys }

// GormDB returns the store's gorm handle, for tests that inspect or tamper with the database.
func GormDB(s *Store) *gorm.DB { return s.db }

// History returns the migration history as Pending reads it, outside a transaction.
func History(ctx context.Context, s *Store) ([]Migration, error) {
	rows, err := s.readHistory(s.db.WithContext(ctx))
	return historyMigrations(rows), err
}

// LockedHistory returns the migration history as Migrate reads it, in a transaction holding
// the migration lock (which creates the history table when it is missing).
func LockedHistory(ctx context.Context, s *Store) ([]Migration, error) {
	var rows []historyRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		rows, err = s.lockHistory(tx)
		return err
	})
	return historyMigrations(rows), err
}

func historyMigrations(rows []historyRow) []Migration {
	out := []Migration{}
	for _, r := range rows {
		out = append(out, Migration{Version: r.Version, Name: r.Name})
	}
	return out
}

// ListEventsSQL returns the SQL and arguments of ListEvents for f, built on a dry-run session.
func ListEventsSQL(db *gorm.DB, f elections.EventFilter) (string, []any) {
	var rows []eventRow
	st := eventsQuery(db, f).Find(&rows).Statement
	return st.SQL.String(), st.Vars
}
