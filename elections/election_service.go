package elections

import (
	"context"
	"time"
)

// This file's bodies are placeholders until the elections helper replaces them.

// ElectionInput creates an election (CreateElection).
type ElectionInput struct {
	// Year is the board year (required).
	Year int
	// Title defaults to "<year> <board name> election".
	Title string
	// Cutoff is the roll cut-off day; default: Schedule.NominationsClose.
	Cutoff Date
	// Deadlines defaults to DeadlineUTC.
	Deadlines DeadlinePolicy
	// Schedule: NominationsOpen, NominationsClose, VotingOpen and VotingClose are required;
	// AnnouncedOn defaults to today.
	Schedule Schedule
}

// ContestPatch changes a contest (UpdateContest); nil fields stay as they are.
type ContestPatch struct {
	// Method: only until nominations close.
	Method *string
	// Uncontested: only until nominations close.
	Uncontested *UncontestedPolicy
	// Seats replaces the seats up by these seat keys of the constituency (each gets its term
	// by the charter's rules); only until the count starts. Reason is then required.
	Seats []string
	// Reason explains the change for the audit trail.
	Reason string
}

// ContestOutcome says how a contest goes to the vote once nominations have closed.
type ContestOutcome string

// The contest outcomes.
const (
	// OutcomePending: nominations are not closed yet.
	OutcomePending ContestOutcome = "pending"
	// OutcomeContested: more candidates than seats; a normal vote.
	OutcomeContested ContestOutcome = "contested"
	// OutcomeAcclamation: candidates ≤ seats under the acclamation policy: seated at
	// certification without a vote; unfilled seats stay vacant.
	OutcomeAcclamation ContestOutcome = "acclamation"
	// OutcomeConfidence: candidates ≤ seats under the confidence policy: a yes/no vote per
	// candidate.
	OutcomeConfidence ContestOutcome = "confidence"
	// OutcomeNoCandidates: nobody stands; every seat stays vacant.
	OutcomeNoCandidates ContestOutcome = "no_candidates"
)

// ContestView is a contest with where it stands now.
type ContestView struct {
	Contest Contest
	// Phase is the election's phase now.
	Phase Phase
	// Candidates is the number of accepted nominations.
	Candidates int
	// Outcome is how the contest goes to the vote (OutcomePending until nominations close).
	Outcome ContestOutcome
}

// Phase returns the election's phase at now.
func (e *Election) Phase(now time.Time) Phase {
	panic("todo")
}

// DeadlineEnd returns the instant a deadline day ends under the election's policy: the next
// day at 00:00 UTC (utc) or 12:00 UTC (aoe).
func (e *Election) DeadlineEnd(day Date) time.Time {
	panic("todo")
}

// CreateElection creates the election of a year under the charter in force today: one contest
// per constituency with seats up (SeatsUp on the cut-off day), with the charter's default
// method and uncontested policy.
func (s *Service) CreateElection(ctx context.Context, actor Actor, in ElectionInput) (*Election, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Election returns an election with its contests.
func (s *Service) Election(ctx context.Context, id int64) (*Election, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Elections returns every election, newest year first.
func (s *Service) Elections(ctx context.Context) ([]Election, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// UpdateSchedule replaces an election's schedule (and deadline policy when not empty). A
// boundary that has passed cannot move, and no boundary may move into the past.
func (s *Service) UpdateSchedule(ctx context.Context, actor Actor, electionID int64, sch Schedule, deadlines DeadlinePolicy) (*Election, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Contest returns a contest with its phase, candidate count and outcome.
func (s *Service) Contest(ctx context.Context, id int64) (*ContestView, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// UpdateContest changes a contest's method, uncontested policy or seats, each only in its
// phases (ECONFLICT naming the phase otherwise), and records the change with its reason.
func (s *Service) UpdateContest(ctx context.Context, actor Actor, contestID int64, p ContestPatch) (*ContestView, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}
