package elections

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// seatKey returns the key of the n-th seat of constituency key, e.g. "individual-2".
func seatKey(key string, n int) string { return key + "-" + strconv.Itoa(n) }

// seatsOf returns the seats of a constituency, by number.
func seatsOf(k *Constituency) []Seat {
	seats := make([]Seat, k.Seats)
	for i := range seats {
		seats[i] = Seat{Key: seatKey(k.Key, i+1), Constituency: k.Key, Number: i + 1, Cohort: k.Cohort}
	}
	return seats
}

// findSeat returns the seat with key in charter c and its constituency; ok is false when c
// has no such seat. Keys are "<constituency>-<number>", and constituency keys may hold
// hyphens themselves ("spec-core-team-2").
func findSeat(c *Charter, key string) (_ Seat, _ *Constituency, ok bool) {
	i := strings.LastIndexByte(key, '-')
	if i < 0 {
		return Seat{}, nil, false
	}
	n, err := strconv.Atoi(key[i+1:])
	if err != nil || n < 1 || strconv.Itoa(n) != key[i+1:] {
		return Seat{}, nil, false
	}
	for j := range c.Constituencies {
		k := &c.Constituencies[j]
		if k.Key == key[:i] && n <= k.Seats {
			return Seat{Key: key, Constituency: k.Key, Number: n, Cohort: k.Cohort}, k, true
		}
	}
	return Seat{}, nil, false
}

// Seats returns the seats of the charter in force on d (today when d is zero), in charter
// order then by number.
func (s *Service) Seats(ctx context.Context, d Date) ([]Seat, error) {
	c, err := s.CharterAt(ctx, d)
	if err != nil {
		return nil, err
	}
	var seats []Seat
	for i := range c.Constituencies {
		seats = append(seats, seatsOf(&c.Constituencies[i])...)
	}
	return seats, nil
}

