package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// BenchmarkImportMembers imports 10,000 new members into a fresh database in one transaction
// (the size of issue #3's acceptance test), and the same rows again (nothing changes), through
// the service on the real store, on SQLite and (when GOVBOARD_TEST_POSTGRES_DSN is set)
// PostgreSQL. docs/BENCHMARKS.md records the figures.
func BenchmarkImportMembers(b *testing.B) {
	rows := make([]elections.MemberInput, 10_000)
	for i := range rows {
		rows[i] = elections.MemberInput{Line: i + 2, ExternalID: fmt.Sprintf("m-%05d", i), Kind: "person",
			Name: fmt.Sprintf("Member %d", i), Email: fmt.Sprintf("m%d@example.org", i), Constituency: "individual",
			Joined: "2024-01-01"}
	}
	engines := []struct {
		name string
		open func(testing.TB) *sqlstore.Store
	}{{"sqlite", sqlstoretest.Open}, {"postgres", sqlstoretest.OpenPostgres}}
	for _, engine := range engines {
		b.Run(engine.name+"/new", func(b *testing.B) { benchmarkImport(b, engine.open, rows, false) })
		b.Run(engine.name+"/unchanged", func(b *testing.B) { benchmarkImport(b, engine.open, rows, true) })
	}
}

// benchmarkImport times ImportMembers of rows on a fresh store (after a first, untimed
// import of the same rows when again).
func benchmarkImport(b *testing.B, open func(testing.TB) *sqlstore.Store, rows []elections.MemberInput, again bool) {
	ctx := context.Background()
	src := elections.ImportSource{Name: "bench.csv", Format: "csv"}
	for b.Loop() {
		b.StopTimer()
		svc := benchService(b, open(b))
		if again {
			if _, err := svc.ImportMembers(ctx, elections.CLIActor(), rows, src); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		res, err := svc.ImportMembers(ctx, elections.CLIActor(), rows, src)
		if err != nil || (!again && res.Created != len(rows)) || (again && res.Unchanged != len(rows)) {
			b.Fatalf("import: %+v %v", res, err)
		}
	}
}

// benchService returns a service on s with a one-constituency charter applied.
func benchService(b *testing.B, s *sqlstore.Store) *elections.Service {
	b.Helper()
	svc, err := elections.NewService(s, electionstest.NewClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), &electionstest.Hasher{})
	if err != nil {
		b.Fatal(err)
	}
	c := &elections.Charter{EffectiveFrom: elections.MustDate("2024-01-01"), Name: "Bench", Currency: "USD",
		TermYears: 2, FirstElection: 2024, Rules: elections.CharterRules{OneConstituencyPerNominee: true},
		Constituencies: []elections.Constituency{{Key: "individual", Name: "Individual Members", Category: "Community",
			Seats: 4, Seating: elections.SeatingElected, Cohort: 1, Method: "meek", Uncontested: elections.Acclamation,
			Eligibility: elections.Eligibility{Rule: elections.EligibleByMembership}}}}
	if _, _, err := svc.ApplyCharter(context.Background(), elections.CLIActor(), c); err != nil {
		b.Fatal(err)
	}
	return svc
}
