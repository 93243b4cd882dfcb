package elections

import (
	"context"

	"github.com/govboard/govboard/pkg/tally"
)

// BallotForm is a voter's ballot in a contest.
type BallotForm struct {
	ContestID int64
	RoundID   int64
	// Contest is the contest's name.
	Contest string
	Method  string
	Kind    BallotKind
	Seats   int
	// Candidates in an order shuffled for this voter (the same order each time they ask).
	Candidates []BallotCandidate
	// MaxMarks, Points, AllowsTies and Revoting: see RoundBallot.
	MaxMarks   int
	Points     int
	AllowsTies bool
	Revoting   bool
	// ClosesAt is when the round closes.
	ClosesAt string
	// Instructions say in one sentence how to fill the ballot.
	Instructions string
	// Voted says whether the caller has voted in this contest in this round already.
	Voted bool
}

// BallotInput is a ballot as a voter casts it; exactly one of the fields is used, by the
// contest's ballot kind, or Abstain alone.
type BallotInput struct {
	// Abstain casts an explicit abstention (no marks).
	Abstain bool
	// Ranking lists candidate ids best first; a group of several ids ranks them equally
	// (only where RoundBallot.AllowsTies).
	Ranking [][]int64
	// Marks are the candidates marked (plurality, approval).
	Marks []int64
	// Points gives points to candidates (cumulative); at most the budget in all.
	Points map[int64]int
	// Votes says "yes", "no" or "abstain" per candidate (confidence); a candidate left out
	// abstains.
	Votes map[int64]string
}

// CastResult is what a voter gets back for a ballot.
type CastResult struct {
	// Receipt lets the voter find the ballot among the published ballots.
	Receipt   string
	ContestID int64
	RoundID   int64
	// Replaced says that the ballot replaced the voter's earlier one in this round.
	Replaced bool
}

// ParticipationView says whether the caller has voted in a contest's open (or latest) round.
type ParticipationView struct {
	ContestID int64
	RoundID   int64
	Voted     bool
	// Revoting says whether a new ballot would replace the counted one.
	Revoting bool
	// RoundOpen says whether the round still takes ballots.
	RoundOpen bool
}

// BallotForm returns the caller's ballot form for a contest (member of the contest's frozen
// roll, with a token for its election; ECONFLICT when no round of the contest is open).
func (s *Service) BallotForm(ctx context.Context, actor Actor, contestID int64) (*BallotForm, error) {
	panic("not built yet")
}

// CastBallot validates a ballot against the contest's RoundBallot and stores it with a
// receipt, through the service's group commit: it returns only once the ballot is committed.
func (s *Service) CastBallot(ctx context.Context, actor Actor, contestID int64, in BallotInput) (*CastResult, error) {
	panic("not built yet")
}

// Participation tells the caller whether they have voted in a contest, never how.
func (s *Service) Participation(ctx context.Context, actor Actor, contestID int64) (*ParticipationView, error) {
	panic("not built yet")
}

// PublishedBallot is one ballot as published.
type PublishedBallot struct {
	Receipt    string
	Nonce      string
	Content    string
	Superseded bool
	// Marks are the ballot's marks for pkg/tally (candidates 0-based in Candidates).
	Marks []tally.Mark
}

// PublishedBallots are the anonymised ballots of a contest's latest closed round, in receipt
// order.
type PublishedBallots struct {
	ContestID  int64
	RoundID    int64
	Title      string
	Method     string
	Kind       BallotKind
	Seats      int
	Candidates []string
	// Ballots are every ballot of the round, superseded ones marked.
	Ballots []PublishedBallot
}

// Election returns the counted ballots (not superseded) as a pkg/tally election: what the
// count counted, for BLT, JSON and CSV export.
func (p *PublishedBallots) Election() (*tally.Election, error) {
	panic("not built yet")
}

// ContestBallots returns a contest's published ballots: to everyone once the election is
// certified, to officers and auditors once it is counted (ENOTFOUND before for others,
// ECONFLICT for officers and auditors).
func (s *Service) ContestBallots(ctx context.Context, actor Actor, contestID int64) (*PublishedBallots, error) {
	panic("not built yet")
}

// countedBallots reads the ballots of a contest in a round that count (not superseded) as a
// pkg/tally election over rb's candidates, with the numbers of counted and superseded
// ballots. CountElection uses it.
func countedBallots(ctx context.Context, st Store, rb *RoundBallot, title string) (e *tally.Election, counted, superseded int, err error) {
	panic("not built yet")
}
