package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// voter returns the roll entry of member m.
func voter(m *elections.Member) elections.RollEntry {
	e := elections.RollEntry{Member: m.ExternalID, Name: m.Name, Kind: m.Kind, Email: m.Email}
	if m.Representative != nil {
		e.Representative, e.Email = m.Representative.Name, m.Representative.Email
	}
	return e
}

func TestSaveAndReadRoll(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		contest, other := e.Contests[0].ID, e.Contests[1].ID
		// External ids that sort differently byte by byte and in a natural-language collation.
		var ms []*elections.Member
		for _, id := range []string{"b", "B", "a-2", "a2", "A_1", "a.1", "Z"} {
			ms = append(ms, person(id, "individual", "2024-01-01"))
		}
		acme := organisation("org-acme", "individual", "2023-01-01", &elections.Representative{Name: "Jo Rep", Email: "jo@acme.example",
			Since: day("2023-01-01")})
		bare := organisation("org-bare", "individual", "2023-01-01", nil)
		late := person("late", "individual", "2024-01-01")
		ms = append(ms, acme, bare, late)
		createMembers(t, s, ms...)

		if got, err := s.RollEntries(ctx, contest); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("RollEntries before SaveRoll = %#v, %v; want an empty slice", got, err)
		}
		var entries []elections.RollEntry
		for _, m := range ms[:len(ms)-1] {
			entries = append(entries, voter(m))
		}
		if err := s.SaveRoll(ctx, contest, entries); err != nil {
			t.Fatalf("SaveRoll: %v", err)
		}
		added := voter(late)
		added.AddedAt, added.AddedBy, added.Reason = start.In(time.FixedZone("CEST", 2*3600)), "officer@example.org", "joined in time, imported late"
		if err := s.AddRollEntry(ctx, contest, added); err != nil {
			t.Fatalf("AddRollEntry: %v", err)
		}

		byID := map[string]elections.RollEntry{}
		for _, e := range append(entries, added) {
			byID[e.Member] = e
		}
		var want []elections.RollEntry
		for _, id := range []string{"A_1", "B", "Z", "a-2", "a.1", "a2", "b", "late", "org-acme", "org-bare"} {
			want = append(want, byID[id])
		}
		want[7].AddedAt = stored
		got, err := s.RollEntries(ctx, contest)
		if err != nil {
			t.Fatalf("RollEntries: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("RollEntries, in byte order (-want +got):\n%s", diff)
		}
		if got[7].AddedAt != stored {
			t.Errorf("AddedAt = %v, want %v in UTC", got[7].AddedAt, stored)
		}
		if n := count(t, s, "SELECT count(*) FROM roll_entries WHERE added_at IS NULL"); n != len(entries) {
			t.Errorf("%d entries without added_at stored as NULL, want %d", n, len(entries))
		}
		if got, err := s.RollEntries(ctx, other); err != nil || len(got) != 0 {
			t.Errorf("RollEntries(other contest) = %v, %v; want none", got, err)
		}
	})
}

func TestSaveRollRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		ada, bob := person("ada", "individual", "2024-01-01"), person("bob", "individual", "2024-01-01")
		createMembers(t, s, ada, bob)
		saved, fresh := e.Contests[0].ID, e.Contests[1].ID
		if err := s.SaveRoll(ctx, saved, []elections.RollEntry{voter(ada)}); err != nil {
			t.Fatalf("SaveRoll: %v", err)
		}
		ghost := func(id string) elections.RollEntry {
			return elections.RollEntry{Member: id, Name: id, Kind: elections.MemberPerson}
		}
		tests := []struct {
			name    string
			contest int64
			entries []elections.RollEntry
			want    string
			details []string
		}{
			{"roll saved already", saved, []elections.RollEntry{voter(bob)}, elections.ECONFLICT, nil},
			{"member twice", fresh, []elections.RollEntry{voter(ada), voter(bob), voter(ada)}, elections.ECONFLICT, nil},
			{"unknown members", fresh, []elections.RollEntry{ghost("zed"), voter(ada), ghost("max")}, elections.ENOTFOUND,
				[]string{"no member max", "no member zed"}},
			{"unknown contest", 99, []elections.RollEntry{voter(ada)}, elections.ENOTFOUND, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.SaveRoll(ctx, tt.contest, tt.entries)
				if elections.ErrorCode(err) != tt.want {
					t.Fatalf("SaveRoll = %v, want %s", err, tt.want)
				}
				var e *elections.Error
				if tt.details != nil && (!errors.As(err, &e) || !cmp.Equal(tt.details, e.Details)) {
					t.Errorf("SaveRoll = %#v, want details %q", err, tt.details)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM roll_entries"); n != 1 {
			t.Errorf("%d roll entries after the refused calls, want 1", n)
		}

		addTests := []struct {
			name    string
			contest int64
			entry   elections.RollEntry
			want    string
		}{
			{"on the roll already", saved, voter(ada), elections.ECONFLICT},
			{"unknown member", saved, ghost("zed"), elections.ENOTFOUND},
			{"unknown contest", 99, voter(bob), elections.ENOTFOUND},
		}
		for _, tt := range addTests {
			t.Run(tt.name, func(t *testing.T) {
				tt.entry.AddedAt, tt.entry.AddedBy, tt.entry.Reason = start, "officer@example.org", "because"
				if err := s.AddRollEntry(ctx, tt.contest, tt.entry); elections.ErrorCode(err) != tt.want {
					t.Errorf("AddRollEntry = %v, want %s", err, tt.want)
				}
			})
		}
		// An addition says who added it and why; a person has no representative.
		bad := []elections.RollEntry{voter(bob), voter(bob), voter(bob)}
		bad[0].AddedAt = start
		bad[1].AddedAt, bad[1].AddedBy = start, "officer@example.org"
		bad[2].Representative = "Someone"
		for i, e := range bad {
			if err := s.AddRollEntry(ctx, saved, e); err == nil {
				t.Errorf("AddRollEntry(bad entry %d) succeeded, want the database to refuse it", i)
			}
		}
		if n := count(t, s, "SELECT count(*) FROM roll_entries"); n != 1 {
			t.Errorf("%d roll entries after the refused additions, want 1", n)
		}
	})
}

// TestRollEntriesAreImmutable checks that the database itself refuses to change or remove a
// roll entry, whoever asks.
func TestRollEntriesAreImmutable(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		ada := person("ada", "individual", "2024-01-01")
		createMembers(t, s, ada)
		if err := s.SaveRoll(ctx, e.Contests[0].ID, []elections.RollEntry{voter(ada)}); err != nil {
			t.Fatalf("SaveRoll: %v", err)
		}
		tampering := []string{
			"UPDATE roll_entries SET name = 'Mallory'",
			"UPDATE roll_entries SET contest_id = contest_id",
			"DELETE FROM roll_entries",
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			tampering = append(tampering, "TRUNCATE roll_entries")
		}
		for _, sql := range tampering {
			if err := sqlstore.GormDB(s).Exec(sql).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", sql)
			}
		}
		got, err := s.RollEntries(ctx, e.Contests[0].ID)
		if err != nil {
			t.Fatalf("RollEntries: %v", err)
		}
		if diff := cmp.Diff([]elections.RollEntry{voter(ada)}, got); diff != "" {
			t.Errorf("roll after tampering (-want +got):\n%s", diff)
		}
	})
}

// TestLargeRoll stores and reads back more voters than one IN list takes.
func TestLargeRoll(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		const n = 1_200
		ms := make([]*elections.Member, n)
		entries := make([]elections.RollEntry, n)
		for i := range ms {
			ms[n-1-i] = person(fmt.Sprintf("m-%04d", i), "individual", "2024-01-01")
		}
		createMembers(t, s, ms...)
		for i, m := range ms {
			entries[i] = voter(m)
		}
		if err := s.SaveRoll(ctx, e.Contests[0].ID, entries); err != nil {
			t.Fatalf("SaveRoll: %v", err)
		}
		got, err := s.RollEntries(ctx, e.Contests[0].ID)
		if err != nil || len(got) != n {
			t.Fatalf("RollEntries returned %d entries, %v; want %d", len(got), err, n)
		}
		if got[0].Member != "m-0000" || got[n-1].Member != fmt.Sprintf("m-%04d", n-1) {
			t.Errorf("RollEntries from %s to %s, want sorted", got[0].Member, got[n-1].Member)
		}
	})
}
