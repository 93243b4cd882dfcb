package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// chainEvents sets the PrevHash and Hash of events as the store chains them after prev.
func chainEvents(events []elections.Event, prev string) {
	for i := range events {
		events[i].PrevHash = prev
		events[i].Hash = elections.ChainHash(&events[i])
		prev = events[i].Hash
	}
}

// readChain returns every entry of the audit chain, in order.
func readChain(t *testing.T, s *sqlstore.Store) []elections.Event {
	t.Helper()
	var out []elections.Event
	if err := s.AuditChain(context.Background(), 0, func(e *elections.Event) error {
		out = append(out, *e)
		return nil
	}); err != nil {
		t.Fatalf("AuditChain: %v", err)
	}
	return out
}

// checkChain fails the test unless the store's chain holds, its ids run from 1 to want
// without a gap, and AuditHead names its last entry.
func checkChain(t *testing.T, s *sqlstore.Store, want int) []elections.Event {
	t.Helper()
	events := readChain(t, s)
	var c elections.ChainChecker
	for i := range events {
		if b := c.Add(&events[i]); b != nil {
			t.Errorf("chain broken at %d: %s", b.ID, b.Reason)
		}
		if events[i].ID != int64(i+1) {
			t.Fatalf("entry %d has id %d: ids are not contiguous", i+1, events[i].ID)
		}
	}
	if len(events) != want {
		t.Errorf("%d entries in the chain, want %d", len(events), want)
	}
	head, err := s.AuditHead(context.Background())
	if err != nil {
		t.Fatalf("AuditHead: %v", err)
	}
	if r := c.Report(); head != r.Head {
		t.Errorf("AuditHead = %+v, want the last entry's link %+v", head, r.Head)
	}
	return events
}

func testEvent(kind string, election int64, payload string) *elections.Event {
	return &elections.Event{At: start, Actor: "cli", Kind: kind, Election: election, Payload: json.RawMessage(payload)}
}

// TestAuditChain appends entries alone, in batches and in transactions, nested ones among
// them, with a savepoint that fails: the chain holds, without the failed savepoint's entry,
// and each entry's ID and hashes are set once its transaction has committed.
func TestAuditChain(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if head, err := s.AuditHead(ctx); err != nil || head != (elections.ChainLink{}) {
			t.Fatalf("AuditHead of an empty log = %+v, %v; want the zero link", head, err)
		}
		first := testEvent("test.one", 0, `{"n":1}`)
		if err := s.AppendEvent(ctx, first); err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		if first.ID != 1 || first.PrevHash != "" || first.Hash != elections.ChainHash(first) {
			t.Errorf("first entry %+v: want id 1, no prev_hash and its ChainHash", first)
		}
		if err := s.AppendEvents(ctx, []*elections.Event{testEvent("test.two", 7, `{"n":2}`), testEvent("test.two", 8, `{"n":3}`)}); err != nil {
			t.Fatalf("AppendEvents: %v", err)
		}
		inTx := testEvent("test.tx", 7, `{"n":4}`)
		dropped := testEvent("test.dropped", 7, `{"n":0}`)
		err := s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.AppendEvent(ctx, inTx); err != nil {
				return err
			}
			if inTx.ID != 0 {
				t.Errorf("entry has id %d inside its transaction, want none until the commit", inTx.ID)
			}
			err := tx.Tx(ctx, func(tx elections.Store) error {
				if err := tx.AppendEvent(ctx, dropped); err != nil {
					return err
				}
				return errors.New("abort the savepoint")
			})
			if err == nil {
				t.Error("nested Tx succeeded, want its error")
			}
			return tx.Tx(ctx, func(tx elections.Store) error {
				return tx.AppendEvent(ctx, testEvent("test.nested", 0, `{"n":5}`))
			})
		})
		if err != nil {
			t.Fatalf("Tx: %v", err)
		}
		if inTx.ID != 4 || inTx.Hash == "" || dropped.ID != 0 {
			t.Errorf("after the commit: entry %d (hash %q), dropped entry %d; want 4, a hash, 0", inTx.ID, inTx.Hash, dropped.ID)
		}
		events := checkChain(t, s, 5)
		for _, e := range events {
			if e.Kind == "test.dropped" {
				t.Error("the entry of the failed savepoint was appended")
			}
		}
		if diff := cmp.Diff(*inTx, events[3]); diff != "" {
			t.Errorf("stored entry (-want +got):\n%s", diff)
		}
		got, err := s.ListEvents(ctx, elections.EventFilter{Election: 7})
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		if len(got) != 2 || got[0].ID != 2 || got[1].ID != 4 || got[1].Hash != inTx.Hash {
			t.Errorf("ListEvents(election 7) = %+v, want entries 2 and 4 with their hashes", got)
		}
		// After a failed transaction, nothing of it is left, not even on the events.
		failed := testEvent("test.failed", 0, `{}`)
		err = s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.AppendEvent(ctx, failed); err != nil {
				return err
			}
			return errors.New("abort")
		})
		if err == nil || failed.ID != 0 || failed.Hash != "" {
			t.Errorf("failed Tx = %v, event id %d hash %q; want an error and no id or hash", err, failed.ID, failed.Hash)
		}
		checkChain(t, s, 5)
	})
}

