package electionstest

import (
	"cmp"
	"context"
	"slices"

	"github.com/govboard/govboard/elections"
)

// The in-memory member roll and donation ledger. Members are kept without their
// representatives; representatives[memberID] holds each member's history, oldest first, and
// the last one is current while its Until is zero.

// CreateMembers stores new members with the next IDs; a taken external id is a conflict and
// stores none of them.
func (s *Store) CreateMembers(_ context.Context, ms []*elections.Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := make(map[string]bool, len(s.state.members)+len(ms))
	for _, m := range s.state.members {
		taken[m.ExternalID] = true
	}
	for _, m := range ms {
		if taken[m.ExternalID] {
			return elections.Errorf(elections.ECONFLICT, "member %s exists", m.ExternalID)
		}
		taken[m.ExternalID] = true
	}
	if s.state.representatives == nil {
		s.state.representatives = make(map[int64][]elections.Representative)
	}
	for _, m := range ms {
		m.ID = int64(len(s.state.members) + 1)
		stored := *m
		stored.Representative = nil
		s.state.members = append(s.state.members, stored)
		if m.Representative != nil {
			r := *m.Representative
			r.Until = elections.Date{}
			s.state.representatives[m.ID] = []elections.Representative{r}
		}
	}
	return nil
}

// UpdateMember stores every field of m but Representative and CreatedAt, by m.ID.
func (s *Store) UpdateMember(_ context.Context, m *elections.Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.memberIndex(m.ID)
	if i < 0 {
		return elections.Errorf(elections.ENOTFOUND, "no such member")
	}
	stored := *m
	stored.Representative = nil
	stored.CreatedAt = s.state.members[i].CreatedAt
	s.state.members[i] = stored
	return nil
}

// MembersByExternalID returns the members with these external ids that exist, with their
// current representative.
func (s *Store) MembersByExternalID(_ context.Context, ids []string) (map[string]*elections.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := make(map[string]*elections.Member)
	for _, m := range s.state.members {
		if want[m.ExternalID] {
			out[m.ExternalID] = s.withRepresentative(m)
		}
	}
	return out, nil
}

// ListMembers returns the members f selects ordered by external id, at most f.Limit of them
// when it is positive.
func (s *Store) ListMembers(_ context.Context, f elections.MemberFilter) ([]elections.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Member
	for _, m := range s.state.members {
		if (f.Constituency == "" || m.Constituency == f.Constituency) && m.ExternalID > f.After {
			out = append(out, *s.withRepresentative(m))
		}
	}
	slices.SortFunc(out, func(a, b elections.Member) int { return cmp.Compare(a.ExternalID, b.ExternalID) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// CountActiveMembers returns the number of members of a constituency active on d.
func (s *Store) CountActiveMembers(_ context.Context, constituency string, d elections.Date) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.state.members {
		if m.Constituency == constituency && m.ActiveOn(d) {
			n++
		}
	}
	return n, nil
}

// AddRepresentative makes r the current representative of member memberID; the current one,
// if any, gets Until = r.Since.
func (s *Store) AddRepresentative(_ context.Context, memberID int64, r elections.Representative) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memberIndex(memberID) < 0 {
		return elections.Errorf(elections.ENOTFOUND, "no such member")
	}
	if s.state.representatives == nil {
		s.state.representatives = make(map[int64][]elections.Representative)
	}
	reps := s.state.representatives[memberID]
	if n := len(reps); n > 0 && reps[n-1].Until.IsZero() {
		reps[n-1].Until = r.Since
	}
	r.Until = elections.Date{}
	s.state.representatives[memberID] = append(reps, r)
	return nil
}

// Representatives returns a member's representatives, oldest first.
func (s *Store) Representatives(_ context.Context, memberID int64) ([]elections.Representative, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.representatives[memberID]), nil
}

