package api

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// contestResponse is a contest as anyone may see it: its seats, how it is counted, and where
// it stands. The roll fields say whether the roll is frozen, never who is on it.
type contestResponse struct {
	ID           int64  `json:"id"`
	Election     int64  `json:"election"`
	Constituency string `json:"constituency"`
	Name         string `json:"name"`
	Method       string `json:"method"`
	Uncontested  string `json:"uncontested"`
	// Seats are the seats up with the terms they are elected for.
	Seats []seatUpResponse `json:"seats"`
	// Phase is the election's phase now.
	Phase string `json:"phase"`
	// Outcome is how the contest goes to the vote: pending until nominations close.
	Outcome string `json:"outcome"`
	// Candidates is the number of accepted nominations.
	Candidates int  `json:"candidates"`
	RollFrozen bool `json:"roll_frozen"`
	// RollFrozenAt, RollFingerprint and RollSize are set once the roll is frozen.
	RollFrozenAt    *time.Time `json:"roll_frozen_at,omitempty"`
	RollFingerprint string     `json:"roll_fingerprint,omitempty"`
	RollSize        *int       `json:"roll_size,omitempty"`
}

func toContestResponse(v *elections.ContestView) contestResponse {
	ct := &v.Contest
	out := contestResponse{
		ID:           ct.ID,
		Election:     ct.ElectionID,
		Constituency: ct.Constituency,
		Name:         ct.Name,
		Method:       ct.Method,
		Uncontested:  string(ct.Uncontested),
		Seats:        make([]seatUpResponse, len(ct.Seats)),
		Phase:        string(v.Phase),
		Outcome:      string(v.Outcome),
		Candidates:   v.Candidates,
		RollFrozen:   !ct.RollFrozenAt.IsZero(),
	}
	for i, s := range ct.Seats {
		out.Seats[i] = toSeatUpResponse(elections.SeatUp(s))
	}
	if out.RollFrozen {
		at, size := ct.RollFrozenAt.UTC(), ct.RollSize
		out.RollFrozenAt, out.RollFingerprint, out.RollSize = &at, ct.RollFingerprint, &size
	}
	return out
}

// contestPatchRequest is the body of PATCH /contests/{id}: absent fields stay as they are.
type contestPatchRequest struct {
	Method      *string `json:"method"`
	Uncontested *string `json:"uncontested"`
	// Seats are the keys of the seats up, e.g. ["individual-1", "individual-3"].
	Seats []string `json:"seats"`
	// Revoting lets voters replace their ballot while the round is open; only until a round
	// opens for the contest.
	Revoting *bool  `json:"revoting"`
	Reason   string `json:"reason"`
}

// candidateResponse is a candidate as voters see them: the profile, no member ids and no
// e-mail addresses.
type candidateResponse struct {
	// Nomination is the id of the candidate's nomination.
	Nomination int64 `json:"nomination"`
	profileResponse
}

// candidateListResponse is the answer of GET /contests/{id}/candidates.
type candidateListResponse struct {
	Contest int64 `json:"contest"`
	// Candidates are the accepted candidates by display name.
	Candidates []candidateResponse `json:"candidates"`
}

func toCandidateListResponse(contest int64, ns []elections.Nomination) candidateListResponse {
	out := candidateListResponse{Contest: contest, Candidates: make([]candidateResponse, len(ns))}
	for i := range ns {
		out.Candidates[i] = candidateResponse{Nomination: ns[i].ID, profileResponse: toProfileResponse(ns[i].Profile)}
	}
	return out
}

// rollEntryResponse is one voter on a roll. The addition fields are set for an officer's
// addition after the freeze.
type rollEntryResponse struct {
	Member         string     `json:"member"`
	Name           string     `json:"name"`
	Kind           string     `json:"kind"`
	Representative string     `json:"representative,omitempty"`
	Email          string     `json:"email,omitempty"`
	AddedAt        *time.Time `json:"added_at,omitempty"`
	AddedBy        string     `json:"added_by,omitempty"`
	Reason         string     `json:"reason,omitempty"`
}

func toRollEntryResponse(e *elections.RollEntry) rollEntryResponse {
	out := rollEntryResponse{Member: e.Member, Name: e.Name, Kind: string(e.Kind), Representative: e.Representative,
		Email: e.Email, AddedBy: e.AddedBy, Reason: e.Reason}
	if !e.AddedAt.IsZero() {
		at := e.AddedAt.UTC()
		out.AddedAt = &at
	}
	return out
}

// ineligibleResponse is a member of the constituency left off a roll preview, and why.
type ineligibleResponse struct {
	Member string `json:"member"`
	Reason string `json:"reason"`
}

// rollResponse is a contest's roll: the frozen one, or a preview computed on the cut-off day.
type rollResponse struct {
	Contest     int64               `json:"contest"`
	Frozen      bool                `json:"frozen"`
	Fingerprint string              `json:"fingerprint,omitempty"`
	Size        int                 `json:"size"`
	Entries     []rollEntryResponse `json:"entries"`
	// Ineligible lists, in a preview, who was left off and why, by member id.
	Ineligible []ineligibleResponse `json:"ineligible,omitempty"`
}

func toRollResponse(r *elections.Roll) rollResponse {
	out := rollResponse{Contest: r.ContestID, Frozen: r.Frozen, Fingerprint: r.Fingerprint, Size: len(r.Entries),
		Entries: make([]rollEntryResponse, len(r.Entries))}
	for i := range r.Entries {
		out.Entries[i] = toRollEntryResponse(&r.Entries[i])
	}
	for member, reason := range r.Ineligible {
		out.Ineligible = append(out.Ineligible, ineligibleResponse{Member: member, Reason: reason})
	}
	sort.Slice(out.Ineligible, func(i, j int) bool { return out.Ineligible[i].Member < out.Ineligible[j].Member })
	return out
}

// rollAdditionRequest is the body of POST /contests/{id}/roll.
type rollAdditionRequest struct {
	Member string `json:"member"`
	Reason string `json:"reason"`
}

// getContest returns one contest and where it stands.
func (s *Server) getContest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Contest(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toContestResponse(v))
}

// updateContest changes a contest's method, uncontested policy or seats.
func (s *Server) updateContest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req contestPatchRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p := elections.ContestPatch{Method: req.Method, Seats: req.Seats, Revoting: req.Revoting, Reason: req.Reason}
	if req.Uncontested != nil {
		u := elections.UncontestedPolicy(*req.Uncontested)
		p.Uncontested = &u
	}
	v, err := s.svc.UpdateContest(c.Request().Context(), callerOf(c).actor, id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toContestResponse(v))
}

// listCandidates returns a contest's accepted candidates once nominations have closed.
func (s *Server) listCandidates(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ns, err := s.svc.Candidates(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCandidateListResponse(id, ns))
}

// getRoll returns a contest's roll: the frozen one, or a preview.
func (s *Server) getRoll(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.ContestRoll(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRollResponse(r))
}

// addToRoll adds a member to a contest's frozen roll, where the charter allows it.
func (s *Server) addToRoll(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req rollAdditionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	e, err := s.svc.AddToRoll(c.Request().Context(), callerOf(c).actor, id, req.Member, req.Reason)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/contests/"+strconv.FormatInt(id, 10)+"/roll")
	return c.JSON(http.StatusCreated, toRollEntryResponse(e))
}