// TestAuditChainConcurrentAppends appends from many goroutines, through two Stores on one
// database (two replicas), alone and in transactions that also write other rows: the chain
// never forks and its ids have no gap.
func TestAuditChainConcurrentAppends(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		replicas := []*sqlstore.Store{sqlstoretest.Migrated(t, opts), sqlstoretest.OpenOptions(t, opts)}
		const workers, each = 12, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := replicas[w%len(replicas)]
				for i := range each {
					payload := fmt.Sprintf(`{"worker":%d,"i":%d}`, w, i)
					var err error
					switch i % 3 {
					case 0:
						err = s.AppendEvent(ctx, testEvent("test.alone", 0, payload))
					case 1:
						err = s.AppendEvents(ctx, []*elections.Event{testEvent("test.pair", 1, payload), testEvent("test.pair", 2, payload)})
					default:
						err = s.Tx(ctx, func(tx elections.Store) error {
							u := &elections.User{Email: fmt.Sprintf("w%d-%d@example.org", w, i), Role: elections.RoleAuditor, PasswordHash: "h", CreatedAt: start}
							if err := tx.CreateUser(ctx, u); err != nil {
								return err
							}
							return tx.AppendEvent(ctx, testEvent("test.tx", 0, payload))
						})
					}
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("append: %v", err)
		}
		// Per worker: 4 alone (i = 0, 3, 6, 9), 3 pairs, 3 transactions.
		checkChain(t, replicas[0], workers*(4+3*2+3))
	})
}

