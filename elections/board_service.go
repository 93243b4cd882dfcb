package elections

import "context"

// This file's bodies are placeholders until the board helper replaces them.

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
	// an organisation, refused for a person.
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

// ApplyCharter validates c and stores it as the next charter version. Applying content equal
// to the latest version's (same Fingerprint) changes nothing and returns that version with
// changed false. Every problem is reported at once (EINVALID with Details).
func (s *Service) ApplyCharter(ctx context.Context, actor Actor, c *Charter) (_ *Charter, changed bool, _ error) {
	return nil, false, Errorf(EINTERNAL, "not implemented")
}

// CharterAt returns the charter version in force on d (ENOTFOUND when none is).
func (s *Service) CharterAt(ctx context.Context, d Date) (*Charter, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// CharterVersion returns one charter version (ENOTFOUND when there is no such version).
func (s *Service) CharterVersion(ctx context.Context, version int) (*Charter, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Charters returns every charter version, oldest first.
func (s *Service) Charters(ctx context.Context) ([]Charter, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// Seats returns the seats of the charter in force on d.
func (s *Service) Seats(ctx context.Context, d Date) ([]Seat, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// SeatHistory returns a seat (of any charter version) and all its terms, oldest first.
func (s *Service) SeatHistory(ctx context.Context, seat string) (*Seat, []Term, error) {
	return nil, nil, Errorf(EINTERNAL, "not implemented")
}

// Roster returns who holds every seat on d.
func (s *Service) Roster(ctx context.Context, d Date) (*Roster, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// SeatsUp returns the seats each elected constituency elects in year, with vacancies and
// ratio seat counts taken on at (1 January of year when zero).
func (s *Service) SeatsUp(ctx context.Context, year int, at Date) (*SeatsUp, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// RecordTerm records a term of office on a seat (an appointment, an ex officio holder, or a
// term from earlier records). The term must not overlap another on the same seat.
func (s *Service) RecordTerm(ctx context.Context, actor Actor, in TermInput) (*Term, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// VacateSeat ends the term covering on, early, from on (exclusive), for reason EndResigned or
// EndRemoved. A seat vacant on that day is a conflict.
func (s *Service) VacateSeat(ctx context.Context, actor Actor, seat string, on Date, reason, note string) (*Term, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// ReplaceSeatRepresentative makes name the person sitting, from since, for the organisation
// holding the seat on since; the term and its dates do not change (no election).
func (s *Service) ReplaceSeatRepresentative(ctx context.Context, actor Actor, seat string, since Date, name string) (*Term, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}
