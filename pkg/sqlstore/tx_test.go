package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

func TestAppendEvents(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.AppendEvents(ctx, nil); err != nil {
			t.Fatalf("AppendEvents(nil): %v", err)
		}
		const n = 1_234 // more than one batch
		es := make([]*elections.Event, n)
		want := make([]elections.Event, n)
		for i := range es {
			payload := json.RawMessage(fmt.Sprintf(`{"n": %d}`, i))
			es[i] = &elections.Event{ID: 9, At: start, Actor: "cli", Kind: fmt.Sprintf("test.%d", i%3), Payload: payload}
			want[i] = elections.Event{ID: int64(i + 1), At: stored, Actor: "cli", Kind: es[i].Kind, Payload: payload}
		}
		chainEvents(want, "")
		err := s.Tx(ctx, func(tx elections.Store) error { return tx.AppendEvents(ctx, es) })
		if err != nil {
			t.Fatalf("AppendEvents: %v", err)
		}
		for i, e := range es {
			if diff := cmp.Diff(want[i], *e); diff != "" {
				t.Fatalf("event %d after AppendEvents (-want +got):\n%s", i, diff)
			}
		}
		got, err := s.ListEvents(ctx, elections.EventFilter{})
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListEvents (-want +got):\n%s", diff)
		}
	})
}

// TestAppendEventsAllOrNothing checks that a bad event in a later batch leaves none of the
// batches before it, also outside a transaction.
func TestAppendEventsAllOrNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		es := make([]*elections.Event, 700)
		for i := range es {
			es[i] = &elections.Event{At: start, Actor: "cli", Kind: "test", Payload: json.RawMessage(`{}`)}
		}
		es[650].Payload = json.RawMessage(`{not json`)
		if err := s.AppendEvents(context.Background(), es); err == nil {
			t.Fatal("AppendEvents with a bad payload succeeded")
		}
		if n := count(t, s, "SELECT count(*) FROM audit_events"); n != 0 {
			t.Errorf("%d events stored, want none", n)
		}
	})
}

// TestFailedTxLeavesNothing writes to every table of the board and the roll in a transaction
// that fails: nothing remains.
func TestFailedTxLeavesNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		errAbort := errors.New("abort")
		err := s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.Lock(ctx, elections.LockBoard); err != nil {
				return err
			}
			if err := tx.CreateCharter(ctx, testCharter("2024-01-01")); err != nil {
				return err
			}
			acme := organisation("org-acme", "gold", "2023-01-01", &elections.Representative{Name: "Jo", Since: day("2023-01-01")})
			ada := person("ada", "individual", "2024-01-01")
			if err := tx.CreateMembers(ctx, []*elections.Member{acme, ada}); err != nil {
				return err
			}
			// A refused call inside the transaction does not spoil it (CreateMembers uses a savepoint).
			if err := tx.CreateMembers(ctx, []*elections.Member{person("ada", "individual", "2024-01-01")}); elections.ErrorCode(err) != elections.ECONFLICT {
				t.Errorf("CreateMembers with a taken id = %v, want %s", err, elections.ECONFLICT)
			}
			if err := tx.AddRepresentative(ctx, acme.ID, elections.Representative{Name: "Kim", Since: day("2025-01-01")}); err != nil {
				return err
			}
			if err := tx.CreateDonations(ctx, []*elections.Donation{donation("d1", ada.ID, 60_00, "2025-05-01")}); err != nil {
				return err
			}
			tm := term("gold", 1, "Acme", "2024-06-16", "2026-06-16")
			tm.MemberExternalID = "org-acme"
			tm.Representatives = []elections.SeatRepresentative{{Name: "Kim", Since: day("2024-06-16")}}
			if err := tx.CreateTerm(ctx, tm); err != nil {
				return err
			}
			if err := tx.AddSeatRepresentative(ctx, tm.ID, elections.SeatRepresentative{Name: "Lee", Since: day("2025-01-01")}); err != nil {
				return err
			}
			if err := tx.AppendEvents(ctx, []*elections.Event{{At: start, Actor: "cli", Kind: "test", Payload: json.RawMessage(`{}`)}}); err != nil {
				return err
			}
			if n := count(t, tx.(*sqlstore.Store), "SELECT count(*) FROM seat_representatives"); n != 2 {
				t.Errorf("%d seat representatives inside the transaction, want 2", n)
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("Tx = %v, want fn's error", err)
		}
		for _, table := range []string{"charters", "charter_constituencies", "members", "member_representatives",
			"donations", "seat_terms", "seat_representatives", "audit_events"} {
			if n := count(t, s, "SELECT count(*) FROM "+table); n != 0 {
				t.Errorf("%d rows in %s after the failed transaction, want none", n, table)
			}
		}
	})
}

func TestLockOutsideTx(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.Lock(ctx, elections.LockBoard); err == nil {
			t.Error("Lock outside a transaction succeeded, want an error")
		}
		err := s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.Lock(ctx, elections.LockBoard); err != nil {
				return err
			}
			return tx.Lock(ctx, elections.LockMembers)
		})
		if err != nil {
			t.Errorf("Lock inside a transaction: %v", err)
		}
	})
}

// TestLockSerialisesTransactions holds the board lock in one PostgreSQL transaction and checks
// that a second transaction waits for it, while a transaction taking another lock does not.
func TestLockSerialisesTransactions(t *testing.T) {
	s := sqlstoretest.OpenPostgres(t)
	ctx := context.Background()
	var (
		mu    sync.Mutex
		steps []string
	)
	step := func(name string) {
		mu.Lock()
		defer mu.Unlock()
		steps = append(steps, name)
	}
	locked, release, secondPID := make(chan struct{}), make(chan struct{}), make(chan int, 1)
	errs := make(chan error, 2)
	go func() {
		errs <- s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.Lock(ctx, elections.LockBoard); err != nil {
				return err
			}
			step("first locked")
			close(locked)
			<-release
			step("first done")
			return nil
		})
	}()
	<-locked
	go func() {
		errs <- s.Tx(ctx, func(tx elections.Store) error {
			var pid int
			if err := sqlstore.GormDB(tx.(*sqlstore.Store)).Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
				return err
			}
			secondPID <- pid
			if err := tx.Lock(ctx, elections.LockBoard); err != nil {
				return err
			}
			step("second locked")
			return nil
		})
	}()
	pid := <-secondPID
	waitFor(t, "the second transaction to wait for the lock", func() bool {
		return count(t, s, "SELECT count(*) FROM pg_locks WHERE pid = ? AND locktype = 'advisory' AND NOT granted", pid) == 1
	})
	// Another lock is free meanwhile (were it not, the test would hang here).
	if err := s.Tx(ctx, func(tx elections.Store) error { return tx.Lock(ctx, elections.LockMembers) }); err != nil {
		t.Errorf("Lock(members) while the board lock is held: %v", err)
	}
	close(release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("Tx: %v", err)
		}
	}
	if diff := cmp.Diff([]string{"first locked", "first done", "second locked"}, steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

// waitFor polls cond until it holds; it asserts no timing, the test's deadline bounds it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if deadline, ok := t.Deadline(); ok && time.Until(deadline) < time.Second {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
