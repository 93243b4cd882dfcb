package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// Cast ballots and participation. CastBallots is the hot path of an election: the domain's
// group-commit queue hands it every ballot waiting (hundreds at a time under load), and the
// voters are answered only once the batch is committed. So it bypasses gorm and runs
// statements prepared once per Store, one transaction per batch, a few statements per ballot
// and none of them with RETURNING (which halves the commit rate under synchronous=FULL).

// instantLayout is how instants appear in messages (as in the elections package).
const instantLayout = "2006-01-02 15:04 UTC"

// The statements of CastBallots, by index in castSQLite and castPostgres.
const (
	castRound         = iota // a round's number, state and times (PostgreSQL: share-locked)
	castRoundContests        // a round's contests, their names and revoting setting
	castParticipate          // record participation unless recorded already
	castLockVoter            // PostgreSQL: lock a voter's participation row
	castSupersede            // supersede a voter's live ballot
	castInsert               // insert a ballot
	castChainHead            // the audit chain's head (chainHeadSQL)
	castChainInsert          // append one audit entry (insertEventSQL)
	numCastStatements        // how many there are
)

// The statements of CastBallots per dialect. They are the same SQL on both engines but for the
// placeholders and the row locks, which SQLite does without: its transactions take the
// database's write lock when they begin (_txlock=immediate), so batches and closes run one at
// a time already.
var (
	castSQLite   = castSQL(DriverSQLite)
	castPostgres = castSQL(DriverPostgres)
)

// castSQL returns the statements of CastBallots for a dialect.
//
// On PostgreSQL the round is read FOR SHARE: a concurrent close or extension (UPDATE rounds)
// then waits until the batch commits, or the batch, reading after the close committed, sees
// the round closed. Either way no ballot is acknowledged and then found outside the round. A
// voter's participation row is locked FOR UPDATE before their earlier ballot is superseded,
// so that two replicas casting for the same voter take turns.
func castSQL(dialect string) [numCastStatements]string {
	round := "SELECT number, state, closes_at, closed_at, election_id FROM rounds WHERE id = ?"
	lockVoter := "SELECT 1 FROM participation WHERE contest_id = ? AND round_id = ? AND member = ?"
	if dialect == DriverPostgres {
		round += " FOR SHARE"
		lockVoter += " FOR UPDATE"
	}
	texts := [numCastStatements]string{
		castRound: round,
		castRoundContests: "SELECT round_contests.contest_id, round_contests.revoting, contests.name " +
			"FROM round_contests JOIN contests ON contests.id = round_contests.contest_id WHERE round_contests.round_id = ?",
		castParticipate: "INSERT INTO participation (contest_id, round_id, member) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		castLockVoter:   lockVoter,
		castSupersede: "UPDATE ballots SET superseded = TRUE " +
			"WHERE round_id = ? AND contest_id = ? AND voter_key = ? AND NOT superseded",
		castInsert: "INSERT INTO ballots (round_id, contest_id, voter_key, receipt, nonce, content, superseded) " +
			"VALUES (?, ?, ?, ?, ?, ?, FALSE)",
		castChainHead:   chainHeadSQL,
		castChainInsert: insertEventSQL + insertEventValues,
	}
	for i, q := range texts {
		texts[i] = rebind(dialect, q)
	}
	return texts
}

// rebind rewrites the ? placeholders of q as $1, $2, … for PostgreSQL. q holds no literal
// question mark.
func rebind(dialect, q string) string {
	if dialect != DriverPostgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}

// sqliteCastCheckpoint lets the write-ahead log of SQLite grow to about 40 MB (10,000 pages)
// before the connection that commits a batch copies it into the database, rather than the
// default 1,000 pages. Ballots are keyed by random values (voter keys, receipts), so every cast
// writes a page somewhere in the file: with a longer log, a checkpoint writes a page that many
// batches changed once, and runs ten times less often on the voters' path. (The setting
// belongs to the connection; setting it again in each batch costs a few microseconds.)
const sqliteCastCheckpoint = "PRAGMA wal_autocheckpoint = 10000"

