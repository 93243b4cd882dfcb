package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// castNow is when the tests cast: an hour into a round that opened at start for a week.
var castNow = start.Add(time.Hour)

// noKey is the stored voter key of a ballot without one (the empty blob), as a query argument.
var noKey = []byte{}

// mustHex returns the bytes of hex digits, as the store keeps receipts and nonces.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// receiptOf returns the stored receipt of a cast, to find its row.
func receiptOf(c *elections.BallotCast) []byte { return mustHex(c.Ballot.Receipt) }

// voterKeyOf stands in for the domain's HMAC of a voter with the election's secret.
func voterKeyOf(roundID, contestID int64, member string) []byte {
	sum := sha256.Sum256(fmt.Appendf(nil, "secret/%d/%d/%s", roundID, contestID, member))
	return sum[:]
}

// newCast returns member's ballot of content in a contest of a round, with a voter key when
// the contest allows revoting. tag makes the receipt and nonce unique, as the domain's random
// nonce does.
func newCast(roundID, contestID int64, member, content string, revoting bool, tag string) *elections.BallotCast {
	receipt := sha256.Sum256(fmt.Appendf(nil, "receipt/%s/%s/%s", member, content, tag))
	nonce := sha256.Sum256(fmt.Appendf(nil, "nonce/%s", tag))
	c := &elections.BallotCast{Member: member, Revoting: revoting, Ballot: elections.StoredBallot{
		Receipt: hex.EncodeToString(receipt[:]), RoundID: roundID, ContestID: contestID,
		Nonce: hex.EncodeToString(nonce[:16]), Content: content}}
	if revoting {
		c.Ballot.VoterKey = voterKeyOf(roundID, contestID, member)
	}
	return c
}

// castFixture stores the 2026 test election and opens its round 1, in which the individual
// contest (revote) allows revoting and the gold one (once) does not.
func castFixture(t *testing.T, s *sqlstore.Store) (r *elections.Round, revote, once int64) {
	t.Helper()
	e := createElection(t, s, 2026)
	r = newRound(e, 1)
	revote, once = e.Contests[0].ID, e.Contests[1].ID
	createRound(t, s, r, roundBallot(revote, true), roundBallot(once, false))
	return r, revote, once
}

// castAll casts a batch or fails the test on a failure of the store.
func castAll(t *testing.T, s *sqlstore.Store, now time.Time, casts ...*elections.BallotCast) {
	t.Helper()
	if err := s.CastBallots(context.Background(), now, casts); err != nil {
		t.Fatalf("CastBallots: %v", err)
	}
}

// ballotsOf returns the stored ballots of a contest in a round, as Ballots gives them.
func ballotsOf(t *testing.T, s *sqlstore.Store, roundID, contestID int64) []elections.StoredBallot {
	t.Helper()
	out := []elections.StoredBallot{}
	err := s.Ballots(context.Background(), roundID, contestID, func(b *elections.StoredBallot) error {
		out = append(out, *b)
		return nil
	})
	if err != nil {
		t.Fatalf("Ballots: %v", err)
	}
	return out
}

// storedBallots returns the ballots of casts as stored, superseded as said, ordered by receipt.
func storedBallots(superseded map[*elections.BallotCast]bool, casts ...*elections.BallotCast) []elections.StoredBallot {
	out := []elections.StoredBallot{}
	for _, c := range casts {
		b := c.Ballot
		b.Superseded = superseded[c]
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b elections.StoredBallot) int { return strings.Compare(a.Receipt, b.Receipt) })
	return out
}

// outcome is what CastBallots said of a cast.
type outcome struct {
	Code     string
	Replaced bool
}

func outcomes(casts ...*elections.BallotCast) []outcome {
	out := make([]outcome, len(casts))
	for i, c := range casts {
		out[i] = outcome{elections.ErrorCode(c.Err), c.Replaced}
	}
	return out
}

