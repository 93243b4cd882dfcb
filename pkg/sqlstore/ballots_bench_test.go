package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// BenchmarkCastBallots times CastBallots alone, one batch per iteration, as the domain's
// group-commit queue calls it: on SQLite (a file in a temporary directory, WAL,
// synchronous=FULL) and, when GOVBOARD_TEST_POSTGRES_DSN is set, PostgreSQL; in batches of 16 (what 64 HTTP clients give), 64
// and 256 new voters; in a contest that allows revoting (each cast also looks for a ballot to
// supersede) and in one that does not. It reports ballots/s; docs/BENCHMARKS.md records the
// figures.
func BenchmarkCastBallots(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *sqlstore.Store
	}{{"sqlite", sqlstoretest.Open}, {"postgres", sqlstoretest.OpenPostgres}}
	for _, engine := range engines {
		for _, size := range []int{16, 64, 256} {
			for _, revoting := range []bool{true, false} {
				name := fmt.Sprintf("%s/batch=%d/revoting=%v", engine.name, size, revoting)
				b.Run(name, func(b *testing.B) { benchmarkCast(b, engine.open(b), size, revoting) })
			}
		}
	}
}

// benchmarkCast casts batches of size ballots of new voters into a fresh round.
func benchmarkCast(b *testing.B, s *sqlstore.Store, size int, revoting bool) {
	ctx := context.Background()
	r, revote, once := benchRound(b, s)
	contest := once
	if revoting {
		contest = revote
	}
	casts := make([]*elections.BallotCast, size)
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i := range casts {
			m := fmt.Sprintf("voter-%08d", n)
			casts[i] = newCast(r.ID, contest, m, "ranking:2>1=3", revoting, m)
			n++
		}
		b.StartTimer()
		if err := s.CastBallots(ctx, castNow, casts); err != nil {
			b.Fatal(err)
		}
		if casts[size-1].Err != nil {
			b.Fatal(casts[size-1].Err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "ballots/s")
}

// benchRound is castFixture for benchmarks: the 2026 test election with its round 1, in which
// the individual contest (revote) allows revoting and the gold one (once) does not.
func benchRound(b *testing.B, s *sqlstore.Store) (r *elections.Round, revote, once int64) {
	b.Helper()
	ctx := context.Background()
	e := testElection(2026)
	if err := s.CreateCharter(ctx, testCharter("2024-01-01")); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateElection(ctx, e); err != nil {
		b.Fatal(err)
	}
	r = newRound(e, 1)
	revote, once = e.Contests[0].ID, e.Contests[1].ID
	if err := s.CreateRound(ctx, r, []elections.RoundBallot{roundBallot(revote, true), roundBallot(once, false)}); err != nil {
		b.Fatal(err)
	}
	return r, revote, once
}
