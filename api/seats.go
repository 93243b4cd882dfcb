package api

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// seatResponse is one seat of the board.
type seatResponse struct {
	// Key is "<constituency>-<number>", e.g. "individual-2".
	Key          string `json:"key"`
	Constituency string `json:"constituency"`
	Number       int    `json:"number"`
	// Cohort is the constituency's cohort; 0 for seats not elected.
	Cohort int `json:"cohort"`
}

func toSeatResponse(s *elections.Seat) seatResponse {
	return seatResponse{Key: s.Key, Constituency: s.Constituency, Number: s.Number, Cohort: s.Cohort}
}

// seatListResponse is the answer of GET /board/seats.
type seatListResponse struct {
	// At is the day whose charter the seats are of.
	At    string         `json:"at"`
	Seats []seatResponse `json:"seats"`
}

func toSeatListResponse(at elections.Date, seats []elections.Seat) seatListResponse {
	out := seatListResponse{At: at.String(), Seats: make([]seatResponse, len(seats))}
	for i := range seats {
		out.Seats[i] = toSeatResponse(&seats[i])
	}
	return out
}

// publicTermResponse is a term of office as anyone may see it: names, dates and reasons, no
// member ids and no officers' notes.
type publicTermResponse struct {
	// Holder is the display name of the person or organisation holding the seat.
	Holder string `json:"holder"`
	// Start is the first day of the term; End the day it ends (exclusive).
	Start string `json:"start"`
	End   string `json:"end"`
	// EndedOn and EndReason are set when the term ended early.
	EndedOn   string `json:"ended_on,omitempty"`
	EndReason string `json:"end_reason,omitempty"`
	// Source says how the term came about: election, appointment, ex_officio or record.
	Source       string `json:"source"`
	ElectionYear int    `json:"election_year,omitempty"`
	// Representatives are who sat for an organisation holder, oldest first.
	Representatives []seatRepresentativeResponse `json:"representatives,omitempty"`
}

// seatRepresentativeResponse is the person who sat for an organisation from Since.
type seatRepresentativeResponse struct {
	Name  string `json:"name"`
	Since string `json:"since"`
}

func toPublicTermResponse(t *elections.Term) publicTermResponse {
	out := publicTermResponse{
		Holder:       t.Holder,
		Start:        t.Start.String(),
		End:          t.End.String(),
		EndedOn:      t.EndedOn.String(),
		EndReason:    t.EndReason,
		Source:       t.Source,
		ElectionYear: t.ElectionYear,
	}
	for _, r := range t.Representatives {
		out.Representatives = append(out.Representatives, seatRepresentativeResponse{Name: r.Name, Since: r.Since.String()})
	}
	return out
}

// termResponse is a term as the officers who record it see it: the public term, its seat,
// the holder's member external id and the note.
type termResponse struct {
	Seat string `json:"seat"`
	publicTermResponse
	Member string `json:"member,omitempty"`
	Note   string `json:"note,omitempty"`
}

func toTermResponse(t *elections.Term) termResponse {
	return termResponse{Seat: t.Seat, publicTermResponse: toPublicTermResponse(t), Member: t.MemberExternalID, Note: t.Note}
}

// seatHistoryResponse is the answer of GET /board/seats/{seat}.
type seatHistoryResponse struct {
	Seat seatResponse `json:"seat"`
	// Terms are the seat's terms, oldest first.
	Terms []publicTermResponse `json:"terms"`
}

func toSeatHistoryResponse(seat *elections.Seat, terms []elections.Term) seatHistoryResponse {
	out := seatHistoryResponse{Seat: toSeatResponse(seat), Terms: make([]publicTermResponse, len(terms))}
	for i := range terms {
		out.Terms[i] = toPublicTermResponse(&terms[i])
	}
	return out
}

// rosterResponse is who holds every seat on a day.
type rosterResponse struct {
	At             string               `json:"at"`
	CharterVersion int                  `json:"charter_version"`
	Seats          []rosterSeatResponse `json:"seats"`
}

