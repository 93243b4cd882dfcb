package sqlstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// term returns a recorded term of seat <c>-<n> held by holder from `from` to `to`.
func term(c string, n int, holder, from, to string) *elections.Term {
	return &elections.Term{Seat: c + "-" + strconv.Itoa(n), Constituency: c, SeatNumber: n, Holder: holder,
		Start: day(from), End: day(to), Source: elections.TermRecorded, RecordedAt: start}
}

// createTerms stores ts or fails the test.
func createTerms(t *testing.T, s *sqlstore.Store, ts ...*elections.Term) {
	t.Helper()
	for _, tm := range ts {
		if err := s.CreateTerm(context.Background(), tm); err != nil {
			t.Fatalf("CreateTerm(%s from %s): %v", tm.Seat, tm.Start, err)
		}
	}
}

func TestCreateAndListTerms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acme := organisation("org-acme", "gold", "2023-01-01", nil)
		createMembers(t, s, acme)
		gold := term("gold", 1, "Acme Corp", "2024-06-16", "2026-06-16")
		gold.ID = 55 // ignored: the database assigns the ID
		gold.MemberExternalID, gold.Source, gold.ElectionYear = "org-acme", elections.TermElected, 2024
		gold.Representatives = []elections.SeatRepresentative{{Name: "Jo Rep", Since: day("2024-06-16")}}
		ind2old := term("individual", 2, "Ada", "2023-06-16", "2025-06-16")
		ind2 := term("individual", 2, "Bob", "2025-06-16", "2027-06-16")
		ind2.Note = "resigned by e-mail"
		ind2.EndedOn, ind2.EndReason = day("2025-11-03"), elections.EndResigned
		ind1 := term("individual", 1, "Cy", "2024-06-16", "2026-06-16")
		createTerms(t, s, ind2, gold, ind1, ind2old)
		if gold.ID != 2 || !gold.RecordedAt.Equal(stored) {
			t.Errorf("after CreateTerm ID %d, RecordedAt %v; want 2 and the stored time", gold.ID, gold.RecordedAt)
		}
		if n := count(t, s, "SELECT count(*) FROM seat_terms WHERE ended_on IS NULL AND end_reason IS NULL AND election_year IS NULL AND member_id IS NULL"); n != 2 {
			t.Errorf("%d terms with NULL ended_on, end_reason, election_year and member_id; want 2", n)
		}
		want := func(tm *elections.Term) elections.Term {
			w := *tm
			w.RecordedAt = stored
			return w
		}
		tests := []struct {
			name   string
			filter elections.TermFilter
			want   []elections.Term
		}{
			{"all, by constituency, number, start", elections.TermFilter{},
				[]elections.Term{want(gold), want(ind1), want(ind2old), want(ind2)}},
			{"seat", elections.TermFilter{Seat: "individual-2"}, []elections.Term{want(ind2old), want(ind2)}},
			{"constituency", elections.TermFilter{Constituency: "gold"}, []elections.Term{want(gold)}},
			{"none", elections.TermFilter{Seat: "gold-2"}, []elections.Term{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Terms(ctx, tt.filter)
				if err != nil {
					t.Fatalf("Terms: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Terms(%+v) (-want +got):\n%s", tt.filter, diff)
				}
			})
		}
	})
}

