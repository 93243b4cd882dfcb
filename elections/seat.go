package elections

import (
	"context"
	"time"
)

// Seat is one seat of the board: the Number-th seat of a constituency, elected in the years
// of its cohort. Its Key is "<constituency>-<number>", e.g. "individual-2".
type Seat struct {
	Key          string
	Constituency string
	Number       int
	// Cohort is the constituency's cohort (Constituency.Cohort); 0 for seats not elected.
	Cohort int
}

// How a term of office came about.
const (
	// TermElected: won in an election (or acclaimed).
	TermElected = "election"
	// TermAppointed: appointed to an appointed seat.
	TermAppointed = "appointment"
	// TermExOfficio: holds the seat by virtue of an office.
	TermExOfficio = "ex_officio"
	// TermRecorded: recorded by an officer from earlier records (e.g. elections held before
	// govboard).
	TermRecorded = "record"
)

// Why a term ended early.
const (
	EndResigned = "resigned"
	EndRemoved  = "removed"
)

// Term is one holder's term of office on a seat: from Start until End (the day the term ends,
// exclusive: the holder holds the seat on Start and not on End), unless it ended early on
// EndedOn (resignation or removal, exclusive as well).
type Term struct {
	// ID is the store's internal id; never shown outside the service.
	ID int64
	// Seat is the seat's key; Constituency and SeatNumber restate it.
	Seat         string
	Constituency string
	SeatNumber   int
	// Holder is the display name of the person or organisation holding the seat.
	Holder string
	// MemberExternalID links the holder to the member roll; empty for a holder who is not a
	// member (e.g. the Managing Director).
	MemberExternalID string
	// Start is the first day of the term; End the day it ends (exclusive).
	Start Date
	End   Date
	// EndedOn is the day the term ended early (exclusive); zero when it runs to End.
	EndedOn Date
	// EndReason is EndResigned or EndRemoved when EndedOn is set.
	EndReason string
	// Note is an officer's free-text remark (e.g. the resignation's circumstances).
	Note string
	// Source is TermElected, TermAppointed, TermExOfficio or TermRecorded.
	Source string
	// ElectionYear is the year of the election that filled the seat, for elected terms.
	ElectionYear int
	// Representatives are the people who sat for an organisation holder, oldest first.
	Representatives []SeatRepresentative
	// RecordedAt is when the term was recorded (UTC).
	RecordedAt time.Time
}

// Until returns the day the term stops: EndedOn when it ended early, else End.
func (t *Term) Until() Date {
	if !t.EndedOn.IsZero() {
		return t.EndedOn
	}
	return t.End
}

// Covers reports whether the holder holds the seat on d.
func (t *Term) Covers(d Date) bool { return !d.Before(t.Start) && d.Before(t.Until()) }

// RepresentativeOn returns the name of who sat for an organisation holder on d, or "".
func (t *Term) RepresentativeOn(d Date) string {
	name := ""
	for _, r := range t.Representatives {
		if !r.Since.After(d) {
			name = r.Name
		}
	}
	return name
}

// SeatRepresentative is the person sitting on a seat for an organisation from Since (until the
// next one's Since).
type SeatRepresentative struct {
	Name  string
	Since Date
}

// TermFilter selects terms; zero fields do not filter.
type TermFilter struct {
	// Seat keeps the terms of this seat.
	Seat string
	// Constituency keeps the terms of this constituency's seats.
	Constituency string
}

// BoardStore keeps the terms of office on the board's seats.
type BoardStore interface {
	// CreateTerm stores a term with its Representatives and sets its ID. MemberExternalID,
	// when set, must name an existing member (ENOTFOUND otherwise).
	CreateTerm(ctx context.Context, t *Term) error
	// UpdateTerm stores EndedOn, EndReason and Note of t, by t.ID.
	UpdateTerm(ctx context.Context, t *Term) error
	// AddSeatRepresentative adds a representative to term termID.
	AddSeatRepresentative(ctx context.Context, termID int64, r SeatRepresentative) error
	// Terms returns the terms f selects, with their representatives, ordered by
	// Constituency, SeatNumber, Start.
	Terms(ctx context.Context, f TermFilter) ([]Term, error)
}

// Roster is who holds every seat on a day (DESIGN.md §2 rule 5).
type Roster struct {
	// At is the day.
	At Date
	// CharterVersion is the charter in force on At.
	CharterVersion int
	// Seats are every seat of that charter, in charter order then by number.
	Seats []RosterSeat
}

// RosterSeat is one seat on the roster.
type RosterSeat struct {
	Seat Seat
	// ConstituencyName, Category and Seating restate the constituency.
	ConstituencyName string
	Category         string
	Seating          Seating
	// Term is the term covering the day; nil when the seat is vacant.
	Term *Term
	// Representative is who sat for an organisation holder on the day; "" otherwise.
	Representative string
}

// Vacant reports whether nobody holds the seat.
func (r *RosterSeat) Vacant() bool { return r.Term == nil }

// SeatsUp is which seats each elected constituency elects in a year (DESIGN.md §2 rule 3).
type SeatsUp struct {
	Year int
	// At is the day the seat counts and vacancies were taken on.
	At Date
	// CharterVersion is the charter in force on At.
	CharterVersion int
	// Bootstrap says this is the charter's first election: every elected constituency is up.
	Bootstrap bool
	// Constituencies are those with at least one seat up, in charter order.
	Constituencies []ConstituencySeatsUp
}

// ConstituencySeatsUp is one constituency's seats up in a year.
type ConstituencySeatsUp struct {
	Constituency string
	Name         string
	// InCycle says the year is one of the constituency's cohort (or the bootstrap).
	InCycle bool
	// SeatsInUse is the constituency's seat count on the day: Seats, or the ratio's count.
	SeatsInUse int
	// ActiveMembers is the number of active members on the day when the seat count is a
	// ratio; -1 otherwise.
	ActiveMembers int
	// Seats are the seats up, in-cycle seats first, then by number.
	Seats []SeatUp
}

// SeatUp is one seat up in an election and the length of the term it is elected for.
type SeatUp struct {
	Seat string
	// TermYears is the length of the term: TermYears in cycle, less for a bootstrap
	// short term or a by-election for the remainder of a term.
	TermYears int
	// TermEndsYear is the year of the election at which the seat is next up.
	TermEndsYear int
	// ByElection says the seat is up out of its cycle (vacated mid-term or never filled).
	ByElection bool
	// Reason says why the seat is up, e.g. "in cycle", "bootstrap: 1-year term",
	// "vacant since 2025-11-03 (resigned)", "never filled".
	Reason string
}
