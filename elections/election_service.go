package elections

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// ElectionInput creates an election (CreateElection).
type ElectionInput struct {
	// Year is the board year (required).
	Year int
	// Title defaults to "<year> election of <board name>".
	Title string
	// Cutoff is the roll cut-off day; default: Schedule.NominationsClose. It must not be after
	// the first day of voting.
	Cutoff Date
	// Deadlines defaults to DeadlineUTC.
	Deadlines DeadlinePolicy
	// Schedule: NominationsOpen, NominationsClose, VotingOpen and VotingClose are required;
	// AnnouncedOn defaults to today (to NominationsOpen when that is earlier).
	Schedule Schedule
}

// CreateElection creates the election of a year under the charter in force today: one contest
// per constituency with seats up (counted on the cut-off day under that charter), with the
// charter's default method and uncontested policy. There is one election per year.
func (s *Service) CreateElection(ctx context.Context, actor Actor, in ElectionInput) (*Election, error) {
	now := s.clock.Now().UTC()
	e, problems := electionOf(in, DateOf(now))
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		if err := checkYearFree(ctx, tx, e.Year); err != nil {
			return err
		}
		versions, err := tx.Charters(ctx)
		if err != nil {
			return err
		}
		c, err := charterAt(versions, DateOf(now))
		if err != nil {
			return err
		}
		if err := deriveContests(ctx, tx, c, e); err != nil {
			return err
		}
		e.CreatedAt = now
		if err := tx.CreateElection(ctx, e); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, e.ID, EventElectionCreated, electionCreatedPayload(e))
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// electionOf returns the election in describes, with its defaults, and every problem of in.
func electionOf(in ElectionInput, today Date) (*Election, []string) {
	var problems []string
	if in.Year < minElectionYear || in.Year > maxElectionYear {
		problems = append(problems, fmt.Sprintf("year must be between %d and %d, not %d", minElectionYear, maxElectionYear, in.Year))
	}
	if in.Deadlines == "" {
		in.Deadlines = DeadlineUTC
	}
	if !validDeadlinePolicy(in.Deadlines) {
		problems = append(problems, fmt.Sprintf("deadlines must be %s or %s, not %q", DeadlineUTC, DeadlineAOE, in.Deadlines))
	}
	sch := in.Schedule
	if sch.AnnouncedOn.IsZero() {
		sch.AnnouncedOn = today
		if !sch.NominationsOpen.IsZero() && sch.NominationsOpen.Before(today) {
			sch.AnnouncedOn = sch.NominationsOpen
		}
	}
	if hasNUL(in.Title) {
		problems = append(problems, "title "+nulProblem)
	}
	problems = append(problems, validateSchedule(sch, in.Deadlines)...)
	if in.Cutoff.IsZero() {
		in.Cutoff = sch.NominationsClose
	}
	// The roll is taken on the cut-off and frozen when voting opens: a later cut-off would
	// count voters the frozen roll cannot hold.
	if !sch.VotingOpen.IsZero() && in.Cutoff.After(sch.VotingOpen) {
		problems = append(problems, fmt.Sprintf("cutoff %s must not be after the first day of voting (%s)", in.Cutoff, sch.VotingOpen))
	}
	e := &Election{Year: in.Year, Title: strings.TrimSpace(in.Title), Cutoff: in.Cutoff, Deadlines: in.Deadlines, Schedule: sch}
	return e, problems
}

// checkYearFree refuses a second election for year (ECONFLICT).
func checkYearFree(ctx context.Context, tx Store, year int) error {
	es, err := tx.ListElections(ctx)
	if err != nil {
		return err
	}
	for _, o := range es {
		if o.Year == year {
			return Errorf(ECONFLICT, "there is already an election for %d (%q)", year, o.Title)
		}
	}
	return nil
}

