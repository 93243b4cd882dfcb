package electionstest

import (
	"cmp"
	"context"
	"slices"

	"github.com/govboard/govboard/elections"
)

// The in-memory charter versions and terms of office. Terms are kept with their seat
// representatives; IDs are dense (1, 2, …) like the members'.

// CreateCharter stores c as the next version and sets c.Version.
func (s *Store) CreateCharter(_ context.Context, c *elections.Charter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.Version = len(s.state.charters) + 1
	stored := *c
	stored.Constituencies = slices.Clone(c.Constituencies)
	s.state.charters = append(s.state.charters, stored)
	return nil
}

// Charters returns every version, oldest first.
func (s *Store) Charters(context.Context) ([]elections.Charter, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]elections.Charter, len(s.state.charters))
	for i, c := range s.state.charters {
		c.Constituencies = slices.Clone(c.Constituencies)
		out[i] = c
	}
	return out, nil
}

// CreateTerm stores t with the next ID; MemberExternalID, when set, must name a member.
func (s *Store) CreateTerm(_ context.Context, t *elections.Term) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.MemberExternalID != "" && !slices.ContainsFunc(s.state.members, func(m elections.Member) bool {
		return m.ExternalID == t.MemberExternalID
	}) {
		return elections.Errorf(elections.ENOTFOUND, "no member %s", t.MemberExternalID)
	}
	t.ID = int64(len(s.state.terms) + 1)
	stored := *t
	stored.Representatives = slices.Clone(t.Representatives)
	s.state.terms = append(s.state.terms, stored)
	return nil
}

// UpdateTerm stores EndedOn, EndReason and Note of t, by t.ID.
func (s *Store) UpdateTerm(_ context.Context, t *elections.Term) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.termIndex(t.ID)
	if i < 0 {
		return elections.Errorf(elections.ENOTFOUND, "no such term")
	}
	o := &s.state.terms[i]
	o.EndedOn, o.EndReason, o.Note = t.EndedOn, t.EndReason, t.Note
	return nil
}

// AddSeatRepresentative adds r to the representatives of term termID.
func (s *Store) AddSeatRepresentative(_ context.Context, termID int64, r elections.SeatRepresentative) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.termIndex(termID)
	if i < 0 {
		return elections.Errorf(elections.ENOTFOUND, "no such term")
	}
	s.state.terms[i].Representatives = append(s.state.terms[i].Representatives, r)
	return nil
}

// Terms returns the terms f selects ordered by constituency, seat number and start.
func (s *Store) Terms(_ context.Context, f elections.TermFilter) ([]elections.Term, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Term
	for _, t := range s.state.terms {
		if (f.Seat == "" || t.Seat == f.Seat) && (f.Constituency == "" || t.Constituency == f.Constituency) {
			t.Representatives = slices.Clone(t.Representatives)
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b elections.Term) int {
		return cmp.Or(cmp.Compare(a.Constituency, b.Constituency), cmp.Compare(a.SeatNumber, b.SeatNumber),
			a.Start.Compare(b.Start))
	})
	return out, nil
}

// termIndex returns the index of term id in the state, or -1.
func (s *Store) termIndex(id int64) int {
	if id < 1 || id > int64(len(s.state.terms)) || s.state.terms[id-1].ID != id {
		return -1
	}
	return int(id - 1)
}