// TestAuditTableRefusesChanges checks that the database itself refuses to change, remove or
// append an entry without its hash, and to seal a sealed entry again, whoever asks.
func TestAuditTableRefusesChanges(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		for i := range 2 {
			if err := s.AppendEvent(ctx, testEvent("test", 0, fmt.Sprintf(`{"n":%d}`, i))); err != nil {
				t.Fatalf("AppendEvent: %v", err)
			}
		}
		before := readChain(t, s)
		// forged is a well-formed hash that is no entry's: the hash trigger lets it through, so
		// that the inserts below meet the chain trigger.
		forged := strings.Repeat("f", 64)
		insertSQL := func(verb string, id int64, prevHash, hash string) string {
			return fmt.Sprintf("%s INTO audit_events (id, at, actor, kind, election_id, payload, prev_hash, hash) "+
				"VALUES (%d, '2026-03-01 00:00:00', 'cli', 'test', 0, '{\"n\":9}', %s, %s)", verb, id, prevHash, hash)
		}
		quote := func(v string) string { return "'" + v + "'" }
		insert := func(verb string, id int64, prevHash, hash string) string {
			return insertSQL(verb, id, quote(prevHash), quote(hash))
		}
		// Inserts that do not follow the head, linked to it: the chain trigger refuses them.
		unchained := []string{
			insert("INSERT", 2, before[0].Hash, forged) + " ON CONFLICT (id) DO UPDATE SET payload = excluded.payload",
			// After the head, but with a stale prev_hash, or with an id below the head's.
			insert("INSERT", 3, "stale", forged),
			insert("INSERT", 3, "", forged),
			insertSQL("INSERT", 3, "NULL", quote(forged)),
			insert("INSERT", 0, before[1].Hash, forged),
			insert("INSERT", -5, before[1].Hash, forged),
		}
		if s.Dialect() == sqlstore.DriverSQLite {
			unchained = append(unchained,
				// Entry 2 replaced by a forgery with the same links: REPLACE deletes the
				// recorded row without firing the DELETE trigger.
				insert("INSERT OR REPLACE", 2, before[0].Hash, before[1].Hash),
				insert("REPLACE", 2, before[0].Hash, forged),
				insert("INSERT OR REPLACE", 3, before[0].Hash, forged),
				// A NULL prev_hash, which REPLACE would store as the column's default ''.
				insertSQL("INSERT OR REPLACE", 3, "NULL", quote(forged)),
				// No id: SQLite would pick the next one.
				"INSERT INTO audit_events (at, actor, kind, election_id, payload, prev_hash, hash) "+
					"VALUES ('2026-03-01 00:00:00', 'cli', 'test', 0, '{}', '"+before[1].Hash+"', '"+forged+"')")
		}
		for _, sql := range unchained {
			err := sqlstore.GormDB(s).Exec(sql).Error
			if err == nil || !strings.Contains(err.Error(), "appended after the head") {
				t.Errorf("%s: %v, want it refused by the chain trigger", sql, err)
			}
		}
		// Inserts after the head, linked to it, without a well-formed hash: the hash trigger
		// refuses them. With a NULL hash, SQLite's REPLACE would store the column's default,
		// '', and leave an unsealed entry at the head of the log.
		unhashed := []string{
			insert("INSERT", 3, before[1].Hash, ""),
			insert("INSERT", 3, before[1].Hash, "forged"),
			insert("INSERT", 3, before[1].Hash, strings.Repeat("F", 64)),
			insert("INSERT", 3, before[1].Hash, strings.Repeat("f", 65)),
			insertSQL("INSERT", 3, quote(before[1].Hash), "NULL"),
		}
		if s.Dialect() == sqlstore.DriverSQLite {
			unhashed = append(unhashed,
				insertSQL("INSERT OR REPLACE", 3, quote(before[1].Hash), "NULL"),
				insertSQL("REPLACE", 3, quote(before[1].Hash), "NULL"),
				insertSQL("INSERT OR REPLACE", 3, quote(before[1].Hash), "''"))
		}
		for _, sql := range unhashed {
			err := sqlstore.GormDB(s).Exec(sql).Error
			if err == nil || !strings.Contains(err.Error(), "appended with their hash") {
				t.Errorf("%s: %v, want it refused by the hash trigger", sql, err)
			}
		}
		tampering := []string{
			"UPDATE audit_events SET payload = '{\"n\":9}' WHERE id = 2",
			"UPDATE audit_events SET hash = 'x', prev_hash = '' WHERE id = 2",
			"UPDATE audit_events SET election_id = 3",
			"DELETE FROM audit_events WHERE id = 2",
			"DELETE FROM audit_events",
			// A fork: a second entry after entry 1.
			insert("INSERT", 3, before[0].Hash, forged),
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			tampering = append(tampering, "TRUNCATE audit_events", "DELETE FROM audit_events WHERE id = 99")
		}
		for _, sql := range tampering {
			if err := sqlstore.GormDB(s).Exec(sql).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", sql)
			}
		}
		if diff := cmp.Diff(before, checkChain(t, s, 2)); diff != "" {
			t.Errorf("entries after tampering (-want +got):\n%s", diff)
		}
		// The database takes an entry that follows the head, as the store appends them: one
		// at a time, and several in one statement.
		if err := s.AppendEvent(ctx, testEvent("test", 0, `{"n":2}`)); err != nil {
			t.Fatalf("AppendEvent after the refusals: %v", err)
		}
		if err := s.AppendEvents(ctx, []*elections.Event{testEvent("test", 0, `{"n":3}`), testEvent("test", 0, `{"n":4}`)}); err != nil {
			t.Fatalf("AppendEvents after the refusals: %v", err)
		}
		events := checkChain(t, s, 5)
		if err := sqlstore.GormDB(s).Exec(insert("INSERT", 6, events[4].Hash, forged)).Error; err != nil {
			t.Errorf("an INSERT after the head, linked to it, refused: %v", err)
		}
	})
}

