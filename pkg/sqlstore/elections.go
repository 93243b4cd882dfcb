package sqlstore

import (
	"context"

	"github.com/govboard/govboard/elections"
)

// Placeholders until their owner replaces them.

func (s *Store) CreateElection(ctx context.Context, e *elections.Election) error { panic("todo") }
func (s *Store) ElectionByID(ctx context.Context, id int64) (*elections.Election, error) {
	panic("todo")
}
func (s *Store) ListElections(ctx context.Context) ([]elections.Election, error) { panic("todo") }
func (s *Store) UpdateElection(ctx context.Context, e *elections.Election) error { panic("todo") }
func (s *Store) ContestByID(ctx context.Context, id int64) (*elections.Contest, error) {
	panic("todo")
}
func (s *Store) UpdateContest(ctx context.Context, c *elections.Contest) error { panic("todo") }
func (s *Store) SaveRoll(ctx context.Context, contestID int64, entries []elections.RollEntry) error {
	panic("todo")
}
func (s *Store) AddRollEntry(ctx context.Context, contestID int64, e elections.RollEntry) error {
	panic("todo")
}
func (s *Store) RollEntries(ctx context.Context, contestID int64) ([]elections.RollEntry, error) {
	panic("todo")
}
func (s *Store) DonationTotals(ctx context.Context, constituency string, from, to elections.Date) (map[int64]elections.Amount, error) {
	panic("todo")
}
