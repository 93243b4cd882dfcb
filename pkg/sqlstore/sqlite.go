package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// sqliteDialector prepares the database file and returns the gorm dialector for it.
//
// The pragmas go in the DSN (mattn/go-sqlite3 parameters) rather than in a PRAGMA statement
// after opening, because database/sql opens many connections and each one needs them:
// write-ahead logging so readers do not block the writer, foreign keys (off by default in
// SQLite), a busy timeout instead of immediate "database is locked" errors, synchronous=FULL so
// a committed ballot survives a power cut, secure_delete so that what is deleted or rewritten
// is zeroed rather than left in the file's free space (the close of a round rewrites every
// ballot without its voter key: the keys must not remain in freed cells and pages), and BEGIN
// IMMEDIATE so a transaction that reads then writes takes the write lock up front instead of
// failing on upgrade.
func sqliteDialector(opts Options) (gorm.Dialector, error) {
	path := opts.DSN
	switch {
	case path == "":
		return nil, fmt.Errorf("%w: the sqlite driver needs a database file path", ErrNoDSN)
	case strings.Contains(path, ":memory:") || strings.HasPrefix(path, "file:"):
		// An in-memory database is private to one connection of the pool.
		return nil, fmt.Errorf("%w, not an in-memory or URI database: %q", ErrBadSQLitePath, path)
	case strings.ContainsAny(path, "?#"):
		return nil, fmt.Errorf("%w without a query string (govboard sets the pragmas itself): %q", ErrBadSQLitePath, path)
	}
	if err := createDatabaseFile(path); err != nil {
		return nil, err
	}
	dsn := fmt.Sprintf("%s?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=%d&_synchronous=FULL&_secure_delete=on&_txlock=immediate",
		path, opts.BusyTimeout.Milliseconds())
	return sqlite.Open(dsn), nil
}

// createDatabaseFile creates the file's directory and, when the file does not exist yet, an
// empty file readable by its owner only: the database holds password hashes and ballots, and
// SQLite gives its -wal and -shm files the same permissions.
func createDatabaseFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sqlstore: create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlstore: create database file: %w", err)
	}
	return f.Close()
}

// verifySQLitePragmas checks that the DSN's pragmas took effect: a misspelt parameter is
// silently ignored by the driver, a database without foreign keys would accept dangling
// references without complaint, and one without secure_delete would keep cleared voter keys
// in its free space.
func verifySQLitePragmas(ctx context.Context, db *gorm.DB) error {
	var foreignKeys int
	if err := db.WithContext(ctx).Raw("PRAGMA foreign_keys").Scan(&foreignKeys).Error; err != nil {
		return fmt.Errorf("sqlstore: read PRAGMA foreign_keys: %w", err)
	}
	if foreignKeys != 1 {
		return errors.New("sqlstore: sqlite foreign keys are off although the DSN turns them on")
	}
	var secureDelete int
	if err := db.WithContext(ctx).Raw("PRAGMA secure_delete").Scan(&secureDelete).Error; err != nil {
		return fmt.Errorf("sqlstore: read PRAGMA secure_delete: %w", err)
	}
	if secureDelete != 1 {
		return errors.New("sqlstore: sqlite secure_delete is off although the DSN turns it on")
	}
	var journalMode string
	if err := db.WithContext(ctx).Raw("PRAGMA journal_mode").Scan(&journalMode).Error; err != nil {
		return fmt.Errorf("sqlstore: read PRAGMA journal_mode: %w", err)
	}
	if !strings.EqualFold(journalMode, "wal") {
		return fmt.Errorf("sqlstore: sqlite journal mode is %q, not wal (is the file on a network filesystem?)", journalMode)
	}
	return nil
}