func TestCastBallots(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, once := castFixture(t, s)
		a1 := newCast(r.ID, revote, "ada", "ranking:1>2=3", true, "a1")
		b1 := newCast(r.ID, once, "bob", "ranking:2", false, "b1")
		c1 := newCast(r.ID, revote, "cyd", "ranking:", true, "c1")
		castAll(t, s, castNow, a1, b1, c1)
		if diff := cmp.Diff([]outcome{{}, {}, {}}, outcomes(a1, b1, c1)); diff != "" {
			t.Fatalf("first batch (-want +got):\n%s", diff)
		}

		// Revotes, one within the batch, and second ballots where revoting is off.
		a2 := newCast(r.ID, revote, "ada", "ranking:2>1", true, "a2")
		b2 := newCast(r.ID, once, "bob", "ranking:1", false, "b2")
		a3 := newCast(r.ID, revote, "ada", "ranking:3", true, "a3")
		d1 := newCast(r.ID, once, "dee", "ranking:3>1", false, "d1")
		d2 := newCast(r.ID, once, "dee", "ranking:1>3", false, "d2")
		castAll(t, s, castNow, a2, b2, a3, d1, d2)
		want := []outcome{{Replaced: true}, {Code: elections.ECONFLICT}, {Replaced: true}, {}, {Code: elections.ECONFLICT}}
		if diff := cmp.Diff(want, outcomes(a2, b2, a3, d1, d2)); diff != "" {
			t.Errorf("second batch (-want +got):\n%s", diff)
		}
		if msg := elections.ErrorMessage(b2.Err); !strings.Contains(msg, "Gold Members") {
			t.Errorf("message of a second ballot without revoting = %q, want it to name the contest", msg)
		}

		wantRevote := storedBallots(map[*elections.BallotCast]bool{a1: true, a2: true}, a1, a2, a3, c1)
		if diff := cmp.Diff(wantRevote, ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("Ballots of the revoting contest (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(storedBallots(nil, b1, d1), ballotsOf(t, s, r.ID, once)); diff != "" {
			t.Errorf("Ballots of the other contest (-want +got):\n%s", diff)
		}
		for _, tt := range []struct {
			contest int64
			want    int
		}{{revote, 2}, {once, 2}} {
			if n, err := s.Participation(ctx, r.ID, tt.contest); err != nil || n != tt.want {
				t.Errorf("Participation(%d) = %d, %v; want %d", tt.contest, n, err, tt.want)
			}
		}
		for _, tt := range []struct {
			contest int64
			member  string
			want    bool
		}{{revote, "ada", true}, {once, "ada", false}, {once, "bob", true}, {revote, "bob", false},
			{revote, "ADA", false}, {revote, "a\x00da", false}} {
			if got, err := s.Participated(ctx, r.ID, tt.contest, tt.member); err != nil || got != tt.want {
				t.Errorf("Participated(%d, %q) = %v, %v; want %v", tt.contest, tt.member, got, err, tt.want)
			}
		}
		if n, err := s.Participation(ctx, r.ID+1, revote); err != nil || n != 0 {
			t.Errorf("Participation(unknown round) = %d, %v; want 0", n, err)
		}

		// Ballots stops at fn's error and returns it as it is.
		stop := errors.New("stop")
		calls := 0
		err := s.Ballots(ctx, r.ID, revote, func(*elections.StoredBallot) error {
			calls++
			return stop
		})
		if err != stop || calls != 1 {
			t.Errorf("Ballots with a failing fn = %v after %d calls, want the error after 1", err, calls)
		}
	})
}

// TestCastBallotsRefusals casts a batch in which every cast but one is refused, each for its
// own reason: the one is stored, the others leave no trace.
func TestCastBallotsRefusals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, once := castFixture(t, s)
		e, err := s.ElectionByID(ctx, r.ElectionID)
		if err != nil {
			t.Fatal(err)
		}
		second := newRound(e, 2)
		createRound(t, s, second, roundBallot(revote, true))

		good := newCast(r.ID, revote, "ada", "ranking:1", true, "good")
		modified := func(modify func(c *elections.BallotCast)) *elections.BallotCast {
			c := newCast(r.ID, revote, "bob", "ranking:2", true, "bob")
			modify(c)
			return c
		}
		tests := []struct {
			name string
			cast *elections.BallotCast
			want string
		}{
			{"unknown round", newCast(99, revote, "bob", "ranking:2", true, "x1"), elections.ENOTFOUND},
			{"contest not in the round", newCast(second.ID, once, "bob", "ranking:2", false, "x2"), elections.ECONFLICT},
			{"receipt cast twice", modified(func(c *elections.BallotCast) { c.Ballot.Receipt = good.Ballot.Receipt }), elections.ECONFLICT},
			{"upper-case receipt", modified(func(c *elections.BallotCast) { c.Ballot.Receipt = strings.ToUpper(c.Ballot.Receipt) }), elections.EINVALID},
			{"short nonce", modified(func(c *elections.BallotCast) { c.Ballot.Nonce = c.Ballot.Nonce[:30] }), elections.EINVALID},
			{"content without a kind", modified(func(c *elections.BallotCast) { c.Ballot.Content = "1>2" }), elections.EINVALID},
			{"content of another alphabet", modified(func(c *elections.BallotCast) { c.Ballot.Content = "Ranking:1" }), elections.EINVALID},
			{"no member", modified(func(c *elections.BallotCast) { c.Member = "" }), elections.EINVALID},
			{"no voter key where revoting", modified(func(c *elections.BallotCast) { c.Ballot.VoterKey = nil }), elections.EINVALID},
			{"voter key without revoting", newCast(r.ID, once, "bob", "ranking:2", false, "x3"), ""},
		}
		tests[len(tests)-1].cast.Ballot.VoterKey, tests[len(tests)-1].want = voterKeyOf(r.ID, once, "bob"), elections.EINVALID
		casts := []*elections.BallotCast{good}
		for _, tt := range tests {
			casts = append(casts, tt.cast)
		}
		castAll(t, s, castNow, casts...)
		if good.Err != nil {
			t.Errorf("the good cast: %v", good.Err)
		}
		for _, tt := range tests {
			if got := elections.ErrorCode(tt.cast.Err); got != tt.want || tt.cast.Replaced {
				t.Errorf("%s: %v (replaced %v), want %s", tt.name, tt.cast.Err, tt.cast.Replaced, tt.want)
			}
		}
		if diff := cmp.Diff(storedBallots(nil, good), ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("Ballots (-want +got):\n%s", diff)
		}
		if n := count(t, s, "SELECT count(*) FROM ballots"); n != 1 {
			t.Errorf("%d ballots stored, want 1", n)
		}
		if n := count(t, s, "SELECT count(*) FROM participation"); n != 1 {
			t.Errorf("%d participation records, want 1", n)
		}
	})
}

