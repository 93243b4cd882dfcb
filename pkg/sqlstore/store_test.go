package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// TestSQLitePragmas checks the pragmas on several connections of the pool at once: each
// connection must get them from the DSN, not just the first one.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "data", "govboard.db")
	s := sqlstoretest.OpenOptions(t, sqlstore.Options{Driver: sqlstore.DriverSQLite, DSN: path, BusyTimeout: 3 * time.Second})
	if got := s.Dialect(); got != sqlstore.DriverSQLite {
		t.Errorf("Dialect() = %q, want %q", got, sqlstore.DriverSQLite)
	}
	sqlDB, err := sqlstore.GormDB(s).DB()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"foreign_keys": "1",
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"busy_timeout": "3000",
	}
	for i := range 3 {
		conn, err := sqlDB.Conn(ctx) // held open, so each iteration gets another connection
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for pragma, w := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", pragma, err)
			}
			if got != w {
				t.Errorf("connection %d: PRAGMA %s = %q, want %q", i, pragma, got, w)
			}
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("database file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode = %o, want 600", mode)
	}
}

// TestForeignKeysEnforced checks that a dangling reference is refused and reported as gorm's
// translated error.
func TestForeignKeysEnforced(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		db := sqlstore.GormDB(s)
		for _, ddl := range []string{
			"CREATE TABLE parent (id INTEGER PRIMARY KEY)",
			"CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id))",
		} {
			if err := db.Exec(ddl).Error; err != nil {
				t.Fatalf("%s: %v", ddl, err)
			}
		}
		err := db.Exec("INSERT INTO child (id, parent_id) VALUES (1, 42)").Error
		if !errors.Is(err, gorm.ErrForeignKeyViolated) {
			t.Errorf("insert with a dangling reference: err = %v, want gorm.ErrForeignKeyViolated", err)
		}
	})
}

// TestOpenRefuses checks that each refusal comes from the check meant to make it, not from a
// later one: a DSN such as ":memory:" that slipped through would still fail the pragma check.
func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		opts sqlstore.Options
		want error
	}{
		{"unknown driver", sqlstore.Options{Driver: "mysql", DSN: "x"}, sqlstore.ErrUnknownDriver},
		{"no driver", sqlstore.Options{DSN: filepath.Join(dir, "a.db")}, sqlstore.ErrUnknownDriver},
		{"sqlite without path", sqlstore.Options{Driver: sqlstore.DriverSQLite}, sqlstore.ErrNoDSN},
		{"sqlite in memory", sqlstore.Options{Driver: sqlstore.DriverSQLite, DSN: ":memory:"}, sqlstore.ErrBadSQLitePath},
		{"sqlite in memory, named", sqlstore.Options{Driver: sqlstore.DriverSQLite, DSN: filepath.Join(dir, ":memory:")}, sqlstore.ErrBadSQLitePath},
		{"sqlite URI", sqlstore.Options{Driver: sqlstore.DriverSQLite, DSN: "file:" + filepath.Join(dir, "x.db")}, sqlstore.ErrBadSQLitePath},
		{"sqlite own pragmas", sqlstore.Options{Driver: sqlstore.DriverSQLite, DSN: filepath.Join(dir, "b.db") + "?_foreign_keys=off"}, sqlstore.ErrBadSQLitePath},
		{"sqlite fragment", sqlstore.Options{Driver: sqlstore.DriverSQLite, DSN: filepath.Join(dir, "c.db") + "#x"}, sqlstore.ErrBadSQLitePath},
		{"postgres without DSN", sqlstore.Options{Driver: sqlstore.DriverPostgres}, sqlstore.ErrNoDSN},
		{"postgres unreachable", sqlstore.Options{Driver: sqlstore.DriverPostgres, DSN: "host=127.0.0.1 port=1 user=x dbname=x sslmode=disable connect_timeout=2"}, syscall.ECONNREFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sqlstore.Open(context.Background(), tt.opts)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%+v) succeeded, want %v", tt.opts, tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open(%+v) = %v, want an error wrapping %v", tt.opts, err, tt.want)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a refused Open left %s behind", e.Name())
	}
}

// TestLogNeverShowsBoundValues checks that queries are logged at debug level and slow ones at
// warn level, with placeholders instead of the bound values.
func TestLogNeverShowsBoundValues(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		var buf bytes.Buffer
		opts.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		opts.SlowThreshold = time.Nanosecond // every query is slow
		s := sqlstoretest.Migrated(t, opts)
		secret := "$2a$10$secret-hash-that-must-not-be-logged"
		u := &elections.User{Email: "hidden@example.org", Role: elections.RoleOfficer, PasswordHash: secret, CreatedAt: start}
		if err := s.CreateUser(context.Background(), u); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if _, err := s.UserByEmail(context.Background(), "hidden@example.org"); err != nil {
			t.Fatalf("UserByEmail: %v", err)
		}
		log := buf.String()
		if !strings.Contains(log, "INSERT INTO") || !strings.Contains(log, "level=WARN msg=\"slow sql query\"") {
			t.Fatalf("log has no slow INSERT query at warn level:\n%s", log)
		}
		for _, value := range []string{secret, "hidden@example.org"} {
			if strings.Contains(log, value) {
				t.Errorf("log contains the bound value %q:\n%s", value, log)
			}
		}
	})
}

func TestLogQueriesAtDebugLevel(t *testing.T) {
	var buf bytes.Buffer
	opts := sqlstoretest.SQLiteOptions(t)
	opts.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.SlowThreshold = time.Hour
	s := sqlstoretest.Migrated(t, opts)
	if _, err := s.CountUsers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if log := buf.String(); !strings.Contains(log, "level=DEBUG msg=\"sql query\"") || strings.Contains(log, "level=WARN") {
		t.Errorf("want queries at debug level and nothing at warn level:\n%s", log)
	}
}

func TestTx(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		errAbort := errors.New("abort")
		err := s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.CreateUser(ctx, &elections.User{Email: "a@example.org", Role: elections.RoleAdmin, PasswordHash: "h", CreatedAt: start}); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, &elections.Event{At: start, Actor: "cli", Kind: "test", Payload: []byte(`{}`)}); err != nil {
				return err
			}
			if n, err := tx.CountUsers(ctx); err != nil || n != 1 {
				t.Errorf("CountUsers inside the transaction = %d, %v; want 1", n, err)
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("Tx = %v, want fn's error", err)
		}
		assertCounts(t, s, 0, 0)

		err = s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.CreateUser(ctx, &elections.User{Email: "a@example.org", Role: elections.RoleAdmin, PasswordHash: "h", CreatedAt: start}); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &elections.Event{At: start, Actor: "cli", Kind: "test", Payload: []byte(`{}`)})
		})
		if err != nil {
			t.Fatalf("Tx: %v", err)
		}
		assertCounts(t, s, 1, 1)
	})
}

func assertCounts(t *testing.T, s *sqlstore.Store, users, events int) {
	t.Helper()
	ctx := context.Background()
	if n, err := s.CountUsers(ctx); err != nil || n != int64(users) {
		t.Errorf("CountUsers = %d, %v; want %d", n, err, users)
	}
	if evs, err := s.ListEvents(ctx, elections.EventFilter{}); err != nil || len(evs) != events {
		t.Errorf("ListEvents returned %d events, %v; want %d", len(evs), err, events)
	}
}

func TestPing(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		s, err := sqlstore.Open(ctx, opts)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping after Close succeeded, want an error")
		}
	})
}