// SeatHistory returns a seat (of any charter version; as the latest version that has it
// describes it) and all its terms, oldest first. ENOTFOUND when no version has the seat.
func (s *Service) SeatHistory(ctx context.Context, seat string) (*Seat, []Term, error) {
	versions, err := s.store.Charters(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := len(versions) - 1; i >= 0; i-- {
		if st, _, ok := findSeat(&versions[i], seat); ok {
			terms, err := s.store.Terms(ctx, TermFilter{Seat: seat})
			if err != nil {
				return nil, nil, err
			}
			return &st, terms, nil
		}
	}
	return nil, nil, Errorf(ENOTFOUND, "no seat %s", seat)
}

// termsBySeat groups terms (ordered by start) by seat key.
func termsBySeat(terms []Term) map[string][]Term {
	m := make(map[string][]Term)
	for _, t := range terms {
		m[t.Seat] = append(m[t.Seat], t)
	}
	return m
}

// termCovering returns the term of terms covering d, or nil.
func termCovering(terms []Term, d Date) *Term {
	for i := range terms {
		if terms[i].Covers(d) {
			t := terms[i]
			return &t
		}
	}
	return nil
}

// Roster returns who holds every seat on d (today when d is zero).
func (s *Service) Roster(ctx context.Context, d Date) (*Roster, error) {
	d = s.dayOr(d)
	c, err := s.CharterAt(ctx, d)
	if err != nil {
		return nil, err
	}
	terms, err := s.store.Terms(ctx, TermFilter{})
	if err != nil {
		return nil, err
	}
	bySeat := termsBySeat(terms)
	r := &Roster{At: d, CharterVersion: c.Version}
	for i := range c.Constituencies {
		k := &c.Constituencies[i]
		for _, st := range seatsOf(k) {
			rs := RosterSeat{Seat: st, ConstituencyName: k.Name, Category: k.Category, Seating: k.Seating,
				Term: termCovering(bySeat[st.Key], d)}
			if rs.Term != nil {
				rs.Representative = rs.Term.RepresentativeOn(d)
			}
			r.Seats = append(r.Seats, rs)
		}
	}
	return r, nil
}

// SeatsUp returns the seats each elected constituency elects in year, with vacancies and
// ratio seat counts taken on at (1 January of year when zero), under the charter in force on
// at. A year before the charter's first election is EINVALID.
func (s *Service) SeatsUp(ctx context.Context, year int, at Date) (*SeatsUp, error) {
	if year < minElectionYear || year > maxElectionYear {
		return nil, Errorf(EINVALID, "year must be between %d and %d, not %d", minElectionYear, maxElectionYear, year)
	}
	if at.IsZero() {
		at = NewDate(year, 1, 1)
	}
	c, err := s.CharterAt(ctx, at)
	if err != nil {
		return nil, err
	}
	return seatsUpUnder(ctx, s.store, c, year, at)
}

// seatsUpUnder returns the seats each elected constituency of charter c elects in year, with
// vacancies and ratio seat counts taken on at (not zero), reading terms and members from st.
// A year before the charter's first election is EINVALID. An election counts its seats up
// under the charter it keeps, whatever version is in force on its cut-off.
func seatsUpUnder(ctx context.Context, st Store, c *Charter, year int, at Date) (*SeatsUp, error) {
	if year < c.FirstElection {
		return nil, Errorf(EINVALID, "year %d is before the board's first election, in %d", year, c.FirstElection)
	}
	terms, err := st.Terms(ctx, TermFilter{})
	if err != nil {
		return nil, err
	}
	bySeat := termsBySeat(terms)
	up := &SeatsUp{Year: year, At: at, CharterVersion: c.Version, Bootstrap: year == c.FirstElection}
	for i := range c.Constituencies {
		k := &c.Constituencies[i]
		if k.Seating != SeatingElected {
			continue
		}
		inUse, active, err := seatsInUse(ctx, st, k, at)
		if err != nil {
			return nil, err
		}
		cu := constituencySeatsUp(c, k, year, at, inUse, bySeat)
		cu.ActiveMembers = active
		if len(cu.Seats) > 0 {
			up.Constituencies = append(up.Constituencies, cu)
		}
	}
	return up, nil
}

// seatsInUse returns how many of a constituency's seats are in use on d: all of them, or for
// a ratio, one per MembersPerSeat active members (rounded up), at most Seats. active is the
// number of active members for a ratio, -1 otherwise.
func seatsInUse(ctx context.Context, st MemberStore, k *Constituency, d Date) (inUse, active int, _ error) {
	if k.MembersPerSeat <= 0 {
		return k.Seats, -1, nil
	}
	n, err := st.CountActiveMembers(ctx, k.Key, d)
	if err != nil {
		return 0, 0, err
	}
	return min(k.Seats, (n+k.MembersPerSeat-1)/k.MembersPerSeat), n, nil
}

// constituencySeatsUp returns the seats of k up in year among its first inUse seats: all of
// them at the bootstrap or in cycle, else the vacant ones, for the remainder of their term.
func constituencySeatsUp(c *Charter, k *Constituency, year int, at Date, inUse int, bySeat map[string][]Term) ConstituencySeatsUp {
	inCycle := year%c.TermYears == k.Cohort
	bootstrap := year == c.FirstElection
	cu := ConstituencySeatsUp{Constituency: k.Key, Name: k.Name, InCycle: inCycle || bootstrap, SeatsInUse: inUse}
	rest := remainderYears(year, c.TermYears, k.Cohort)
	for n := 1; n <= inUse; n++ {
		key := seatKey(k.Key, n)
		su := SeatUp{Seat: key, TermYears: c.TermYears}
		switch {
		case bootstrap:
			if !inCycle {
				su.TermYears = rest
			}
			su.Reason = fmt.Sprintf("bootstrap: %d-year term", su.TermYears)
		case inCycle:
			su.Reason = "in cycle"
		default:
			reason, vacant := vacancy(bySeat[key], at)
			if !vacant {
				continue
			}
			su.TermYears, su.ByElection, su.Reason = rest, true, reason
		}
		su.TermEndsYear = year + su.TermYears
		cu.Seats = append(cu.Seats, su)
	}
	return cu
}

// remainderYears returns the years from year to the next year of cohort (at most termYears).
func remainderYears(year, termYears, cohort int) int {
	for k := 1; k < termYears; k++ {
		if (year+k)%termYears == cohort {
			return k
		}
	}
	return termYears
}

// vacancy tells whether a seat with terms is vacant on at and why: the way its last term
// before at ended, or that it was never filled.
func vacancy(terms []Term, at Date) (reason string, vacant bool) {
	var last *Term
	for i := range terms {
		t := &terms[i]
		if t.Covers(at) {
			return "", false
		}
		if !t.Start.After(at) && (last == nil || !t.Until().Before(last.Until())) {
			last = t
		}
	}
	switch {
	case last == nil:
		return "never filled", true
	case !last.EndedOn.IsZero():
		return fmt.Sprintf("vacant since %s (%s)", last.EndedOn, last.EndReason), true
	default:
		return fmt.Sprintf("vacant since %s (term ended)", last.End), true
	}
}