// TestCastBallotsRoundClosing checks the round check: at ClosesAt the round is closed, and a
// closed round takes no ballot; its close clears the voter keys.
func TestCastBallotsRoundClosing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, once := castFixture(t, s)
		late := newCast(r.ID, revote, "ada", "ranking:1", true, "late")
		castAll(t, s, r.ClosesAt, late)
		if elections.ErrorCode(late.Err) != elections.ECONFLICT ||
			!strings.Contains(elections.ErrorMessage(late.Err), r.ClosesAt.Format("2006-01-02 15:04 UTC")) {
			t.Errorf("cast at ClosesAt: %v; want %s naming when the round closed", late.Err, elections.ECONFLICT)
		}
		justInTime := newCast(r.ID, revote, "ada", "ranking:1", true, "in time")
		other := newCast(r.ID, once, "ada", "ranking:2", false, "other")
		castAll(t, s, r.ClosesAt.Add(-time.Microsecond), justInTime, other)
		if justInTime.Err != nil || other.Err != nil {
			t.Fatalf("casts just before ClosesAt: %v, %v", justInTime.Err, other.Err)
		}

		closed := *r
		closed.State, closed.ClosedAt, closed.ClosedBy = elections.RoundClosed, castNow.Add(time.Minute), elections.ClosedByOfficer
		err := s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.UpdateRound(ctx, &closed); err != nil {
				return err
			}
			return tx.ClearVoterKeys(ctx, r.ID)
		})
		if err != nil {
			t.Fatalf("close: %v", err)
		}
		after := newCast(r.ID, once, "bob", "ranking:1", false, "after")
		castAll(t, s, castNow, after)
		if elections.ErrorCode(after.Err) != elections.ECONFLICT ||
			!strings.Contains(elections.ErrorMessage(after.Err), closed.ClosedAt.Format("2006-01-02 15:04 UTC")) {
			t.Errorf("cast after the close: %v; want %s naming when the round closed", after.Err, elections.ECONFLICT)
		}
		justInTime.Ballot.VoterKey = nil
		if diff := cmp.Diff(storedBallots(nil, justInTime), ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("Ballots after the close, without voter keys (-want +got):\n%s", diff)
		}
		if n := count(t, s, "SELECT count(*) FROM ballots WHERE voter_key <> ?", noKey); n != 0 {
			t.Errorf("%d voter keys left after the close, want none", n)
		}
		if n := count(t, s, "SELECT count(*) FROM participation"); n != 2 {
			t.Errorf("%d participation records, want 2", n)
		}
	})
}

// TestCastBallotsFailureStoresNothing checks that a failure of the store in the middle of a
// batch stores none of it: not the ballots before the failing one, not their participation, and
// supersedes no earlier ballot.
func TestCastBallotsFailureStoresNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, once := castFixture(t, s)
		first := newCast(r.ID, revote, "ada", "ranking:1", true, "first")
		plain := newCast(r.ID, once, "dee", "ranking:1", false, "plain")
		castAll(t, s, castNow, first, plain)

		revote2 := newCast(r.ID, revote, "ada", "ranking:2", true, "second")
		fresh := newCast(r.ID, once, "bob", "ranking:1", false, "fresh")
		// The same receipt as a stored ballot without a voter key, from another voter: the
		// schema's key refuses it. (The domain's receipts never repeat: see 0005_voting.sql.)
		clash := newCast(r.ID, once, "cyd", "ranking:1", false, "clash")
		clash.Ballot.Receipt = plain.Ballot.Receipt
		batch := []*elections.BallotCast{revote2, fresh, clash}
		err := s.CastBallots(ctx, castNow, batch)
		if err == nil || elections.ErrorCode(err) != elections.EINTERNAL {
			t.Fatalf("CastBallots with a clashing receipt = %v, want a failure of the store", err)
		}
		if diff := cmp.Diff([]outcome{{}, {}, {}}, outcomes(batch...)); diff != "" {
			t.Errorf("casts after the failure (-want +got):\n%s", diff)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.CastBallots(cancelled, castNow, []*elections.BallotCast{fresh}); err == nil {
			t.Error("CastBallots with a cancelled context succeeded, want an error")
		}
		if diff := cmp.Diff(storedBallots(nil, first), ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("Ballots after the failures (-want +got):\n%s", diff)
		}
		if n := count(t, s, "SELECT count(*) FROM ballots"); n != 2 {
			t.Errorf("%d ballots stored, want the first batch's 2 only", n)
		}
		if n := count(t, s, "SELECT count(*) FROM participation"); n != 2 {
			t.Errorf("%d participation records, want the first batch's 2 only", n)
		}
		// The store works on.
		castAll(t, s, castNow, revote2, fresh)
		if diff := cmp.Diff([]outcome{{Replaced: true}, {}}, outcomes(revote2, fresh)); diff != "" {
			t.Errorf("casts after the failure (-want +got):\n%s", diff)
		}
	})
}

// TestCastBallotsInTx checks that CastBallots within a Tx function is part of the caller's
// transaction.
func TestCastBallotsInTx(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, _ := castFixture(t, s)
		c := newCast(r.ID, revote, "ada", "ranking:1", true, "tx")
		rollBack := errors.New("roll back")
		err := s.Tx(ctx, func(tx elections.Store) error {
			if err := tx.CastBallots(ctx, castNow, []*elections.BallotCast{c}); err != nil || c.Err != nil {
				return fmt.Errorf("CastBallots: %v, %v", err, c.Err)
			}
			return rollBack
		})
		if err != rollBack {
			t.Fatalf("Tx = %v, want the function's error", err)
		}
		if n := count(t, s, "SELECT count(*) FROM ballots"); n != 0 {
			t.Errorf("%d ballots after the rollback, want none", n)
		}
		err = s.Tx(ctx, func(tx elections.Store) error {
			return tx.CastBallots(ctx, castNow, []*elections.BallotCast{c})
		})
		if err != nil || c.Err != nil {
			t.Fatalf("CastBallots in Tx: %v, %v", err, c.Err)
		}
		if diff := cmp.Diff(storedBallots(nil, c), ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("Ballots (-want +got):\n%s", diff)
		}
	})
}