// TestVerifyAuditChainFindsTampering edits an entry's payload behind the triggers' back (as
// the database's owner could, dropping them): VerifyAuditChain names that entry.
func TestVerifyAuditChainFindsTampering(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		svc, err := elections.NewService(s, electionstest.NewClock(start), &electionstest.Hasher{})
		if err != nil {
			t.Fatal(err)
		}
		auditor := elections.Actor{Kind: elections.ActorUser, ID: 2, Role: elections.RoleAuditor}
		for i := range 4 {
			if err := s.AppendEvent(ctx, testEvent("test", 0, fmt.Sprintf(`{"n":%d}`, i))); err != nil {
				t.Fatalf("AppendEvent: %v", err)
			}
		}
		r, err := svc.VerifyAuditChain(ctx, auditor)
		if err != nil || r.Broken != nil || r.Entries != 4 || r.Head.ID != 4 {
			t.Fatalf("VerifyAuditChain = %+v, %v; want 4 entries, unbroken", r, err)
		}
		if _, err := svc.VerifyAuditChain(ctx, elections.MemberActor("ind-0001", 1)); elections.ErrorCode(err) != elections.EFORBIDDEN {
			t.Errorf("VerifyAuditChain by a member = %v, want %s", err, elections.EFORBIDDEN)
		}
		db := sqlstore.GormDB(s)
		drop := "DROP TRIGGER audit_events_no_update"
		if s.Dialect() == sqlstore.DriverPostgres {
			drop += " ON audit_events"
		}
		if err := db.Exec(drop).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`UPDATE audit_events SET payload = '{"n":7}' WHERE id = 3`).Error; err != nil {
			t.Fatal(err)
		}
		r, err = svc.VerifyAuditChain(ctx, auditor)
		if err != nil {
			t.Fatal(err)
		}
		if r.Broken == nil || r.Broken.ID != 3 || r.Entries != 4 {
			t.Errorf("VerifyAuditChain after editing entry 3 = %+v (broken %+v), want broken at 3", r, r.Broken)
		}
		// Recomputing the edited entry's hash moves the break to the next entry.
		events := readChain(t, s)
		forged := events[2]
		forged.Hash = elections.ChainHash(&forged)
		if err := db.Exec("UPDATE audit_events SET hash = ? WHERE id = 3", forged.Hash).Error; err != nil {
			t.Fatal(err)
		}
		if r, err = svc.VerifyAuditChain(ctx, auditor); err != nil || r.Broken == nil || r.Broken.ID != 4 {
			t.Errorf("VerifyAuditChain after rehashing entry 3 = %+v, %v; want broken at 4", r, err)
		}
	})
}

// legacyMigrations returns the production migrations before the audit chain (0001 to 0005).
func legacyMigrations(t *testing.T) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	for _, dialect := range []string{sqlstore.DriverSQLite, sqlstore.DriverPostgres} {
		entries, err := os.ReadDir("migrations/" + dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() >= "0006" {
				continue
			}
			body, err := os.ReadFile("migrations/" + dialect + "/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			out[dialect+"/"+e.Name()] = &fstest.MapFile{Data: body}
		}
	}
	return out
}