// deriveContests sets e's charter, default title and contests: one per constituency of c
// with seats up in e.Year counted on e.Cutoff, in charter order.
func deriveContests(ctx context.Context, tx Store, c *Charter, e *Election) error {
	up, err := seatsUpUnder(ctx, tx, c, e.Year, e.Cutoff)
	if err != nil {
		return err
	}
	if len(up.Constituencies) == 0 {
		return Errorf(EINVALID, "no seats are up in %d (counted on %s under charter version %d)", e.Year, e.Cutoff, c.Version)
	}
	e.CharterVersion = c.Version
	if e.Title == "" {
		e.Title = fmt.Sprintf("%d election of %s", e.Year, c.Name)
	}
	for _, cu := range up.Constituencies {
		k := rollConstituency(c, cu.Constituency)
		// Revoting is on by default (DESIGN.md §6): a voter who made a mistake or was watched
		// while voting can cast again, and the last ballot counts.
		ct := Contest{Constituency: k.Key, Name: k.Name, Method: k.Method, Uncontested: k.Uncontested, Revoting: true}
		for _, su := range cu.Seats {
			ct.Seats = append(ct.Seats, ContestSeat{Seat: su.Seat, TermYears: su.TermYears, TermEndsYear: su.TermEndsYear,
				ByElection: su.ByElection, Reason: su.Reason})
		}
		e.Contests = append(e.Contests, ct)
	}
	return nil
}

// electionCreatedPayload is the payload of election.created: the election's title, year,
// charter version and cut-off, and per contest its constituency, display name, counting
// method and seat keys (a results bundle checks its election.json and count inputs against
// them).
func electionCreatedPayload(e *Election) map[string]any {
	contests := make([]map[string]any, len(e.Contests))
	for i, c := range e.Contests {
		contests[i] = map[string]any{"contest": c.ID, "constituency": c.Constituency, "name": c.Name,
			"method": c.Method, "seats": seatKeys(c.Seats)}
	}
	return map[string]any{"election": e.ID, "year": e.Year, "title": e.Title, "charter_version": e.CharterVersion,
		"cutoff": e.Cutoff, "contests": contests}
}

// seatKeys returns the keys of seats, in order.
func seatKeys(seats []ContestSeat) []string {
	keys := make([]string, len(seats))
	for i, s := range seats {
		keys[i] = s.Seat
	}
	return keys
}

// Election returns an election with its contests.
func (s *Service) Election(ctx context.Context, id int64) (*Election, error) {
	return s.store.ElectionByID(ctx, id)
}

// Elections returns every election, newest year first.
func (s *Service) Elections(ctx context.Context) ([]Election, error) {
	return s.store.ListElections(ctx)
}

// UpdateSchedule replaces an election's schedule (and deadline policy when not empty; a zero
// AnnouncedOn keeps the current one). A boundary that has passed cannot move, and no boundary
// may move into the past; a counted or certified election's schedule cannot change.
func (s *Service) UpdateSchedule(ctx context.Context, actor Actor, electionID int64, sch Schedule, deadlines DeadlinePolicy) (*Election, error) {
	now := s.clock.Now().UTC()
	var out *Election
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		old, err := tx.ElectionByID(ctx, electionID)
		if err != nil {
			return err
		}
		if p := old.Phase(now); p == PhaseCounted || p == PhaseCertified {
			return Errorf(ECONFLICT, "the election is %s; its schedule can no longer change", p)
		}
		next := *old
		next.Schedule, next.Deadlines = sch, cmp.Or(deadlines, old.Deadlines)
		if next.Schedule.AnnouncedOn.IsZero() {
			next.Schedule.AnnouncedOn = old.Schedule.AnnouncedOn
		}
		var problems []string
		if !validDeadlinePolicy(next.Deadlines) {
			problems = append(problems, fmt.Sprintf("deadlines must be %s or %s, not %q", DeadlineUTC, DeadlineAOE, next.Deadlines))
		} else {
			problems = append(validateSchedule(next.Schedule, next.Deadlines), boundaryProblems(old, &next, now)...)
		}
		if v := next.Schedule.VotingOpen; !v.IsZero() && next.Cutoff.After(v) {
			problems = append(problems, fmt.Sprintf("voting_open %s must not be before the roll cut-off %s", v, next.Cutoff))
		}
		if len(problems) > 0 {
			return &Error{Code: EINVALID, Message: problems[0], Details: problems}
		}
		out = &next
		changes := scheduleChanges(old, &next)
		if len(changes) == 0 {
			return nil
		}
		if err := tx.UpdateElection(ctx, &next); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, next.ID, EventScheduleChanged, map[string]any{"election": next.ID, "changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