// TestBallotConstraints checks that the database itself keeps ballots and participation as
// the domain requires, whoever writes to it.
func TestBallotConstraints(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r, revote, once := castFixture(t, s)
		keyed := newCast(r.ID, revote, "ada", "ranking:1", true, "keyed")
		plain := newCast(r.ID, once, "bob", "ranking:2", false, "plain")
		castAll(t, s, castNow, keyed, plain)
		db := sqlstore.GormDB(s)
		insertKey := func(c *elections.BallotCast, key any) error {
			b := c.Ballot
			return db.Exec("INSERT INTO ballots (round_id, contest_id, voter_key, receipt, nonce, content, superseded) "+
				"VALUES (?, ?, ?, ?, ?, ?, ?)", b.RoundID, b.ContestID, key, receiptOf(c), mustHex(b.Nonce), b.Content, false).Error
		}
		insert := func(c *elections.BallotCast) error {
			if c.Ballot.VoterKey == nil {
				return insertKey(c, noKey)
			}
			return insertKey(c, c.Ballot.VoterKey)
		}
		refused := []struct {
			sql  string
			args []any
		}{
			{"UPDATE ballots SET content = 'ranking:2' WHERE receipt = ?", []any{receiptOf(keyed)}},
			{"UPDATE ballots SET nonce = ? WHERE receipt = ?", []any{make([]byte, 16), receiptOf(plain)}},
			{"UPDATE ballots SET receipt = ? WHERE receipt = ?", []any{make([]byte, 32), receiptOf(plain)}},
			{"UPDATE ballots SET round_id = round_id + 1 WHERE receipt = ?", []any{receiptOf(keyed)}},
			// A voter key changes only to the empty blob: not to another key, not to NULL,
			// and a ballot without one never gets one.
			{"UPDATE ballots SET voter_key = ? WHERE receipt = ?", []any{voterKeyOf(r.ID, revote, "eve"), receiptOf(keyed)}},
			{"UPDATE ballots SET voter_key = NULL WHERE receipt = ?", []any{receiptOf(keyed)}},
			{"UPDATE ballots SET voter_key = ? WHERE receipt = ?", []any{voterKeyOf(r.ID, once, "bob"), receiptOf(plain)}},
			// A ballot without a voter key is never superseded.
			{"UPDATE ballots SET superseded = ? WHERE receipt = ?", []any{true, receiptOf(plain)}},
			{"DELETE FROM ballots WHERE receipt = ?", []any{receiptOf(plain)}},
			{"DELETE FROM ballots", nil},
			{"UPDATE participation SET member = 'eve'", nil},
			{"DELETE FROM participation", nil},
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			refused = append(refused, []struct {
				sql  string
				args []any
			}{{"TRUNCATE ballots", nil}, {"TRUNCATE participation", nil}}...)
		}
		for _, tt := range refused {
			if err := db.Exec(tt.sql, tt.args...).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", tt.sql)
			}
		}
		// A ballot needs a voter key, empty or of 16 bytes at least, and its receipt and nonce
		// as bytes. (On SQLite, a text would compare unequal to the blobs of the same bytes;
		// PostgreSQL converts text to bytea.)
		badKeys := []any{nil, []byte("short")}
		if s.Dialect() == sqlstore.DriverSQLite {
			badKeys = append(badKeys, "", string(voterKeyOf(r.ID, revote, "eve")))
		}
		for _, key := range badKeys {
			if err := insertKey(newCast(r.ID, once, "eve", "ranking:1", false, fmt.Sprint("key ", key)), key); err == nil {
				t.Errorf("a ballot with the voter key %#v was stored, want it refused", key)
			}
		}
		eve := newCast(r.ID, once, "eve", "ranking:1", false, "eve")
		for _, tt := range []struct{ receipt, nonce any }{
			{eve.Ballot.Receipt, mustHex(eve.Ballot.Nonce)},
			{receiptOf(eve)[:31], mustHex(eve.Ballot.Nonce)},
			{receiptOf(eve), eve.Ballot.Nonce},
			{receiptOf(eve), mustHex(eve.Ballot.Nonce)[:15]},
		} {
			err := db.Exec("INSERT INTO ballots (round_id, contest_id, voter_key, receipt, nonce, content, superseded) "+
				"VALUES (?, ?, ?, ?, ?, 'ranking:1', ?)", r.ID, once, noKey, tt.receipt, tt.nonce, false).Error
			if err == nil {
				t.Errorf("a ballot with the receipt %#v and the nonce %#v was stored, want it refused", tt.receipt, tt.nonce)
			}
		}
		// A second live ballot for a voter key is refused; once the first is superseded it is
		// not, and a superseded ballot stays so. Ballots without a key are never refused so.
		twin := newCast(r.ID, revote, "ada", "ranking:2", true, "twin")
		if err := insert(twin); err == nil || !strings.Contains(err.Error(), "one live ballot") {
			t.Errorf("a second live ballot with the same voter key: %v, want it refused by the trigger", err)
		}
		if err := db.Exec("UPDATE ballots SET superseded = ? WHERE receipt = ?", true, receiptOf(keyed)).Error; err != nil {
			t.Fatalf("supersede: %v", err)
		}
		if err := db.Exec("UPDATE ballots SET superseded = ? WHERE receipt = ?", false, receiptOf(keyed)).Error; err == nil {
			t.Error("a superseded ballot was made live again, want it refused")
		}
		if err := insert(twin); err != nil {
			t.Errorf("a live ballot after the superseded one: %v", err)
		}
		other := newCast(r.ID, once, "cyd", "ranking:1", false, "other")
		if err := insert(other); err != nil {
			t.Errorf("a second ballot without a voter key: %v", err)
		}
		if err := db.Exec("UPDATE ballots SET voter_key = ?", noKey).Error; err != nil {
			t.Errorf("clearing the voter keys: %v", err)
		}
		if err := db.Exec("UPDATE ballots SET superseded = ? WHERE receipt = ?", true, receiptOf(twin)).Error; err == nil {
			t.Error("a ballot whose voter key was cleared was superseded, want it refused")
		}
		if err := insert(plain); err == nil {
			t.Error("a ballot was stored twice, want it refused")
		}
		if err := db.Exec("INSERT INTO participation (contest_id, round_id, member) VALUES (?, ?, ?)", revote, r.ID, "ada").Error; err == nil {
			t.Error("a second participation record for a voter was stored, want it refused")
		}
		if err := insert(newCast(r.ID, revote+once, "ada", "ranking:1", false, "nowhere")); err == nil {
			t.Error("a ballot for a contest outside the round was stored, want it refused")
		}

		closed := *r
		closed.State, closed.ClosedAt, closed.ClosedBy = elections.RoundClosed, castNow, elections.ClosedBySchedule
		if err := s.UpdateRound(ctx, &closed); err != nil {
			t.Fatalf("close: %v", err)
		}
		if err := insert(newCast(r.ID, once, "dee", "ranking:1", false, "closed")); err == nil {
			t.Error("a ballot was stored in a closed round, want it refused")
		}
		wantBallots := storedBallots(map[*elections.BallotCast]bool{keyed: true}, keyed, twin)
		for i := range wantBallots {
			wantBallots[i].VoterKey = nil
		}
		if diff := cmp.Diff(wantBallots, ballotsOf(t, s, r.ID, revote)); diff != "" {
			t.Errorf("ballots after tampering (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(storedBallots(nil, plain, other), ballotsOf(t, s, r.ID, once)); diff != "" {
			t.Errorf("ballots without voter keys after tampering (-want +got):\n%s", diff)
		}
	})
}

