package sqlstore

import (
	"context"

	"github.com/govboard/govboard/elections"
)

// Placeholders until the sqlstore helper writes them.

func (s *Store) CreateCharter(ctx context.Context, c *elections.Charter) error { panic("todo") }
func (s *Store) Charters(ctx context.Context) ([]elections.Charter, error)     { panic("todo") }
func (s *Store) CreateTerm(ctx context.Context, t *elections.Term) error       { panic("todo") }
func (s *Store) UpdateTerm(ctx context.Context, t *elections.Term) error       { panic("todo") }
func (s *Store) AddSeatRepresentative(ctx context.Context, termID int64, r elections.SeatRepresentative) error {
	panic("todo")
}
func (s *Store) Terms(ctx context.Context, f elections.TermFilter) ([]elections.Term, error) {
	panic("todo")
}
func (s *Store) Lock(ctx context.Context, name string) error                   { panic("todo") }
func (s *Store) AppendEvents(ctx context.Context, es []*elections.Event) error { panic("todo") }