// rosterSeatResponse is one seat of the roster; Term is absent when the seat is vacant.
type rosterSeatResponse struct {
	Seat             string              `json:"seat"`
	Constituency     string              `json:"constituency"`
	Number           int                 `json:"number"`
	ConstituencyName string              `json:"constituency_name"`
	Category         string              `json:"category"`
	Seating          string              `json:"seating"`
	Vacant           bool                `json:"vacant"`
	Term             *publicTermResponse `json:"term,omitempty"`
	// Representative is who sat for an organisation holder on the day.
	Representative string `json:"representative,omitempty"`
}

func toRosterResponse(r *elections.Roster) rosterResponse {
	out := rosterResponse{At: r.At.String(), CharterVersion: r.CharterVersion, Seats: make([]rosterSeatResponse, len(r.Seats))}
	for i := range r.Seats {
		rs := &r.Seats[i]
		seat := rosterSeatResponse{
			Seat:             rs.Seat.Key,
			Constituency:     rs.Seat.Constituency,
			Number:           rs.Seat.Number,
			ConstituencyName: rs.ConstituencyName,
			Category:         rs.Category,
			Seating:          string(rs.Seating),
			Vacant:           rs.Vacant(),
			Representative:   rs.Representative,
		}
		if rs.Term != nil {
			t := toPublicTermResponse(rs.Term)
			seat.Term = &t
		}
		out.Seats[i] = seat
	}
	return out
}

// seatsUpResponse is which seats each elected constituency elects in a year.
type seatsUpResponse struct {
	Year           int                           `json:"year"`
	At             string                        `json:"at"`
	CharterVersion int                           `json:"charter_version"`
	Bootstrap      bool                          `json:"bootstrap"`
	Constituencies []constituencySeatsUpResponse `json:"constituencies"`
}

// constituencySeatsUpResponse is one constituency's seats up. ActiveMembers is set only when
// the constituency's seat count is a ratio of its active members.
type constituencySeatsUpResponse struct {
	Constituency  string           `json:"constituency"`
	Name          string           `json:"name"`
	InCycle       bool             `json:"in_cycle"`
	SeatsInUse    int              `json:"seats_in_use"`
	ActiveMembers *int             `json:"active_members,omitempty"`
	Seats         []seatUpResponse `json:"seats"`
}

// seatUpResponse is one seat up and the term it is elected for.
type seatUpResponse struct {
	Seat         string `json:"seat"`
	TermYears    int    `json:"term_years"`
	TermEndsYear int    `json:"term_ends_year"`
	ByElection   bool   `json:"by_election"`
	Reason       string `json:"reason"`
}

// toSeatUpResponse maps a seat up; a contest's seats (elections.ContestSeat) convert to
// elections.SeatUp, whose fields they share.
func toSeatUpResponse(s elections.SeatUp) seatUpResponse {
	return seatUpResponse{Seat: s.Seat, TermYears: s.TermYears, TermEndsYear: s.TermEndsYear,
		ByElection: s.ByElection, Reason: s.Reason}
}

func toSeatsUpResponse(su *elections.SeatsUp) seatsUpResponse {
	out := seatsUpResponse{Year: su.Year, At: su.At.String(), CharterVersion: su.CharterVersion,
		Bootstrap: su.Bootstrap, Constituencies: make([]constituencySeatsUpResponse, len(su.Constituencies))}
	for i, c := range su.Constituencies {
		cr := constituencySeatsUpResponse{Constituency: c.Constituency, Name: c.Name, InCycle: c.InCycle,
			SeatsInUse: c.SeatsInUse, Seats: make([]seatUpResponse, len(c.Seats))}
		if c.ActiveMembers >= 0 {
			n := c.ActiveMembers
			cr.ActiveMembers = &n
		}
		for j, s := range c.Seats {
			cr.Seats[j] = toSeatUpResponse(s)
		}
		out.Constituencies[i] = cr
	}
	return out
}

// recordTermRequest is the body of POST /board/seats/{seat}/terms.
type recordTermRequest struct {
	// Holder is the holder's display name; default the member's name.
	Holder string `json:"holder"`
	// Member is the holder's member external id; optional.
	Member string `json:"member"`
	// Representative sits for an organisation holder; required for one.
	Representative string `json:"representative"`
	// Start (required) and End (default Start plus Years) are dates YYYY-MM-DD.
	Start string `json:"start"`
	End   string `json:"end"`
	Years int    `json:"years"`
	// Source is election, appointment, ex_officio or record; default from the seating.
	Source       string `json:"source"`
	ElectionYear int    `json:"election_year"`
	Note         string `json:"note"`
}