// TestOneLiveBallotRacingInserts checks the PostgreSQL trigger that keeps one live ballot per
// voter key against two transactions inserting one each at once, outside CastBallots: the
// second waits for the first (on the trigger's advisory lock), then sees its ballot and is
// refused. (SQLite runs one writing transaction at a time.)
func TestOneLiveBallotRacingInserts(t *testing.T) {
	s := sqlstoretest.OpenPostgres(t)
	ctx := context.Background()
	r, revote, _ := castFixture(t, s)
	db, err := sqlstore.GormDB(s).DB()
	if err != nil {
		t.Fatal(err)
	}
	insert := func(tx *sql.Tx, c *elections.BallotCast) error {
		b := c.Ballot
		_, err := tx.ExecContext(ctx, "INSERT INTO ballots (round_id, contest_id, voter_key, receipt, nonce, content, superseded) "+
			"VALUES ($1, $2, $3, $4, $5, $6, false)", b.RoundID, b.ContestID, b.VoterKey, receiptOf(c), mustHex(b.Nonce), b.Content)
		return err
	}
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if err := insert(first, newCast(r.ID, revote, "ada", "ranking:1", true, "first")); err != nil {
		t.Fatalf("first insert: %v", err)
	}
	second := make(chan error, 1)
	go func() {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			second <- err
			return
		}
		defer tx.Rollback()
		if err := insert(tx, newCast(r.ID, revote, "ada", "ranking:2", true, "second")); err != nil {
			second <- err
			return
		}
		second <- tx.Commit()
	}()
	// Wait until the second insert waits for the trigger's lock (class "vote", see
	// 0005_voting.sql), which the first holds.
	for waiting := 0; waiting == 0; {
		select {
		case err := <-second:
			t.Fatalf("the second insert ended without waiting for the first transaction: %v", err)
		default:
		}
		waiting = count(t, s, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "+
			"AND classid::bigint = 1987015781 AND objsubid = 2")
		runtime.Gosched()
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err == nil || !strings.Contains(err.Error(), "one live ballot") {
		t.Errorf("the second insert: %v; want it refused by the trigger", err)
	}
	if n := count(t, s, "SELECT count(*) FROM ballots WHERE voter_key = ? AND NOT superseded", voterKeyOf(r.ID, revote, "ada")); n != 1 {
		t.Errorf("%d live ballots for the voter key, want 1", n)
	}
}

// allowedColumns are the only columns the ballot side may have: nothing names a member or a
// time, and nothing counts insertions.
var allowedColumns = map[string][]string{
	"ballots":       {"content", "contest_id", "nonce", "receipt", "round_id", "superseded", "voter_key"},
	"participation": {"contest_id", "member", "round_id"},
}

