// Package sqlstoretest gives tests real, migrated govboard databases: SQLite in a temporary
// directory, and PostgreSQL in a schema of its own when GOVBOARD_TEST_POSTGRES_DSN is set.
// Every database is removed when its test ends.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/govboard/govboard/pkg/sqlstore"
)

// EnvPostgresDSN names the environment variable with the DSN of a PostgreSQL database the tests
// may create and drop schemas in, e.g. "host=127.0.0.1 user=postgres dbname=test
// sslmode=disable". PostgreSQL tests are skipped when it is unset.
const EnvPostgresDSN = "GOVBOARD_TEST_POSTGRES_DSN"

// SQLiteOptions returns options for a new, empty SQLite database in t.TempDir().
func SQLiteOptions(t testing.TB) sqlstore.Options {
	t.Helper()
	return sqlstore.Options{
		Driver: sqlstore.DriverSQLite,
		DSN:    filepath.Join(t.TempDir(), "govboard.db"),
	}
}

// PostgresOptions returns options for a new, empty schema t_<random> in the database named by
// GOVBOARD_TEST_POSTGRES_DSN, dropped with everything in it when the test ends. It skips the
// test when the variable is unset.
func PostgresOptions(t testing.TB) sqlstore.Options {
	t.Helper()
	base := os.Getenv(EnvPostgresDSN)
	if base == "" {
		t.Skip(EnvPostgresDSN + " is not set")
	}
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("sqlstoretest: connect to PostgreSQL: %v", err)
	}
	schema := "t_" + randomHex(t, 8)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("sqlstoretest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("sqlstoretest: drop schema %s: %v", schema, err)
		}
		if db, err := admin.DB(); err == nil {
			_ = db.Close()
		}
	})
	return sqlstore.Options{Driver: sqlstore.DriverPostgres, DSN: WithSearchPath(base, schema)}
}

// WithSearchPath returns dsn (a key=value string or a postgres:// URL) with its search_path
// set to schema.
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return strings.TrimSpace(dsn) + " search_path=" + schema
}

// OpenOptions opens a store with opts, closed when the test ends, without migrating it.
func OpenOptions(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("sqlstoretest: open %s store: %v", opts.Driver, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("sqlstoretest: close store: %v", err)
		}
	})
	return s
}

// Migrated opens a store with opts and applies the production migrations.
func Migrated(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	s := OpenOptions(t, opts)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("sqlstoretest: migrate %s store: %v", opts.Driver, err)
	}
	return s
}

// Open returns a migrated store on a new SQLite database in t.TempDir().
func Open(t testing.TB) *sqlstore.Store {
	t.Helper()
	return Migrated(t, SQLiteOptions(t))
}

// OpenPostgres returns a migrated store on a new PostgreSQL schema, or skips the test when
// GOVBOARD_TEST_POSTGRES_DSN is unset.
func OpenPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	return Migrated(t, PostgresOptions(t))
}

// Each runs fn as a subtest on a migrated SQLite store ("sqlite") and on a migrated PostgreSQL
// store ("postgres", skipped when GOVBOARD_TEST_POSTGRES_DSN is unset).
func Each(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		fn(t, Migrated(t, opts))
	})
}

// EachEngine runs fn as a subtest with options for a new, empty database on each engine, like
// Each, for tests that open the store themselves (migration tests, end-to-end tests).
func EachEngine(t *testing.T, fn func(t *testing.T, opts sqlstore.Options)) {
	t.Helper()
	t.Run(sqlstore.DriverSQLite, func(t *testing.T) { fn(t, SQLiteOptions(t)) })
	t.Run(sqlstore.DriverPostgres, func(t *testing.T) { fn(t, PostgresOptions(t)) })
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("sqlstoretest: random schema name: %v", err)
	}
	return hex.EncodeToString(b)
}
