package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// start is the fixed time of the tests' clocks.
var start = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

func fixedNow() time.Time { return start }

// migrationSet returns an fs.FS with the same migration files for both dialects.
func migrationSet(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, d := range []string{sqlstore.DriverSQLite, sqlstore.DriverPostgres} {
		for name, sql := range files {
			fsys[d+"/"+name] = &fstest.MapFile{Data: []byte(sql)}
		}
	}
	return fsys
}

// hasTable reports whether the store's database has the table.
func hasTable(t *testing.T, s *sqlstore.Store, table string) bool {
	t.Helper()
	return sqlstore.GormDB(s).Migrator().HasTable(table)
}

type historyEntry struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

func readHistory(t *testing.T, s *sqlstore.Store) []historyEntry {
	t.Helper()
	var rows []historyEntry
	err := sqlstore.GormDB(s).Raw("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").Scan(&rows).Error
	if err != nil {
		t.Fatalf("read history: %v", err)
	}
	for i := range rows {
		rows[i].AppliedAt = rows[i].AppliedAt.UTC()
	}
	return rows
}

func TestMigrateFreshDatabase(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		opts.Now = fixedNow
		s := sqlstoretest.OpenOptions(t, opts)

		want, err := s.Pending(ctx)
		if err != nil {
			t.Fatalf("Pending on an empty database: %v", err)
		}
		if len(want) == 0 || want[0] != (sqlstore.Migration{Version: 1, Name: "accounts"}) {
			t.Fatalf("Pending on an empty database = %v, want all migrations from 0001_accounts", want)
		}
		err = s.CheckSchema(ctx)
		if !errors.Is(err, sqlstore.ErrSchemaBehind) || !strings.Contains(err.Error(), "govboard migrate") {
			t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaBehind telling to run govboard migrate", err)
		}

		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		if diff := cmp.Diff(want, applied); diff != "" {
			t.Errorf("Migrate applied (-want +got):\n%s", diff)
		}
		again, err := s.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Errorf("second Migrate = %v, %v; want nothing applied", again, err)
		}
		if p, err := s.Pending(ctx); err != nil || len(p) != 0 {
			t.Errorf("Pending after Migrate = %v, %v; want none", p, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema after Migrate: %v", err)
		}
		for _, table := range []string{"users", "audit_events"} {
			if !hasTable(t, s, table) {
				t.Errorf("table %s missing after Migrate", table)
			}
		}
		var wantHistory []historyEntry
		for _, m := range want {
			wantHistory = append(wantHistory, historyEntry{m.Version, m.Name, start.Truncate(time.Microsecond)})
		}
		if diff := cmp.Diff(wantHistory, readHistory(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
	})
}

func TestMigrateUpgradesStaleSchema(t *testing.T) {
	v1 := map[string]string{"0001_first.sql": "CREATE TABLE first (id INTEGER PRIMARY KEY);"}
	v2 := map[string]string{
		"0001_first.sql":  v1["0001_first.sql"],
		"0002_second.sql": "CREATE TABLE second (id INTEGER PRIMARY KEY);",
	}
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		s := sqlstoretest.OpenOptions(t, opts)
		sqlstore.SetMigrations(s, migrationSet(v1))
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate v1: %v", err)
		}

		sqlstore.SetMigrations(s, migrationSet(v2)) // a newer govboard on the old database
		err := s.CheckSchema(ctx)
		if !errors.Is(err, sqlstore.ErrSchemaBehind) || !strings.Contains(err.Error(), "1 migration pending (0002_second)") {
			t.Fatalf("CheckSchema on a stale schema = %v, want ErrSchemaBehind naming 0002_second", err)
		}
		second := []sqlstore.Migration{{Version: 2, Name: "second"}}
		if p, err := s.Pending(ctx); err != nil || !cmp.Equal(p, second) {
			t.Fatalf("Pending = %v, %v; want %v", p, err, second)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || !cmp.Equal(applied, second) {
			t.Fatalf("Migrate = %v, %v; want %v", applied, err, second)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema after upgrade: %v", err)
		}
	})
}

// TestCheckSchemaMissingHistoryRow deletes the last history row of a migrated database: the
// schema then counts as one migration behind.
func TestCheckSchemaMissingHistoryRow(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		history := readHistory(t, s)
		last := history[len(history)-1]
		if err := sqlstore.GormDB(s).Exec("DELETE FROM schema_migrations WHERE version = ?", last.Version).Error; err != nil {
			t.Fatalf("delete history row: %v", err)
		}
		err := s.CheckSchema(ctx)
		if !errors.Is(err, sqlstore.ErrSchemaBehind) || !strings.Contains(err.Error(), "1 migration pending") {
			t.Fatalf("CheckSchema = %v, want ErrSchemaBehind with 1 migration pending", err)
		}
		want := []sqlstore.Migration{{Version: last.Version, Name: last.Name}}
		if p, err := s.Pending(ctx); err != nil || !cmp.Equal(p, want) {
			t.Errorf("Pending = %v, %v; want %v", p, err, want)
		}
	})
}