// tableColumns returns every table of the schema with its columns, sorted.
func tableColumns(t *testing.T, s *sqlstore.Store) map[string][]string {
	t.Helper()
	query := "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m JOIN pragma_table_info(m.name) p " +
		"WHERE m.type = 'table'"
	if s.Dialect() == sqlstore.DriverPostgres {
		query = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
	}
	var rows []struct{ TableName, ColumnName string }
	if err := sqlstore.GormDB(s).Raw(query).Scan(&rows).Error; err != nil {
		t.Fatalf("read the schema: %v", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.TableName] = append(out[r.TableName], r.ColumnName)
	}
	for _, cols := range out {
		slices.Sort(cols)
	}
	return out
}

// TestBallotSecrecy inspects the schema and the stored rows after a vote, and fails if anything
// on the ballot side can be joined to a member: a column other than the allowed ones (a member,
// a time, a serial number), a rowid whose order follows the insertions, a ballot's column
// elsewhere, or a member's external id in any stored ballot value.
func TestBallotSecrecy(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		db := sqlstore.GormDB(s)
		columns := tableColumns(t, s)
		for table, want := range allowedColumns {
			if diff := cmp.Diff(want, columns[table]); diff != "" {
				t.Errorf("columns of %s (-allowed +present):\n%s", table, diff)
			}
		}
		for table, cols := range columns {
			for _, c := range cols {
				if table != "ballots" && slices.Contains([]string{"receipt", "nonce", "voter_key"}, c) {
					t.Errorf("table %s has the ballot column %s", table, c)
				}
			}
		}
		if s.Dialect() == sqlstore.DriverSQLite {
			for table := range allowedColumns {
				var ddl string
				if err := db.Raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&ddl).Error; err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID") {
					t.Errorf("table %s has a rowid (not WITHOUT ROWID): %s", table, ddl)
				}
				if err := db.Exec("SELECT rowid FROM " + table).Error; err == nil {
					t.Errorf("SELECT rowid FROM %s succeeded, want no rowid", table)
				}
			}
		} else {
			n := count(t, s, "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "+
				"AND table_name IN ('ballots', 'participation') AND (column_default IS NOT NULL OR is_identity = 'YES')")
			if n != 0 {
				t.Errorf("%d ballot-side columns with a default or identity, want none", n)
			}
		}

		r, revote, once := castFixture(t, s)
		members := []string{"member-ada", "member-bob", "org-cyd-ltd"}
		var casts []*elections.BallotCast
		for i, m := range members {
			casts = append(casts, newCast(r.ID, revote, m, "ranking:1>2", true, m+"/1"),
				newCast(r.ID, once, m, fmt.Sprintf("ranking:%d", i+1), false, m+"/2"),
				newCast(r.ID, revote, m, "ranking:3", true, m+"/3"))
		}
		castAll(t, s, castNow, casts...)
		checkNoMemberInBallots(t, s, members)
		// On PostgreSQL a row's transaction id (xmin) is readable: the batch wrote the
		// ballots and the participation in one transaction, so they share it until the close.
		sharedXmin := "SELECT count(*) FROM ballots WHERE xmin::text IN (SELECT xmin::text FROM participation)"
		if s.Dialect() == sqlstore.DriverPostgres {
			if n := count(t, s, sharedXmin); n != len(casts) {
				t.Errorf("%d ballots share their xmin with participation before the close, want all %d", n, len(casts))
			}
		}
		closed := *r
		closed.State, closed.ClosedAt, closed.ClosedBy = elections.RoundClosed, castNow, elections.ClosedByOfficer
		if err := s.UpdateRound(ctx, &closed); err != nil {
			t.Fatal(err)
		}
		if err := s.ClearVoterKeys(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		checkNoMemberInBallots(t, s, members)
		if n := count(t, s, "SELECT count(*) FROM ballots WHERE voter_key <> ?", noKey); n != 0 {
			t.Errorf("%d voter keys after the close, want none", n)
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			if n := count(t, s, sharedXmin); n != 0 {
				t.Errorf("%d ballots share their xmin with participation after the close, want none", n)
			}
			if n := count(t, s, "SELECT count(DISTINCT xmin::text) FROM ballots WHERE round_id = ?", r.ID); n != 1 {
				t.Errorf("the ballots of the round have %d transaction ids after the close, want the close's only", n)
			}
		}
	})
}

// TestBallotsHaveOneIndex checks that the ballots table has no index but its key, so that a
// cast writes one page of it (see 0005_voting.sql).
func TestBallotsHaveOneIndex(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		query := "SELECT count(*) FROM pragma_index_list('ballots')"
		if s.Dialect() == sqlstore.DriverPostgres {
			query = "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'ballots'"
		}
		if n := count(t, s, query); n != 1 {
			t.Errorf("the ballots table has %d indexes, want its primary key only", n)
		}
	})
}

