package sqlstore

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// lockClass is the first key of the PostgreSQL advisory locks taken by Lock (the second is the
// hash of the lock's name), so that they cannot be mistaken for other advisory locks. The
// two-key locks never collide with the one-key migration lock: PostgreSQL keeps the two key
// spaces apart.
const lockClass int32 = 0x676f7662 // "govb"

// Lock takes the lock called name for the rest of the transaction: it waits until no other
// transaction holds it (or ctx is done). It must be called on the Store passed to a Tx
// function; outside a transaction it fails, because a lock released at once would protect
// nothing.
//
// On PostgreSQL it is a transaction-level advisory lock (pg_advisory_xact_lock), released at
// commit or rollback. On SQLite it does nothing more: every transaction takes the database's
// write lock when it begins (BEGIN IMMEDIATE), so writers are serialised already.
func (s *Store) Lock(ctx context.Context, name string) error {
	if _, inTx := s.db.Statement.ConnPool.(gorm.TxCommitter); !inTx {
		return fmt.Errorf("sqlstore: lock %q outside a transaction: call Lock in a Tx function", name)
	}
	if s.dialect != DriverPostgres {
		return nil
	}
	if err := s.db.WithContext(ctx).Exec("SELECT pg_advisory_xact_lock(?, hashtext(?))", lockClass, name).Error; err != nil {
		return fmt.Errorf("sqlstore: take lock %q: %w", name, err)
	}
	return nil
}
