package sqlstore

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestEmbeddedMigrationsMatchAcrossDialects checks that every dialect has the same migrations,
// so that a schema change is never made for one engine only.
func TestEmbeddedMigrationsMatchAcrossDialects(t *testing.T) {
	names := map[string][]Migration{}
	for _, d := range []string{DriverSQLite, DriverPostgres} {
		ms, err := loadMigrations(embeddedMigrations(), d)
		if err != nil {
			t.Fatalf("load %s migrations: %v", d, err)
		}
		for _, m := range ms {
			if m.sql == "" {
				t.Errorf("%s migration %s is empty", d, m)
			}
			names[d] = append(names[d], m.Migration)
		}
	}
	if len(names[DriverSQLite]) == 0 {
		t.Fatal("no migrations embedded")
	}
	if want := (Migration{Version: 1, Name: "accounts"}); names[DriverSQLite][0] != want {
		t.Errorf("first migration = %v, want %v", names[DriverSQLite][0], want)
	}
	if diff := cmp.Diff(names[DriverSQLite], names[DriverPostgres]); diff != "" {
		t.Errorf("sqlite and postgres migrations differ (-sqlite +postgres):\n%s", diff)
	}
}

func TestLoadMigrations(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("CREATE TABLE t (x INTEGER);")}
	tests := []struct {
		name    string
		files   []string
		want    []Migration
		wantErr bool
	}{
		{name: "in order", files: []string{"0001_a.sql", "0002_b_c.sql"},
			want: []Migration{{1, "a"}, {2, "b_c"}}},
		{name: "empty directory", files: []string{}, want: []Migration{}},
		{name: "gap", files: []string{"0001_a.sql", "0003_c.sql"}, wantErr: true},
		{name: "duplicate version", files: []string{"0001_a.sql", "0001_b.sql"}, wantErr: true},
		{name: "starts at zero", files: []string{"0000_a.sql"}, wantErr: true},
		{name: "bad separator", files: []string{"0001-a.sql"}, wantErr: true},
		{name: "short version", files: []string{"1_a.sql"}, wantErr: true},
		{name: "stray file", files: []string{"0001_a.sql", "README.md"}, wantErr: true},
		{name: "upper case", files: []string{"0001_Accounts.sql"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"sqlite": &fstest.MapFile{Mode: fs.ModeDir | 0o755}}
			for _, f := range tt.files {
				fsys["sqlite/"+f] = file
			}
			ms, err := loadMigrations(fsys, DriverSQLite)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("loadMigrations succeeded with %v, want an error", tt.files)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadMigrations: %v", err)
			}
			got := []Migration{}
			for _, m := range ms {
				got = append(got, m.Migration)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("migrations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadMigrationsMissingDialect(t *testing.T) {
	if _, err := loadMigrations(fstest.MapFS{}, DriverPostgres); err == nil {
		t.Fatal("loadMigrations without a postgres directory succeeded, want an error")
	}
}
