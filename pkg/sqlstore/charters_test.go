package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

var day = elections.MustDate

// count runs a query that counts rows.
func count(t *testing.T, s *sqlstore.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := sqlstore.GormDB(s).Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// testCharter returns a charter in force from `from` with an elected donation constituency,
// an elected ratio membership constituency with its own quorum, and an ex officio seat, in
// an order that is not alphabetical.
func testCharter(from string) *elections.Charter {
	return &elections.Charter{
		EffectiveFrom: day(from),
		Name:          "Test Board",
		Currency:      "USD",
		TermYears:     2,
		FirstElection: 2024,
		Rules:         elections.CharterRules{OneConstituencyPerNominee: true},
		Constituencies: []elections.Constituency{
			{Key: "individual", Name: "Individual Members", Category: "Community", Seats: 4, Seating: elections.SeatingElected,
				Cohort: 1, Method: "meek", Uncontested: elections.Acclamation,
				Eligibility: elections.Eligibility{Rule: elections.EligibleByDonation, MinDonation: 60_00,
					WindowStart: elections.MonthDay{Month: time.April, Day: 20}}},
			{Key: "gold", Name: "Gold Members", Category: "Funder", Seats: 3, MembersPerSeat: 5, Seating: elections.SeatingElected,
				Method: "stv", Uncontested: elections.ConfidenceVote,
				Eligibility: elections.Eligibility{Rule: elections.EligibleByMembership},
				Quorum:      &elections.Quorum{MinTurnoutPercent: 25}},
			{Key: "managing-director", Name: "Managing Director", Category: "Foundation", Seats: 1, Seating: elections.SeatingExOfficio},
		},
		AppliedAt:   start,
		Fingerprint: strings.Repeat("ab", 32),
	}
}

func TestCreateAndListCharters(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if got, err := s.Charters(ctx); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("Charters on a new database = %#v, %v; want an empty slice", got, err)
		}
		first := testCharter("2024-01-01")
		second := testCharter("2026-01-01")
		second.Version = 9 // ignored: versions are numbered by the store
		second.Rules = elections.CharterRules{
			AffiliationCap:           &elections.AffiliationCap{Max: 2, Scope: elections.CapBoard},
			TermLimit:                &elections.TermLimit{MaxConsecutiveTerms: 3},
			Quorum:                   &elections.Quorum{MinTurnoutPercent: 10},
			RollAdditionsAfterFreeze: true,
		}
		second.Constituencies = second.Constituencies[1:]
		second.Fingerprint = strings.Repeat("cd", 32)
		var want []elections.Charter
		for i, c := range []*elections.Charter{first, second} {
			if err := s.CreateCharter(ctx, c); err != nil {
				t.Fatalf("CreateCharter: %v", err)
			}
			if c.Version != i+1 || !c.AppliedAt.Equal(start.Truncate(time.Microsecond)) {
				t.Errorf("charter %d: Version %d, AppliedAt %v; want %d and the stored time", i, c.Version, c.AppliedAt, i+1)
			}
			want = append(want, *c)
		}
		got, err := s.Charters(ctx)
		if err != nil {
			t.Fatalf("Charters: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Charters (-want +got):\n%s", diff)
		}
		// Optional rules and unset eligibility fields are NULL, not zeros.
		for query, want := range map[string]int{
			`SELECT count(*) FROM charters WHERE affiliation_cap_max IS NULL AND affiliation_cap_scope IS NULL
				AND term_limit IS NULL AND quorum_percent IS NULL`: 1,
			`SELECT count(*) FROM charter_constituencies WHERE window_start IS NULL`:   4,
			`SELECT count(*) FROM charter_constituencies WHERE quorum_percent IS NULL`: 3,
		} {
			if n := count(t, s, query); n != want {
				t.Errorf("%s = %d, want %d", query, n, want)
			}
		}
	})
}

func TestCreateCharterConflicts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.CreateCharter(ctx, testCharter("2024-01-01")); err != nil {
			t.Fatalf("CreateCharter: %v", err)
		}
		twice := testCharter("2025-01-01")
		twice.Constituencies = append(twice.Constituencies, twice.Constituencies[0])
		tests := []struct {
			name string
			c    *elections.Charter
		}{
			{"same effective date", testCharter("2024-01-01")},
			{"constituency listed twice", twice},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := s.CreateCharter(ctx, tt.c); elections.ErrorCode(err) != elections.ECONFLICT {
					t.Errorf("CreateCharter = %v, want %s", err, elections.ECONFLICT)
				}
			})
		}
		got, err := s.Charters(ctx)
		if err != nil || len(got) != 1 {
			t.Errorf("after the conflicts Charters returned %d versions, %v; want 1", len(got), err)
		}
	})
}