// castStatements are the statements of CastBallots prepared on a Store's pool, once: each
// batch binds them to its transaction (database/sql keeps them prepared per connection).
type castStatements struct {
	mu    sync.Mutex
	stmts []*sql.Stmt
	// roll is RollEntry's statement (rollEntryPrepared).
	roll *sql.Stmt
}

// rollStatement returns RollEntry's statement, preparing it on s's pool the first time.
func (cs *castStatements) rollStatement(ctx context.Context, s *Store) (*sql.Stmt, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.roll != nil {
		return cs.roll, nil
	}
	db, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf(rollEntrySQL, "?", "?")
	if s.dialect == DriverPostgres {
		q = fmt.Sprintf(rollEntrySQL, "$1", "$2")
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	cs.roll = st
	return st, nil
}

// prepared returns the statements, preparing them on db the first time. A failure is not
// remembered: the next batch tries again.
func (cs *castStatements) prepared(ctx context.Context, db *sql.DB, texts *[numCastStatements]string) ([]*sql.Stmt, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.stmts != nil {
		return cs.stmts, nil
	}
	stmts := make([]*sql.Stmt, 0, len(texts))
	for _, q := range texts {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			for _, p := range stmts {
				_ = p.Close()
			}
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		stmts = append(stmts, st)
	}
	cs.stmts = stmts
	return stmts, nil
}

// castTexts returns the statements of CastBallots for the store's dialect.
func (s *Store) castTexts() *[numCastStatements]string {
	if s.dialect == DriverPostgres {
		return &castPostgres
	}
	return &castSQLite
}

// castConn runs the statements of one batch: prepared ones bound to the batch's transaction,
// or, inside a caller's transaction, the same SQL unprepared on that transaction.
type castConn struct {
	ctx   context.Context
	texts *[numCastStatements]string
	// tx and stmts are set for a batch in its own transaction; pool otherwise.
	tx    *sql.Tx
	stmts []*sql.Stmt
	bound [numCastStatements]*sql.Stmt
	pool  gorm.ConnPool
}

// stmt returns statement i bound to the batch's transaction.
func (c *castConn) stmt(i int) *sql.Stmt {
	if c.bound[i] == nil {
		c.bound[i] = c.tx.StmtContext(c.ctx, c.stmts[i])
	}
	return c.bound[i]
}

// exec runs statement i and returns how many rows it changed.
func (c *castConn) exec(i int, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if c.stmts != nil {
		res, err = c.stmt(i).ExecContext(c.ctx, args...)
	} else {
		res, err = c.pool.ExecContext(c.ctx, c.texts[i], args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// query runs statement i.
func (c *castConn) query(i int, args ...any) (*sql.Rows, error) {
	if c.stmts != nil {
		return c.stmt(i).QueryContext(c.ctx, args...)
	}
	return c.pool.QueryContext(c.ctx, c.texts[i], args...)
}

// queryRow runs statement i, which returns one row.
func (c *castConn) queryRow(i int, args ...any) *sql.Row {
	if c.stmts != nil {
		return c.stmt(i).QueryRowContext(c.ctx, args...)
	}
	return c.pool.QueryRowContext(c.ctx, c.texts[i], args...)
}

// CastBallots stores a batch of ballots in one transaction, following the contract of
// elections.VotingStore: each cast is refused (cast.Err) or stored, and a failure of the store
// (the returned error) stores nothing and leaves every cast's Err nil and Replaced false.
//
// A cast is refused with an ECONFLICT *elections.Error when its round is not open or its
// ClosesAt is not after now, when its contest is not voted on in the round, when its receipt
// was cast already in the batch, or when the contest does not allow revoting and the member
// has voted in it (in this round); with an ENOTFOUND one for an unknown round; and with an
// EINVALID one for a ballot the schema would refuse (malformed receipt, nonce or content, a
// missing voter key where the round's contest allows revoting, or one where it does not).
// Those checks are made here so that one bad cast never fails the others. Whether the contest
// allows revoting is the round's stored setting (cast.Revoting is not consulted).
//
// The ballots stored are recorded in the audit chain in the same transaction: one
// ballots.accepted entry per election (elections.BallotsAcceptedEvents), each cast's Election
// set to its round's.
//
// CastBallots is meant to be called on the Store that Open returned, outside Tx: it then runs
// its own transaction with prepared statements. Inside a Tx function it works too, within a
// savepoint of the caller's transaction, unprepared.
func (s *Store) CastBallots(ctx context.Context, now time.Time, casts []*elections.BallotCast) error {
	for _, c := range casts {
		c.Err, c.Replaced, c.Election = nil, false, 0
	}
	if len(casts) == 0 {
		return nil
	}
	var err error
	if _, inTx := s.db.Statement.ConnPool.(gorm.TxCommitter); inTx {
		err = s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
			return s.castBatch(&castConn{ctx: ctx, texts: s.castTexts(), pool: gtx.Statement.ConnPool}, now, casts)
		})
		if err == nil && s.txEffects != nil {
			s.txEffects.events = append(s.txEffects.events, elections.BallotsAcceptedEvents(now, casts)...)
		}
	} else {
		err = s.castInOwnTx(ctx, now, casts)
	}
	if err != nil {
		for _, c := range casts {
			c.Err, c.Replaced, c.Election = nil, false, 0
		}
		return fmt.Errorf("sqlstore: cast ballots: %w", err)
	}
	return nil
}

// castInOwnTx runs castBatch in a transaction of its own on the pool, with the prepared
// statements. On SQLite, BeginTx is BEGIN IMMEDIATE (see sqliteDialector), taken after the
// process's earlier transactions (see writeGate).
func (s *Store) castInOwnTx(ctx context.Context, now time.Time, casts []*elections.BallotCast) (err error) {
	db, err := s.db.DB()
	if err != nil {
		return err
	}
	c := &castConn{ctx: ctx, texts: s.castTexts()}
	if s.castStmts != nil {
		if c.stmts, err = s.castStmts.prepared(ctx, db, c.texts); err != nil {
			return err
		}
	}
	defer s.enterWriteGate(ctx)()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	c.tx = tx
	if c.stmts == nil {
		c.pool = tx
	}
	if s.dialect == DriverSQLite {
		if _, err := tx.ExecContext(ctx, sqliteCastCheckpoint); err != nil {
			return err
		}
	}
	if err := s.castBatch(c, now, casts); err != nil {
		return err
	}
	// The batch's audit entry, last: it takes the chain's lock (see events.go). Through the
	// batch's prepared statements: preparing an insert that fires the chain's triggers, on
	// every batch, would cost as much as the insert.
	if err := appendChainCast(c, s.dialect, elections.BallotsAcceptedEvents(now, casts)); err != nil {
		return err
	}
	return tx.Commit()
}

// castRoundInfo is what a batch reads of a round, once.
type castRoundInfo struct {
	election int64
	number   int
	open     bool
	closesAt time.Time
	closedAt time.Time
	contests map[int64]castContestInfo
}

// castContestInfo is what a batch reads of a contest in a round.
type castContestInfo struct {
	name     string
	revoting bool
}

// noVoterKey is the voter key of a ballot that no revote can replace: one in a contest that
// does not allow revoting, or in a closed round. (Not nil, which the drivers bind as NULL.)
var noVoterKey = []byte{}

// voterKey identifies a voter in a contest of a round, as participation does.
type voterKey struct {
	round, contest int64
	member         string
}

// compare orders voters by round, contest and member: the order in which a batch takes their
// locks, the same in every replica, so that two batches never wait for each other in a cycle.
func (v voterKey) compare(w voterKey) int {
	return cmp.Or(cmp.Compare(v.round, w.round), cmp.Compare(v.contest, w.contest), strings.Compare(v.member, w.member))
}

// castBatch checks and stores the casts on c. Any error it returns is a failure of the store:
// the caller rolls the transaction back.
func (s *Store) castBatch(c *castConn, now time.Time, casts []*elections.BallotCast) error {
	rounds, err := readCastRounds(c, casts)
	if err != nil {
		return err
	}
	// A receipt given twice in the batch is refused here: the schema does not keep receipts
	// unique (only the domain's random nonces do, see 0005_voting.sql), and a copy of a cast
	// would otherwise be stored twice where revoting is allowed.
	receipts := make(map[string]bool, len(casts))
	for _, bc := range casts {
		bc.Err = checkCast(bc, rounds, now)
		if bc.Err == nil && receipts[bc.Ballot.Receipt] {
			bc.Err = elections.Errorf(elections.ECONFLICT, "this ballot was cast already")
		}
		if bc.Err == nil {
			receipts[bc.Ballot.Receipt] = true
		}
	}
	recorded, err := s.recordParticipation(c, casts, rounds)
	if err != nil {
		return err
	}
	voted := make(map[voterKey]bool, len(casts))
	for _, bc := range casts {
		if bc.Err != nil {
			continue
		}
		b := &bc.Ballot
		v := voterKey{b.RoundID, b.ContestID, bc.Member}
		contest := rounds[b.RoundID].contests[b.ContestID]
		key := noVoterKey
		if contest.revoting {
			// A voter whose participation this batch recorded has no earlier ballot, unless
			// one earlier in the batch: most casts skip the look-up.
			if !recorded[v] || voted[v] {
				n, err := c.exec(castSupersede, b.RoundID, b.ContestID, b.VoterKey)
				if err != nil {
					return err
				}
				bc.Replaced = n > 0
			}
			key = b.VoterKey
		} else if !recorded[v] || voted[v] {
			bc.Err = elections.Errorf(elections.ECONFLICT,
				"you have voted already in the %s contest, which does not allow a new ballot", contest.name)
			continue
		}
		voted[v] = true
		bc.Election = rounds[b.RoundID].election
		if _, err := c.exec(castInsert, b.RoundID, b.ContestID, key, hexBytes(b.Receipt), hexBytes(b.Nonce), b.Content); err != nil {
			return err
		}
	}
	return nil
}

// readCastRounds reads the state of the casts' rounds and their contests, once per round, in
// ascending id order; an unknown round is left out.
func readCastRounds(c *castConn, casts []*elections.BallotCast) (map[int64]*castRoundInfo, error) {
	ids := make([]int64, 0, 1)
	for _, bc := range casts {
		if !slices.Contains(ids, bc.Ballot.RoundID) {
			ids = append(ids, bc.Ballot.RoundID)
		}
	}
	slices.Sort(ids)
	rounds := make(map[int64]*castRoundInfo, len(ids))
	for _, id := range ids {
		var r castRoundInfo
		var state string
		var closedAt sql.NullTime
		err := c.queryRow(castRound, id).Scan(&r.number, &state, &r.closesAt, &closedAt, &r.election)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read round %d: %w", id, err)
		}
		r.open, r.closedAt = state == string(elections.RoundOpen), closedAt.Time
		if r.contests, err = readCastContests(c, id); err != nil {
			return nil, err
		}
		rounds[id] = &r
	}
	return rounds, nil
}

// readCastContests reads the contests of a round.
func readCastContests(c *castConn, roundID int64) (map[int64]castContestInfo, error) {
	rows, err := c.query(castRoundContests, roundID)
	if err != nil {
		return nil, fmt.Errorf("read the contests of round %d: %w", roundID, err)
	}
	defer rows.Close()
	contests := make(map[int64]castContestInfo)
	for rows.Next() {
		var id int64
		var info castContestInfo
		if err := rows.Scan(&id, &info.revoting, &info.name); err != nil {
			return nil, fmt.Errorf("read the contests of round %d: %w", roundID, err)
		}
		contests[id] = info
	}
	return contests, rows.Err()
}

// checkCast returns why a cast is refused before anything is written, or nil.
func checkCast(bc *elections.BallotCast, rounds map[int64]*castRoundInfo, now time.Time) error {
	b := &bc.Ballot
	r := rounds[b.RoundID]
	switch {
	case r == nil:
		return elections.Errorf(elections.ENOTFOUND, "no round %d", b.RoundID)
	case !r.open:
		return elections.Errorf(elections.ECONFLICT, "the round closed at %s", r.closedAt.UTC().Format(instantLayout))
	case !r.closesAt.After(now):
		return elections.Errorf(elections.ECONFLICT, "the round closed at %s", r.closesAt.UTC().Format(instantLayout))
	}
	contest, ok := r.contests[b.ContestID]
	if !ok {
		return elections.Errorf(elections.ECONFLICT, "contest %d is not voted on in round %d", b.ContestID, r.number)
	}
	switch {
	case !isHex(b.Receipt, 64):
		return elections.Errorf(elections.EINVALID, "a ballot receipt is 64 lower-case hex digits")
	case !isHex(b.Nonce, 32):
		return elections.Errorf(elections.EINVALID, "a ballot nonce is 32 lower-case hex digits")
	case !validContent(b.Content):
		return elections.Errorf(elections.EINVALID, "a ballot's content starts with its kind and a colon")
	case bc.Member == "" || unstorable(bc.Member):
		return elections.Errorf(elections.EINVALID, "a ballot needs the voter's member id for participation")
	case contest.revoting && len(b.VoterKey) < 16:
		return elections.Errorf(elections.EINVALID, "a ballot in the %s contest, which allows revoting, needs a voter key", contest.name)
	case !contest.revoting && b.VoterKey != nil:
		return elections.Errorf(elections.EINVALID, "a ballot in the %s contest, which does not allow revoting, has no voter key", contest.name)
	}
	return nil
}

// isHex reports whether s is n lower-case hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// hexBytes returns the bytes of s, lower-case hex digits (checked by checkCast): the stored
// form of receipts and nonces.
func hexBytes(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// validContent reports whether a ballot's content is storable and starts with a kind (lower-case
// letters) and a colon, as the schema requires.
func validContent(s string) bool {
	kind, _, ok := strings.Cut(s, ":")
	if !ok || kind == "" || unstorable(s) {
		return false
	}
	return strings.Trim(kind, "abcdefghijklmnopqrstuvwxyz") == ""
}

// recordParticipation records the participation of every voter of the casts not refused yet,
// once each, in voterKey order, and reports for each voter whether the record is new. On
// PostgreSQL it also locks the record of each voter in a contest that allows revoting, when
// another transaction made it, until the batch ends: the new record is the batch's own until
// then, and a concurrent batch for the same voter waits on either.
func (s *Store) recordParticipation(c *castConn, casts []*elections.BallotCast, rounds map[int64]*castRoundInfo) (map[voterKey]bool, error) {
	voters := make([]voterKey, 0, len(casts))
	for _, bc := range casts {
		if bc.Err == nil {
			voters = append(voters, voterKey{bc.Ballot.RoundID, bc.Ballot.ContestID, bc.Member})
		}
	}
	slices.SortFunc(voters, voterKey.compare)
	voters = slices.Compact(voters)
	recorded := make(map[voterKey]bool, len(voters))
	for _, v := range voters {
		n, err := c.exec(castParticipate, v.contest, v.round, v.member)
		if err != nil {
			return nil, err
		}
		recorded[v] = n > 0
		if n == 0 && s.dialect == DriverPostgres && rounds[v.round].contests[v.contest].revoting {
			var one int
			if err := c.queryRow(castLockVoter, v.contest, v.round, v.member).Scan(&one); err != nil {
				return nil, fmt.Errorf("lock a voter: %w", err)
			}
		}
	}
	return recorded, nil
}

// ClearVoterKeys sets the voter key of every ballot of a round to the empty blob (at its
// close), in one transaction (a savepoint when the store is in one already). Every ballot is
// rewritten, those that had no key too: on PostgreSQL each row of the round then carries the
// close's transaction id (xmin) rather than that of the batch that cast it, which was also the
// transaction id of the voters' participation rows. On PostgreSQL it first locks the round's
// row, so that it waits for the CastBallots batches that read the round open, whatever the
// caller did before.
//
// On SQLite the rewrite moves every ballot of the round within the table (the voter key is
// part of its key), and the cells and pages it frees are zeroed (secure_delete, see
// sqliteDialector), so that no copy of a key is left in the file's free space. The
// write-ahead log still holds the ballots as each batch's commit wrote them, beside the
// participation rows of the same commit, and the voter keys. So once the transaction has
// committed (at the end of the Tx function when ClearVoterKeys runs in one), the store copies
// the log into the database file and truncates it (see truncateWAL).
func (s *Store) ClearVoterKeys(ctx context.Context, roundID int64) error {
	defer s.enterWriteGate(ctx)()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == DriverPostgres {
			if err := tx.Exec("SELECT id FROM rounds WHERE id = ? FOR UPDATE", roundID).Error; err != nil {
				return err
			}
		}
		return tx.Exec("UPDATE ballots SET voter_key = ? WHERE round_id = ?", noVoterKey, roundID).Error
	})
	if err != nil {
		return fmt.Errorf("sqlstore: clear voter keys: %w", err)
	}
	if s.dialect == DriverSQLite {
		if s.txEffects != nil {
			s.txEffects.truncateWAL = true
		} else {
			s.truncateWAL(ctx)
		}
	}
	return nil
}