// TestMigrateSealsLegacyEvents records entries before the audit chain existed, then migrates:
// 0006 files them under their election and Migrate seals them in order, once; new entries
// follow them in the chain.
func TestMigrateSealsLegacyEvents(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		s := sqlstoretest.OpenOptions(t, opts)
		sqlstore.SetMigrations(s, legacyMigrations(t))
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate to 0005: %v", err)
		}
		legacy := []string{`{"election": 12, "x": "a"}`, `{"user_id": 1}`, `[1, 2]`, `{"election": "twelve"}`}
		for i, p := range legacy {
			err := sqlstore.GormDB(s).Exec("INSERT INTO audit_events (at, actor, kind, payload) VALUES (?, 'cli', ?, ?)",
				start.Add(time.Duration(i)*time.Second), fmt.Sprintf("legacy.%d", i), p).Error
			if err != nil {
				t.Fatalf("insert a legacy event: %v", err)
			}
		}
		sqlstore.SetMigrations(s, os.DirFS("migrations"))
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 2 || applied[0].String() != "0006_audit_chain" {
			t.Fatalf("Migrate = %v, %v; want 0006_audit_chain and 0007_ballots_keyed applied", applied, err)
		}
		events := checkChain(t, s, len(legacy))
		for i, e := range events {
			if string(e.Payload) != legacy[i] {
				t.Errorf("entry %d payload %s, want %s unchanged", e.ID, e.Payload, legacy[i])
			}
		}
		if events[0].Election != 12 || events[1].Election != 0 || events[2].Election != 0 || events[3].Election != 0 {
			t.Errorf("elections of the legacy entries %d %d %d %d, want 12 0 0 0",
				events[0].Election, events[1].Election, events[2].Election, events[3].Election)
		}
		// Migrating again seals nothing more, and a sealed entry cannot be sealed again.
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
		if err := sqlstore.GormDB(s).Exec("UPDATE audit_events SET prev_hash = '', hash = 'x' WHERE id = 2").Error; err == nil {
			t.Error("sealing a sealed entry again succeeded")
		}
		next := testEvent("test.after", 0, `{}`)
		if err := s.AppendEvent(ctx, next); err != nil {
			t.Fatalf("AppendEvent after the seal: %v", err)
		}
		if next.PrevHash != events[len(events)-1].Hash {
			t.Errorf("new entry links to %q, want the last sealed entry's hash", next.PrevHash)
		}
		checkChain(t, s, len(legacy)+1)
	})
}

