package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// turnoutRoundResponse is a contest's turnout in one round. Small groups are suppressed: then
// roll_size and voters are null.
type turnoutRoundResponse struct {
	RoundID  int64 `json:"round_id"`
	Number   int   `json:"number"`
	Runoff   bool  `json:"runoff"`
	Open     bool  `json:"open"`
	RollSize *int  `json:"roll_size"`
	Voters   *int  `json:"voters"`
	// Suppressed says the roll or the voters are below the minimum group size.
	Suppressed bool `json:"suppressed"`
}

// contestTurnoutResponse is the turnout of one contest.
type contestTurnoutResponse struct {
	ContestID    int64                  `json:"contest_id"`
	Constituency string                 `json:"constituency"`
	Name         string                 `json:"name"`
	Rounds       []turnoutRoundResponse `json:"rounds"`
}

// turnoutResponse is the answer of GET /elections/{id}/turnout.
type turnoutResponse struct {
	ElectionID int64 `json:"election_id"`
	// MinGroupSize is the smallest group shown.
	MinGroupSize int                      `json:"min_group_size"`
	Contests     []contestTurnoutResponse `json:"contests"`
}

func toTurnoutResponse(electionID int64, minGroup int, ts []elections.ContestTurnout) turnoutResponse {
	out := turnoutResponse{ElectionID: electionID, MinGroupSize: minGroup, Contests: make([]contestTurnoutResponse, len(ts))}
	for i, t := range ts {
		ct := contestTurnoutResponse{ContestID: t.ContestID, Constituency: t.Constituency, Name: t.Name,
			Rounds: make([]turnoutRoundResponse, len(t.Rounds))}
		for j, r := range t.Rounds {
			tr := turnoutRoundResponse{RoundID: r.RoundID, Number: r.Number, Runoff: r.Runoff, Open: r.Open, Suppressed: r.Suppressed}
			if !r.Suppressed {
				roll, voters := r.RollSize, r.Voters
				tr.RollSize, tr.Voters = &roll, &voters
			}
			ct.Rounds[j] = tr
		}
		out.Contests[i] = ct
	}
	return out
}

// minGroupSize is the configured minimum group size, or the domain's default.
func (s *Server) minGroupSize() int {
	if s.opts.MinGroupSize > 0 {
		return s.opts.MinGroupSize
	}
	return elections.DefaultMinGroupSize
}

// getTurnout returns the turnout of each contest of an election, round by round, small groups
// suppressed (officers and auditors).
func (s *Server) getTurnout(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ts, err := s.svc.Turnout(c.Request().Context(), callerOf(c).actor, id, s.minGroupSize())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTurnoutResponse(id, s.minGroupSize(), ts))
}

// officerActionResponse is one officer action: the audit entry and who made it.
type officerActionResponse struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Kind    string          `json:"kind"`
	Payload json.RawMessage `json:"payload"`
	Hash    string          `json:"hash"`
	// Account is the account that acted: null at the command line or when it is gone.
	Account *userResponse `json:"account"`
}

// officerActionsResponse is one page of an election's officer actions.
type officerActionsResponse struct {
	Actions []officerActionResponse `json:"actions"`
	// NextAfter is the after= of the next page.
	NextAfter int64 `json:"next_after"`
}

func toOfficerActionsResponse(as []elections.OfficerAction, after int64) officerActionsResponse {
	out := officerActionsResponse{Actions: make([]officerActionResponse, len(as)), NextAfter: after}
	for i, a := range as {
		payload := a.Event.Payload
		if len(payload) == 0 {
			payload = json.RawMessage("null")
		}
		r := officerActionResponse{ID: a.Event.ID, At: a.Event.At.UTC(), Actor: a.Event.Actor, Kind: a.Event.Kind,
			Payload: payload, Hash: a.Event.Hash}
		if a.Account != nil {
			u := toUserResponse(a.Account)
			r.Account = &u
		}
		out.Actions[i] = r
		out.NextAfter = a.Event.ID
	}
	return out
}

// getOfficerActions returns the audit entries of an election made by officers and admins (and
// at the command line), oldest first, a page at a time: ?after= and ?limit= as for
// /audit/events.
func (s *Server) getOfficerActions(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	after, err := queryInt64(c, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	as, err := s.svc.OfficerActions(c.Request().Context(), callerOf(c).actor, id, after, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toOfficerActionsResponse(as, after))
}