// TestSchemaUnknownToThisBinary covers databases that a newer or a different govboard migrated:
// every entry point refuses them, and Migrate changes nothing.
func TestSchemaUnknownToThisBinary(t *testing.T) {
	tests := []struct {
		name   string
		tamper string
		want   error
	}{
		{"newer version", "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', CURRENT_TIMESTAMP)", sqlstore.ErrSchemaNewer},
		{"renamed migration", "UPDATE schema_migrations SET name = 'something_else' WHERE version = 1", sqlstore.ErrSchemaDiverged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				ctx := context.Background()
				if err := sqlstore.GormDB(s).Exec(tt.tamper).Error; err != nil {
					t.Fatalf("tamper with history: %v", err)
				}
				before := readHistory(t, s)
				if err := s.CheckSchema(ctx); !errors.Is(err, tt.want) {
					t.Errorf("CheckSchema = %v, want %v", err, tt.want)
				}
				if _, err := s.Pending(ctx); !errors.Is(err, tt.want) {
					t.Errorf("Pending error = %v, want %v", err, tt.want)
				}
				if applied, err := s.Migrate(ctx); !errors.Is(err, tt.want) || len(applied) != 0 {
					t.Errorf("Migrate = %v, %v; want nothing applied and %v", applied, err, tt.want)
				}
				if diff := cmp.Diff(before, readHistory(t, s)); diff != "" {
					t.Errorf("Migrate changed the history (-before +after):\n%s", diff)
				}
			})
		})
	}
}

func TestFailingMigrationRollsBack(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		files := map[string]string{
			"0001_good.sql": "CREATE TABLE good (id INTEGER PRIMARY KEY);",
			// The second statement fails after the first has created a table.
			"0002_bad.sql": "CREATE TABLE half (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table (id) VALUES (1);",
		}
		ctx := context.Background()
		s := sqlstoretest.OpenOptions(t, opts)
		sqlstore.SetMigrations(s, migrationSet(files))

		applied, err := s.Migrate(ctx)
		if err == nil {
			t.Fatal("Migrate with a failing migration succeeded")
		}
		if want := []sqlstore.Migration{{Version: 1, Name: "good"}}; !cmp.Equal(applied, want) {
			t.Errorf("Migrate applied %v before failing, want %v", applied, want)
		}
		if hasTable(t, s, "half") {
			t.Error("the failed migration's table exists: it was not rolled back")
		}
		if !hasTable(t, s, "good") {
			t.Error("the migration before the failed one was lost")
		}
		if got := readHistory(t, s); len(got) != 1 || got[0].Version != 1 {
			t.Errorf("history = %v, want only version 1", got)
		}

		files["0002_bad.sql"] = "CREATE TABLE half (id INTEGER PRIMARY KEY);"
		sqlstore.SetMigrations(s, migrationSet(files))
		if applied, err := s.Migrate(ctx); err != nil || len(applied) != 1 {
			t.Fatalf("Migrate after fixing the migration = %v, %v; want it applied", applied, err)
		}
		if !hasTable(t, s, "half") {
			t.Error("the fixed migration's table is missing")
		}
	})
}

// TestConcurrentMigrators starts several stores on one database together, as replicas do:
// each migration is applied exactly once.
func TestConcurrentMigrators(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		const replicas = 4
		stores := make([]*sqlstore.Store, replicas)
		for i := range stores {
			stores[i] = sqlstoretest.OpenOptions(t, opts)
		}
		want, err := stores[0].Pending(ctx)
		if err != nil {
			t.Fatalf("Pending: %v", err)
		}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			applied = map[sqlstore.Migration]int{}
		)
		for _, s := range stores {
			wg.Go(func() {
				ms, err := s.Migrate(ctx)
				if err != nil {
					t.Errorf("Migrate: %v", err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, m := range ms {
					applied[m]++
				}
			})
		}
		wg.Wait()
		wantApplied := map[sqlstore.Migration]int{}
		for _, m := range want {
			wantApplied[m] = 1
		}
		if diff := cmp.Diff(wantApplied, applied); diff != "" {
			t.Errorf("times each migration was applied (-want +got):\n%s", diff)
		}
		for _, s := range stores {
			if err := s.CheckSchema(ctx); err != nil {
				t.Errorf("CheckSchema: %v", err)
			}
		}
	})
}

// TestHistoryReaders checks the one history reader through both of its callers: Pending's
// (no table yet means no history, and reading creates nothing) and Migrate's under the lock
// (which creates the table), both in version order even when the rows were stored out of order.
func TestHistoryReaders(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		s := sqlstoretest.OpenOptions(t, opts)
		readers := map[string]func(context.Context, *sqlstore.Store) ([]sqlstore.Migration, error){
			"unlocked": sqlstore.History, "locked": sqlstore.LockedHistory,
		}
		if got, err := sqlstore.History(ctx, s); err != nil || len(got) != 0 {
			t.Fatalf("History on an empty database = %v, %v; want none", got, err)
		}
		if hasTable(t, s, "schema_migrations") {
			t.Fatal("reading the history outside Migrate created the history table")
		}
		if got, err := sqlstore.LockedHistory(ctx, s); err != nil || len(got) != 0 {
			t.Fatalf("LockedHistory on an empty database = %v, %v; want none", got, err)
		}
		if !hasTable(t, s, "schema_migrations") {
			t.Fatal("reading the history under the migration lock did not create the history table")
		}
		want, err := s.Migrate(ctx)
		if err != nil || len(want) < 2 {
			t.Fatalf("Migrate = %v, %v; want at least two migrations", want, err)
		}
		db := sqlstore.GormDB(s)
		for _, q := range []string{ // store the first row last
			"CREATE TABLE first_row AS SELECT * FROM schema_migrations WHERE version = 1",
			"DELETE FROM schema_migrations WHERE version = 1",
			"INSERT INTO schema_migrations SELECT * FROM first_row",
		} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for name, read := range readers {
			got, err := read(ctx, s)
			if err != nil {
				t.Fatalf("%s history: %v", name, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s history (-want +got):\n%s", name, diff)
			}
		}
	})
}