// truncateWAL copies SQLite's write-ahead log into the database file and truncates the log to
// nothing (PRAGMA wal_checkpoint(TRUNCATE)), outside any transaction. It is a best effort: the
// checkpoint cannot finish while another connection reads an older snapshot (it waits for the
// busy timeout, then leaves the log as it is, to be overwritten by later commits), and such
// an outcome, or any error, is ignored.
func (s *Store) truncateWAL(ctx context.Context) {
	var busy, frames, copied int
	_ = s.db.WithContext(ctx).Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &frames, &copied)
}

// Participated reports whether member has voted in a contest in a round.
func (s *Store) Participated(ctx context.Context, roundID, contestID int64, member string) (bool, error) {
	if unstorable(member) {
		return false, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Table("participation").
		Where("contest_id = ? AND round_id = ? AND member = ?", contestID, roundID, member).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("sqlstore: participated: %w", err)
	}
	return n > 0, nil
}

// Participation returns how many members voted in a contest in a round.
func (s *Store) Participation(ctx context.Context, roundID, contestID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("participation").
		Where("contest_id = ? AND round_id = ?", contestID, roundID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("sqlstore: participation: %w", err)
	}
	return int(n), nil
}

// Ballots calls fn with every ballot of a contest in a round, superseded ones included,
// ordered by Receipt (byte order on every engine: the receipts are stored as bytes, which sort
// as their hex does), reading them as a stream so that a contest of a million ballots is not
// held in memory. fn's error stops the reading and is returned as it is. fn must not use the
// store when it is in a transaction: the transaction's one connection is busy reading the
// ballots.
//
// The ballots are keyed by voter key then receipt. When none of the contest's ballots has a
// voter key (after the close, or without revoting), which is when they are counted and
// published, they are read in the key's order, without a sort. Otherwise the database sorts
// them by receipt.
func (s *Store) Ballots(ctx context.Context, roundID, contestID int64, fn func(b *elections.StoredBallot) error) error {
	var keyed bool
	err := s.db.WithContext(ctx).Raw("SELECT EXISTS (SELECT 1 FROM ballots WHERE round_id = ? AND contest_id = ? AND voter_key > ?)",
		roundID, contestID, noVoterKey).Row().Scan(&keyed)
	if err != nil {
		return fmt.Errorf("sqlstore: ballots: %w", err)
	}
	query := "SELECT receipt, nonce, content, superseded, voter_key FROM ballots WHERE round_id = ? AND contest_id = ?"
	args := []any{roundID, contestID}
	if !keyed {
		query += " AND voter_key = ?"
		args = append(args, noVoterKey)
	}
	rows, err := s.db.WithContext(ctx).Raw(query+" ORDER BY receipt", args...).Rows()
	if err != nil {
		return fmt.Errorf("sqlstore: ballots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b := elections.StoredBallot{RoundID: roundID, ContestID: contestID}
		var receipt, nonce, key []byte
		if err := rows.Scan(&receipt, &nonce, &b.Content, &b.Superseded, &key); err != nil {
			return fmt.Errorf("sqlstore: ballots: %w", err)
		}
		b.Receipt, b.Nonce = hex.EncodeToString(receipt), hex.EncodeToString(nonce)
		if len(key) > 0 {
			b.VoterKey = key
		}
		if err := fn(&b); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: ballots: %w", err)
	}
	return nil
}
