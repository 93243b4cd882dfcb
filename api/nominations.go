package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// nominationResponse is a nomination as its nominee and nominator, officers and auditors see
// it: who, in which contest, where it stands, and the candidate profile.
type nominationResponse struct {
	ID           int64  `json:"id"`
	Election     int64  `json:"election"`
	Contest      int64  `json:"contest"`
	Constituency string `json:"constituency"`
	// Nominee and NominatedBy are member external ids (equal for a self-nomination).
	Nominee     string `json:"nominee"`
	NominatedBy string `json:"nominated_by"`
	Status      string `json:"status"`
	profileResponse
	// ReviewReason is the officer's reason for accepting or rejecting.
	ReviewReason string     `json:"review_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	ConsentedAt  *time.Time `json:"consented_at,omitempty"`
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"`
	WithdrawnAt  *time.Time `json:"withdrawn_at,omitempty"`
}

// profileResponse is a candidate profile.
type profileResponse struct {
	DisplayName string `json:"display_name"`
	Pronouns    string `json:"pronouns,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
	Bio         string `json:"bio,omitempty"`
	Statement   string `json:"statement,omitempty"`
	Link        string `json:"link,omitempty"`
}

// instant returns t in UTC, or nil when t is zero (not happened).
func instant(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toProfileResponse(p elections.CandidateProfile) profileResponse {
	return profileResponse{DisplayName: p.DisplayName, Pronouns: p.Pronouns, Affiliation: p.Affiliation,
		Bio: p.Bio, Statement: p.Statement, Link: p.Link}
}

func toNominationResponse(n *elections.Nomination) nominationResponse {
	return nominationResponse{
		ID:              n.ID,
		Election:        n.ElectionID,
		Contest:         n.ContestID,
		Constituency:    n.Constituency,
		Nominee:         n.Nominee,
		NominatedBy:     n.NominatedBy,
		Status:          string(n.Status),
		profileResponse: toProfileResponse(n.Profile),
		ReviewReason:    n.ReviewReason,
		CreatedAt:       n.CreatedAt.UTC(),
		ConsentedAt:     instant(n.ConsentedAt),
		ReviewedAt:      instant(n.ReviewedAt),
		WithdrawnAt:     instant(n.WithdrawnAt),
	}
}

// nominationListResponse is the answer of GET /elections/{id}/nominations.
type nominationListResponse struct {
	Nominations []nominationResponse `json:"nominations"`
}

// profileRequest is a candidate profile in a request; empty fields take their default (on
// nomination) or keep the current value (on consent).
type profileRequest struct {
	DisplayName string `json:"display_name"`
	Pronouns    string `json:"pronouns"`
	Affiliation string `json:"affiliation"`
	Bio         string `json:"bio"`
	Statement   string `json:"statement"`
	Link        string `json:"link"`
}

func (r profileRequest) profile() elections.CandidateProfile {
	return elections.CandidateProfile{DisplayName: r.DisplayName, Pronouns: r.Pronouns, Affiliation: r.Affiliation,
		Bio: r.Bio, Statement: r.Statement, Link: r.Link}
}

// nominationRequest is the body of POST /elections/{id}/nominations.
type nominationRequest struct {
	// Nominee is the nominated member's external id; the caller's own for a self-nomination.
	Nominee string `json:"nominee"`
	profileRequest
}

// reviewRequest is the body of POST /nominations/{id}/accept (reason optional) and /reject
// (reason required).
type reviewRequest struct {
	Reason string `json:"reason"`
}

// bindOptional is bind for routes whose body may be left out: an empty body leaves dst as it
// is.
func bindOptional(c echo.Context, dst any) error {
	if c.Request().ContentLength == 0 {
		return nil
	}
	return bind(c, dst)
}

// nominationLocation is the URL of a nomination.
func nominationLocation(id int64) string {
	return "/api/v1/nominations/" + strconv.FormatInt(id, 10)
}

// nominate records the caller's nomination of a member of their constituency.
func (s *Server) nominate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req nominationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := elections.NominationInput{Nominee: req.Nominee, Profile: req.profile()}
	n, err := s.svc.Nominate(c.Request().Context(), callerOf(c).actor, id, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, nominationLocation(n.ID))
	return c.JSON(http.StatusCreated, toNominationResponse(n))
}

// listNominations returns every nomination of an election.
func (s *Server) listNominations(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ns, err := s.svc.ElectionNominations(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := nominationListResponse{Nominations: make([]nominationResponse, len(ns))}
	for i := range ns {
		out.Nominations[i] = toNominationResponse(&ns[i])
	}
	return c.JSON(http.StatusOK, out)
}

// getNomination returns a nomination to an officer, an auditor, or the member who is its
// nominee or nominator.
func (s *Server) getNomination(c echo.Context) error {
	return s.nominationAction(c, func(ctx context.Context, a elections.Actor, id int64) (*elections.Nomination, error) {
		return s.svc.NominationFor(ctx, a, id)
	})
}

// consent records the nominee's consent, with profile changes when the body gives some.
func (s *Server) consent(c echo.Context) error {
	var req profileRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	return s.nominationAction(c, func(ctx context.Context, a elections.Actor, id int64) (*elections.Nomination, error) {
		return s.svc.Consent(ctx, a, id, req.profile())
	})
}

// decline records that the nominee refuses the nomination.
func (s *Server) decline(c echo.Context) error {
	return s.nominationAction(c, s.svc.Decline)
}

// withdraw records that the nominee withdraws.
func (s *Server) withdraw(c echo.Context) error {
	return s.nominationAction(c, s.svc.WithdrawNomination)
}

// acceptNomination is an officer's acceptance, with an optional reason.
func (s *Server) acceptNomination(c echo.Context) error {
	var req reviewRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	return s.nominationAction(c, func(ctx context.Context, a elections.Actor, id int64) (*elections.Nomination, error) {
		return s.svc.AcceptNomination(ctx, a, id, req.Reason)
	})
}

// rejectNomination is an officer's rejection, with its reason.
func (s *Server) rejectNomination(c echo.Context) error {
	var req reviewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.nominationAction(c, func(ctx context.Context, a elections.Actor, id int64) (*elections.Nomination, error) {
		return s.svc.RejectNomination(ctx, a, id, req.Reason)
	})
}

// nominationAction runs act on the nomination of the path as the caller and answers with the
// nomination.
func (s *Server) nominationAction(c echo.Context,
	act func(ctx context.Context, a elections.Actor, id int64) (*elections.Nomination, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := act(c.Request().Context(), callerOf(c).actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNominationResponse(n))
}
