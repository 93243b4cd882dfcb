package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally/report"
)

// resultResponse is the count of one contest.
type resultResponse struct {
	ContestID int64  `json:"contest_id"`
	Contest   string `json:"contest"`
	// RoundID is the round whose ballots were counted; null for a contest decided without a
	// vote (acclamation, no candidates).
	RoundID    *int64           `json:"round_id"`
	Outcome    string           `json:"outcome"`
	Void       bool             `json:"void"`
	VoidReason string           `json:"void_reason,omitempty"`
	RollSize   int              `json:"roll_size"`
	Voters     int              `json:"voters"`
	Ballots    int              `json:"ballots"`
	Superseded int              `json:"superseded"`
	Elected    []winnerResponse `json:"elected"`
	// VacantSeats are the seats left unfilled.
	VacantSeats []string `json:"vacant_seats"`
	// Runoff is set when the count ended in a tie that the charter sends to a runoff.
	Runoff    *runoffResponse `json:"runoff"`
	CountedAt time.Time       `json:"counted_at"`
}

// winnerResponse is one elected candidate with the seat and term they take. The member id
// stays out: results are public once certified, and the candidate lists never show it.
type winnerResponse struct {
	Candidate    int64  `json:"candidate"`
	Name         string `json:"name"`
	Seat         string `json:"seat"`
	TermYears    int    `json:"term_years"`
	TermEndsYear int    `json:"term_ends_year"`
}

// runoffResponse is a tie that a runoff round must decide.
type runoffResponse struct {
	Candidates []int64 `json:"candidates"`
	Seats      int     `json:"seats"`
	Tie        string  `json:"tie"`
}

func toResultResponse(r *elections.ContestResult, names map[int64]string) resultResponse {
	out := resultResponse{
		ContestID: r.ContestID, Contest: names[r.ContestID], Outcome: string(r.Outcome), Void: r.Void,
		VoidReason: r.VoidReason, RollSize: r.RollSize, Voters: r.Voters, Ballots: r.Ballots,
		Superseded: r.Superseded, Elected: make([]winnerResponse, len(r.Elected)),
		VacantSeats: append([]string{}, r.VacantSeats...), CountedAt: r.CountedAt.UTC(),
	}
	if r.RoundID != 0 {
		id := r.RoundID
		out.RoundID = &id
	}
	for i, w := range r.Elected {
		out.Elected[i] = winnerResponse{Candidate: w.Candidate, Name: w.Name, Seat: w.Seat, TermYears: w.TermYears,
			TermEndsYear: w.TermEndsYear}
	}
	if r.Runoff != nil {
		out.Runoff = &runoffResponse{Candidates: append([]int64{}, r.Runoff.Candidates...), Seats: r.Runoff.Seats,
			Tie: r.Runoff.Tie}
	}
	return out
}

// resultsResponse is the answer of POST /elections/{id}/count and GET /elections/{id}/results.
type resultsResponse struct {
	ElectionID int64  `json:"election_id"`
	Status     string `json:"status"`
	// Results are by contest, then round: a contest with a runoff has the first count's
	// result and then the runoff's, which is final.
	Results []resultResponse `json:"results"`
}

// certifyResponse is the answer of POST /elections/{id}/certify.
type certifyResponse struct {
	ElectionID int64  `json:"election_id"`
	Status     string `json:"status"`
	// Terms are the terms of office the certification recorded.
	Terms []certifiedTermResponse `json:"terms"`
}

// certifiedTermResponse is a term that the certification recorded.
type certifiedTermResponse struct {
	Seat           string `json:"seat"`
	Holder         string `json:"holder"`
	Member         string `json:"member"`
	Representative string `json:"representative,omitempty"`
	Start          string `json:"start"`
	End            string `json:"end"`
}

func toCertifiedTermResponse(t *elections.Term) certifiedTermResponse {
	out := certifiedTermResponse{Seat: t.Seat, Holder: t.Holder, Member: t.MemberExternalID,
		Start: t.Start.String(), End: t.End.String()}
	if n := len(t.Representatives); n > 0 {
		out.Representative = t.Representatives[n-1].Name
	}
	return out
}

// viewer returns the caller of a public route whose answer depends on who asks (results,
// reports, ballots): the actor of the bearer token when one is sent, else the zero Actor,
// which the service treats as the public. A token that is sent must be valid (401 otherwise):
// answering as to the public would hide the caller's mistake.
func (s *Server) viewer(c echo.Context) (elections.Actor, error) {
	if c.Request().Header.Get(echo.HeaderAuthorization) == "" {
		return elections.Actor{}, nil
	}
	id, err := s.authenticate(c)
	if err != nil {
		return elections.Actor{}, err
	}
	return id.actor, nil
}

// resultsResponseOf builds the results of an election, with its status and contest names.
func (s *Server) resultsResponseOf(ctx context.Context, electionID int64, rs []elections.ContestResult) (resultsResponse, error) {
	e, err := s.svc.Election(ctx, electionID)
	if err != nil {
		return resultsResponse{}, err
	}
	names, err := s.contestNames(ctx, electionID)
	if err != nil {
		return resultsResponse{}, err
	}
	out := resultsResponse{ElectionID: electionID, Status: string(e.Status), Results: make([]resultResponse, len(rs))}
	for i := range rs {
		out.Results[i] = toResultResponse(&rs[i], names)
	}
	return out, nil
}

