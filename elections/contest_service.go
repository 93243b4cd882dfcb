package elections

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/govboard/govboard/pkg/tally"
)

// ContestPatch changes a contest (UpdateContest); nil fields stay as they are.
type ContestPatch struct {
	// Method: only until nominations close.
	Method *string
	// Uncontested: only until nominations close.
	Uncontested *UncontestedPolicy
	// Seats replaces the seats up by these seat keys of the constituency (each gets its term
	// by the charter's rules); only until the count starts. Reason is then required.
	Seats []string
	// Revoting: only until a round opens for the contest.
	Revoting *bool
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

// Contest returns a contest with its phase, candidate count and outcome.
func (s *Service) Contest(ctx context.Context, id int64) (*ContestView, error) {
	c, err := s.store.ContestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := s.store.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	ns, err := s.store.Nominations(ctx, NominationFilter{ContestID: c.ID})
	if err != nil {
		return nil, err
	}
	v := contestView(e, c, ns, s.clock.Now())
	return &v, nil
}

// ElectionContests returns the contests of an election, in charter order, each with its
// phase, candidate count and outcome.
func (s *Service) ElectionContests(ctx context.Context, electionID int64) ([]ContestView, error) {
	e, err := s.store.ElectionByID(ctx, electionID)
	if err != nil {
		return nil, err
	}
	ns, err := s.store.Nominations(ctx, NominationFilter{ElectionID: e.ID})
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	views := make([]ContestView, len(e.Contests))
	for i := range e.Contests {
		views[i] = contestView(e, &e.Contests[i], ns, now)
	}
	return views, nil
}

// contestView returns contest c of election e at now, counting the accepted nominations of
// c among ns.
func contestView(e *Election, c *Contest, ns []Nomination, now time.Time) ContestView {
	v := ContestView{Contest: *c, Phase: e.Phase(now)}
	for _, n := range ns {
		if n.ContestID == c.ID && n.Status == NominationAccepted {
			v.Candidates++
		}
	}
	switch {
	case v.Phase == PhaseAnnounced || v.Phase == PhaseNominations:
		v.Outcome = OutcomePending
	case v.Candidates == 0:
		v.Outcome = OutcomeNoCandidates
	case v.Candidates > len(c.Seats):
		v.Outcome = OutcomeContested
	case c.Uncontested == ConfidenceVote:
		v.Outcome = OutcomeConfidence
	default:
		v.Outcome = OutcomeAcclamation
	}
	return v
}

// UpdateContest changes a contest's method, uncontested policy, seats or revoting setting,
// each only in its phases (the revoting setting until a round opens for the contest;
// ECONFLICT otherwise), and records the change with its reason, and the contest's seat keys
// and method after it.
// Seats that stay keep their terms; a seat added gets its term by the charter's rules: the
// full term in cycle, else the years to the next cycle year as a by-election.
func (s *Service) UpdateContest(ctx context.Context, actor Actor, contestID int64, p ContestPatch) (*ContestView, error) {
	now := s.clock.Now().UTC()
	p.Reason = strings.TrimSpace(p.Reason)
	var out *ContestView
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		c, err := tx.ContestByID(ctx, contestID)
		if err != nil {
			return err
		}
		e, err := tx.ElectionByID(ctx, c.ElectionID)
		if err != nil {
			return err
		}
		if err := contestPatchPhase(e, e.Phase(now), p); err != nil {
			return err
		}
		if err := revotingPatchable(ctx, tx, c, p); err != nil {
			return err
		}
		ch, err := charterOfElection(ctx, tx, e)
		if err != nil {
			return err
		}
		next, problems := patchedContest(ch, e, c, p)
		if len(problems) > 0 {
			return &Error{Code: EINVALID, Message: problems[0], Details: problems}
		}
		if changes := contestChanges(c, next); len(changes) > 0 {
			if err := tx.UpdateContest(ctx, next); err != nil {
				return err
			}
			err := record(ctx, tx, now, actor, next.ElectionID, EventContestChanged, map[string]any{
				"contest": next.ID, "changes": changes, "reason": p.Reason,
				"seats": seatKeys(next.Seats), "method": next.Method})
			if err != nil {
				return err
			}
		}
		ns, err := tx.Nominations(ctx, NominationFilter{ContestID: c.ID})
		if err != nil {
			return err
		}
		v := contestView(e, next, ns, now)
		out = &v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// contestPatchPhase refuses the parts of p that phase does not allow: the method and the
// uncontested policy change only until nominations close, the seats until the count.
func contestPatchPhase(e *Election, phase Phase, p ContestPatch) error {
	if (p.Method != nil || p.Uncontested != nil) && phase != PhaseAnnounced && phase != PhaseNominations {
		return electionPhaseConflict(phase,
			"the counting method and the uncontested policy can change only until nominations close (%s, %s)",
			e.Schedule.NominationsClose, e.Deadlines)
	}
	if p.Seats != nil && (phase == PhaseCounted || phase == PhaseCertified) {
		return electionPhaseConflict(phase, "the seats up can change only until the count")
	}
	return nil
}

// revotingPatchable refuses a change of c's revoting setting once a round has opened for it:
// the voters of that round were told whether a new ballot replaces the old one, and the
// ballots of a contest without revoting carry no voter key that could link them later.
func revotingPatchable(ctx context.Context, tx Store, c *Contest, p ContestPatch) error {
	if p.Revoting == nil || *p.Revoting == c.Revoting {
		return nil
	}
	rounds, _, err := tx.ContestRounds(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(rounds) > 0 {
		r := rounds[0]
		return Errorf(ECONFLICT, "revoting in the %s contest can change only until a voting round opens for it; round %d opened at %s",
			c.Name, r.Number, r.OpenedAt.UTC().Format(instantLayout))
	}
	return nil
}

// patchedContest returns c with p applied under charter ch, and every problem of p.
func patchedContest(ch *Charter, e *Election, c *Contest, p ContestPatch) (*Contest, []string) {
	next := *c
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if p.Method != nil {
		next.Method = strings.TrimSpace(*p.Method)
		if methods := tally.Methods(); !slices.Contains(methods, next.Method) {
			add("method %q is not a counting method (%s)", next.Method, strings.Join(methods, ", "))
		}
	}
	if p.Revoting != nil {
		next.Revoting = *p.Revoting
	}
	if p.Uncontested != nil {
		next.Uncontested = *p.Uncontested
		if next.Uncontested != Acclamation && next.Uncontested != ConfidenceVote {
			add("uncontested %q is not %s or %s", next.Uncontested, Acclamation, ConfidenceVote)
		}
	}
	if p.Seats != nil {
		seats, more := patchedSeats(ch, e, c, p.Seats, p.Reason)
		next.Seats = seats
		problems = append(problems, more...)
		if p.Reason == "" {
			add("reason is required when the seats change")
		}
	}
	if hasNUL(p.Reason) {
		add("reason %s", nulProblem)
	}
	return &next, problems
}

// patchedSeats returns the seats of contest c given by keys, ordered by number: the seats c
// has keep their terms, the others get theirs by the charter's rules. It returns the
// problems of keys too.
func patchedSeats(ch *Charter, e *Election, c *Contest, keys []string, reason string) ([]ContestSeat, []string) {
	var problems []string
	if len(keys) == 0 {
		problems = append(problems, "seats: at least one seat is required")
	}
	type numbered struct {
		n    int
		seat ContestSeat
	}
	var seats []numbered
	seen := make(map[string]bool, len(keys))
	for _, key := range keys {
		key = strings.TrimSpace(key)
		st, k, ok := findSeat(ch, key)
		switch {
		case !ok || k.Key != c.Constituency:
			problems = append(problems, fmt.Sprintf("seats: %q is not a seat of %q in charter version %d", key, c.Name, ch.Version))
		case seen[key]:
			problems = append(problems, fmt.Sprintf("seats: %s is given twice", key))
		default:
			seen[key] = true
			cs, kept := contestSeat(c, key)
			if !kept {
				cs = officerSeat(ch, k, e.Year, key, reason)
			}
			seats = append(seats, numbered{st.Number, cs})
		}
	}
	slices.SortFunc(seats, func(a, b numbered) int { return cmp.Compare(a.n, b.n) })
	out := make([]ContestSeat, len(seats))
	for i, s := range seats {
		out[i] = s.seat
	}
	return out, problems
}

// contestSeat returns seat key of contest c, if it has it.
func contestSeat(c *Contest, key string) (ContestSeat, bool) {
	for _, s := range c.Seats {
		if s.Seat == key {
			return s, true
		}
	}
	return ContestSeat{}, false
}

// officerSeat returns the term of seat key of constituency k put up by an officer in year:
// as at the bootstrap in the charter's first election; the full term in cycle; else the
// years to the next cycle year, as a by-election for the officer's reason.
func officerSeat(ch *Charter, k *Constituency, year int, key, reason string) ContestSeat {
	s := ContestSeat{Seat: key, TermYears: ch.TermYears}
	inCycle := year%ch.TermYears == k.Cohort
	switch {
	case year == ch.FirstElection:
		if !inCycle {
			s.TermYears = remainderYears(year, ch.TermYears, k.Cohort)
		}
		s.Reason = fmt.Sprintf("bootstrap: %d-year term", s.TermYears)
	case inCycle:
		s.Reason = "in cycle"
	default:
		s.TermYears = remainderYears(year, ch.TermYears, k.Cohort)
		s.ByElection, s.Reason = true, "set by an officer: "+reason
	}
	s.TermEndsYear = year + s.TermYears
	return s
}

// contestChanges returns what next changes of c, as {field: {from, to}}.
func contestChanges(c, next *Contest) map[string]valueChange {
	changes := make(map[string]valueChange)
	if c.Method != next.Method {
		changes["method"] = valueChange{From: c.Method, To: next.Method}
	}
	if c.Uncontested != next.Uncontested {
		changes["uncontested"] = valueChange{From: c.Uncontested, To: next.Uncontested}
	}
	if c.Revoting != next.Revoting {
		changes["revoting"] = valueChange{From: c.Revoting, To: next.Revoting}
	}
	if from, to := seatKeys(c.Seats), seatKeys(next.Seats); !slices.Equal(from, to) {
		changes["seats"] = valueChange{From: from, To: to}
	}
	return changes
}

// charterOfElection returns the charter version an election keeps.
func charterOfElection(ctx context.Context, st Store, e *Election) (*Charter, error) {
	versions, err := st.Charters(ctx)
	if err != nil {
		return nil, err
	}
	for i := range versions {
		if versions[i].Version == e.CharterVersion {
			return &versions[i], nil
		}
	}
	return nil, fmt.Errorf("election %d: no charter version %d", e.ID, e.CharterVersion)
}