// TestCloseLeavesNoVoterKeyOnDisk reads the SQLite database file and its write-ahead log as
// bytes: while the round is open they hold the voter keys; once the close has committed (in a
// transaction, as the domain closes a round), neither holds any, and the log is empty.
func TestCloseLeavesNoVoterKeyOnDisk(t *testing.T) {
	ctx := context.Background()
	opts := sqlstoretest.SQLiteOptions(t)
	s := sqlstoretest.Migrated(t, opts)
	r, revote, once := castFixture(t, s)
	var keys [][]byte
	for i := range 200 {
		m := fmt.Sprintf("member-%03d", i)
		keys = append(keys, voterKeyOf(r.ID, revote, m))
		castAll(t, s, castNow, newCast(r.ID, revote, m, "ranking:1", true, m+"/1"),
			newCast(r.ID, once, m, "ranking:2", false, m+"/2"))
		if i%3 == 0 {
			castAll(t, s, castNow, newCast(r.ID, revote, m, "ranking:2", true, m+"/3"))
		}
	}
	onDisk := func() (found int, walSize int) {
		var disk []byte
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(opts.DSN + suffix)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			if suffix == "-wal" {
				walSize = len(b)
			}
			disk = append(disk, b...)
		}
		for _, k := range keys {
			if bytes.Contains(disk, k) {
				found++
			}
		}
		return found, walSize
	}
	if found, _ := onDisk(); found != len(keys) {
		t.Fatalf("%d of %d voter keys found on disk while the round is open, want all (is the search right?)", found, len(keys))
	}
	closed := *r
	closed.State, closed.ClosedAt, closed.ClosedBy = elections.RoundClosed, castNow, elections.ClosedByOfficer
	err := s.Tx(ctx, func(tx elections.Store) error {
		if err := tx.UpdateRound(ctx, &closed); err != nil {
			return err
		}
		return tx.ClearVoterKeys(ctx, r.ID)
	})
	if err != nil {
		t.Fatalf("close: %v", err)
	}
	if found, walSize := onDisk(); found != 0 || walSize != 0 {
		t.Errorf("after the close: %d voter keys on disk, a write-ahead log of %d bytes; want none and 0", found, walSize)
	}
	if got := len(ballotsOf(t, s, r.ID, revote)); got != 200+67 {
		t.Errorf("%d ballots after the close, want %d", got, 200+67)
	}
}

// checkNoMemberInBallots reads every column of every stored ballot and fails the test when one
// holds or contains a member's external id, as text or as bytes.
func checkNoMemberInBallots(t *testing.T, s *sqlstore.Store, members []string) {
	t.Helper()
	rows, err := sqlstore.GormDB(s).Raw("SELECT * FROM ballots").Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range values {
			text := fmt.Sprint(v)
			if b, ok := v.([]byte); ok {
				text = string(b)
			}
			for _, m := range members {
				if strings.Contains(text, m) || strings.Contains(text, hex.EncodeToString([]byte(m))) {
					t.Errorf("ballot column %s = %q holds member %s", cols[i], text, m)
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("no ballots to check")
	}
}

// TestCastBallotsConcurrentReplicas casts every voter's ballots from two stores on one
// database at once (two pools, as two replicas have), in opposite voter orders: each voter ends
// with exactly one live ballot where revoting is allowed, and exactly one ballot where it is not.
func TestCastBallotsConcurrentReplicas(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		a := sqlstoretest.Migrated(t, opts)
		b := sqlstoretest.OpenOptions(t, opts)
		r, revote, once := castFixture(t, a)
		const voters, batch = 24, 6
		castsOf := func(replica string) []*elections.BallotCast {
			var out []*elections.BallotCast
			for i := range voters {
				m := fmt.Sprintf("voter-%02d", i)
				out = append(out, newCast(r.ID, revote, m, "ranking:1", true, replica+m),
					newCast(r.ID, once, m, "ranking:2", false, replica+m))
			}
			return out
		}
		fromA, fromB := castsOf("a/"), castsOf("b/")
		slices.Reverse(fromB)
		errs := make(chan error, 2)
		ready := make(chan struct{})
		for _, run := range []struct {
			s     *sqlstore.Store
			casts []*elections.BallotCast
		}{{a, fromA}, {b, fromB}} {
			go func() {
				<-ready
				for chunk := range slices.Chunk(run.casts, batch) {
					if err := run.s.CastBallots(context.Background(), castNow, chunk); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		close(ready)
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("CastBallots: %v", err)
			}
		}
		slices.Reverse(fromB)
		for i := 0; i < len(fromA); i += 2 {
			ra, rb, oa, ob := fromA[i], fromB[i], fromA[i+1], fromB[i+1]
			if ra.Err != nil || rb.Err != nil || ra.Replaced == rb.Replaced {
				t.Errorf("%s's revotes: %v (replaced %v), %v (replaced %v); want both stored, one replacing the other",
					ra.Member, ra.Err, ra.Replaced, rb.Err, rb.Replaced)
			}
			if codes := []string{elections.ErrorCode(oa.Err), elections.ErrorCode(ob.Err)}; !slices.Contains(codes, "") ||
				!slices.Contains(codes, elections.ECONFLICT) {
				t.Errorf("%s's ballots without revoting: %v, %v; want one stored and one refused", oa.Member, oa.Err, ob.Err)
			}
		}
		live := map[string]int{}
		for _, bl := range ballotsOf(t, a, r.ID, revote) {
			if !bl.Superseded {
				live[hex.EncodeToString(bl.VoterKey)]++
			}
		}
		if len(live) != voters {
			t.Errorf("%d voters with a live ballot, want %d", len(live), voters)
		}
		for key, n := range live {
			if n != 1 {
				t.Errorf("voter key %s has %d live ballots, want 1", key, n)
			}
		}
		if got := len(ballotsOf(t, a, r.ID, revote)); got != 2*voters {
			t.Errorf("%d ballots where revoting is allowed, want %d", got, 2*voters)
		}
		if got := len(ballotsOf(t, a, r.ID, once)); got != voters {
			t.Errorf("%d ballots where revoting is not allowed, want %d", got, voters)
		}
		for _, contest := range []int64{revote, once} {
			if n, err := a.Participation(context.Background(), r.ID, contest); err != nil || n != voters {
				t.Errorf("Participation(%d) = %d, %v; want %d", contest, n, err, voters)
			}
		}
	})
}

// TestCastBallotsRacingClose closes a round from another store (another pool, as another
// replica) while batches are being cast: every cast acknowledged is stored, every cast refused
// is not, no ballot comes after the close (none keeps a voter key that the close cleared), and
// once the close has returned every cast is refused.
func TestCastBallotsRacingClose(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		ctx := context.Background()
		a := sqlstoretest.Migrated(t, opts)
		b := sqlstoretest.OpenOptions(t, opts)
		r, revote, once := castFixture(t, a)
		const casters, batches = 2, 25
		var all [casters][]*elections.BallotCast
		errs := make(chan error, casters)
		firstDone := make(chan struct{}, casters)
		for c := range casters {
			go func() {
				for i := range batches {
					var batch []*elections.BallotCast
					for j := range 4 {
						m := fmt.Sprintf("racer-%d-%02d-%d", c, i, j/2)
						batch = append(batch, newCast(r.ID, []int64{revote, once}[j%2], m, "ranking:1", j%2 == 0, fmt.Sprint(m, "/", j)))
					}
					err := a.CastBallots(ctx, castNow, batch)
					if i == 0 {
						firstDone <- struct{}{}
					}
					if err != nil {
						errs <- err
						return
					}
					all[c] = append(all[c], batch...)
				}
				errs <- nil
			}()
		}
		<-firstDone
		closed := *r
		closed.State, closed.ClosedAt, closed.ClosedBy = elections.RoundClosed, castNow, elections.ClosedByOfficer
		err := b.Tx(ctx, func(tx elections.Store) error {
			if err := tx.UpdateRound(ctx, &closed); err != nil {
				return err
			}
			return tx.ClearVoterKeys(ctx, r.ID)
		})
		if err != nil {
			t.Fatalf("close: %v", err)
		}
		after := newCast(r.ID, once, "latecomer", "ranking:1", false, "after")
		castAll(t, b, castNow, after)
		if elections.ErrorCode(after.Err) != elections.ECONFLICT {
			t.Errorf("cast after the close returned: %v, want %s", after.Err, elections.ECONFLICT)
		}
		for range casters {
			if err := <-errs; err != nil {
				t.Fatalf("CastBallots: %v", err)
			}
		}

		stored := map[string]bool{}
		for _, contest := range []int64{revote, once} {
			for _, bl := range ballotsOf(t, a, r.ID, contest) {
				stored[bl.Receipt] = true
			}
		}
		acknowledged, refused := 0, 0
		for _, casts := range all {
			for _, c := range casts {
				switch code := elections.ErrorCode(c.Err); {
				case code == "" && !stored[c.Ballot.Receipt]:
					t.Errorf("acknowledged ballot %s is not stored", c.Ballot.Receipt)
				case code == "":
					acknowledged++
				case code != elections.ECONFLICT:
					t.Errorf("cast refused with %v, want %s", c.Err, elections.ECONFLICT)
				case stored[c.Ballot.Receipt]:
					t.Errorf("refused ballot %s is stored", c.Ballot.Receipt)
				default:
					refused++
				}
			}
		}
		if acknowledged != len(stored) {
			t.Errorf("%d ballots stored, %d acknowledged; want the same", len(stored), acknowledged)
		}
		if n := count(t, a, "SELECT count(*) FROM ballots WHERE voter_key <> ?", noKey); n != 0 {
			t.Errorf("%d ballots with a voter key after the close cleared them, want none", n)
		}
		if n := count(t, a, "SELECT count(*) FROM participation"); n != acknowledged {
			t.Errorf("%d participation records, want one per acknowledged ballot (%d)", n, acknowledged)
		}
		t.Logf("%d casts acknowledged before the close, %d refused after it", acknowledged, refused)
	})
}

