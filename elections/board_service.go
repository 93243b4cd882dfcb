package elections

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// The board's terms of office: recording, vacating, replacing a representative. The charter
// is in charter_service.go, the roster and the seats up in roster.go.

// TermInput is an officer's record of a term of office (RecordTerm).
type TermInput struct {
	// Seat is the seat's key, e.g. "guardians-2".
	Seat string
	// Holder is the holder's display name; when empty and Member is set, the member's name.
	Holder string
	// Member is the holder's member external id; optional (the Managing Director need not be
	// a member). When set, the member must belong to the seat's constituency.
	Member string
	// Representative is who first sits for an organisation holder; required when Member is
	// an organisation, refused for a person, optional for a holder who is not a member.
	Representative string
	// Start is the first day of the term.
	Start Date
	// End is the day the term ends (exclusive); when zero, Start plus Years.
	End Date
	// Years is the term's length when End is zero.
	Years int
	// Source is TermElected, TermAppointed, TermExOfficio or TermRecorded; default: the one
	// matching the constituency's seating (TermRecorded for elected seats).
	Source string
	// ElectionYear is the year of the election that filled an elected seat; optional.
	ElectionYear int
	// Note is a free-text remark.
	Note string
}

// maxTermLength is the longest term RecordTerm computes from Years.
const maxTermLength = 10

