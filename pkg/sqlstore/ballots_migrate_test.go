package sqlstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// TestMigrateKeysBallots casts ballots in the schema of migration 0005 as it first shipped
// (receipts and nonces as hex text, NULL for no voter key, a partial unique index for the live
// ballot), then migrates: 0007 rebuilds the table keyed by voter key and receipt, and the
// ballots read back the same, a revote supersedes a migrated live ballot, and a second live
// ballot for the key is refused.
func TestMigrateKeysBallots(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		s := sqlstoretest.OpenOptions(t, opts)
		sqlstore.SetMigrations(s, legacyMigrations(t))
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate to 0005: %v", err)
		}
		r, revote, once := castFixture(t, s)
		live := newCast(r.ID, revote, "ada", "ranking:1>2", true, "live")
		old := newCast(r.ID, revote, "ada", "ranking:2", true, "old")
		plain := newCast(r.ID, once, "bob", "approval:1", false, "plain")
		for _, b := range []struct {
			c          *elections.BallotCast
			superseded bool
		}{{old, true}, {live, false}, {plain, false}} {
			var key any
			if b.c.Ballot.VoterKey != nil {
				key = b.c.Ballot.VoterKey
			}
			err := sqlstore.GormDB(s).Exec("INSERT INTO ballots (receipt, round_id, contest_id, nonce, content, superseded, voter_key) "+
				"VALUES (?, ?, ?, ?, ?, ?, ?)", b.c.Ballot.Receipt, b.c.Ballot.RoundID, b.c.Ballot.ContestID, b.c.Ballot.Nonce,
				b.c.Ballot.Content, b.superseded, key).Error
			if err != nil {
				t.Fatalf("insert a ballot of 0005: %v", err)
			}
		}

		for _, c := range []*elections.BallotCast{live, plain} {
			err := sqlstore.GormDB(s).Exec("INSERT INTO participation (contest_id, round_id, member) VALUES (?, ?, ?)",
				c.Ballot.ContestID, c.Ballot.RoundID, c.Member).Error
			if err != nil {
				t.Fatalf("record participation: %v", err)
			}
		}

		sqlstore.SetMigrations(s, os.DirFS("migrations"))
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 2 || applied[1].String() != "0007_ballots_keyed" {
			t.Fatalf("Migrate = %v, %v; want 0006 and 0007 applied", applied, err)
		}
		if diff := cmp.Diff(storedBallots(map[*elections.BallotCast]bool{old: true}, live, old), ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("migrated ballots of the revoting contest (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(storedBallots(nil, plain), ballotsOf(t, s, r.ID, once)); diff != "" {
			t.Errorf("migrated ballots of the other contest (-want +got):\n%s", diff)
		}

		// The migrated live ballot is the one a revote supersedes; a second live ballot for
		// the key is refused by the table itself.
		again := newCast(r.ID, revote, "ada", "ranking:2>1", true, "again")
		castAll(t, s, castNow, again)
		if again.Err != nil || !again.Replaced {
			t.Fatalf("revote after the migration: err %v, replaced %t; want it to replace the migrated ballot", again.Err, again.Replaced)
		}
		err = sqlstore.GormDB(s).Exec("INSERT INTO ballots (round_id, contest_id, voter_key, receipt, nonce, content, superseded) "+
			"VALUES (?, ?, ?, ?, ?, ?, FALSE)", r.ID, revote, live.Ballot.VoterKey, mustHex(live.Ballot.Nonce+live.Ballot.Nonce),
			mustHex(live.Ballot.Nonce), "ranking:1").Error
		if err == nil {
			t.Error("a second live ballot for a voter key was stored after the migration")
		}
	})
}