// TestTransactionsTakeTurnsWithCasting checks that on SQLite a transaction of the process is
// not starved by a writer that casts batch after batch (SQLite itself makes waiters poll for
// the write lock, which a busy writer almost always holds): it gets in after at most the batch
// being committed and the one about to begin.
func TestTransactionsTakeTurnsWithCasting(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := context.Background()
	r, revote, _ := castFixture(t, s)
	var committed atomic.Int64
	stop := make(chan struct{})
	casting := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				casting <- nil
				return
			default:
			}
			var batch []*elections.BallotCast
			for j := range 16 {
				m := fmt.Sprintf("busy-%05d-%02d", i, j)
				batch = append(batch, newCast(r.ID, revote, m, "ranking:1", true, m))
			}
			if err := s.CastBallots(ctx, castNow, batch); err != nil {
				casting <- err
				return
			}
			committed.Add(1)
		}
	}()
	for committed.Load() < 3 {
		runtime.Gosched()
	}
	for i := range 5 {
		before := committed.Load()
		var during int64
		err := s.Tx(ctx, func(tx elections.Store) error {
			during = committed.Load()
			extended := *r
			extended.ClosesAt = r.ClosesAt.Add(time.Duration(i+1) * time.Hour)
			return tx.UpdateRound(ctx, &extended)
		})
		if err != nil {
			t.Errorf("Tx %d while casting: %v", i, err)
		}
		if during-before > 2 {
			t.Errorf("Tx %d began after %d more batches, want at most 2", i, during-before)
		}
	}
	close(stop)
	if err := <-casting; err != nil {
		t.Fatalf("CastBallots: %v", err)
	}
}