func TestUpdateTermAndSeatRepresentatives(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		tm := term("gold", 1, "Acme Corp", "2024-06-16", "2026-06-16")
		tm.Representatives = []elections.SeatRepresentative{{Name: "Jo", Since: day("2024-06-16")}}
		other := term("gold", 2, "Beta", "2024-06-16", "2026-06-16")
		createTerms(t, s, tm, other)

		ended := *tm
		ended.EndedOn, ended.EndReason, ended.Note = day("2025-11-03"), elections.EndRemoved, "by the board"
		ended.Holder = "Other" // not stored
		if err := s.UpdateTerm(ctx, &ended); err != nil {
			t.Fatalf("UpdateTerm: %v", err)
		}
		for _, r := range []elections.SeatRepresentative{{Name: "Lee", Since: day("2025-08-01")}, {Name: "Kim", Since: day("2025-02-01")}} {
			if err := s.AddSeatRepresentative(ctx, tm.ID, r); err != nil {
				t.Fatalf("AddSeatRepresentative: %v", err)
			}
		}
		got, err := s.Terms(ctx, elections.TermFilter{Seat: "gold-1"})
		if err != nil {
			t.Fatalf("Terms: %v", err)
		}
		want := *tm
		want.EndedOn, want.EndReason, want.Note, want.RecordedAt = ended.EndedOn, ended.EndReason, ended.Note, stored
		want.Representatives = []elections.SeatRepresentative{
			{Name: "Jo", Since: day("2024-06-16")}, {Name: "Kim", Since: day("2025-02-01")}, {Name: "Lee", Since: day("2025-08-01")},
		}
		if diff := cmp.Diff([]elections.Term{want}, got); diff != "" {
			t.Errorf("term after the changes (-want +got):\n%s", diff)
		}

		// Undoing a vacancy stores NULLs again.
		ended.EndedOn, ended.EndReason = elections.Date{}, ""
		if err := s.UpdateTerm(ctx, &ended); err != nil {
			t.Fatalf("UpdateTerm: %v", err)
		}
		if n := count(t, s, "SELECT count(*) FROM seat_terms WHERE ended_on IS NULL AND end_reason IS NULL"); n != 2 {
			t.Errorf("%d terms with NULL ended_on and end_reason, want 2", n)
		}

		tests := []struct {
			name string
			call func() error
			want string
		}{
			{"update an unknown term", func() error {
				return s.UpdateTerm(ctx, &elections.Term{ID: 99})
			}, elections.ENOTFOUND},
			{"representative of an unknown term", func() error {
				return s.AddSeatRepresentative(ctx, 99, elections.SeatRepresentative{Name: "X", Since: day("2025-01-01")})
			}, elections.ENOTFOUND},
			{"two representatives from one day", func() error {
				return s.AddSeatRepresentative(ctx, tm.ID, elections.SeatRepresentative{Name: "X", Since: day("2025-02-01")})
			}, elections.ECONFLICT},
			{"term of an unknown member", func() error {
				bad := term("gold", 3, "Ghost", "2024-06-16", "2026-06-16")
				bad.MemberExternalID = "ghost"
				return s.CreateTerm(ctx, bad)
			}, elections.ENOTFOUND},
			{"representatives from one day", func() error {
				bad := term("gold", 3, "Gamma", "2024-06-16", "2026-06-16")
				bad.Representatives = []elections.SeatRepresentative{{Name: "A", Since: day("2024-06-16")}, {Name: "B", Since: day("2024-06-16")}}
				return s.CreateTerm(ctx, bad)
			}, elections.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.call(); elections.ErrorCode(err) != tt.want {
					t.Errorf("got %v, want %s", err, tt.want)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM seat_terms"); n != 2 {
			t.Errorf("%d terms after the refused calls, want 2 (a refused term leaves nothing behind)", n)
		}
	})
}

// TestTermSchemaRefusesInconsistentTerms checks constraints that back the domain's rules.
func TestTermSchemaRefusesInconsistentTerms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tests := []struct {
			name   string
			modify func(tm *elections.Term)
		}{
			{"ends before it starts", func(tm *elections.Term) { tm.End = tm.Start }},
			{"seat key does not match", func(tm *elections.Term) { tm.Seat = "gold-2" }},
			{"ended without a reason", func(tm *elections.Term) { tm.EndedOn = day("2025-01-01") }},
			{"ended after its end", func(tm *elections.Term) { tm.EndedOn, tm.EndReason = day("2027-01-01"), elections.EndResigned }},
			{"unknown source", func(tm *elections.Term) { tm.Source = "lottery" }},
			{"no holder", func(tm *elections.Term) { tm.Holder = "" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tm := term("gold", 1, "Acme", "2024-06-16", "2026-06-16")
				tt.modify(tm)
				if err := s.CreateTerm(context.Background(), tm); err == nil {
					t.Error("CreateTerm succeeded, want the database to refuse it")
				}
			})
		}
	})
}

func TestRecordedAtPrecision(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tm := term("gold", 1, "Acme", "2024-06-16", "2026-06-16")
		tm.RecordedAt = start.In(time.FixedZone("CEST", 2*3600))
		createTerms(t, s, tm)
		got, err := s.Terms(context.Background(), elections.TermFilter{})
		if err != nil || len(got) != 1 || got[0].RecordedAt != stored {
			t.Errorf("Terms = %v, %v; want RecordedAt %v in UTC", got, err, stored)
		}
	})
}
