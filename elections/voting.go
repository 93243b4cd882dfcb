package elections

import (
	"context"
	"encoding/json"
	"time"
)

// Voting: rounds, secret ballots with receipts, counting and certification (DESIGN.md §4–§6).
//
// A round opens for one or more contests: it freezes their rolls, fixes each contest's ballot
// (RoundBallot: candidates, method, marks allowed) and draws the tie-break seed, of which only
// the SHA-256 is shown until the round closes. Members on a contest's frozen roll cast ballots
// while the round is open. A ballot is stored without any member id, timestamp or insertion
// order (StoredBallot); "member X has voted in contest Y of round R" is stored apart
// (participation). Where a contest allows revoting, the link from voter to ballot is an HMAC
// of the member with a per-election secret (VoterKey), cleared when the round closes.

// RoundState is where a voting round stands: open, then closed. No other transition exists.
type RoundState string

// The round states.
const (
	RoundOpen   RoundState = "open"
	RoundClosed RoundState = "closed"
)

// Who closed a round (Round.ClosedBy).
const (
	ClosedByOfficer  = "officer"
	ClosedBySchedule = "schedule"
)

// Round is one voting round of an election.
type Round struct {
	ID         int64
	ElectionID int64
	// Number counts the election's rounds from 1.
	Number int
	// Runoff marks a round opened for a contest whose count ended in a tie that the charter
	// sends to a runoff (CharterRules.RunoffOnTie).
	Runoff bool
	// ContestIDs are the contests voted on in the round, ascending.
	ContestIDs []int64
	State      RoundState
	OpenedAt   time.Time
	// ClosesAt is when the round closes by itself; extensions move it later.
	ClosesAt time.Time
	// ClosedAt and ClosedBy (ClosedByOfficer or ClosedBySchedule) are set when it closes.
	ClosedAt time.Time
	ClosedBy string
	// SeedCommitment is the hex SHA-256 of Seed, public from the opening.
	SeedCommitment string
	// Seed is the 32-byte tie-break seed drawn at the opening. It is revealed (RoundView,
	// reports) only once the round is closed.
	Seed []byte
}

// BallotCandidate is one candidate on a round's ballot.
type BallotCandidate struct {
	// ID is the candidate's nomination id: ballots name candidates by it.
	ID int64
	// Name is the display name on the ballot and in counts and published ballots; unique within
	// the ballot (a display name that two candidates share gets " (#<id>)" appended).
	Name        string
	Pronouns    string
	Affiliation string
	// Member is the nominee's member external id (used at certification; never published with
	// ballots).
	Member string
}

// RoundBallot is the ballot of one contest in one round, fixed when the round opens.
type RoundBallot struct {
	RoundID   int64
	ContestID int64
	// Method is the counting method (a pkg/tally name); Kind the ballot kind it takes.
	Method string
	Kind   BallotKind
	// Seats is the number of seats at the opening (for a runoff, the seats the tie decides).
	// The count uses the contest's seats at the count, except in a runoff.
	Seats int
	// Candidates in canonical order: the order of the published ballots, BLT candidate numbers
	// and receipts (sorted by Name, then ID).
	Candidates []BallotCandidate
	// MaxMarks is the most candidates a ballot may mark or rank: Seats for plurality, the
	// number of candidates otherwise.
	MaxMarks int
	// Points is the budget of a cumulative ballot (the seats at the opening); 0 otherwise.
	Points int
	// Revoting says whether a voter may cast again (the last ballot counts).
	Revoting bool
	// AllowsTies says whether a ranking may rank candidates equally (schulze, rankedpairs).
	AllowsTies bool
}

// BallotKind is what a ballot holds, following its method.
type BallotKind string

// The ballot kinds (same names as pkg/tally's).
const (
	BallotRanking    BallotKind = "ranking"    // irv, meek, scottish, ers97, schulze, rankedpairs
	BallotApproval   BallotKind = "approval"   // plurality, approval
	BallotPoints     BallotKind = "points"     // cumulative
	BallotConfidence BallotKind = "confidence" // confidence
)

// StoredBallot is a ballot as stored and published: no member id, no time, no order.
type StoredBallot struct {
	// Receipt is the hex SHA-256 receipt (see ballotReceipt); it is the ballot's key.
	Receipt   string
	RoundID   int64
	ContestID int64
	// Nonce is the hex random nonce hashed into the receipt (published with the ballot).
	Nonce string
	// Content is the canonical content (see ballot.go), e.g. "ranking:3>1=2" or
	// "points:1=2,3=1"; "<kind>:" alone is an explicit abstention. Candidates are 1-based
	// positions in RoundBallot.Candidates.
	Content string
	// Superseded marks a ballot replaced by a later one of the same voter (revoting).
	Superseded bool
	// VoterKey is HMAC-SHA256(per-election secret, "<round>/<contest>/<member>") while the
	// round is open and the contest allows revoting; nil otherwise and after the close.
	VoterKey []byte
}

// BallotCast is one ballot handed to VotingStore.CastBallots.
type BallotCast struct {
	Ballot StoredBallot
	// Member is the voter's member external id, for the participation record only.
	Member string
	// Revoting is the contest's setting in the round.
	Revoting bool

	// Set by CastBallots:
	// Err is nil when the ballot was stored; an ECONFLICT *Error when the round is not open or
	// its ClosesAt is not after now ("the round closed at …"), or when revoting is off and the
	// member has voted in this contest and round already ("you have voted already …").
	Err error
	// Replaced is true when the ballot superseded an earlier ballot of the same voter.
	Replaced bool
	// Election is the election of the ballot's round, set for each stored ballot: its
	// ballots.accepted audit entry is the election's (BallotsAcceptedEvents).
	Election int64
}

