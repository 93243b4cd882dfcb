package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migrationFiles are the production migrations: migrations/<dialect>/NNNN_name.sql. To change
// the schema, add the next file for every dialect; never edit or rename a released one.
//
//go:embed migrations
var migrationFiles embed.FS

// migrationFileName is the form of a migration file's name: a four-digit version, then a name.
var migrationFileName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// migrationLockKey is the PostgreSQL advisory lock that serializes migrators, so that replicas
// starting together apply each migration once.
const migrationLockKey int64 = 0x676f76626f617264 // "govboard"

// Errors CheckSchema, Pending and Migrate wrap, to be told apart with errors.Is.
var (
	// ErrSchemaBehind means migrations are pending: run `govboard migrate`.
	ErrSchemaBehind = errors.New("database schema is behind this govboard")
	// ErrSchemaNewer means the database has migrations this govboard does not know, because a
	// newer version of govboard migrated it.
	ErrSchemaNewer = errors.New("database schema is newer than this govboard")
	// ErrSchemaDiverged means a migration in the history has another name than this govboard's
	// migration of the same version: the database was migrated by a different build.
	ErrSchemaDiverged = errors.New("database schema has diverged from this govboard")
)

// Migration identifies one schema migration.
type Migration struct {
	Version int
	Name    string
}

// String returns the migration's file name without the extension, e.g. "0001_accounts".
func (m Migration) String() string { return fmt.Sprintf("%04d_%s", m.Version, m.Name) }

// migration is a Migration with its SQL.
type migration struct {
	Migration
	sql string
}

// historyRow is one row of the migration history.
type historyRow struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

// TableName tells gorm the history table's name.
func (historyRow) TableName() string { return "schema_migrations" }

