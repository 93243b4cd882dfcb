package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// The audit trail is a hash chain (elections.ChainHash). The store appends to it one appender
// at a time, so that every entry links to the one committed before it and the chain never
// forks, whatever the number of processes:
//
//   - On SQLite every write transaction holds the database's write lock from its beginning
//     (BEGIN IMMEDIATE), so appenders take turns already.
//   - On PostgreSQL an appender takes the transaction-level advisory lock chainLockKey, then
//     reads the head, so that replicas on one database take turns too. The lock is held until
//     commit: to keep it short and never to wait for another lock while holding it, Tx buffers
//     the events its function appends and appends them at the very end of the outermost
//     transaction (appendChain is the last statement before COMMIT), and CastBallots appends
//     its entry after storing the batch.
//
// The database refuses a fork even if this protocol were bypassed: a trigger refuses an INSERT
// whose id is not above every id or whose prev_hash is not the head's hash (which also refuses
// SQLite's INSERT OR REPLACE of a recorded entry), and the unique index on prev_hash
// (0006_audit_chain.sql) backs it. The other triggers refuse any UPDATE (but the one-time seal
// of a legacy entry), DELETE or TRUNCATE, and any INSERT without a hash.

// chainLockKey is the PostgreSQL advisory lock (one-key space) held by the appender of the
// audit chain. It differs from migrationLockKey, and Lock's two-key locks never collide with it.
const chainLockKey int64 = 0x676f76622d617564 // "govb-aud"

// chainPage is how many entries AuditChain reads at a time.
const chainPage = 1000

// eventRow is a row of the audit_events table. The payload is text so that it is returned
// byte for byte as recorded (the chain hashes it byte for byte).
type eventRow struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	Actor      string
	Kind       string
	ElectionID int64
	Payload    string
	PrevHash   string
	Hash       string
}

// TableName tells gorm the table's name.
func (eventRow) TableName() string { return "audit_events" }

// toDomain maps a row to an event.
func (r eventRow) toDomain() elections.Event {
	return elections.Event{ID: r.ID, At: r.At.UTC(), Actor: r.Actor, Kind: r.Kind, Election: r.ElectionID,
		Payload: json.RawMessage(r.Payload), PrevHash: r.PrevHash, Hash: r.Hash}
}

// AppendEvent records an event in the audit trail (see AppendEvents).
func (s *Store) AppendEvent(ctx context.Context, e *elections.Event) error {
	return s.AppendEvents(ctx, []*elections.Event{e})
}

// AppendEvents appends events to the audit chain in the order given, and sets their ID,
// PrevHash and Hash (and their At to the stored precision).
//
// Inside a Tx function the events are checked at once but appended when the function has
// returned, just before the outermost transaction commits: until then their ID and hashes
// are not set, and they are dropped with the transaction (or the savepoint of a nested Tx)
// when it fails. Outside a transaction AppendEvents runs a transaction of its own.
func (s *Store) AppendEvents(ctx context.Context, es []*elections.Event) error {
	if len(es) == 0 {
		return nil
	}
	for _, e := range es {
		if err := checkEvent(e); err != nil {
			return err
		}
		e.ID, e.PrevHash, e.Hash, e.At = 0, "", "", storedTime(e.At)
	}
	if s.txEffects == nil {
		return s.Tx(ctx, func(tx elections.Store) error { return tx.AppendEvents(ctx, es) })
	}
	s.txEffects.events = append(s.txEffects.events, es...)
	return nil
}

// checkEvent refuses an event that the table would refuse, so that the error comes from the
// call that appends it rather than from the commit of its transaction.
func checkEvent(e *elections.Event) error {
	switch {
	case e.Actor == "" || e.Kind == "":
		return fmt.Errorf("sqlstore: append event: an event needs an actor and a kind")
	case unstorable(e.Actor) || unstorable(e.Kind) || unstorable(string(e.Payload)):
		return fmt.Errorf("sqlstore: append event %s: NUL or invalid UTF-8", e.Kind)
	case !json.Valid(e.Payload):
		return fmt.Errorf("sqlstore: append event %s: the payload is not JSON", e.Kind)
	}
	return nil
}

// chainConn is what appendChain needs of a transaction: *sql.Tx, or gorm's ConnPool of one.
type chainConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// appendChain appends es to the audit chain within the transaction conn: it takes the chain
// lock (PostgreSQL), reads the head, gives each event the next ID, the previous entry's hash
// and its own hash, and inserts them, batchSize to a statement. It must be the last thing the
// transaction does before it commits (see the top of this file). On failure the events' IDs
// and hashes are cleared.
func appendChain(ctx context.Context, conn chainConn, dialect string, es []*elections.Event) (err error) {
	if len(es) == 0 {
		return nil
	}
	defer func() {
		if err != nil {
			clearChainFields(es)
		}
	}()
	if dialect == DriverPostgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", chainLockKey); err != nil {
			return fmt.Errorf("sqlstore: take the audit chain lock: %w", err)
		}
	}
	head, err := scanChainHead(conn.QueryRowContext(ctx, chainHeadSQL))
	if err != nil {
		return err
	}
	if err := linkEvents(head, es); err != nil {
		return err
	}
	for start := 0; start < len(es); start += batchSize {
		if err := insertEvents(ctx, conn, dialect, es[start:min(start+batchSize, len(es))]); err != nil {
			return fmt.Errorf("sqlstore: append events: %w", err)
		}
	}
	return nil
}