// ContestResult is the count of one contest (CountElection), kept until certification.
type ContestResult struct {
	ContestID int64
	// RoundID is the round whose ballots were counted; 0 for a contest without a vote
	// (acclamation, no candidates).
	RoundID int64
	Outcome ContestOutcome
	// Void is set when the turnout is below the quorum; VoidReason says by how much.
	Void       bool
	VoidReason string
	// RollSize is the frozen roll's size; Voters how many on it voted; Ballots how many
	// ballots were counted (one per voter); Superseded how many were replaced by revotes.
	RollSize   int
	Voters     int
	Ballots    int
	Superseded int
	// Elected are the winners in order of election with the seat and term each takes
	// (full-term seats first). Empty for a void contest.
	Elected []Winner
	// VacantSeats are the contest's seats left unfilled.
	VacantSeats []string
	// Runoff is set when the count ended in a tie broken by the seed that the charter sends to
	// a runoff (CharterRules.RunoffOnTie); certification waits for the runoff's count.
	Runoff *RunoffNeed
	// Report is the pkg/tally/report JSON of the count (nil without a vote or when void).
	// Counting again gives byte-identical Report.
	Report json.RawMessage
	// CountedAt is when the count ran (not part of Report).
	CountedAt time.Time
}

// Winner is one elected candidate of a contest.
type Winner struct {
	// Candidate is the nomination id; Name the ballot name; Member the member's external id.
	Candidate int64
	Name      string
	Member    string
	// Seat is the seat key the winner takes; TermYears and TermEndsYear its term.
	Seat         string
	TermYears    int
	TermEndsYear int
}

// RunoffNeed is a tie that a runoff must decide: Seats seats among Candidates (nomination
// ids), the winners outside the tie keeping theirs.
type RunoffNeed struct {
	Candidates []int64
	Seats      int
	// Tie describes the tie, e.g. "round 3: Ann, Bob tied for the last seat".
	Tie string
}

// VotingStore keeps rounds, ballots, participation and results.
type VotingStore interface {
	// ElectionSecret returns the election's HMAC secret (ENOTFOUND when none yet).
	ElectionSecret(ctx context.Context, electionID int64) ([]byte, error)
	// CreateElectionSecret stores the election's secret (ECONFLICT when it has one).
	CreateElectionSecret(ctx context.Context, electionID int64, secret []byte) error
	// CreateRound stores r (setting r.ID) and the ballots of its contests. A second round with
	// the same ElectionID and Number is ECONFLICT.
	CreateRound(ctx context.Context, r *Round, ballots []RoundBallot) error
	// RoundByID returns a round (ENOTFOUND when none).
	RoundByID(ctx context.Context, id int64) (*Round, error)
	// Rounds returns the rounds of an election by Number.
	Rounds(ctx context.Context, electionID int64) ([]Round, error)
	// UpdateRound stores State, ClosesAt, ClosedAt and ClosedBy of r, by r.ID.
	UpdateRound(ctx context.Context, r *Round) error
	// RoundBallots returns the ballots of a round's contests, by ContestID.
	RoundBallots(ctx context.Context, roundID int64) ([]RoundBallot, error)
	// ContestRounds returns the rounds that held a contest (open or closed), by Number, each
	// with the contest's RoundBallot in that round.
	ContestRounds(ctx context.Context, contestID int64) ([]Round, []RoundBallot, error)
	// DueRounds returns the open rounds whose ClosesAt is at or before now.
	DueRounds(ctx context.Context, now time.Time) ([]Round, error)
	// RollEntry returns member's entry on a contest's frozen roll (ENOTFOUND when not on it).
	RollEntry(ctx context.Context, contestID int64, member string) (*RollEntry, error)
	// CastBallots stores a batch of ballots in one transaction, in order. For each cast: the
	// round (Ballot.RoundID) must be open with ClosesAt after now, else cast.Err is ECONFLICT;
	// without revoting, a member who has a participation record for the contest and round
	// gets ECONFLICT; with revoting, an earlier ballot with the same VoterKey, contest and
	// round that is not superseded is marked superseded (cast.Replaced). Then the ballot is
	// inserted and the participation recorded (once per member, contest and round). A cast
	// refused sets only its Err; the others are stored. The returned error is for a failure
	// of the store itself, in which case nothing of the batch is stored. The round check
	// holds against a concurrent close (the close waits for the batch, or the batch sees the
	// round closed) and the voter check against concurrent casts from other replicas.
	CastBallots(ctx context.Context, now time.Time, casts []*BallotCast) error
	// ClearVoterKeys sets VoterKey to nil on every ballot of a round (at its close).
	ClearVoterKeys(ctx context.Context, roundID int64) error
	// Participated reports whether member has voted in a contest in a round.
	Participated(ctx context.Context, roundID, contestID int64, member string) (bool, error)
	// Participation returns how many members voted in a contest in a round.
	Participation(ctx context.Context, roundID, contestID int64) (int, error)
	// Ballots calls fn with every ballot of a contest in a round, superseded ones included,
	// ordered by Receipt (byte order).
	Ballots(ctx context.Context, roundID, contestID int64, fn func(b *StoredBallot) error) error
	// SaveResult stores a contest's result, replacing the one of the same ContestID and
	// RoundID (a recount). A runoff's result is stored beside the first count's.
	SaveResult(ctx context.Context, r *ContestResult) error
	// Results returns the results of an election's contests, by ContestID then RoundID; the
	// last of a contest is its final result.
	Results(ctx context.Context, electionID int64) ([]ContestResult, error)
}

// Event kinds of voting.
const (
	EventRoundOpened       = "round.opened"
	EventRoundExtended     = "round.extended"
	EventRoundClosed       = "round.closed"
	EventElectionCounted   = "election.counted"
	EventElectionCertified = "election.certified"
)
