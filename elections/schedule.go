package elections

import (
	"fmt"
	"time"
)

// instantLayout writes the instants of a schedule in messages, e.g. "2026-05-16 00:00 UTC".
const instantLayout = "2006-01-02 15:04 UTC"

// Phase returns the election's phase at now: counted and certified from its status; before
// that, from the schedule: announced until nominations open (00:00 UTC of NominationsOpen),
// nominations until the end of the NominationsClose deadline day, campaigning until voting
// opens (00:00 UTC of VotingOpen), then voting, which lasts past VotingClose until the count.
func (e *Election) Phase(now time.Time) Phase {
	switch {
	case e.Status == StatusCertified:
		return PhaseCertified
	case e.Status == StatusCounted:
		return PhaseCounted
	case now.Before(e.Schedule.NominationsOpen.Time()):
		return PhaseAnnounced
	case now.Before(e.DeadlineEnd(e.Schedule.NominationsClose)):
		return PhaseNominations
	case now.Before(e.Schedule.VotingOpen.Time()):
		return PhaseCampaigning
	default:
		return PhaseVoting
	}
}

// DeadlineEnd returns the instant a deadline day ends under the election's policy: the next
// day at 00:00 UTC (utc) or 12:00 UTC (aoe).
func (e *Election) DeadlineEnd(day Date) time.Time {
	end := day.AddDays(1).Time()
	if e.Deadlines == DeadlineAOE {
		end = end.Add(12 * time.Hour)
	}
	return end
}

// validDeadlinePolicy reports whether p is a deadline policy.
func validDeadlinePolicy(p DeadlinePolicy) bool { return p == DeadlineUTC || p == DeadlineAOE }

// validateSchedule returns every problem of a schedule under deadline policy (valid), in
// the order of the calendar; nil when there is none.
func validateSchedule(sch Schedule, policy DeadlinePolicy) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, f := range []struct {
		name string
		day  Date
	}{
		{"nominations_open", sch.NominationsOpen}, {"nominations_close", sch.NominationsClose},
		{"voting_open", sch.VotingOpen}, {"voting_close", sch.VotingClose},
	} {
		if f.day.IsZero() {
			add("schedule: %s is required", f.name)
		}
	}
	set := func(ds ...Date) bool {
		for _, d := range ds {
			if d.IsZero() {
				return false
			}
		}
		return true
	}
	if set(sch.AnnouncedOn, sch.NominationsOpen) && sch.AnnouncedOn.After(sch.NominationsOpen) {
		add("schedule: announced_on %s is after nominations_open %s", sch.AnnouncedOn, sch.NominationsOpen)
	}
	if set(sch.NominationsOpen, sch.NominationsClose) && sch.NominationsClose.Before(sch.NominationsOpen) {
		add("schedule: nominations_close %s is before nominations_open %s", sch.NominationsClose, sch.NominationsOpen)
	}
	e := Election{Deadlines: policy}
	if set(sch.NominationsClose, sch.VotingOpen) && e.DeadlineEnd(sch.NominationsClose).After(sch.VotingOpen.Time()) {
		add("schedule: voting_open %s is before nominations close (%s, %s deadlines)", sch.VotingOpen,
			e.DeadlineEnd(sch.NominationsClose).Format(instantLayout), policy)
	}
	if set(sch.VotingOpen, sch.VotingClose) && sch.VotingClose.Before(sch.VotingOpen) {
		add("schedule: voting_close %s is before voting_open %s", sch.VotingClose, sch.VotingOpen)
	}
	if set(sch.ResultsOn, sch.VotingClose) && !sch.ResultsOn.After(sch.VotingClose) {
		add("schedule: results_on %s must be after voting_close %s", sch.ResultsOn, sch.VotingClose)
	}
	return problems
}

// boundary is one instant of a schedule at which the phase changes.
type boundary struct {
	field string // the schedule field that sets it
	what  string // what happens then, e.g. "nominations open"
	day   Date   // the field's day
	at    time.Time
}

// boundaries returns the instants at which nominations and voting open and close.
func (e *Election) boundaries() []boundary {
	return []boundary{
		{"nominations_open", "nominations open", e.Schedule.NominationsOpen, e.Schedule.NominationsOpen.Time()},
		{"nominations_close", "nominations close", e.Schedule.NominationsClose, e.DeadlineEnd(e.Schedule.NominationsClose)},
		{"voting_open", "voting opens", e.Schedule.VotingOpen, e.Schedule.VotingOpen.Time()},
		{"voting_close", "voting closes", e.Schedule.VotingClose, e.DeadlineEnd(e.Schedule.VotingClose)},
	}
}

// boundaryProblems returns the problems of moving old's schedule to next's at now: a
// boundary that has passed cannot move, and a boundary that moves cannot move to now or
// before. Days missing from next are validateSchedule's problems, not these.
func boundaryProblems(old, next *Election, now time.Time) []string {
	var problems []string
	nb := next.boundaries()
	for i, ob := range old.boundaries() {
		b := nb[i]
		switch {
		case b.day.IsZero() || b.at.Equal(ob.at):
		case !ob.at.After(now):
			problems = append(problems, fmt.Sprintf("schedule: %s: %s at %s, which has passed; it cannot move",
				b.field, ob.what, ob.at.Format(instantLayout)))
		case !b.at.After(now):
			problems = append(problems, fmt.Sprintf("schedule: %s: %s would be at %s, which has passed; a boundary cannot move into the past",
				b.field, b.what, b.at.Format(instantLayout)))
		}
	}
	return problems
}

// scheduleChanges returns the fields of old's schedule and deadline policy that next changes,
// as {field: {from, to}}.
func scheduleChanges(old, next *Election) map[string]valueChange {
	changes := make(map[string]valueChange)
	days := func(name string, a, b Date) {
		if !a.Equal(b) {
			changes[name] = valueChange{From: dateOrNil(a), To: dateOrNil(b)}
		}
	}
	o, n := old.Schedule, next.Schedule
	days("announced_on", o.AnnouncedOn, n.AnnouncedOn)
	days("nominations_open", o.NominationsOpen, n.NominationsOpen)
	days("nominations_close", o.NominationsClose, n.NominationsClose)
	days("voting_open", o.VotingOpen, n.VotingOpen)
	days("voting_close", o.VotingClose, n.VotingClose)
	days("results_on", o.ResultsOn, n.ResultsOn)
	if old.Deadlines != next.Deadlines {
		changes["deadlines"] = valueChange{From: old.Deadlines, To: next.Deadlines}
	}
	return changes
}

// valueChange is one changed field of an election or contest in an event's payload.
type valueChange struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// dateOrNil returns d, or nil for the zero Date, for an event payload.
func dateOrNil(d Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

// electionPhaseConflict returns the ECONFLICT refusal of an action outside its phases: "the
// election is in its <phase> phase; <rule>".
func electionPhaseConflict(phase Phase, rule string, args ...any) *Error {
	return Errorf(ECONFLICT, "the election is in its %s phase; %s", phase, fmt.Sprintf(rule, args...))
}