// appendChainCast is appendChain for a cast batch in its own transaction, through the batch's
// prepared statements (castChainHead, castChainInsert): an entry per election of the batch,
// as a rule one.
func appendChainCast(c *castConn, dialect string, es []*elections.Event) (err error) {
	if len(es) == 0 {
		return nil
	}
	defer func() {
		if err != nil {
			clearChainFields(es)
		}
	}()
	if dialect == DriverPostgres {
		if _, err := c.tx.ExecContext(c.ctx, "SELECT pg_advisory_xact_lock($1)", chainLockKey); err != nil {
			return fmt.Errorf("sqlstore: take the audit chain lock: %w", err)
		}
	}
	head, err := scanChainHead(c.queryRow(castChainHead))
	if err != nil {
		return err
	}
	if err := linkEvents(head, es); err != nil {
		return err
	}
	for _, e := range es {
		if _, err := c.exec(castChainInsert, e.ID, e.At, e.Actor, e.Kind, e.Election, string(e.Payload), e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("sqlstore: append events: %w", err)
		}
	}
	return nil
}

// linkEvents gives es, in order, the IDs after head's, the previous entry's hash, their
// stored time and their own hash.
func linkEvents(head elections.ChainLink, es []*elections.Event) error {
	if head.ID != 0 && head.Hash == "" {
		return errors.New("sqlstore: the audit log has entries without a hash: run `govboard migrate` to seal them")
	}
	id, prev := head.ID, head.Hash
	for _, e := range es {
		id++
		e.ID, e.PrevHash, e.At = id, prev, storedTime(e.At)
		e.Hash = elections.ChainHash(e)
		prev = e.Hash
	}
	return nil
}

// clearChainFields undoes what appendChain set on events that were not appended after all.
func clearChainFields(es []*elections.Event) {
	for _, e := range es {
		e.ID, e.PrevHash, e.Hash = 0, "", ""
	}
}

// chainHeadSQL reads the last entry's link.
const chainHeadSQL = "SELECT id, prev_hash, hash FROM audit_events ORDER BY id DESC LIMIT 1"

// scanChainHead scans the row of chainHeadSQL; the zero ChainLink when the log is empty.
func scanChainHead(row *sql.Row) (elections.ChainLink, error) {
	var l elections.ChainLink
	err := row.Scan(&l.ID, &l.PrevHash, &l.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return elections.ChainLink{}, nil
	}
	if err != nil {
		return elections.ChainLink{}, fmt.Errorf("sqlstore: read the audit chain's head: %w", err)
	}
	return l, nil
}

// The insert of audit entries: insertEventSQL, then insertEventValues once per entry.
const (
	insertEventSQL    = "INSERT INTO audit_events (id, at, actor, kind, election_id, payload, prev_hash, hash) VALUES "
	insertEventValues = "(?, ?, ?, ?, ?, ?, ?, ?)"
)

// insertEvents inserts events with their IDs and hashes in one statement.
func insertEvents(ctx context.Context, conn chainConn, dialect string, es []*elections.Event) error {
	const cols = 8
	var b strings.Builder
	b.WriteString(insertEventSQL)
	args := make([]any, 0, cols*len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(insertEventValues)
		args = append(args, e.ID, e.At, e.Actor, e.Kind, e.Election, string(e.Payload), e.PrevHash, e.Hash)
	}
	_, err := conn.ExecContext(ctx, rebind(dialect, b.String()), args...)
	return err
}

// notBallots is the condition of SQLite's partial indexes of audit_events (migration 0006),
// written the same way: SQLite uses a partial index only for a query that names its condition.
const notBallots = "kind <> 'ballots.accepted'"

// ListEvents returns audit events in the order they were recorded (by ID), with their
// hashes, at most f.Limit of them when it is positive. An unstorable kind matches nothing.
func (s *Store) ListEvents(ctx context.Context, f elections.EventFilter) ([]elections.Event, error) {
	if unstorable(f.Kind) {
		return []elections.Event{}, nil
	}
	var rows []eventRow
	if err := eventsQuery(s.db.WithContext(ctx), f).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list events: %w", err)
	}
	events := make([]elections.Event, len(rows))
	for i, r := range rows {
		events[i] = r.toDomain()
	}
	return events, nil
}