// vacateRequest is the body of POST /board/seats/{seat}/vacate.
type vacateRequest struct {
	// On is the day the seat becomes vacant, YYYY-MM-DD.
	On string `json:"on"`
	// Reason is resigned or removed.
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// seatRepresentativeRequest is the body of POST /board/seats/{seat}/representative.
type seatRepresentativeRequest struct {
	Name string `json:"name"`
	// Since is the representative's first day, YYYY-MM-DD.
	Since string `json:"since"`
}

// listSeats returns the seats of the charter in force on ?at= (default today).
func (s *Server) listSeats(c echo.Context) error {
	at, err := queryDate(c, "at", s.today())
	if err != nil {
		return err
	}
	seats, err := s.svc.Seats(c.Request().Context(), at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSeatListResponse(at, seats))
}

// getSeat returns a seat and its terms.
func (s *Server) getSeat(c echo.Context) error {
	key, err := pathText(c, "seat")
	if err != nil {
		return err
	}
	seat, terms, err := s.svc.SeatHistory(c.Request().Context(), key)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSeatHistoryResponse(seat, terms))
}

// roster returns who holds every seat on ?at= (default today).
func (s *Server) roster(c echo.Context) error {
	at, err := queryDate(c, "at", s.today())
	if err != nil {
		return err
	}
	r, err := s.svc.Roster(c.Request().Context(), at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRosterResponse(r))
}

// seatsUp returns the seats up in ?year= (default this year), counted on ?at= (default
// 1 January of that year).
func (s *Server) seatsUp(c echo.Context) error {
	year, err := queryInt(c, "year")
	if err != nil {
		return err
	}
	if c.QueryParam("year") == "" {
		year = s.today().Year()
	}
	at, err := queryDate(c, "at", elections.Date{})
	if err != nil {
		return err
	}
	su, err := s.svc.SeatsUp(c.Request().Context(), year, at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSeatsUpResponse(su))
}

// recordTerm records a term on the seat of the path.
func (s *Server) recordTerm(c echo.Context) error {
	seat, err := pathText(c, "seat")
	if err != nil {
		return err
	}
	var req recordTermRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var dates fieldDates
	in := elections.TermInput{Seat: seat, Holder: req.Holder, Member: req.Member, Representative: req.Representative,
		Start: dates.parse("start", req.Start), End: dates.parse("end", req.End), Years: req.Years,
		Source: req.Source, ElectionYear: req.ElectionYear, Note: req.Note}
	if err := dates.err(); err != nil {
		return err
	}
	t, err := s.svc.RecordTerm(c.Request().Context(), callerOf(c).actor, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/board/seats/"+url.PathEscape(t.Seat))
	return c.JSON(http.StatusCreated, toTermResponse(t))
}

// vacateSeat ends the term on the seat of the path early.
func (s *Server) vacateSeat(c echo.Context) error {
	seat, err := pathText(c, "seat")
	if err != nil {
		return err
	}
	var req vacateRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var dates fieldDates
	dates.require("on", req.On)
	on := dates.parse("on", req.On)
	if err := dates.err(); err != nil {
		return err
	}
	t, err := s.svc.VacateSeat(c.Request().Context(), callerOf(c).actor, seat, on, req.Reason, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTermResponse(t))
}

// replaceSeatRepresentative changes who sits for the organisation holding the seat.
func (s *Server) replaceSeatRepresentative(c echo.Context) error {
	seat, err := pathText(c, "seat")
	if err != nil {
		return err
	}
	var req seatRepresentativeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var dates fieldDates
	dates.require("since", req.Since)
	since := dates.parse("since", req.Since)
	if err := dates.err(); err != nil {
		return err
	}
	t, err := s.svc.ReplaceSeatRepresentative(c.Request().Context(), callerOf(c).actor, seat, since, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTermResponse(t))
}
