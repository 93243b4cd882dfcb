package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// donation returns a donation in USD by member memberID.
func donation(id string, memberID int64, value elections.Amount, date string) *elections.Donation {
	return &elections.Donation{ExternalID: id, MemberID: memberID, Amount: value.String(), Currency: "USD", Value: value,
		Date: day(date), Source: "stripe", CreatedAt: start, UpdatedAt: start}
}

// createDonations stores ds or fails the test.
func createDonations(t *testing.T, s *sqlstore.Store, ds ...*elections.Donation) {
	t.Helper()
	if err := s.CreateDonations(context.Background(), ds); err != nil {
		t.Fatalf("CreateDonations: %v", err)
	}
}

func TestCreateAndFindDonations(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ada, bob := person("ada", "individual", "2024-01-01"), person("bob", "individual", "2024-01-01")
		createMembers(t, s, ada, bob)
		d1 := donation("ch_3", ada.ID, 25_00, "2025-05-01")
		d1.ID = 77 // ignored: the database assigns the ID
		d2 := donation("ch_1", ada.ID, 20_00, "2025-05-01")
		d3 := &elections.Donation{ExternalID: "lp_9", MemberID: ada.ID, Amount: "18.50", Currency: "EUR", Value: 20_12,
			Date: day("2025-04-20"), CreatedAt: start, UpdatedAt: start}
		d4 := donation("ch_2", bob.ID, 5_00, "2025-06-01")
		createDonations(t, s, d1, d2, d3, d4)
		if d1.ID != 1 || d4.ID != 4 || !d1.CreatedAt.Equal(stored) {
			t.Errorf("after CreateDonations IDs %d..%d, CreatedAt %v; want 1..4 and the stored time", d1.ID, d4.ID, d1.CreatedAt)
		}
		want := func(d *elections.Donation, member string) elections.Donation {
			w := *d
			w.MemberExternalID, w.CreatedAt, w.UpdatedAt = member, stored, stored
			return w
		}
		got, err := s.DonationsOf(ctx, ada.ID)
		if err != nil {
			t.Fatalf("DonationsOf: %v", err)
		}
		// By date, then external id.
		wantAda := []elections.Donation{want(d3, "ada"), want(d2, "ada"), want(d1, "ada")}
		if diff := cmp.Diff(wantAda, got); diff != "" {
			t.Errorf("DonationsOf(ada) (-want +got):\n%s", diff)
		}
		if got, err := s.DonationsOf(ctx, 99); err != nil || got == nil || len(got) != 0 {
			t.Errorf("DonationsOf(unknown member) = %#v, %v; want an empty slice", got, err)
		}
		byID, err := s.DonationsByExternalID(ctx, []string{"ch_2", "lp_9", "nope"})
		if err != nil {
			t.Fatalf("DonationsByExternalID: %v", err)
		}
		wantByID := map[string]*elections.Donation{"ch_2": ptr(want(d4, "bob")), "lp_9": ptr(want(d3, "ada"))}
		if diff := cmp.Diff(wantByID, byID); diff != "" {
			t.Errorf("DonationsByExternalID (-want +got):\n%s", diff)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestUpdateDonation(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ada := person("ada", "individual", "2024-01-01")
		createMembers(t, s, ada)
		d := donation("ch_1", ada.ID, 25_00, "2025-05-01")
		createDonations(t, s, d)
		later := start.Add(time.Hour + time.Nanosecond)
		fixed := *d
		fixed.Amount, fixed.Currency, fixed.Value, fixed.Date, fixed.Source, fixed.UpdatedAt = "30", "GBP", 38_00, day("2025-05-02"), "", later
		fixed.ExternalID, fixed.CreatedAt = "other", later // not stored
		if err := s.UpdateDonation(ctx, &fixed); err != nil {
			t.Fatalf("UpdateDonation: %v", err)
		}
		got, err := s.DonationsOf(ctx, ada.ID)
		if err != nil {
			t.Fatalf("DonationsOf: %v", err)
		}
		want := fixed
		want.ExternalID, want.MemberExternalID, want.CreatedAt, want.UpdatedAt = "ch_1", "ada", stored, later.Truncate(time.Microsecond)
		if diff := cmp.Diff([]elections.Donation{want}, got); diff != "" {
			t.Errorf("donation after UpdateDonation (-want +got):\n%s", diff)
		}
		fixed.ID = 99
		if err := s.UpdateDonation(ctx, &fixed); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("UpdateDonation(unknown id) = %v, want %s", err, elections.ENOTFOUND)
		}
	})
}

func TestCreateDonationsRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ada := person("ada", "individual", "2024-01-01")
		createMembers(t, s, ada)
		createDonations(t, s, donation("taken", ada.ID, 1_00, "2025-01-01"))
		tests := []struct {
			name string
			ds   []*elections.Donation
			want string
		}{
			{"taken id", []*elections.Donation{donation("new", ada.ID, 1_00, "2025-01-01"), donation("taken", ada.ID, 1_00, "2025-01-01")},
				elections.ECONFLICT},
			{"id twice", []*elections.Donation{donation("twice", ada.ID, 1_00, "2025-01-01"), donation("twice", ada.ID, 1_00, "2025-01-02")},
				elections.ECONFLICT},
			{"unknown member", []*elections.Donation{donation("new", ada.ID, 1_00, "2025-01-01"), donation("lost", 99, 1_00, "2025-01-01")},
				elections.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := s.CreateDonations(ctx, tt.ds); elections.ErrorCode(err) != tt.want {
					t.Errorf("CreateDonations = %v, want %s", err, tt.want)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM donations"); n != 1 {
			t.Errorf("%d donations after the refused calls, want 1", n)
		}
	})
}

func TestDonationTotal(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ada, bob := person("ada", "individual", "2024-01-01"), person("bob", "individual", "2024-01-01")
		createMembers(t, s, ada, bob)
		createDonations(t, s,
			donation("d1", ada.ID, 10_00, "2025-04-19"),
			donation("d2", ada.ID, 20_00, "2025-04-20"),
			donation("d3", ada.ID, 30_05, "2025-12-31"),
			donation("d4", ada.ID, 40_00, "2026-05-15"),
			donation("d5", ada.ID, 50_00, "2026-05-16"),
			donation("d6", bob.ID, 99_00, "2025-06-01"),
		)
		tests := []struct {
			member   int64
			from, to string
			want     elections.Amount
		}{
			{ada.ID, "2025-04-20", "2026-05-15", 90_05}, // both ends included
			{ada.ID, "2025-04-21", "2026-05-14", 30_05},
			{ada.ID, "2025-04-19", "2025-04-19", 10_00},
			{ada.ID, "2027-01-01", "2027-12-31", 0},
			{ada.ID, "", "2025-04-20", 30_00}, // open start
			{ada.ID, "2026-05-15", "", 90_00}, // open end
			{bob.ID, "2025-01-01", "2025-12-31", 99_00},
			{99, "2025-01-01", "2025-12-31", 0},
		}
		for _, tt := range tests {
			from, to := parseDay(t, tt.from), parseDay(t, tt.to)
			got, err := s.DonationTotal(ctx, tt.member, from, to)
			if err != nil || got != tt.want {
				t.Errorf("DonationTotal(%d, %q, %q) = %s, %v; want %s", tt.member, tt.from, tt.to, got, err, tt.want)
			}
		}
	})
}

// parseDay reads a day, "" for the zero Date.
func parseDay(t *testing.T, s string) elections.Date {
	t.Helper()
	d, err := elections.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestManyDonations reads back more donations than one IN list takes.
func TestManyDonations(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ada := person("ada", "individual", "2024-01-01")
		createMembers(t, s, ada)
		const n = 1_200
		ds := make([]*elections.Donation, n)
		ids := make([]string, n)
		for i := range ds {
			ids[i] = fmt.Sprintf("d-%04d", i)
			ds[i] = donation(ids[i], ada.ID, 1_00, "2025-01-01")
		}
		createDonations(t, s, ds...)
		got, err := s.DonationsByExternalID(context.Background(), ids)
		if err != nil || len(got) != n {
			t.Fatalf("DonationsByExternalID returned %d donations, %v; want %d", len(got), err, n)
		}
		if total, err := s.DonationTotal(context.Background(), ada.ID, day("2025-01-01"), day("2025-01-01")); err != nil || total != n*1_00 {
			t.Errorf("DonationTotal = %s, %v; want %s", total, err, elections.Amount(n*1_00))
		}
	})
}
