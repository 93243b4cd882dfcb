package sqlstore_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

func TestDonationTotals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ada, bob, cy := person("ada", "individual", "2024-01-01"), person("bob", "individual", "2024-01-01"),
			person("cy", "individual", "2024-01-01")
		gus := person("gus", "gold", "2024-01-01")
		createMembers(t, s, ada, bob, cy, gus)
		createDonations(t, s,
			donation("d1", ada.ID, 10_00, "2025-04-19"),
			donation("d2", ada.ID, 20_00, "2025-04-20"),
			donation("d3", ada.ID, 30_05, "2025-12-31"),
			donation("d4", ada.ID, 40_00, "2026-05-15"),
			donation("d5", ada.ID, 50_00, "2026-05-16"),
			donation("d6", bob.ID, 99_00, "2025-06-01"),
			donation("d7", bob.ID, 1, "2025-06-01"),
			donation("d8", cy.ID, 0, "2025-06-01"),
			donation("d9", gus.ID, 500_00, "2025-06-01"),
		)
		tests := []struct {
			constituency string
			from, to     string
			want         map[int64]elections.Amount
		}{
			// Both ends are included; a donation of nothing still counts as a donation.
			{"individual", "2025-04-20", "2026-05-15", map[int64]elections.Amount{ada.ID: 90_05, bob.ID: 99_01, cy.ID: 0}},
			{"individual", "2025-04-21", "2026-05-14", map[int64]elections.Amount{ada.ID: 30_05, bob.ID: 99_01, cy.ID: 0}},
			{"individual", "2025-04-19", "2025-04-19", map[int64]elections.Amount{ada.ID: 10_00}},
			{"individual", "2025-06-02", "2025-12-30", map[int64]elections.Amount{}},
			{"individual", "", "2025-04-20", map[int64]elections.Amount{ada.ID: 30_00}},
			{"individual", "2026-05-15", "", map[int64]elections.Amount{ada.ID: 90_00}},
			{"gold", "2025-01-01", "2025-12-31", map[int64]elections.Amount{gus.ID: 500_00}},
			{"silver", "2025-01-01", "2025-12-31", map[int64]elections.Amount{}},
		}
		for _, tt := range tests {
			got, err := s.DonationTotals(context.Background(), tt.constituency, parseDay(t, tt.from), parseDay(t, tt.to))
			if err != nil {
				t.Fatalf("DonationTotals: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DonationTotals(%s, %q, %q) (-want +got):\n%s", tt.constituency, tt.from, tt.to, diff)
			}
		}
	})
}