// TestAuditSealLinksInOrder applies migration 0006 over entries recorded before the audit
// chain, without the runner's seal, and seals them by hand: the database takes a seal only in
// id order, linked to the entry just before (none for the first), with a well-formed hash.
func TestAuditSealLinksInOrder(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		s := sqlstoretest.OpenOptions(t, opts)
		sqlstore.SetMigrations(s, legacyMigrations(t))
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate to 0005: %v", err)
		}
		db := sqlstore.GormDB(s)
		for i := range 3 {
			err := db.Exec("INSERT INTO audit_events (at, actor, kind, payload) VALUES (?, 'cli', 'legacy', ?)",
				start.Add(time.Duration(i)*time.Second), fmt.Sprintf(`{"n":%d}`, i)).Error
			if err != nil {
				t.Fatalf("insert a legacy event: %v", err)
			}
		}
		body, err := os.ReadFile("migrations/" + s.Dialect() + "/0006_audit_chain.sql")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(string(body)).Error; err != nil {
			t.Fatalf("apply 0006: %v", err)
		}
		events := readChain(t, s)
		if len(events) != 3 || events[2].Hash != "" {
			t.Fatalf("entries %+v, want three unsealed ones", events)
		}
		chainEvents(events, "")
		seal := func(id int64, prevHash, hash string) error {
			return db.Exec("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?", prevHash, hash, id).Error
		}
		forged := strings.Repeat("f", 64)
		refused := []struct {
			name           string
			id             int64
			prevHash, hash string
		}{
			{"entry 2 before entry 1", 2, events[0].Hash, events[1].Hash},
			{"entry 2 before entry 1, linked to nothing", 2, "", events[1].Hash},
			{"the first entry linked to an entry", 1, forged, events[0].Hash},
			{"an empty hash", 1, "", ""},
			{"a short hash", 1, "", "forged"},
			{"an upper-case hash", 1, "", strings.ToUpper(events[0].Hash)},
		}
		for _, tt := range refused {
			if err := seal(tt.id, tt.prevHash, tt.hash); err == nil {
				t.Errorf("seal of %s succeeded, want it refused", tt.name)
			}
		}
		if err := db.Exec("UPDATE audit_events SET prev_hash = '', hash = NULL WHERE id = 1").Error; err == nil {
			t.Error("seal with a NULL hash succeeded, want it refused")
		}
		if s.Dialect() == sqlstore.DriverSQLite {
			// OR REPLACE would store the column's default ('') for a NULL.
			for _, sql := range []string{
				"UPDATE OR REPLACE audit_events SET prev_hash = '', hash = NULL WHERE id = 1",
				"UPDATE OR REPLACE audit_events SET prev_hash = NULL, hash = '" + events[0].Hash + "' WHERE id = 1",
			} {
				if err := db.Exec(sql).Error; err == nil {
					t.Errorf("%s succeeded, want it refused", sql)
				}
			}
		}
		if err := seal(1, "", events[0].Hash); err != nil {
			t.Fatalf("seal of entry 1: %v", err)
		}
		for _, prev := range []string{"", forged, events[0].PrevHash} {
			if err := seal(2, prev, events[1].Hash); err == nil {
				t.Errorf("seal of entry 2 linked to %q succeeded, want it refused: entry 1's hash is %s", prev, events[0].Hash)
			}
		}
		if err := seal(2, events[0].Hash, events[1].Hash); err != nil {
			t.Fatalf("seal of entry 2: %v", err)
		}
		if err := seal(3, events[0].Hash, events[2].Hash); err == nil {
			t.Error("seal of entry 3 linked to entry 1 succeeded, want it refused")
		}
		if err := seal(3, events[1].Hash, events[2].Hash); err != nil {
			t.Fatalf("seal of entry 3: %v", err)
		}
		if err := seal(3, events[1].Hash, forged); err == nil {
			t.Error("a second seal of entry 3 succeeded, want it refused")
		}
		if diff := cmp.Diff(events, checkChain(t, s, 3)); diff != "" {
			t.Errorf("sealed entries (-want +got):\n%s", diff)
		}
	})
}

// TestCastBallotsRecordsAcceptedBallots casts a batch with refused casts among the accepted
// ones: one ballots.accepted entry lists, per contest, the sorted SHA-256 of the accepted
// receipts, and nothing of the refused ones or of the voters; a batch of refused casts alone
// records nothing.
func TestCastBallotsRecordsAcceptedBallots(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		r, revote, once := castFixture(t, s)
		before := len(readChain(t, s))
		a := newCast(r.ID, revote, "ada", "ranking:1>2", true, "a")
		b := newCast(r.ID, once, "bob", "approval:1", false, "b")
		c := newCast(r.ID, revote, "cy", "ranking:2", true, "c")
		twice := newCast(r.ID, once, "bob", "approval:2", false, "b2") // bob has voted: refused
		unknown := newCast(r.ID+100, revote, "dee", "ranking:1", true, "d")
		castAll(t, s, castNow, a, b, twice, c, unknown)
		if a.Err != nil || b.Err != nil || c.Err != nil || twice.Err == nil || unknown.Err == nil {
			t.Fatalf("casts: %v %v %v %v %v; want the last two refused", a.Err, b.Err, c.Err, twice.Err, unknown.Err)
		}
		if a.Election != r.ElectionID || twice.Election != 0 {
			t.Errorf("Election of an accepted cast %d, of a refused one %d; want %d and 0", a.Election, twice.Election, r.ElectionID)
		}
		events := checkChain(t, s, before+1)[before:]
		e := events[0]
		if e.Kind != elections.EventBallotsAccepted || e.Actor != "member" || e.Election != r.ElectionID || !e.At.Equal(castNow.Truncate(time.Microsecond)) {
			t.Errorf("entry %s by %s in election %d at %s, want ballots.accepted by member in %d at %s",
				e.Kind, e.Actor, e.Election, e.At, r.ElectionID, castNow)
		}
		sorted := func(cs ...*elections.BallotCast) []string {
			out := make([]string, len(cs))
			for i, c := range cs {
				out[i] = elections.ReceiptSHA256(c.Ballot.Receipt)
			}
			slices.Sort(out)
			return out
		}
		type contest struct {
			Contest        int64    `json:"contest"`
			Round          int64    `json:"round"`
			ReceiptsSHA256 []string `json:"receipts_sha256"`
		}
		type payload struct {
			Election int64     `json:"election"`
			Contests []contest `json:"contests"`
		}
		want := payload{Election: r.ElectionID, Contests: []contest{
			{Contest: revote, Round: r.ID, ReceiptsSHA256: sorted(a, c)},
			{Contest: once, Round: r.ID, ReceiptsSHA256: sorted(b)},
		}}
		if revote > once {
			want.Contests[0], want.Contests[1] = want.Contests[1], want.Contests[0]
		}
		var got payload
		if err := json.Unmarshal(e.Payload, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ballots.accepted payload (-want +got):\n%s", diff)
		}
		for _, secret := range []string{"ada", "bob", "cy", a.Ballot.Receipt, twice.Ballot.Receipt, unknown.Ballot.Receipt} {
			if strings.Contains(string(e.Payload), secret) {
				t.Errorf("ballots.accepted payload contains %q: %s", secret, e.Payload)
			}
		}
		castAll(t, s, castNow, newCast(r.ID, once, "bob", "approval:2", false, "b3"))
		checkChain(t, s, before+1)
	})
}

