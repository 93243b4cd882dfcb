package elections

import (
	"context"
	"time"
)

// Phase is where an election stands (DESIGN.md §4): announced → nominations → campaigning →
// voting → counted → certified. The first four follow from the schedule and the clock; the
// last two from the count and the certification.
type Phase string

// The phases of an election.
const (
	PhaseAnnounced   Phase = "announced"
	PhaseNominations Phase = "nominations"
	PhaseCampaigning Phase = "campaigning"
	PhaseVoting      Phase = "voting"
	PhaseCounted     Phase = "counted"
	PhaseCertified   Phase = "certified"
)

// DeadlinePolicy says when a deadline day ends.
type DeadlinePolicy string

// The deadline policies.
const (
	// DeadlineUTC: a deadline day ends at 24:00 UTC.
	DeadlineUTC DeadlinePolicy = "utc"
	// DeadlineAOE: Anywhere on Earth, a deadline day ends at 24:00 at UTC−12, i.e. 12:00 UTC
	// the next day (it lasts until 23:59:59 at UTC−12).
	DeadlineAOE DeadlinePolicy = "aoe"
)

// ElectionStatus is what has been done to an election beyond its schedule.
type ElectionStatus string

// The election statuses; the empty status is an election not yet counted.
const (
	StatusCounted   ElectionStatus = "counted"
	StatusCertified ElectionStatus = "certified"
)

// Schedule is an election's calendar, in days. Opening days begin at 00:00 UTC; closing days
// are deadlines, which end as the election's DeadlinePolicy says.
type Schedule struct {
	// AnnouncedOn is the day the election was announced (informational; default: creation).
	AnnouncedOn Date
	// NominationsOpen and NominationsClose are the first and last days of nominations.
	NominationsOpen  Date
	NominationsClose Date
	// VotingOpen and VotingClose are the first and last days of voting. Campaigning lies
	// between the end of nominations and the start of voting.
	VotingOpen  Date
	VotingClose Date
	// ResultsOn is the day results are planned for (informational; optional).
	ResultsOn Date
}

// Election is one yearly election of the board, with one contest per constituency with seats
// up (DESIGN.md §4).
type Election struct {
	// ID identifies the election in the API.
	ID int64
	// Year is the board year the election fills seats for.
	Year int
	// Title names it, e.g. "2026 Governing Board election".
	Title string
	// CharterVersion is the charter in force when the election was created; it never changes.
	CharterVersion int
	// Cutoff is the roll cut-off day: eligibility, ratio seat counts and vacancies are taken
	// on it (Matrix 2026: the close of nominations, 15 May).
	Cutoff Date
	// Deadlines is the deadline policy.
	Deadlines DeadlinePolicy
	// Schedule is the calendar.
	Schedule Schedule
	// Status is "" until counted, then StatusCounted, then StatusCertified.
	Status ElectionStatus
	// CreatedAt is when it was created (UTC).
	CreatedAt time.Time
	// Contests are the election's contests in charter order.
	Contests []Contest
}

// Contest is the election of one constituency's seats within an election.
type Contest struct {
	// ID identifies the contest in the API.
	ID         int64
	ElectionID int64
	// Constituency is the constituency's key; Name its display name.
	Constituency string
	Name         string
	// Method is the counting method (the charter default; officers may change it until
	// nominations close).
	Method string
	// Uncontested is the policy when candidates ≤ seats.
	Uncontested UncontestedPolicy
	// Seats are the seats up with their terms; officers may change them until the count
	// starts (DESIGN.md §2 rule 4).
	Seats []ContestSeat
	// RollFrozenAt is when the roll was frozen (a voting round opened); zero before.
	RollFrozenAt time.Time
	// RollFingerprint is the hex SHA-256 of the frozen roll (RollFingerprint); "" before.
	RollFingerprint string
	// RollSize is the number of voters on the frozen roll.
	RollSize int
	// Revoting lets a voter cast a new ballot that replaces their earlier one while the round
	// is open (default true); officers may change it until a round opens for the contest.
	Revoting bool
}

// ContestSeat is one seat up in a contest and the term it is elected for.
type ContestSeat struct {
	Seat         string
	TermYears    int
	TermEndsYear int
	ByElection   bool
	Reason       string
}

// RollEntry is one voter on a contest's roll: an individual member, or an organisation voting
// through its representative.
type RollEntry struct {
	// Member is the member's external id.
	Member string
	Name   string
	Kind   MemberKind
	// Representative names who votes for an organisation; "" for a person (and for an
	// organisation without a representative, which cannot vote until it designates one).
	Representative string
	// Email is where the voter is reached: the person's, or the representative's, address.
	Email string
	// AddedAt, AddedBy and Reason are set for an officer's addition after the freeze.
	AddedAt time.Time
	AddedBy string
	Reason  string
}

// ElectionStore keeps elections, their contests and frozen rolls.
type ElectionStore interface {
	// CreateElection stores e with its contests and sets their IDs (and ElectionID). A second
	// election for the same Year is an ECONFLICT *Error.
	CreateElection(ctx context.Context, e *Election) error
	// ElectionByID returns an election with its contests (ENOTFOUND when none).
	ElectionByID(ctx context.Context, id int64) (*Election, error)
	// ListElections returns every election with its contests, newest year first.
	ListElections(ctx context.Context) ([]Election, error)
	// UpdateElection stores the Title, Cutoff, Deadlines, Schedule and Status of e, by e.ID.
	UpdateElection(ctx context.Context, e *Election) error
	// ContestByID returns a contest (ENOTFOUND when none).
	ContestByID(ctx context.Context, id int64) (*Contest, error)
	// UpdateContest stores the Method, Uncontested, Seats, RollFrozenAt, RollFingerprint,
	// RollSize and Revoting of c, by c.ID. CreateElection stores Revoting too.
	UpdateContest(ctx context.Context, c *Contest) error
	// SaveRoll stores the frozen roll of a contest (once; ECONFLICT when it has one).
	SaveRoll(ctx context.Context, contestID int64, entries []RollEntry) error
	// AddRollEntry adds one voter to a frozen roll (ECONFLICT when already on it).
	AddRollEntry(ctx context.Context, contestID int64, e RollEntry) error
	// RollEntries returns a contest's frozen roll ordered by Member (byte order).
	RollEntries(ctx context.Context, contestID int64) ([]RollEntry, error)
}
