package api

import (
	"context"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// roundResponse is a voting round as anyone may see it: its contests with their ballots, the
// commitment to the tie-break seed, and the seed itself once the round is closed.
type roundResponse struct {
	ID         int64     `json:"id"`
	ElectionID int64     `json:"election_id"`
	Number     int       `json:"number"`
	Runoff     bool      `json:"runoff"`
	State      string    `json:"state"`
	OpenedAt   time.Time `json:"opened_at"`
	ClosesAt   time.Time `json:"closes_at"`
	// ClosedAt and ClosedBy are set once the round is closed.
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	ClosedBy string     `json:"closed_by,omitempty"`
	// SeedCommitment is the hex SHA-256 of the seed, published at the opening so that anyone
	// can check, once Seed is revealed at the close, that the seed was not chosen afterwards.
	SeedCommitment string `json:"seed_commitment"`
	Seed           string `json:"seed,omitempty"`
	// Contests are the contests voted on, ascending by id.
	Contests []roundContestResponse `json:"contests"`
}

// roundContestResponse is one contest's ballot in a round.
type roundContestResponse struct {
	ContestID  int64                     `json:"contest_id"`
	Contest    string                    `json:"contest"`
	Method     string                    `json:"method"`
	Kind       string                    `json:"kind"`
	Seats      int                       `json:"seats"`
	Revoting   bool                      `json:"revoting"`
	MaxMarks   int                       `json:"max_marks"`
	Points     int                       `json:"points"`
	AllowsTies bool                      `json:"allows_ties"`
	Candidates []ballotCandidateResponse `json:"candidates"`
}

// ballotCandidateResponse is a candidate on a ballot: the nomination id ballots name them by,
// and what the ballot shows. Never the member id.
type ballotCandidateResponse struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Pronouns    string `json:"pronouns,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
}

func toBallotCandidates(cs []elections.BallotCandidate) []ballotCandidateResponse {
	out := make([]ballotCandidateResponse, len(cs))
	for i, c := range cs {
		out[i] = ballotCandidateResponse{ID: c.ID, Name: c.Name, Pronouns: c.Pronouns, Affiliation: c.Affiliation}
	}
	return out
}

// toRoundResponse builds the response of a round; names maps contest ids to their names.
func toRoundResponse(v *elections.RoundView, names map[int64]string) roundResponse {
	r := &v.Round
	out := roundResponse{
		ID:             r.ID,
		ElectionID:     r.ElectionID,
		Number:         r.Number,
		Runoff:         r.Runoff,
		State:          string(r.State),
		OpenedAt:       r.OpenedAt.UTC(),
		ClosesAt:       r.ClosesAt.UTC(),
		ClosedBy:       r.ClosedBy,
		SeedCommitment: r.SeedCommitment,
		Contests:       make([]roundContestResponse, len(v.Ballots)),
	}
	if !r.ClosedAt.IsZero() {
		at := r.ClosedAt.UTC()
		out.ClosedAt = &at
	}
	// The domain withholds the seed of an open round; the state is checked here as well, so
	// that a seed can never leave through this response before the close.
	if r.State == elections.RoundClosed && len(r.Seed) > 0 {
		out.Seed = hex.EncodeToString(r.Seed)
	}
	for i := range v.Ballots {
		b := &v.Ballots[i]
		out.Contests[i] = roundContestResponse{
			ContestID:  b.ContestID,
			Contest:    names[b.ContestID],
			Method:     b.Method,
			Kind:       string(b.Kind),
			Seats:      b.Seats,
			Revoting:   b.Revoting,
			MaxMarks:   b.MaxMarks,
			Points:     b.Points,
			AllowsTies: b.AllowsTies,
			Candidates: toBallotCandidates(b.Candidates),
		}
	}
	return out
}

// roundListResponse is the answer of GET /elections/{id}/rounds.
type roundListResponse struct {
	// Rounds are by number.
	Rounds []roundResponse `json:"rounds"`
}

// roundRequest is the body of POST /elections/{id}/rounds; every field is optional, and so is
// the body.
type roundRequest struct {
	// Contests are the contests to open; empty: every contest that goes to a vote and has not
	// been in a round yet.
	Contests []int64 `json:"contests"`
	// ClosesAt is when the round closes by itself, RFC 3339; default the end of voting.
	ClosesAt string `json:"closes_at"`
	// Runoff opens a runoff round for a contest whose count ended in a tie.
	Runoff bool `json:"runoff"`
}

// extendRequest is the body of POST /rounds/{id}/extend.
type extendRequest struct {
	ClosesAt string `json:"closes_at"`
	Reason   string `json:"reason"`
}

// roundLocation is the URL of a round.
func roundLocation(id int64) string {
	return "/api/v1/rounds/" + strconv.FormatInt(id, 10)
}

// contestNames returns the names of an election's contests by id.
func (s *Server) contestNames(ctx context.Context, electionID int64) (map[int64]string, error) {
	views, err := s.svc.ElectionContests(ctx, electionID)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(views))
	for i := range views {
		names[views[i].Contest.ID] = views[i].Contest.Name
	}
	return names, nil
}

// roundResponseOf returns the response for a round, with its contests' names.
func (s *Server) roundResponseOf(ctx context.Context, v *elections.RoundView) (roundResponse, error) {
	names, err := s.contestNames(ctx, v.Round.ElectionID)
	if err != nil {
		return roundResponse{}, err
	}
	return toRoundResponse(v, names), nil
}

// openRound opens a voting round for some or all of an election's contests.
func (s *Server) openRound(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req roundRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	closesAt, err := bodyInstant("closes_at", req.ClosesAt)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.svc.OpenRound(ctx, callerOf(c).actor, id,
		elections.RoundInput{Contests: req.Contests, ClosesAt: closesAt, Runoff: req.Runoff})
	if err != nil {
		return err
	}
	out, err := s.roundResponseOf(ctx, v)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, roundLocation(v.Round.ID))
	return c.JSON(http.StatusCreated, out)
}

// listRounds returns the rounds of an election, by number.
func (s *Server) listRounds(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// The election is read first so that an unknown election is a 404 rather than an empty
	// list.
	if _, err := s.svc.Election(ctx, id); err != nil {
		return err
	}
	vs, err := s.svc.Rounds(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.contestNames(ctx, id)
	if err != nil {
		return err
	}
	out := roundListResponse{Rounds: make([]roundResponse, len(vs))}
	for i := range vs {
		out.Rounds[i] = toRoundResponse(&vs[i], names)
	}
	return c.JSON(http.StatusOK, out)
}

// getRound returns one round.
func (s *Server) getRound(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.svc.Round(ctx, id)
	if err != nil {
		return err
	}
	out, err := s.roundResponseOf(ctx, v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// extendRound moves an open round's close later, with a reason.
func (s *Server) extendRound(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req extendRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.ClosesAt == "" {
		return errorf(elections.EINVALID, "field closes_at is required: the new close, e.g. 2026-06-14T00:00:00Z")
	}
	closesAt, err := bodyInstant("closes_at", req.ClosesAt)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.svc.ExtendRound(ctx, callerOf(c).actor, id, closesAt, req.Reason)
	if err != nil {
		return err
	}
	out, err := s.roundResponseOf(ctx, v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// closeRound closes an open round now.
func (s *Server) closeRound(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.svc.CloseRound(ctx, callerOf(c).actor, id)
	if err != nil {
		return err
	}
	out, err := s.roundResponseOf(ctx, v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
