package sqlstore

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// writeGate queues the write transactions of one process on SQLite, in arrival order.
//
// SQLite lets one transaction write at a time, and a connection that finds the write lock
// taken polls for it (the busy timeout) rather than queueing. While ballots are being cast,
// the group-commit writer begins its next batch the moment the last one commits, so a poller
// almost never finds the lock free: an officer's close, or any other transaction, waited
// seconds in our measurements and may fail with "database is locked". Taking this gate first
// makes the process's transactions take turns instead (blocked channel senders are served
// first come, first served), and costs nothing, since SQLite runs them one at a time anyway.
// Other processes on the same file still poll.
type writeGate struct {
	slot chan struct{}
	// wait is how long to queue before going on without the gate (and polling as before), so
	// that a mistake such as a transaction begun on the root Store within another one's
	// function fails as it did, after the busy timeout, rather than hangs.
	wait time.Duration
}

// newWriteGate returns the gate of a Store: one for SQLite, nil (no gate) for PostgreSQL,
// whose row locks queue waiters themselves.
func newWriteGate(driver string, busyTimeout time.Duration) *writeGate {
	if driver != DriverSQLite {
		return nil
	}
	return &writeGate{slot: make(chan struct{}, 1), wait: busyTimeout}
}

// enterWriteGate waits for the store's turn to write and returns the function that ends it.
// Within a transaction, without a gate, or when ctx ends or the wait runs out first, it does
// not wait (and its function does nothing).
func (s *Store) enterWriteGate(ctx context.Context) (leave func()) {
	g := s.gate
	if g == nil {
		return func() {}
	}
	if _, inTx := s.db.Statement.ConnPool.(gorm.TxCommitter); inTx {
		return func() {}
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slot <- struct{}{}:
		return func() { <-g.slot }
	case <-ctx.Done():
	case <-timer.C:
	}
	return func() {}
}
