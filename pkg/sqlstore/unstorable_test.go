package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// A NUL character or a byte that is not UTF-8 reaches the store from a URL (/members/a%00b,
// ?constituency=%FF) or from a file's id that the domain refuses afterwards. PostgreSQL refuses
// them in any text parameter, SQLite takes them: on both, a lookup by such a string finds
// nothing, without an error.
func TestLookupsWithUnstorableText(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ada, bo := person("m", "individual", "2024-01-01"), person("n", "individual", "2024-01-01")
		createMembers(t, s, ada, bo)
		createDonations(t, s, donation("pay-1", ada.ID, 10_00, "2025-01-01"))
		createTerms(t, s, term("gold", 1, "Acme Corp", "2024-06-16", "2026-06-16"))

		if ms, err := s.MembersByExternalID(ctx, []string{"m\x00", "m\xff", "m"}); err != nil || len(ms) != 1 || ms["m"] == nil {
			t.Errorf("MembersByExternalID(m\\x00, m\\xff, m) = %v, %v; want m only", ms, err)
		}
		if ds, err := s.DonationsByExternalID(ctx, []string{"pay-1\x00"}); err != nil || len(ds) != 0 {
			t.Errorf("DonationsByExternalID(pay-1\\x00) = %v, %v; want none", ds, err)
		}
		if ms, err := s.ListMembers(ctx, elections.MemberFilter{Constituency: "individual\x00"}); err != nil || len(ms) != 0 {
			t.Errorf("ListMembers(constituency individual\\x00) = %v, %v; want none", ms, err)
		}
		if ms, err := s.ListMembers(ctx, elections.MemberFilter{Constituency: "individual\xff"}); err != nil || len(ms) != 0 {
			t.Errorf("ListMembers(constituency individual\\xff) = %v, %v; want none", ms, err)
		}
		for _, after := range []string{"m\x00z", "m\xff"} {
			if ms, err := s.ListMembers(ctx, elections.MemberFilter{After: after}); elections.ErrorCode(err) != elections.EINVALID {
				t.Errorf("ListMembers(after %q) = %v, %v; want EINVALID", after, ms, err)
			}
		}
		if ts, err := s.Terms(ctx, elections.TermFilter{Seat: "gold-1\x00"}); err != nil || len(ts) != 0 {
			t.Errorf("Terms(seat gold-1\\x00) = %v, %v; want none", ts, err)
		}
		if ts, err := s.Terms(ctx, elections.TermFilter{Constituency: "gold\xff"}); err != nil || len(ts) != 0 {
			t.Errorf("Terms(constituency gold\\xff) = %v, %v; want none", ts, err)
		}
		// Writes that name members by external id: an unstorable one is no member.
		for _, id := range []string{"m\x00", "m\xff"} {
			code := &elections.AccessCode{ElectionID: 1, Member: id, Hash: "h-" + id, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
			if err := s.CreateAccessCodes(ctx, []*elections.AccessCode{code}); elections.ErrorCode(err) != elections.ENOTFOUND {
				t.Errorf("CreateAccessCodes(member %q) = %v; want ENOTFOUND", id, err)
			}
			if n, err := s.RevokeAccessCodes(ctx, 0, []string{id, "m"}, time.Now()); err != nil || n != 0 {
				t.Errorf("RevokeAccessCodes(%q, m) = %d, %v; want 0, nil", id, n, err)
			}
		}
		for _, kind := range []string{"member.created\x00", "member.created\xff"} {
			if es, err := s.ListEvents(ctx, elections.EventFilter{Kind: kind}); err != nil || len(es) != 0 {
				t.Errorf("ListEvents(kind %q) = %v, %v; want none", kind, es, err)
			}
		}
	})
}