// TestCharterSchemaRefusesInconsistentConstituencies checks a few of the constraints that
// back the domain's rules in the database itself.
func TestCharterSchemaRefusesInconsistentConstituencies(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		tests := []struct {
			name   string
			modify func(c *elections.Charter)
		}{
			{"donation rule without a threshold", func(c *elections.Charter) { c.Constituencies[0].Eligibility.MinDonation = 0 }},
			{"donation rule without a window", func(c *elections.Charter) { c.Constituencies[0].Eligibility.WindowStart = elections.MonthDay{} }},
			{"membership rule with a window", func(c *elections.Charter) {
				c.Constituencies[1].Eligibility.WindowStart = elections.MonthDay{Month: time.May, Day: 1}
			}},
			{"ex officio seat with a method", func(c *elections.Charter) { c.Constituencies[2].Method = "meek" }},
			{"elected seat without a method", func(c *elections.Charter) { c.Constituencies[1].Method = "" }},
			{"unknown seating", func(c *elections.Charter) { c.Constituencies[2].Seating = "inherited" }},
			{"lower-case currency", func(c *elections.Charter) { c.Currency = "usd" }},
			{"affiliation cap without a scope", func(c *elections.Charter) { c.Rules.AffiliationCap = &elections.AffiliationCap{Max: 1} }},
			{"no effective date", func(c *elections.Charter) { c.EffectiveFrom = elections.Date{} }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := testCharter("2024-01-01")
				tt.modify(c)
				if err := s.CreateCharter(ctx, c); err == nil {
					t.Error("CreateCharter succeeded, want the database to refuse it")
				}
			})
		}
		if got, err := s.Charters(ctx); err != nil || len(got) != 0 {
			t.Errorf("Charters = %d versions, %v; want none", len(got), err)
		}
	})
}

// TestChartersAreImmutable checks that the database itself refuses to change or remove a
// charter version, whoever asks.
func TestChartersAreImmutable(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		c := testCharter("2024-01-01")
		if err := s.CreateCharter(ctx, c); err != nil {
			t.Fatalf("CreateCharter: %v", err)
		}
		tampering := []string{
			"UPDATE charters SET name = 'Other Board'",
			"UPDATE charter_constituencies SET seats = 9",
			"DELETE FROM charter_constituencies",
			"DELETE FROM charters",
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			tampering = append(tampering, "TRUNCATE charter_constituencies", "TRUNCATE charters CASCADE")
		}
		for _, sql := range tampering {
			if err := sqlstore.GormDB(s).Exec(sql).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", sql)
			}
		}
		got, err := s.Charters(ctx)
		if err != nil {
			t.Fatalf("Charters: %v", err)
		}
		if diff := cmp.Diff([]elections.Charter{*c}, got); diff != "" {
			t.Errorf("charters after tampering (-want +got):\n%s", diff)
		}
	})
}

// Charters reads the versions, then their constituencies, in two queries outside any
// transaction: a version applied between them (by another officer, another replica) must be
// left for the next read, not have its constituencies given to another version, or crash the
// read when there was no version before.
func TestChartersWhileAVersionIsApplied(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		var pending []*elections.Charter
		err := sqlstore.GormDB(s).Callback().Query().After("gorm:query").Register("test:apply_between_queries", func(db *gorm.DB) {
			if db.Statement.Table != "charters" || len(pending) == 0 {
				return
			}
			c := pending[0]
			pending = pending[1:]
			if err := s.CreateCharter(ctx, c); err != nil {
				t.Errorf("CreateCharter between the queries: %v", err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		read := func() []elections.Charter {
			t.Helper()
			got, err := s.Charters(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		pending = []*elections.Charter{testCharter("2024-01-01")}
		if got := read(); len(got) != 0 {
			t.Errorf("Charters with version 1 applied during the read = %+v, want none yet", got)
		}
		pending = []*elections.Charter{testCharter("2025-01-01")}
		got := read()
		if len(got) != 1 || got[0].Version != 1 || len(got[0].Constituencies) != 3 {
			t.Errorf("Charters with version 2 applied during the read = %+v, want version 1 with its 3 constituencies", got)
		}
		if got := read(); len(got) != 2 || len(got[0].Constituencies) != 3 || len(got[1].Constituencies) != 3 {
			t.Errorf("Charters afterwards = %+v, want both versions with 3 constituencies each", got)
		}
	})
}
