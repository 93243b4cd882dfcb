package electionstest

import (
	"context"

	"github.com/govboard/govboard/elections"
)

// Placeholders until the members helper writes the in-memory roll and ledger.

func (s *Store) CreateMembers(ctx context.Context, ms []*elections.Member) error { panic("todo") }
func (s *Store) UpdateMember(ctx context.Context, m *elections.Member) error     { panic("todo") }
func (s *Store) MembersByExternalID(ctx context.Context, ids []string) (map[string]*elections.Member, error) {
	panic("todo")
}
func (s *Store) ListMembers(ctx context.Context, f elections.MemberFilter) ([]elections.Member, error) {
	panic("todo")
}
func (s *Store) CountActiveMembers(ctx context.Context, constituency string, d elections.Date) (int, error) {
	panic("todo")
}
func (s *Store) AddRepresentative(ctx context.Context, memberID int64, r elections.Representative) error {
	panic("todo")
}
func (s *Store) Representatives(ctx context.Context, memberID int64) ([]elections.Representative, error) {
	panic("todo")
}
func (s *Store) CreateDonations(ctx context.Context, ds []*elections.Donation) error { panic("todo") }
func (s *Store) UpdateDonation(ctx context.Context, d *elections.Donation) error     { panic("todo") }
func (s *Store) DonationsByExternalID(ctx context.Context, ids []string) (map[string]*elections.Donation, error) {
	panic("todo")
}
func (s *Store) DonationsOf(ctx context.Context, memberID int64) ([]elections.Donation, error) {
	panic("todo")
}
func (s *Store) DonationTotal(ctx context.Context, memberID int64, from, to elections.Date) (elections.Amount, error) {
	panic("todo")
}
