package electionstest

import (
	"context"
	"time"

	"github.com/govboard/govboard/elections"
)

// Placeholders until their owner replaces them.

func (s *Store) CreateNomination(ctx context.Context, n *elections.Nomination) error { panic("todo") }
func (s *Store) UpdateNomination(ctx context.Context, n *elections.Nomination) error { panic("todo") }
func (s *Store) NominationByID(ctx context.Context, id int64) (*elections.Nomination, error) {
	panic("todo")
}
func (s *Store) Nominations(ctx context.Context, f elections.NominationFilter) ([]elections.Nomination, error) {
	panic("todo")
}
func (s *Store) CreateAccessCodes(ctx context.Context, codes []*elections.AccessCode) error {
	panic("todo")
}
func (s *Store) RevokeAccessCodes(ctx context.Context, electionID int64, members []string, at time.Time) (int, error) {
	panic("todo")
}
func (s *Store) AccessCodeByHash(ctx context.Context, hash string) (*elections.AccessCode, error) {
	panic("todo")
}
func (s *Store) UseAccessCode(ctx context.Context, id int64, at time.Time) (bool, error) {
	panic("todo")
}