// RecordTerm records a term of office on a seat (an appointment, an ex officio holder, or a
// term from earlier records). The term must not overlap another on the same seat.
func (s *Service) RecordTerm(ctx context.Context, actor Actor, in TermInput) (*Term, error) {
	in.Holder, in.Member = strings.TrimSpace(in.Holder), strings.TrimSpace(in.Member)
	in.Representative = strings.TrimSpace(in.Representative)
	t, problems := termOf(in)
	var out *Term
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockBoard); err != nil {
			return err
		}
		t, problems := t, slices.Clone(problems)
		more, err := resolveTerm(ctx, tx, &t, in)
		if err != nil {
			return err
		}
		if problems = append(problems, more...); len(problems) > 0 {
			return &Error{Code: EINVALID, Message: problems[0], Details: problems}
		}
		if err := checkOverlap(ctx, tx, &t); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		t.RecordedAt = now
		if err := tx.CreateTerm(ctx, &t); err != nil {
			return err
		}
		out = &t
		return record(ctx, tx, now, actor, 0, EventTermRecorded, map[string]any{
			"seat": t.Seat, "holder": t.Holder, "member": t.MemberExternalID, "representative": in.Representative,
			"start": t.Start, "end": t.End, "source": t.Source, "election_year": t.ElectionYear, "note": t.Note,
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// termSources are the valid Term.Source values.
var termSources = []string{TermElected, TermAppointed, TermExOfficio, TermRecorded}

// termOf returns the term in describes as far as in alone tells, and the problems of in that
// need no store.
func termOf(in TermInput) (Term, []string) {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	t := Term{Seat: in.Seat, Holder: in.Holder, MemberExternalID: in.Member, Start: in.Start, End: in.End,
		Source: in.Source, ElectionYear: in.ElectionYear, Note: in.Note}
	if in.Seat == "" {
		add("seat is required")
	}
	if in.Start.IsZero() {
		add("start is required")
	}
	switch {
	case !in.End.IsZero():
		if !in.Start.IsZero() && !in.End.After(in.Start) {
			add("end %s must be after start %s", in.End, in.Start)
		}
	case in.Years < 1 || in.Years > maxTermLength:
		add("years must be between 1 and %d when end is not given, not %d", maxTermLength, in.Years)
	case !in.Start.IsZero():
		t.End = in.Start.AddYears(in.Years)
		if t.End.Year() > maxElectionYear {
			// Days are kept as YYYY-MM-DD: a five-digit year cannot be stored.
			add("start %s plus %d years ends after the year %d", in.Start, in.Years, maxElectionYear)
		}
	}
	for _, f := range []struct{ name, text string }{{"holder", in.Holder}, {"representative", in.Representative}, {"note", in.Note}} {
		if hasNUL(f.text) {
			add("%s %s", f.name, nulProblem)
		}
	}
	if in.Source != "" && !slices.Contains(termSources, in.Source) {
		add("source %q is not one of %s", in.Source, strings.Join(termSources, ", "))
	}
	if in.ElectionYear != 0 && (in.ElectionYear < minElectionYear || in.ElectionYear > maxElectionYear) {
		add("election_year must be between %d and %d, not %d", minElectionYear, maxElectionYear, in.ElectionYear)
	}
	return t, problems
}

// resolveTerm completes t from the store: its seat in the charter in force on its start, its
// holder's member, name and representative, its default source. It returns the problems found.
func resolveTerm(ctx context.Context, tx Store, t *Term, in TermInput) ([]string, error) {
	var problems []string
	var k *Constituency
	if in.Seat != "" && !in.Start.IsZero() {
		versions, err := tx.Charters(ctx)
		if err != nil {
			return nil, err
		}
		var st Seat
		ok := false
		if c, err := charterAt(versions, in.Start); err == nil {
			st, k, ok = findSeat(c, in.Seat)
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("no seat %s in the charter in force on %s", in.Seat, in.Start))
		}
		t.Constituency, t.SeatNumber = st.Constituency, st.Number
	}
	more, err := resolveHolder(ctx, tx, t, k, in)
	if err != nil {
		return nil, err
	}
	problems = append(problems, more...)
	if t.Source == "" && k != nil {
		t.Source = map[Seating]string{SeatingElected: TermRecorded, SeatingExOfficio: TermExOfficio,
			SeatingAppointed: TermAppointed}[k.Seating]
	}
	return problems, nil
}

// resolveHolder checks the holder of t: a member of the seat's constituency k (nil when the
// seat is unknown) for elected seats, an organisation with its first representative, or a
// named holder who is not a member.
func resolveHolder(ctx context.Context, tx Store, t *Term, k *Constituency, in TermInput) ([]string, error) {
	if in.Member == "" {
		if in.Holder == "" {
			return []string{"holder is required when the holder is not a member"}, nil
		}
		if in.Representative != "" {
			t.Representatives = []SeatRepresentative{{Name: in.Representative, Since: in.Start}}
		}
		return nil, nil
	}
	found, err := tx.MembersByExternalID(ctx, []string{in.Member})
	if err != nil {
		return nil, err
	}
	m := found[in.Member]
	if m == nil {
		return []string{fmt.Sprintf("no member %s", in.Member)}, nil
	}
	var problems []string
	if k != nil && k.Seating == SeatingElected && m.Constituency != k.Key {
		problems = append(problems, fmt.Sprintf("member %s belongs to constituency %q, not %q", m.ExternalID, m.Constituency, k.Key))
	}
	if t.Holder == "" {
		t.Holder = m.Name
	}
	switch {
	case m.Kind == MemberOrganisation && in.Representative == "":
		problems = append(problems, fmt.Sprintf("representative is required: member %s is an organisation", m.ExternalID))
	case m.Kind == MemberOrganisation:
		t.Representatives = []SeatRepresentative{{Name: in.Representative, Since: in.Start}}
	case in.Representative != "":
		problems = append(problems, fmt.Sprintf("representative is only for organisations: member %s is a person", m.ExternalID))
	}
	return problems, nil
}

// checkOverlap returns ECONFLICT when t overlaps another term of its seat.
func checkOverlap(ctx context.Context, tx Store, t *Term) error {
	others, err := tx.Terms(ctx, TermFilter{Seat: t.Seat})
	if err != nil {
		return err
	}
	for _, o := range others {
		if t.Start.Before(o.Until()) && o.Start.Before(t.Until()) {
			return Errorf(ECONFLICT, "seat %s is held by %s from %s until %s, which overlaps %s to %s",
				t.Seat, o.Holder, o.Start, o.Until(), t.Start, t.End)
		}
	}
	return nil
}

// VacateSeat ends the term covering on, early, from on (exclusive), for reason EndResigned or
// EndRemoved. A seat vacant on that day is a conflict. A non-empty note replaces the term's.
func (s *Service) VacateSeat(ctx context.Context, actor Actor, seat string, on Date, reason, note string) (*Term, error) {
	var problems []string
	if on.IsZero() {
		problems = append(problems, "on is required: the first day the seat is vacant")
	}
	if reason != EndResigned && reason != EndRemoved {
		problems = append(problems, fmt.Sprintf("reason %q is not %s or %s", reason, EndResigned, EndRemoved))
	}
	if hasNUL(note) {
		problems = append(problems, "note "+nulProblem)
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	var out *Term
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockBoard); err != nil {
			return err
		}
		t, err := termOn(ctx, tx, seat, on)
		if err != nil {
			return err
		}
		t.EndedOn, t.EndReason = on, reason
		if note != "" {
			t.Note = note
		}
		if err := tx.UpdateTerm(ctx, t); err != nil {
			return err
		}
		out = t
		return record(ctx, tx, s.clock.Now().UTC(), actor, 0, EventSeatVacated, map[string]any{
			"seat": seat, "holder": t.Holder, "member": t.MemberExternalID, "start": t.Start, "end": t.End,
			"on": on, "reason": reason, "note": note,
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// termOn returns the term of seat covering d: ENOTFOUND when the seat is in no charter
// version, ECONFLICT when it is vacant on d.
func termOn(ctx context.Context, tx Store, seat string, d Date) (*Term, error) {
	terms, err := tx.Terms(ctx, TermFilter{Seat: seat})
	if err != nil {
		return nil, err
	}
	if t := termCovering(terms, d); t != nil {
		return t, nil
	}
	versions, err := tx.Charters(ctx)
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 && !slices.ContainsFunc(versions, func(c Charter) bool { _, _, ok := findSeat(&c, seat); return ok }) {
		return nil, Errorf(ENOTFOUND, "no seat %s", seat)
	}
	return nil, Errorf(ECONFLICT, "seat %s is vacant on %s", seat, d)
}

// ReplaceSeatRepresentative makes name the person sitting, from since, for the organisation
// holding the seat on since; the term and its dates do not change (no election). Naming the
// person who already sits (from since or earlier) changes nothing and records no event.
func (s *Service) ReplaceSeatRepresentative(ctx context.Context, actor Actor, seat string, since Date, name string) (*Term, error) {
	name = strings.TrimSpace(name)
	var problems []string
	if since.IsZero() {
		problems = append(problems, "since is required")
	}
	if name == "" {
		problems = append(problems, "name is required")
	} else if hasNUL(name) {
		problems = append(problems, "name "+nulProblem)
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	var out *Term
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockBoard); err != nil {
			return err
		}
		t, err := termOn(ctx, tx, seat, since)
		if err != nil {
			return err
		}
		n := len(t.Representatives)
		if n == 0 {
			return Errorf(ECONFLICT, "%s holds seat %s on %s without a representative to replace", t.Holder, seat, since)
		}
		last := t.Representatives[n-1]
		if name == last.Name && !since.Before(last.Since) {
			out = t // already the one sitting: nothing changes, nothing to record
			return nil
		}
		if !since.After(last.Since) {
			return Errorf(EINVALID, "since %s must be after %s, when %s took the seat", since, last.Since, last.Name)
		}
		r := SeatRepresentative{Name: name, Since: since}
		if err := tx.AddSeatRepresentative(ctx, t.ID, r); err != nil {
			return err
		}
		t.Representatives = append(t.Representatives, r)
		out = t
		return record(ctx, tx, s.clock.Now().UTC(), actor, 0, EventSeatRepresentativeReplaced, map[string]any{
			"seat": seat, "holder": t.Holder, "member": t.MemberExternalID, "since": since,
			"from": last.Name, "to": name,
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