// eventsQuery is the query of ListEvents for f.
func eventsQuery(db *gorm.DB, f elections.EventFilter) *gorm.DB {
	q := db.Model(&eventRow{}).Where("id > ?", f.AfterID)
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Election != 0 {
		q = q.Where("election_id = ?", f.Election)
	}
	if f.Accounts {
		q = q.Where("(actor LIKE 'user:%' OR actor = 'cli')")
	}
	if (f.Kind != "" && f.Kind != elections.EventBallotsAccepted) || f.Accounts {
		// Entries of another kind, or made by accounts, are never ballots: saying so lets
		// SQLite use its indexes, which leave the ballots' entries out.
		q = q.Where(notBallots)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	return q.Order("id")
}

// AuditChain calls fn with every entry whose ID is above afterID, in ID order, reading
// chainPage entries at a time; fn's error stops it and is returned as it is. Entries appended
// meanwhile are read too.
func (s *Store) AuditChain(ctx context.Context, afterID int64, fn func(e *elections.Event) error) error {
	for {
		var rows []eventRow
		err := s.db.WithContext(ctx).Where("id > ?", afterID).Order("id").Limit(chainPage).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("sqlstore: read the audit chain: %w", err)
		}
		for _, r := range rows {
			e := r.toDomain()
			if err := fn(&e); err != nil {
				return err
			}
			afterID = r.ID
		}
		if len(rows) < chainPage {
			return nil
		}
	}
}

// AuditHead returns the last entry's link; the zero ChainLink when the log is empty.
func (s *Store) AuditHead(ctx context.Context) (elections.ChainLink, error) {
	var rows []eventRow
	err := s.db.WithContext(ctx).Select("id", "prev_hash", "hash").Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return elections.ChainLink{}, fmt.Errorf("sqlstore: read the audit chain's head: %w", err)
	}
	if len(rows) == 0 {
		return elections.ChainLink{}, nil
	}
	return elections.ChainLink{ID: rows[0].ID, PrevHash: rows[0].PrevHash, Hash: rows[0].Hash}, nil
}

// sealLegacyEvents gives the entries recorded before the audit log was a chain (migration
// 0006_audit_chain) their prev_hash and hash, in ID order, in one transaction: the one
// UPDATE the table's trigger allows, once per entry. Migrate runs it after the migrations; it
// does nothing when every entry is sealed, or when the table has no hash column (a test's own
// migrations).
func (s *Store) sealLegacyEvents(ctx context.Context) error {
	if ok, err := s.hasColumn(ctx, "audit_events", "hash"); err != nil || !ok {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == DriverPostgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", chainLockKey).Error; err != nil {
				return fmt.Errorf("sqlstore: take the audit chain lock: %w", err)
			}
		}
		var first []eventRow
		if err := tx.Where("hash = ''").Order("id").Limit(1).Find(&first).Error; err != nil {
			return fmt.Errorf("sqlstore: look for unsealed audit events: %w", err)
		}
		if len(first) == 0 {
			return nil
		}
		var prev []eventRow
		if err := tx.Where("id < ?", first[0].ID).Order("id DESC").Limit(1).Find(&prev).Error; err != nil {
			return fmt.Errorf("sqlstore: seal audit events: %w", err)
		}
		link := ""
		if len(prev) > 0 {
			link = prev[0].Hash
		}
		return sealFrom(ctx, tx, first[0].ID-1, link)
	})
}

// sealFrom seals every entry after afterID in ID order, the first linking to prevHash.
func sealFrom(ctx context.Context, tx *gorm.DB, afterID int64, prevHash string) error {
	for {
		var rows []eventRow
		if err := tx.WithContext(ctx).Where("id > ?", afterID).Order("id").Limit(chainPage).Find(&rows).Error; err != nil {
			return fmt.Errorf("sqlstore: seal audit events: %w", err)
		}
		for _, r := range rows {
			if r.Hash != "" {
				return fmt.Errorf("sqlstore: seal audit events: entry %d is sealed but follows unsealed ones", r.ID)
			}
			e := r.toDomain()
			e.PrevHash = prevHash
			e.Hash = elections.ChainHash(&e)
			err := tx.Exec("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?", e.PrevHash, e.Hash, e.ID).Error
			if err != nil {
				return fmt.Errorf("sqlstore: seal audit event %d: %w", e.ID, err)
			}
			afterID, prevHash = e.ID, e.Hash
		}
		if len(rows) < chainPage {
			return nil
		}
	}
}

// hasColumn reports whether table has the column.
func (s *Store) hasColumn(ctx context.Context, table, column string) (bool, error) {
	query := "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?"
	if s.dialect == DriverPostgres {
		query = "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?"
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw(query, table, column).Scan(&n).Error; err != nil {
		return false, fmt.Errorf("sqlstore: look for column %s.%s: %w", table, column, err)
	}
	return n > 0, nil
}