// TestCloseRoundRecordsCountedReceipts closes a round through the service, in the store's
// transaction: round.closed records, per contest, the digest of the receipts of the ballots
// not superseded (CountedReceiptsDigest), read after the voter keys are cleared.
func TestCloseRoundRecordsCountedReceipts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, once := castFixture(t, s)
		a := newCast(r.ID, revote, "ada", "ranking:1>2", true, "a")
		b := newCast(r.ID, once, "bob", "approval:1", false, "b")
		c := newCast(r.ID, revote, "cy", "ranking:2", true, "c")
		castAll(t, s, castNow, a, b, c)
		again := newCast(r.ID, revote, "ada", "ranking:2>1", true, "a2") // supersedes a
		castAll(t, s, castNow.Add(time.Minute), again)
		if !again.Replaced {
			t.Fatalf("the second ballot of ada %+v, want it to replace the first", again)
		}
		svc, err := elections.NewService(s, electionstest.NewClock(castNow.Add(time.Hour)), &electionstest.Hasher{})
		if err != nil {
			t.Fatal(err)
		}
		officer := elections.Actor{Kind: elections.ActorUser, ID: 1, Role: elections.RoleOfficer}
		if _, err := svc.CloseRound(ctx, officer, r.ID); err != nil {
			t.Fatalf("CloseRound: %v", err)
		}
		events, err := s.ListEvents(ctx, elections.EventFilter{Kind: elections.EventRoundClosed})
		if err != nil || len(events) != 1 {
			t.Fatalf("round.closed entries %+v, %v; want one", events, err)
		}
		var p struct {
			Ballots []struct {
				Contest int64  `json:"contest"`
				Voters  int    `json:"voters"`
				Digest  string `json:"counted_receipts_sha256"`
			} `json:"ballots"`
		}
		if err := json.Unmarshal(events[0].Payload, &p); err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{
			revote: elections.CountedReceiptsDigest([]string{c.Ballot.Receipt, again.Ballot.Receipt}),
			once:   elections.CountedReceiptsDigest([]string{b.Ballot.Receipt}),
		}
		got := map[int64]string{}
		for _, x := range p.Ballots {
			got[x.Contest] = x.Digest
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round.closed counted receipts (-want +got):\n%s", diff)
		}
		for _, x := range ballotsOf(t, s, r.ID, revote) {
			if x.VoterKey != nil {
				t.Errorf("ballot %s keeps its voter key after the close", x.Receipt)
			}
		}
	})
}
