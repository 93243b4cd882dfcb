package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// hashOf returns the hex SHA-256 of code.
func hashOf(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// accessCode returns a code of member in election electionID, valid for a week from start.
func accessCode(electionID int64, member, code string) *elections.AccessCode {
	return &elections.AccessCode{ElectionID: electionID, Member: member, Hash: hashOf(code), CreatedAt: start,
		ExpiresAt: start.Add(7 * 24 * time.Hour)}
}

// createAccessCodes stores codes or fails the test.
func createAccessCodes(t *testing.T, s *sqlstore.Store, codes ...*elections.AccessCode) {
	t.Helper()
	if err := s.CreateAccessCodes(context.Background(), codes); err != nil {
		t.Fatalf("CreateAccessCodes: %v", err)
	}
}

func TestCreateAndFindAccessCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		ada, acme := accessCode(e.ID, "ada", "A"), accessCode(e.ID, "acme", "B")
		ada.ID = 42                                                                                // ignored: the database assigns the ID
		acme.ExpiresAt = start.Add(time.Hour + time.Nanosecond).In(time.FixedZone("CEST", 2*3600)) // stored in UTC, to the µs
		createAccessCodes(t, s, ada, acme)
		if ada.ID != 1 || acme.ID != 2 || ada.CreatedAt != stored || acme.ExpiresAt != start.Add(time.Hour).Truncate(time.Microsecond) {
			t.Errorf("after CreateAccessCodes IDs %d, %d, CreatedAt %v, ExpiresAt %v; want 1, 2 and the stored times",
				ada.ID, acme.ID, ada.CreatedAt, acme.ExpiresAt)
		}
		got, err := s.AccessCodeByHash(ctx, hashOf("B"))
		if err != nil {
			t.Fatalf("AccessCodeByHash: %v", err)
		}
		if diff := cmp.Diff(*acme, *got); diff != "" {
			t.Errorf("AccessCodeByHash (-want +got):\n%s", diff)
		}
		if got.ExpiresAt != acme.ExpiresAt || got.CreatedAt != stored {
			t.Errorf("times %v, %v; want them in UTC", got.CreatedAt, got.ExpiresAt)
		}
		if n := count(t, s, "SELECT count(*) FROM access_codes WHERE used_at IS NULL AND revoked_at IS NULL"); n != 2 {
			t.Errorf("%d codes with NULL used_at and revoked_at, want 2", n)
		}
		if _, err := s.AccessCodeByHash(ctx, hashOf("C")); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("AccessCodeByHash(unknown) = %v, want %s", err, elections.ENOTFOUND)
		}

		tests := []struct {
			name  string
			codes []*elections.AccessCode
			want  string
		}{
			{"hash taken", []*elections.AccessCode{accessCode(e.ID, "bob", "D"), accessCode(e.ID, "bob", "A")}, elections.ECONFLICT},
			{"hash twice", []*elections.AccessCode{accessCode(e.ID, "bob", "D"), accessCode(e.ID, "ada", "D")}, elections.ECONFLICT},
			{"unknown member", []*elections.AccessCode{accessCode(e.ID, "bob", "D"), accessCode(e.ID, "zed", "E")}, elections.ENOTFOUND},
			{"unknown election", []*elections.AccessCode{accessCode(99, "bob", "D")}, elections.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := s.CreateAccessCodes(ctx, tt.codes); elections.ErrorCode(err) != tt.want {
					t.Errorf("CreateAccessCodes = %v, want %s", err, tt.want)
				}
			})
		}
		bad := accessCode(e.ID, "bob", "F")
		bad.Hash = hex.EncodeToString([]byte("not a sha-256"))
		if err := s.CreateAccessCodes(ctx, []*elections.AccessCode{bad}); err == nil {
			t.Error("CreateAccessCodes(short hash) succeeded, want the database to refuse it")
		}
		if n := count(t, s, "SELECT count(*) FROM access_codes"); n != 2 {
			t.Errorf("%d codes after the refused calls, want 2", n)
		}
	})
}

func TestUseAndRevokeAccessCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		next := createElection(t, s, 2027)
		used, old, fresh := accessCode(e.ID, "ada", "used"), accessCode(e.ID, "ada", "old"), accessCode(e.ID, "bob", "fresh")
		elsewhere := accessCode(next.ID, "ada", "elsewhere")
		createAccessCodes(t, s, used, old, fresh, elsewhere)

		usedAt := start.Add(time.Minute + time.Nanosecond)
		if ok, err := s.UseAccessCode(ctx, used.ID, usedAt); err != nil || !ok {
			t.Fatalf("UseAccessCode = %t, %v; want true", ok, err)
		}
		if ok, err := s.UseAccessCode(ctx, used.ID, usedAt.Add(time.Second)); err != nil || ok {
			t.Errorf("UseAccessCode a second time = %t, %v; want false", ok, err)
		}
		if ok, err := s.UseAccessCode(ctx, 99, usedAt); err != nil || ok {
			t.Errorf("UseAccessCode(unknown id) = %t, %v; want false", ok, err)
		}

		revokedAt := start.Add(time.Hour + time.Nanosecond)
		n, err := s.RevokeAccessCodes(ctx, e.ID, []string{"ada", "zed", "ada"}, revokedAt)
		if err != nil || n != 1 {
			t.Errorf("RevokeAccessCodes = %d, %v; want 1 (the used code and the other election's stay)", n, err)
		}
		if n, err := s.RevokeAccessCodes(ctx, e.ID, []string{"ada"}, revokedAt.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("RevokeAccessCodes again = %d, %v; want 0", n, err)
		}
		if n, err := s.RevokeAccessCodes(ctx, e.ID, nil, revokedAt); err != nil || n != 0 {
			t.Errorf("RevokeAccessCodes(no members) = %d, %v; want 0", n, err)
		}
		if ok, err := s.UseAccessCode(ctx, old.ID, revokedAt); err != nil || ok {
			t.Errorf("UseAccessCode(revoked) = %t, %v; want false", ok, err)
		}

		want := map[string]elections.AccessCode{
			"used":      withTimes(*used, usedAt, time.Time{}),
			"old":       withTimes(*old, time.Time{}, revokedAt),
			"fresh":     *fresh,
			"elsewhere": *elsewhere,
		}
		for code, w := range want {
			got, err := s.AccessCodeByHash(ctx, hashOf(code))
			if err != nil {
				t.Fatalf("AccessCodeByHash(%s): %v", code, err)
			}
			if diff := cmp.Diff(w, *got); diff != "" {
				t.Errorf("code %s (-want +got):\n%s", code, diff)
			}
		}
	})
}

// withTimes returns c used and revoked at these times, as stored.
func withTimes(c elections.AccessCode, used, revoked time.Time) elections.AccessCode {
	c.UsedAt, c.RevokedAt = used.Truncate(time.Microsecond), revoked.Truncate(time.Microsecond)
	return c
}

// TestUseAccessCodeConcurrently checks that of concurrent redemptions of one code exactly one
// succeeds.
func TestUseAccessCodeConcurrently(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		e := nominationFixture(t, s)
		code := accessCode(e.ID, "ada", "contested")
		createAccessCodes(t, s, code)
		const n = 8
		var (
			wg    sync.WaitGroup
			ready = make(chan struct{})
			won   = make(chan bool, n)
			errs  = make(chan error, n)
		)
		for i := range n {
			wg.Go(func() {
				<-ready
				ok, err := s.UseAccessCode(context.Background(), code.ID, start.Add(time.Duration(i)*time.Second))
				won <- ok
				errs <- err
			})
		}
		close(ready)
		wg.Wait()
		close(won)
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("UseAccessCode: %v", err)
			}
		}
		winners := 0
		for ok := range won {
			if ok {
				winners++
			}
		}
		if winners != 1 {
			t.Errorf("%d of %d concurrent UseAccessCode calls used the code, want exactly 1", winners, n)
		}
		if c := count(t, s, "SELECT count(*) FROM access_codes WHERE used_at IS NOT NULL"); c != 1 {
			t.Errorf("%d used codes, want 1", c)
		}
	})
}

