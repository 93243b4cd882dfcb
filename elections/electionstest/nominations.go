package electionstest

import (
	"context"
	"slices"
	"time"

	"github.com/govboard/govboard/elections"
)

// The in-memory nominations and access codes. IDs are dense (1, 2, …) like the members', so
// a lookup by ID is an index.

// nominationState is the part of the state nominations.go keeps.
type nominationState struct {
	nominations []elections.Nomination
	codes       []elections.AccessCode
}

// clone returns a copy that shares nothing with s (the elements hold no pointers or slices).
func (s nominationState) clone() nominationState {
	return nominationState{nominations: slices.Clone(s.nominations), codes: slices.Clone(s.codes)}
}

// CreateNomination stores n with the next ID.
func (s *Store) CreateNomination(_ context.Context, n *elections.Nomination) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.nominations
	n.ID = int64(len(st.nominations) + 1)
	st.nominations = append(st.nominations, *n)
	return nil
}

// UpdateNomination stores Status, Profile, ReviewReason, ReviewedBy, ConsentedAt, ReviewedAt
// and WithdrawnAt of n, by n.ID.
func (s *Store) UpdateNomination(_ context.Context, n *elections.Nomination) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.nominations
	if n.ID < 1 || n.ID > int64(len(st.nominations)) {
		return elections.Errorf(elections.ENOTFOUND, "no nomination %d", n.ID)
	}
	o := &st.nominations[n.ID-1]
	o.Status, o.Profile, o.ReviewReason, o.ReviewedBy = n.Status, n.Profile, n.ReviewReason, n.ReviewedBy
	o.ConsentedAt, o.ReviewedAt, o.WithdrawnAt = n.ConsentedAt, n.ReviewedAt, n.WithdrawnAt
	return nil
}

// NominationByID returns nomination id.
func (s *Store) NominationByID(_ context.Context, id int64) (*elections.Nomination, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.nominations
	if id < 1 || id > int64(len(st.nominations)) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no nomination %d", id)
	}
	n := st.nominations[id-1]
	return &n, nil
}

// Nominations returns the nominations f selects, by ID.
func (s *Store) Nominations(_ context.Context, f elections.NominationFilter) ([]elections.Nomination, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Nomination
	for _, n := range s.state.nominations.nominations {
		if (f.ElectionID == 0 || n.ElectionID == f.ElectionID) && (f.ContestID == 0 || n.ContestID == f.ContestID) &&
			(f.Nominee == "" || n.Nominee == f.Nominee) && (f.PersonKey == "" || n.PersonKey == f.PersonKey) {
			out = append(out, n)
		}
	}
	return out, nil
}

// CreateAccessCodes stores codes with the next IDs; a hash already stored is a conflict and
// stores none of them.
func (s *Store) CreateAccessCodes(_ context.Context, codes []*elections.AccessCode) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.nominations
	taken := make(map[string]bool, len(st.codes)+len(codes))
	for _, c := range st.codes {
		taken[c.Hash] = true
	}
	for _, c := range codes {
		if taken[c.Hash] {
			return elections.Errorf(elections.ECONFLICT, "an access code with this hash exists")
		}
		taken[c.Hash] = true
	}
	for _, c := range codes {
		c.ID = int64(len(st.codes) + 1)
		st.codes = append(st.codes, *c)
	}
	return nil
}

// RevokeAccessCodes marks the unused, unrevoked codes of members in an election revoked at
// at, and returns how many it revoked.
func (s *Store) RevokeAccessCodes(_ context.Context, electionID int64, members []string, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := make(map[string]bool, len(members))
	for _, m := range members {
		want[m] = true
	}
	n := 0
	for i := range s.state.nominations.codes {
		c := &s.state.nominations.codes[i]
		if (electionID == 0 || c.ElectionID == electionID) && want[c.Member] && c.UsedAt.IsZero() && c.RevokedAt.IsZero() {
			c.RevokedAt = at
			n++
		}
	}
	return n, nil
}

// ExtendAccessCodes sets the expiry of the election's unused, unrevoked codes that expire
// after now and before to, to to, and returns how many it changed.
func (s *Store) ExtendAccessCodes(_ context.Context, electionID int64, now, to time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for i := range s.state.nominations.codes {
		c := &s.state.nominations.codes[i]
		if c.ElectionID == electionID && c.UsedAt.IsZero() && c.RevokedAt.IsZero() && c.ExpiresAt.After(now) && c.ExpiresAt.Before(to) {
			c.ExpiresAt = to
			n++
		}
	}
	return n, nil
}

// AccessCodeByHash returns the code with that hash.
func (s *Store) AccessCodeByHash(_ context.Context, hash string) (*elections.AccessCode, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.state.nominations.codes {
		if c.Hash == hash {
			return &c, nil
		}
	}
	return nil, elections.Errorf(elections.ENOTFOUND, "no such access code")
}

// UseAccessCode marks code id used at at when it is neither used nor revoked, under the
// store's mutex, so that of two concurrent calls exactly one reports true.
func (s *Store) UseAccessCode(_ context.Context, id int64, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.nominations
	if id < 1 || id > int64(len(st.codes)) {
		return false, nil
	}
	c := &st.codes[id-1]
	if !c.UsedAt.IsZero() || !c.RevokedAt.IsZero() {
		return false, nil
	}
	c.UsedAt = at
	return true, nil
}
