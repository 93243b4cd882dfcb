package electionstest

import (
	"cmp"
	"context"
	"slices"

	"github.com/govboard/govboard/elections"
)

// The in-memory elections, contests and frozen rolls. Elections are kept without their
// contests; contests[i] has ID i+1 (IDs are dense, like the members'), and rolls holds each
// contest's frozen roll by contest ID.

// electionState is the part of the store's state that elections.go keeps.
type electionState struct {
	elections []elections.Election
	contests  []elections.Contest
	rolls     map[int64][]elections.RollEntry
}

// clone returns a deep copy of the state.
func (s electionState) clone() electionState {
	contests := slices.Clone(s.contests)
	for i := range contests {
		contests[i].Seats = slices.Clone(contests[i].Seats)
	}
	rolls := make(map[int64][]elections.RollEntry, len(s.rolls))
	for k, v := range s.rolls {
		rolls[k] = slices.Clone(v)
	}
	return electionState{elections: slices.Clone(s.elections), contests: contests, rolls: rolls}
}

// CreateElection stores e with its contests and sets their IDs; a second election for the
// same year is a conflict.
func (s *Store) CreateElection(_ context.Context, e *elections.Election) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.elections
	for _, o := range st.elections {
		if o.Year == e.Year {
			return elections.Errorf(elections.ECONFLICT, "there is an election for %d", e.Year)
		}
	}
	e.ID = int64(len(st.elections) + 1)
	stored := *e
	stored.Contests = nil
	st.elections = append(st.elections, stored)
	for i := range e.Contests {
		c := &e.Contests[i]
		c.ID = int64(len(st.contests) + 1)
		c.ElectionID = e.ID
		sc := *c
		sc.Seats = slices.Clone(c.Seats)
		st.contests = append(st.contests, sc)
	}
	return nil
}

// ElectionByID returns an election with its contests.
func (s *Store) ElectionByID(_ context.Context, id int64) (*elections.Election, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.elections
	if id < 1 || id > int64(len(st.elections)) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no such election")
	}
	e := s.withContests(st.elections[id-1])
	return &e, nil
}

// ListElections returns every election with its contests, newest year first.
func (s *Store) ListElections(context.Context) ([]elections.Election, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]elections.Election, 0, len(s.state.elections.elections))
	for _, e := range s.state.elections.elections {
		out = append(out, s.withContests(e))
	}
	slices.SortFunc(out, func(a, b elections.Election) int { return cmp.Compare(b.Year, a.Year) })
	return out, nil
}

// UpdateElection stores the Title, Cutoff, Deadlines, Schedule and Status of e, by e.ID.
func (s *Store) UpdateElection(_ context.Context, e *elections.Election) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.elections
	if e.ID < 1 || e.ID > int64(len(st.elections)) {
		return elections.Errorf(elections.ENOTFOUND, "no such election")
	}
	o := &st.elections[e.ID-1]
	o.Title, o.Cutoff, o.Deadlines, o.Schedule, o.Status = e.Title, e.Cutoff, e.Deadlines, e.Schedule, e.Status
	return nil
}

// ContestByID returns a contest.
func (s *Store) ContestByID(_ context.Context, id int64) (*elections.Contest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.contestIndex(id)
	if i < 0 {
		return nil, elections.Errorf(elections.ENOTFOUND, "no such contest")
	}
	c := s.state.elections.contests[i]
	c.Seats = slices.Clone(c.Seats)
	return &c, nil
}

// UpdateContest stores the Method, Uncontested, Seats, RollFrozenAt, RollFingerprint,
// RollSize and Revoting of c, by c.ID.
func (s *Store) UpdateContest(_ context.Context, c *elections.Contest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.contestIndex(c.ID)
	if i < 0 {
		return elections.Errorf(elections.ENOTFOUND, "no such contest")
	}
	o := &s.state.elections.contests[i]
	o.Method, o.Uncontested, o.Seats = c.Method, c.Uncontested, slices.Clone(c.Seats)
	o.RollFrozenAt, o.RollFingerprint, o.RollSize = c.RollFrozenAt, c.RollFingerprint, c.RollSize
	o.Revoting = c.Revoting
	return nil
}

// SaveRoll stores the frozen roll of a contest, once.
func (s *Store) SaveRoll(_ context.Context, contestID int64, entries []elections.RollEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.contestIndex(contestID) < 0 {
		return elections.Errorf(elections.ENOTFOUND, "no such contest")
	}
	st := &s.state.elections
	if _, ok := st.rolls[contestID]; ok {
		return elections.Errorf(elections.ECONFLICT, "the roll of contest %d is frozen", contestID)
	}
	if st.rolls == nil {
		st.rolls = make(map[int64][]elections.RollEntry)
	}
	roll := slices.Clone(entries)
	if roll == nil {
		roll = []elections.RollEntry{}
	}
	st.rolls[contestID] = roll
	return nil
}

// AddRollEntry adds one voter to a frozen roll; a member already on it is a conflict.
func (s *Store) AddRollEntry(_ context.Context, contestID int64, e elections.RollEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.elections
	roll, ok := st.rolls[contestID]
	if !ok {
		return elections.Errorf(elections.ECONFLICT, "the roll of contest %d is not frozen", contestID)
	}
	if slices.ContainsFunc(roll, func(o elections.RollEntry) bool { return o.Member == e.Member }) {
		return elections.Errorf(elections.ECONFLICT, "%s is on the roll", e.Member)
	}
	st.rolls[contestID] = append(roll, e)
	return nil
}

// RollEntries returns a contest's frozen roll ordered by member (byte order); empty when
// the roll is not frozen.
func (s *Store) RollEntries(_ context.Context, contestID int64) ([]elections.RollEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.state.elections.rolls[contestID])
	slices.SortFunc(out, func(a, b elections.RollEntry) int { return cmp.Compare(a.Member, b.Member) })
	return out, nil
}

// contestIndex returns the index of contest id in the state, or -1.
func (s *Store) contestIndex(id int64) int {
	if id < 1 || id > int64(len(s.state.elections.contests)) {
		return -1
	}
	return int(id - 1)
}

// withContests returns e with copies of its contests in stored (charter) order.
func (s *Store) withContests(e elections.Election) elections.Election {
	e.Contests = nil
	for _, c := range s.state.elections.contests {
		if c.ElectionID == e.ID {
			c.Seats = slices.Clone(c.Seats)
			e.Contests = append(e.Contests, c)
		}
	}
	return e
}