// historyDDL creates the history table. It is the one piece of schema outside the migration
// files, because the runner needs it before it can apply the first file.
func historyDDL(dialect string) string {
	appliedAt := "TIMESTAMP"
	if dialect == DriverPostgres {
		appliedAt = "TIMESTAMPTZ"
	}
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at ` + appliedAt + ` NOT NULL
)`
}

// embeddedMigrations returns the production migrations with one directory per dialect at the root.
func embeddedMigrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(fmt.Sprintf("sqlstore: embedded migrations: %v", err)) // the path is a constant
	}
	return sub
}

// loadMigrations reads the migrations of a dialect from fsys, in version order. Versions start
// at 1 and have no gaps, so a missing or doubled file is caught here rather than in production.
func loadMigrations(fsys fs.FS, dialect string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dialect)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read %s migrations: %w", dialect, err)
	}
	ms := make([]migration, 0, len(entries))
	for _, e := range entries {
		m := migrationFileName.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			return nil, fmt.Errorf("sqlstore: %s migrations: unexpected file %q (want NNNN_name.sql)", dialect, e.Name())
		}
		v, _ := strconv.Atoi(m[1]) // four digits
		if v != len(ms)+1 {
			return nil, fmt.Errorf("sqlstore: %s migrations: %q should have version %04d (versions start at 1, without gaps or duplicates)",
				dialect, e.Name(), len(ms)+1)
		}
		body, err := fs.ReadFile(fsys, dialect+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration: %w", err)
		}
		ms = append(ms, migration{Migration: Migration{Version: v, Name: m[2]}, sql: string(body)})
	}
	return ms, nil
}

// Migrate applies the pending migrations in version order, each in one transaction together
// with its row in the history table, and returns those it applied. When a migration fails, its
// transaction is rolled back, the error is returned and so are the migrations applied before it.
// On PostgreSQL concurrent migrators wait for each other; on SQLite the write lock taken when
// the transaction begins does the same. Once the schema is current, Migrate seals the audit
// entries recorded before the log was a hash chain (sealLegacyEvents), in one more
// transaction. Migrate logs nothing itself: the caller reports what was applied.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	known, err := loadMigrations(s.migrations, s.dialect)
	if err != nil {
		return nil, err
	}
	var applied []Migration
	for {
		m, err := s.applyNext(ctx, known)
		if err != nil {
			return applied, err
		}
		if m == nil {
			return applied, s.sealLegacyEvents(ctx)
		}
		applied = append(applied, *m)
	}
}

// applyNext applies the first pending migration in one transaction, or returns nil when there
// is none. The history is read under the lock, so a migration another replica applied in the
// meantime is not applied again.
func (s *Store) applyNext(ctx context.Context, known []migration) (*Migration, error) {
	var next *migration
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		history, err := s.lockHistory(tx)
		if err != nil {
			return err
		}
		if err := checkHistory(history, known); err != nil {
			return err
		}
		pending := pendingOf(history, known)
		if len(pending) == 0 {
			return nil
		}
		next = &pending[0]
		if err := tx.Exec(next.sql).Error; err != nil {
			return fmt.Errorf("sqlstore: migration %s failed and was rolled back: %w", next, err)
		}
		row := historyRow{Version: next.Version, Name: next.Name, AppliedAt: storedTime(s.now())}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("sqlstore: record migration %s: %w", next, err)
		}
		return nil
	})
	if err != nil || next == nil {
		return nil, err
	}
	return &next.Migration, nil
}

// lockHistory takes the migration lock inside tx, creates the history table when needed and
// returns its rows.
func (s *Store) lockHistory(tx *gorm.DB) ([]historyRow, error) {
	if s.dialect == DriverPostgres {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockKey).Error; err != nil {
			return nil, fmt.Errorf("sqlstore: take the migration lock: %w", err)
		}
	}
	if err := tx.Exec(historyDDL(s.dialect)).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: create the migration history table: %w", err)
	}
	return s.readHistory(tx)
}

// Pending returns the migrations not yet applied, in version order. It fails with
// ErrSchemaNewer or ErrSchemaDiverged when the history does not match this govboard's
// migrations.
func (s *Store) Pending(ctx context.Context) ([]Migration, error) {
	known, err := loadMigrations(s.migrations, s.dialect)
	if err != nil {
		return nil, err
	}
	history, err := s.readHistory(s.db.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if err := checkHistory(history, known); err != nil {
		return nil, err
	}
	pending := pendingOf(history, known)
	out := make([]Migration, len(pending))
	for i, m := range pending {
		out[i] = m.Migration
	}
	return out, nil
}

// CheckSchema returns nil when the database schema is current. Otherwise it returns an error
// wrapping ErrSchemaBehind that says how many migrations are pending and to run
// `govboard migrate`, or one wrapping ErrSchemaNewer or ErrSchemaDiverged.
func (s *Store) CheckSchema(ctx context.Context) error {
	pending, err := s.Pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		return nil
	}
	names := make([]string, len(pending))
	for i, m := range pending {
		names[i] = m.String()
	}
	plural := "s"
	if len(pending) == 1 {
		plural = ""
	}
	return fmt.Errorf("%w: %d migration%s pending (%s); run `govboard migrate`",
		ErrSchemaBehind, len(pending), plural, strings.Join(names, ", "))
}

// readHistory returns the rows of the history table in version order, none when the table
// does not exist yet. It is the one reader of the history: Pending reads it outside a
// transaction, Migrate inside its locked one.
func (s *Store) readHistory(db *gorm.DB) ([]historyRow, error) {
	query := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if s.dialect == DriverPostgres {
		query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	var n int64
	if err := db.Raw(query).Scan(&n).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: look for the migration history: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	var rows []historyRow
	if err := db.Order("version").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: read the migration history: %w", err)
	}
	return rows, nil
}

// checkHistory reports history rows that do not match the known migrations.
func checkHistory(history []historyRow, known []migration) error {
	for _, h := range history {
		applied := Migration{Version: h.Version, Name: h.Name}
		if h.Version > len(known) {
			return fmt.Errorf("%w: it has migration %s, this govboard knows migrations up to %04d; run a newer govboard",
				ErrSchemaNewer, applied, len(known))
		}
		if h.Version < 1 {
			return fmt.Errorf("%w: it has migration %s, which no govboard has", ErrSchemaDiverged, applied)
		}
		if want := known[h.Version-1]; want.Name != h.Name {
			return fmt.Errorf("%w: it has migration %s where this govboard has %s", ErrSchemaDiverged, applied, want)
		}
	}
	return nil
}

// pendingOf returns the known migrations missing from the history, in version order.
func pendingOf(history []historyRow, known []migration) []migration {
	done := make(map[int]bool, len(history))
	for _, h := range history {
		done[h.Version] = true
	}
	var pending []migration
	for _, m := range known {
		if !done[m.Version] {
			pending = append(pending, m)
		}
	}
	return pending
}
