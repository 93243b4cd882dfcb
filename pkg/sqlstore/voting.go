package sqlstore

import (
	"context"
	"time"

	"github.com/govboard/govboard/elections"
)

func (s *Store) ElectionSecret(ctx context.Context, electionID int64) ([]byte, error) {
	panic("not built yet")
}

func (s *Store) CreateElectionSecret(ctx context.Context, electionID int64, secret []byte) error {
	panic("not built yet")
}

func (s *Store) CreateRound(ctx context.Context, r *elections.Round, ballots []elections.RoundBallot) error {
	panic("not built yet")
}

func (s *Store) RoundByID(ctx context.Context, id int64) (*elections.Round, error) {
	panic("not built yet")
}

func (s *Store) Rounds(ctx context.Context, electionID int64) ([]elections.Round, error) {
	panic("not built yet")
}

func (s *Store) UpdateRound(ctx context.Context, r *elections.Round) error {
	panic("not built yet")
}

func (s *Store) RoundBallots(ctx context.Context, roundID int64) ([]elections.RoundBallot, error) {
	panic("not built yet")
}

func (s *Store) ContestRounds(ctx context.Context, contestID int64) ([]elections.Round, []elections.RoundBallot, error) {
	panic("not built yet")
}

func (s *Store) DueRounds(ctx context.Context, now time.Time) ([]elections.Round, error) {
	panic("not built yet")
}

func (s *Store) RollEntry(ctx context.Context, contestID int64, member string) (*elections.RollEntry, error) {
	panic("not built yet")
}

func (s *Store) CastBallots(ctx context.Context, now time.Time, casts []*elections.BallotCast) error {
	panic("not built yet")
}

func (s *Store) ClearVoterKeys(ctx context.Context, roundID int64) error {
	panic("not built yet")
}

func (s *Store) Participated(ctx context.Context, roundID, contestID int64, member string) (bool, error) {
	panic("not built yet")
}

func (s *Store) Participation(ctx context.Context, roundID, contestID int64) (int, error) {
	panic("not built yet")
}

func (s *Store) Ballots(ctx context.Context, roundID, contestID int64, fn func(b *elections.StoredBallot) error) error {
	panic("not built yet")
}

func (s *Store) SaveResult(ctx context.Context, r *elections.ContestResult) error {
	panic("not built yet")
}

func (s *Store) Results(ctx context.Context, electionID int64) ([]elections.ContestResult, error) {
	panic("not built yet")
}