// countElection counts every contest of an election.
func (s *Server) countElection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rs, err := s.svc.CountElection(ctx, callerOf(c).actor, id)
	if err != nil {
		return err
	}
	out, err := s.resultsResponseOf(ctx, id, rs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// getResults returns the results of an election, to whom the service shows them.
func (s *Server) getResults(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	actor, err := s.viewer(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rs, err := s.svc.Results(ctx, actor, id)
	if err != nil {
		return err
	}
	out, err := s.resultsResponseOf(ctx, id, rs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// certifyElection certifies a counted election and seats its winners.
func (s *Server) certifyElection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	terms, err := s.svc.CertifyElection(ctx, callerOf(c).actor, id)
	if err != nil {
		return err
	}
	e, err := s.svc.Election(ctx, id)
	if err != nil {
		return err
	}
	out := certifyResponse{ElectionID: id, Status: string(e.Status), Terms: make([]certifiedTermResponse, len(terms))}
	for i := range terms {
		out.Terms[i] = toCertifiedTermResponse(&terms[i])
	}
	return c.JSON(http.StatusOK, out)
}

// exportFormat reads the format query parameter: one of allowed, the first by default.
func exportFormat(c echo.Context, allowed ...string) (string, error) {
	f := c.QueryParam("format")
	if f == "" {
		return allowed[0], nil
	}
	for _, a := range allowed {
		if f == a {
			return f, nil
		}
	}
	return "", errorf(elections.EINVALID, "query parameter format must be one of %s, not %q", joinOr(allowed), f)
}

// joinOr names choices for a message, e.g. "json, text or csv".
func joinOr(choices []string) string {
	switch len(choices) {
	case 0:
		return ""
	case 1:
		return choices[0]
	}
	out := choices[0]
	for _, s := range choices[1 : len(choices)-1] {
		out += ", " + s
	}
	return out + " or " + choices[len(choices)-1]
}

// attachment sets Content-Disposition so that a browser saves the answer as name.
func attachment(c echo.Context, name string) {
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
}

// getReport returns the count report of a contest: the pkg/tally/report JSON as stored at the
// count, or the count sheet as text or CSV made from it. round=N picks the count of the
// contest's round number N (a contest with a runoff has two); default its final count.
func (s *Server) getReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	format, err := exportFormat(c, "json", "text", "csv")
	if err != nil {
		return err
	}
	number, err := roundParam(c)
	if err != nil {
		return err
	}
	actor, err := s.viewer(c)
	if err != nil {
		return err
	}
	r, name, err := s.contestReport(c.Request().Context(), actor, id, number)
	if err != nil {
		return err
	}
	if len(r.Report) == 0 {
		return errorf(elections.ENOTFOUND, "the %s contest has no count report: %s", name, noReportReason(r))
	}
	if format == "json" {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, r.Report)
	}
	var rep report.Report
	if err := json.Unmarshal(r.Report, &rep); err != nil {
		return fmt.Errorf("stored report of contest %d: %w", id, err)
	}
	var buf bytes.Buffer
	if format == "text" {
		if err := rep.WriteText(&buf); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "text/plain; charset=utf-8", buf.Bytes())
	}
	if err := rep.WriteCSV(&buf); err != nil {
		return err
	}
	file := fmt.Sprintf("contest-%d-report.csv", id)
	if number > 0 {
		file = fmt.Sprintf("contest-%d-round-%d-report.csv", id, number)
	}
	attachment(c, file)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// roundParam reads the query parameter round of the report and the ballots: the number of a
// round of the election, ≥ 1; absent means 0 (the contest's final count, its latest round).
func roundParam(c echo.Context) (int, error) {
	number, err := queryInt(c, "round")
	if err != nil {
		return 0, err
	}
	if number < 0 || c.QueryParam("round") != "" && number == 0 {
		return 0, errorf(elections.EINVALID, "query parameter round must be a round number ≥ 1, not %q", c.QueryParam("round"))
	}
	return number, nil
}

// noReportReason says why a contest's result has no report.
func noReportReason(r *elections.ContestResult) string {
	switch {
	case r.Void:
		return "the count is void (" + r.VoidReason + ")"
	case r.Outcome == elections.OutcomeAcclamation:
		return "its candidates were elected by acclamation, without a vote"
	case r.Outcome == elections.OutcomeNoCandidates:
		return "it had no candidates"
	}
	return "it was decided without a count"
}

// contestReport returns the result of a contest that carries the report asked for (the final
// one when number is 0, else the one of round number number) and the contest's name, under
// the service's rules of who sees results.
func (s *Server) contestReport(ctx context.Context, actor elections.Actor, contestID int64, number int) (*elections.ContestResult, string, error) {
	v, err := s.svc.Contest(ctx, contestID)
	if err != nil {
		return nil, "", err
	}
	name := v.Contest.Name
	if number == 0 {
		r, err := s.svc.ContestResult(ctx, actor, contestID)
		return r, name, err
	}
	rs, err := s.svc.Results(ctx, actor, v.Contest.ElectionID)
	if err != nil {
		return nil, "", err
	}
	rounds, err := s.svc.Rounds(ctx, v.Contest.ElectionID)
	if err != nil {
		return nil, "", err
	}
	var roundID int64
	for i := range rounds {
		if rounds[i].Round.Number == number {
			roundID = rounds[i].Round.ID
		}
	}
	for i := range rs {
		if rs[i].ContestID == contestID && roundID != 0 && rs[i].RoundID == roundID {
			return &rs[i], name, nil
		}
	}
	return nil, "", errorf(elections.ENOTFOUND, "the %s contest has no count of round %d", name, number)
}
