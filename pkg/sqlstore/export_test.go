package sqlstore

import (
	"io/fs"

	"gorm.io/gorm"
)

// SetMigrations replaces the store's migrations with fsys (one directory per dialect), so that
// tests can run the migration runner on migrations of their own.
func SetMigrations(s *Store, fsys fs.FS) { s.migrations = fsys }

// GormDB returns the store's gorm handle, for tests that inspect or tamper with the database.
func GormDB(s *Store) *gorm.DB { return s.db }
