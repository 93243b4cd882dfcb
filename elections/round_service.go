package elections

import (
	"context"
	"time"
)

// RoundInput opens a voting round (OpenRound).
type RoundInput struct {
	// Contests are the contests to open; empty means every contest of the election that goes
	// to a vote (outcome contested or confidence) and has not been in a round yet.
	Contests []int64
	// ClosesAt is when the round closes by itself; zero means the end of the election's
	// voting-close deadline day (DeadlineEnd(VotingClose)). It must be after now.
	ClosesAt time.Time
	// Runoff opens a runoff round for one contest whose count needs one (ContestResult.Runoff).
	Runoff bool
}

// RoundView is a round as shown: the seed only once the round is closed.
type RoundView struct {
	Round Round
	// Ballots are the round's contest ballots.
	Ballots []RoundBallot
}

// OpenRound opens a voting round (officer): see RoundInput. In one transaction it freezes the
// rolls of the contests not frozen yet (FreezeRoll), fixes each contest's RoundBallot from its
// accepted candidates, creates the election's secret if it has none, draws a 32-byte seed and
// records round.opened with the seed commitment (never the seed).
func (s *Service) OpenRound(ctx context.Context, actor Actor, electionID int64, in RoundInput) (*RoundView, error) {
	panic("not built yet")
}

// ExtendRound moves an open round's close later (officer); reason is required.
func (s *Service) ExtendRound(ctx context.Context, actor Actor, roundID int64, closesAt time.Time, reason string) (*RoundView, error) {
	panic("not built yet")
}

// CloseRound closes an open round now (officer): no ballot is accepted after it; the voter
// keys of its ballots are cleared and round.closed records the revealed seed.
func (s *Service) CloseRound(ctx context.Context, actor Actor, roundID int64) (*RoundView, error) {
	panic("not built yet")
}

// CloseDueRounds closes every open round whose ClosesAt has passed, as the system
// (ClosedBySchedule); it returns how many it closed. The serve command runs it at start and
// then periodically, so a close scheduled while the service was down happens at the restart.
func (s *Service) CloseDueRounds(ctx context.Context) (int, error) {
	panic("not built yet")
}

// Round returns a round; its Seed is nil while it is open.
func (s *Service) Round(ctx context.Context, roundID int64) (*RoundView, error) {
	panic("not built yet")
}

// Rounds returns the rounds of an election; the Seed of an open round is nil.
func (s *Service) Rounds(ctx context.Context, electionID int64) ([]RoundView, error) {
	panic("not built yet")
}