// CreateDonations stores new donations with the next IDs; a taken external id is a conflict
// and stores none of them.
func (s *Store) CreateDonations(_ context.Context, ds []*elections.Donation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := make(map[string]bool, len(s.state.donations)+len(ds))
	for _, d := range s.state.donations {
		taken[d.ExternalID] = true
	}
	for _, d := range ds {
		if taken[d.ExternalID] {
			return elections.Errorf(elections.ECONFLICT, "donation %s exists", d.ExternalID)
		}
		if s.memberIndex(d.MemberID) < 0 {
			return elections.Errorf(elections.ENOTFOUND, "no such member")
		}
		taken[d.ExternalID] = true
	}
	for _, d := range ds {
		d.ID = int64(len(s.state.donations) + 1)
		d.MemberExternalID = s.state.members[s.memberIndex(d.MemberID)].ExternalID
		s.state.donations = append(s.state.donations, *d)
	}
	return nil
}

// UpdateDonation stores the Amount, Currency, Value, Date, Source and UpdatedAt of d, by d.ID.
func (s *Store) UpdateDonation(_ context.Context, d *elections.Donation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.state.donations {
		o := &s.state.donations[i]
		if o.ID == d.ID {
			o.Amount, o.Currency, o.Value, o.Date, o.Source, o.UpdatedAt = d.Amount, d.Currency, d.Value, d.Date, d.Source, d.UpdatedAt
			return nil
		}
	}
	return elections.Errorf(elections.ENOTFOUND, "no such donation")
}

// DonationsByExternalID returns the donations with these external ids that exist.
func (s *Store) DonationsByExternalID(_ context.Context, ids []string) (map[string]*elections.Donation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := make(map[string]*elections.Donation)
	for _, d := range s.state.donations {
		if want[d.ExternalID] {
			out[d.ExternalID] = &d
		}
	}
	return out, nil
}

// DonationsOf returns a member's donations ordered by date, then external id.
func (s *Store) DonationsOf(_ context.Context, memberID int64) ([]elections.Donation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Donation
	for _, d := range s.state.donations {
		if d.MemberID == memberID {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b elections.Donation) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ExternalID, b.ExternalID))
	})
	return out, nil
}

// DonationTotal sums the Value of a member's donations dated from..to, both included.
func (s *Store) DonationTotal(_ context.Context, memberID int64, from, to elections.Date) (elections.Amount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var total elections.Amount
	for _, d := range s.state.donations {
		if d.MemberID == memberID && (from.IsZero() || !d.Date.Before(from)) && (to.IsZero() || !d.Date.After(to)) {
			total += d.Value
		}
	}
	return total, nil
}

// memberIndex returns the index of member id in the state, or -1. Member IDs are dense
// (1, 2, …), so it is a lookup, not a search.
func (s *Store) memberIndex(id int64) int {
	if id < 1 || id > int64(len(s.state.members)) || s.state.members[id-1].ID != id {
		return -1
	}
	return int(id - 1)
}

// withRepresentative returns a copy of m with its current representative.
func (s *Store) withRepresentative(m elections.Member) *elections.Member {
	reps := s.state.representatives[m.ID]
	if n := len(reps); n > 0 && reps[n-1].Until.IsZero() {
		r := reps[n-1]
		m.Representative = &r
	}
	return &m
}

// DonationTotals sums, per member of a constituency, the Value of donations dated from..to
// (both included), keyed by member ID; members without donations are absent.
func (s *Store) DonationTotals(_ context.Context, constituency string, from, to elections.Date) (map[int64]elections.Amount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int64]elections.Amount)
	for _, d := range s.state.donations {
		i := s.memberIndex(d.MemberID)
		if i < 0 || s.state.members[i].Constituency != constituency {
			continue
		}
		if (from.IsZero() || !d.Date.Before(from)) && (to.IsZero() || !d.Date.After(to)) {
			out[d.MemberID] += d.Value
		}
	}
	return out, nil
}