// TestRevokeManyAccessCodes revokes the codes of more members than one IN list takes.
func TestRevokeManyAccessCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		const n = 1_200
		ms := make([]*elections.Member, n)
		ids := make([]string, n)
		codes := make([]*elections.AccessCode, n)
		for i := range ms {
			ids[i] = fmt.Sprintf("m-%04d", i)
			ms[i] = person(ids[i], "individual", "2024-01-01")
		}
		createMembers(t, s, ms...)
		for i, id := range ids {
			codes[i] = accessCode(e.ID, id, id)
		}
		createAccessCodes(t, s, codes...)
		if codes[n-1].ID != n {
			t.Errorf("last code's ID = %d, want %d", codes[n-1].ID, n)
		}
		if got, err := s.RevokeAccessCodes(ctx, e.ID, ids, start); err != nil || got != n {
			t.Errorf("RevokeAccessCodes = %d, %v; want %d", got, err, n)
		}
	})
}

// Extending codes moves only the election's unused, unrevoked, unexpired codes that would expire
// before the new time.
func TestExtendAccessCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		next := createElection(t, s, 2027)
		week := start.Add(7 * 24 * time.Hour)
		later := accessCode(e.ID, "bob", "later")
		later.ExpiresAt = week.Add(48 * time.Hour)
		expired := accessCode(e.ID, "bob", "expired")
		expired.ExpiresAt = start.Add(time.Hour)
		codes := []*elections.AccessCode{accessCode(e.ID, "ada", "open"), accessCode(e.ID, "ada", "used"),
			accessCode(e.ID, "bob", "revoked"), later, expired, accessCode(next.ID, "ada", "elsewhere")}
		createAccessCodes(t, s, codes...)
		if ok, err := s.UseAccessCode(ctx, codes[1].ID, start.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("UseAccessCode = %t, %v", ok, err)
		}
		if _, err := s.RevokeAccessCodes(ctx, e.ID, []string{"bob"}, start.Add(time.Minute)); err != nil {
			t.Fatalf("RevokeAccessCodes: %v", err)
		}
		// bob's codes are all revoked now: re-create the two that must stay unrevoked.
		later2 := accessCode(e.ID, "bob", "later2")
		later2.ExpiresAt = later.ExpiresAt
		expired2 := accessCode(e.ID, "bob", "expired2")
		expired2.ExpiresAt = expired.ExpiresAt
		createAccessCodes(t, s, later2, expired2)

		now, to := start.Add(2*time.Hour), week.Add(24*time.Hour+time.Nanosecond)
		n, err := s.ExtendAccessCodes(ctx, e.ID, now, to)
		if err != nil || n != 1 {
			t.Fatalf("ExtendAccessCodes = %d, %v; want 1 (only the open code)", n, err)
		}
		want := map[string]time.Time{
			"open": to, "used": week, "revoked": week, "later2": later.ExpiresAt,
			"expired2": expired.ExpiresAt, "elsewhere": week,
		}
		for code, w := range want {
			got, err := s.AccessCodeByHash(ctx, hashOf(code))
			if err != nil {
				t.Fatalf("AccessCodeByHash(%s): %v", code, err)
			}
			if w = w.Truncate(time.Microsecond); !got.ExpiresAt.Equal(w) {
				t.Errorf("code %s expires %v, want %v", code, got.ExpiresAt, w)
			}
		}
		if n, err := s.ExtendAccessCodes(ctx, e.ID, now, to); err != nil || n != 0 {
			t.Errorf("ExtendAccessCodes again = %d, %v; want 0", n, err)
		}
	})
}

// Election 0 revokes a member's unused codes in every election (a new representative).
func TestRevokeAccessCodesEverywhere(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		next := createElection(t, s, 2027)
		createAccessCodes(t, s, accessCode(e.ID, "ada", "one"), accessCode(next.ID, "ada", "two"), accessCode(e.ID, "bob", "bobs"))
		if n, err := s.RevokeAccessCodes(ctx, 0, []string{"ada"}, start.Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("RevokeAccessCodes(0, ada) = %d, %v; want 2", n, err)
		}
		if got, err := s.AccessCodeByHash(ctx, hashOf("bobs")); err != nil || !got.RevokedAt.IsZero() {
			t.Errorf("bob's code: %+v %v; want it unrevoked", got, err)
		}
	})
}
