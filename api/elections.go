package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// electionResponse is an election as anyone may see it: its calendar, where it stands, and its
// contests.
type electionResponse struct {
	ID    int64  `json:"id"`
	Year  int    `json:"year"`
	Title string `json:"title"`
	// Phase is where the election stands now.
	Phase string `json:"phase"`
	// CharterVersion is the charter the election was created under.
	CharterVersion int `json:"charter_version"`
	// Cutoff is the roll cut-off day.
	Cutoff string `json:"cutoff"`
	// Deadlines is the deadline policy, utc or aoe.
	Deadlines string           `json:"deadlines"`
	Schedule  scheduleResponse `json:"schedule"`
	CreatedAt time.Time        `json:"created_at"`
	// Contests are in charter order.
	Contests []contestResponse `json:"contests"`
}

// scheduleResponse is an election's calendar: the configured days, and the instants (UTC) at
// which nominations and voting open and close under the deadline policy.
type scheduleResponse struct {
	AnnouncedOn        string    `json:"announced_on"`
	NominationsOpen    string    `json:"nominations_open"`
	NominationsClose   string    `json:"nominations_close"`
	VotingOpen         string    `json:"voting_open"`
	VotingClose        string    `json:"voting_close"`
	ResultsOn          string    `json:"results_on,omitempty"`
	NominationsOpenAt  time.Time `json:"nominations_open_at"`
	NominationsCloseAt time.Time `json:"nominations_close_at"`
	VotingOpenAt       time.Time `json:"voting_open_at"`
	VotingCloseAt      time.Time `json:"voting_close_at"`
}

func toScheduleResponse(e *elections.Election) scheduleResponse {
	sch := e.Schedule
	return scheduleResponse{
		AnnouncedOn:        sch.AnnouncedOn.String(),
		NominationsOpen:    sch.NominationsOpen.String(),
		NominationsClose:   sch.NominationsClose.String(),
		VotingOpen:         sch.VotingOpen.String(),
		VotingClose:        sch.VotingClose.String(),
		ResultsOn:          sch.ResultsOn.String(),
		NominationsOpenAt:  sch.NominationsOpen.Time().UTC(),
		NominationsCloseAt: e.DeadlineEnd(sch.NominationsClose).UTC(),
		VotingOpenAt:       sch.VotingOpen.Time().UTC(),
		VotingCloseAt:      e.DeadlineEnd(sch.VotingClose).UTC(),
	}
}

// toElectionResponse builds the response from an election and the views of its contests (in
// the order of e.Contests) at now.
func toElectionResponse(e *elections.Election, views []elections.ContestView, now time.Time) electionResponse {
	out := electionResponse{
		ID:             e.ID,
		Year:           e.Year,
		Title:          e.Title,
		Phase:          string(e.Phase(now)),
		CharterVersion: e.CharterVersion,
		Cutoff:         e.Cutoff.String(),
		Deadlines:      string(e.Deadlines),
		Schedule:       toScheduleResponse(e),
		CreatedAt:      e.CreatedAt.UTC(),
		Contests:       make([]contestResponse, len(views)),
	}
	for i := range views {
		out.Contests[i] = toContestResponse(&views[i])
	}
	return out
}

// electionListResponse is the answer of GET /elections.
type electionListResponse struct {
	// Elections are newest year first.
	Elections []electionResponse `json:"elections"`
}

// scheduleRequest is an election's calendar in a request: days YYYY-MM-DD.
type scheduleRequest struct {
	AnnouncedOn      string `json:"announced_on"`
	NominationsOpen  string `json:"nominations_open"`
	NominationsClose string `json:"nominations_close"`
	VotingOpen       string `json:"voting_open"`
	VotingClose      string `json:"voting_close"`
	ResultsOn        string `json:"results_on"`
}

// parse returns the schedule, noting a problem in dates for each day that is not one.
func (r scheduleRequest) parse(dates *fieldDates) elections.Schedule {
	return elections.Schedule{
		AnnouncedOn:      dates.parse("schedule.announced_on", r.AnnouncedOn),
		NominationsOpen:  dates.parse("schedule.nominations_open", r.NominationsOpen),
		NominationsClose: dates.parse("schedule.nominations_close", r.NominationsClose),
		VotingOpen:       dates.parse("schedule.voting_open", r.VotingOpen),
		VotingClose:      dates.parse("schedule.voting_close", r.VotingClose),
		ResultsOn:        dates.parse("schedule.results_on", r.ResultsOn),
	}
}

// electionRequest is the body of POST /elections. The domain checks that the required days
// are given and in order.
type electionRequest struct {
	Year      int             `json:"year"`
	Title     string          `json:"title"`
	Cutoff    string          `json:"cutoff"`
	Deadlines string          `json:"deadlines"`
	Schedule  scheduleRequest `json:"schedule"`
}

// scheduleUpdateRequest is the body of PUT /elections/{id}/schedule: the whole new calendar,
// and the deadline policy when it changes.
type scheduleUpdateRequest struct {
	Deadlines string          `json:"deadlines"`
	Schedule  scheduleRequest `json:"schedule"`
}

// electionLocation is the URL of an election.
func electionLocation(id int64) string {
	return "/api/v1/elections/" + strconv.FormatInt(id, 10)
}

// electionResponseOf returns the response for e, with the views of its contests (their
// candidates and outcomes).
func (s *Server) electionResponseOf(ctx context.Context, e *elections.Election) (electionResponse, error) {
	views, err := s.svc.ElectionContests(ctx, e.ID)
	if err != nil {
		return electionResponse{}, err
	}
	return toElectionResponse(e, views, s.svc.Clock().Now()), nil
}

// createElection creates the election of a year with its contests.
func (s *Server) createElection(c echo.Context) error {
	var req electionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var dates fieldDates
	in := elections.ElectionInput{Year: req.Year, Title: req.Title, Cutoff: dates.parse("cutoff", req.Cutoff),
		Deadlines: elections.DeadlinePolicy(req.Deadlines), Schedule: req.Schedule.parse(&dates)}
	if err := dates.err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.svc.CreateElection(ctx, callerOf(c).actor, in)
	if err != nil {
		return err
	}
	out, err := s.electionResponseOf(ctx, e)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, electionLocation(e.ID))
	return c.JSON(http.StatusCreated, out)
}

// listElections returns every election, newest year first.
func (s *Server) listElections(c echo.Context) error {
	ctx := c.Request().Context()
	es, err := s.svc.Elections(ctx)
	if err != nil {
		return err
	}
	out := electionListResponse{Elections: make([]electionResponse, len(es))}
	for i := range es {
		if out.Elections[i], err = s.electionResponseOf(ctx, &es[i]); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}

// getElection returns one election.
func (s *Server) getElection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.svc.Election(ctx, id)
	if err != nil {
		return err
	}
	out, err := s.electionResponseOf(ctx, e)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// updateSchedule replaces an election's calendar.
func (s *Server) updateSchedule(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req scheduleUpdateRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var dates fieldDates
	sch := req.Schedule.parse(&dates)
	if err := dates.err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.svc.UpdateSchedule(ctx, callerOf(c).actor, id, sch, elections.DeadlinePolicy(req.Deadlines))
	if err != nil {
		return err
	}
	out, err := s.electionResponseOf(ctx, e)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
