package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// memberResponse is a member as officers and auditors see it, identified by its external id
// (the store's id never leaves the service).
type memberResponse struct {
	ExternalID   string `json:"external_id"`
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	Email        string `json:"email,omitempty"`
	Constituency string `json:"constituency"`
	Joined       string `json:"joined"`
	// PaidThrough is the last day paid for; absent when open-ended.
	PaidThrough string `json:"paid_through,omitempty"`
	Standing    string `json:"standing"`
	// Representative is an organisation's current representative.
	Representative *representativeResponse `json:"representative,omitempty"`
	CreatedAt      time.Time               `json:"created_at"`
	UpdatedAt      time.Time               `json:"updated_at"`
}

// representativeResponse is a person acting for a member organisation from Since until Until
// (absent while current).
type representativeResponse struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Since string `json:"since"`
	Until string `json:"until,omitempty"`
}

func toRepresentativeResponse(r *elections.Representative) representativeResponse {
	return representativeResponse{Name: r.Name, Email: r.Email, Since: r.Since.String(), Until: r.Until.String()}
}

func toMemberResponse(m *elections.Member) memberResponse {
	out := memberResponse{
		ExternalID:   m.ExternalID,
		Kind:         string(m.Kind),
		Name:         m.Name,
		Email:        m.Email,
		Constituency: m.Constituency,
		Joined:       m.Joined.String(),
		PaidThrough:  m.PaidThrough.String(),
		Standing:     string(m.Standing),
		CreatedAt:    m.CreatedAt.UTC(),
		UpdatedAt:    m.UpdatedAt.UTC(),
	}
	if m.Representative != nil {
		r := toRepresentativeResponse(m.Representative)
		out.Representative = &r
	}
	return out
}

// memberPageResponse is one page of the member roll. NextAfter is the after= of the next
// page: the external id of the last member here, or this request's after= when the page is
// empty.
type memberPageResponse struct {
	Members   []memberResponse `json:"members"`
	NextAfter string           `json:"next_after"`
}

func toMemberPageResponse(ms []elections.Member, after string) memberPageResponse {
	out := memberPageResponse{Members: make([]memberResponse, len(ms)), NextAfter: after}
	for i := range ms {
		out.Members[i] = toMemberResponse(&ms[i])
		out.NextAfter = ms[i].ExternalID
	}
	return out
}

// representativeListResponse is the answer of GET /members/{id}/representatives.
type representativeListResponse struct {
	Representatives []representativeResponse `json:"representatives"`
}

func toRepresentativeListResponse(rs []elections.Representative) representativeListResponse {
	out := representativeListResponse{Representatives: make([]representativeResponse, len(rs))}
	for i := range rs {
		out.Representatives[i] = toRepresentativeResponse(&rs[i])
	}
	return out
}

// donationResponse is one donation of the ledger; Value is in the charter's currency.
type donationResponse struct {
	ExternalID string    `json:"external_id"`
	Amount     string    `json:"amount"`
	Currency   string    `json:"currency"`
	Value      string    `json:"value"`
	Date       string    `json:"date"`
	Source     string    `json:"source,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// donationListResponse is the answer of GET /members/{id}/donations.
type donationListResponse struct {
	Member    string             `json:"member"`
	Donations []donationResponse `json:"donations"`
}

func toDonationListResponse(member string, ds []elections.Donation) donationListResponse {
	out := donationListResponse{Member: member, Donations: make([]donationResponse, len(ds))}
	for i, d := range ds {
		out.Donations[i] = donationResponse{ExternalID: d.ExternalID, Amount: d.Amount, Currency: d.Currency,
			Value: d.Value.String(), Date: d.Date.String(), Source: d.Source,
			CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	}
	return out
}

// memberEligibilityResponse is whether a member may vote and stand in a constituency on a day. The
// donation fields are set for the donation rule only.
type memberEligibilityResponse struct {
	Member        string `json:"member"`
	Constituency  string `json:"constituency"`
	At            string `json:"at"`
	Eligible      bool   `json:"eligible"`
	Reason        string `json:"reason,omitempty"`
	Rule          string `json:"rule"`
	WindowStart   string `json:"window_start,omitempty"`
	DonationTotal string `json:"donation_total,omitempty"`
	MinDonation   string `json:"min_donation,omitempty"`
}

func toMemberEligibilityResponse(e *elections.MemberEligibility) memberEligibilityResponse {
	out := memberEligibilityResponse{Member: e.Member, Constituency: e.Constituency, At: e.At.String(),
		Eligible: e.Eligible, Reason: e.Reason, Rule: string(e.Rule)}
	if e.Rule == elections.EligibleByDonation {
		out.WindowStart = e.WindowStart.String()
		out.DonationTotal = e.DonationTotal.String()
		out.MinDonation = e.MinDonation.String()
	}
	return out
}

// memberRequest is the body of POST /members: the keys of a members import row.
type memberRequest struct {
	ExternalID          string `json:"external_id"`
	Kind                string `json:"kind"`
	Name                string `json:"name"`
	Email               string `json:"email"`
	Constituency        string `json:"constituency"`
	Joined              string `json:"joined"`
	PaidThrough         string `json:"paid_through"`
	Standing            string `json:"standing"`
	RepresentativeName  string `json:"representative_name"`
	RepresentativeEmail string `json:"representative_email"`
	RepresentativeSince string `json:"representative_since"`
}

// memberPatchRequest is the body of PATCH /members/{id}: absent (or null) fields stay as
// they are.
type memberPatchRequest struct {
	Name         *string `json:"name"`
	Email        *string `json:"email"`
	Constituency *string `json:"constituency"`
	PaidThrough  *string `json:"paid_through"`
	Standing     *string `json:"standing"`
}

// representativeRequest is the body of POST /members/{id}/representative.
type representativeRequest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	// Since is YYYY-MM-DD; default today.
	Since string `json:"since"`
}

// memberLocation is the URL of a member.
func memberLocation(externalID string) string {
	return "/api/v1/members/" + url.PathEscape(externalID)
}

// listMembers returns a page of members: ?constituency= filters, ?after= starts after an
// external id, ?limit= caps the page (the domain clamps it).
func (s *Server) listMembers(c echo.Context) error {
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	f := elections.MemberFilter{Constituency: c.QueryParam("constituency"), After: c.QueryParam("after"), Limit: limit}
	ms, err := s.svc.ListMembers(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMemberPageResponse(ms, f.After))
}

// createMember adds one member.
func (s *Server) createMember(c echo.Context) error {
	var req memberRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := elections.MemberInput{ExternalID: req.ExternalID, Kind: req.Kind, Name: req.Name, Email: req.Email,
		Constituency: req.Constituency, Joined: req.Joined, PaidThrough: req.PaidThrough, Standing: req.Standing,
		RepresentativeName: req.RepresentativeName, RepresentativeEmail: req.RepresentativeEmail,
		RepresentativeSince: req.RepresentativeSince}
	m, err := s.svc.CreateMember(c.Request().Context(), callerOf(c).actor, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, memberLocation(m.ExternalID))
	return c.JSON(http.StatusCreated, toMemberResponse(m))
}

// getMember returns one member.
func (s *Server) getMember(c echo.Context) error {
	id, err := pathText(c, "id")
	if err != nil {
		return err
	}
	m, err := s.svc.Member(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMemberResponse(m))
}

// updateMember changes the fields of a member that the body gives.
func (s *Server) updateMember(c echo.Context) error {
	id, err := pathText(c, "id")
	if err != nil {
		return err
	}
	var req memberPatchRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p := elections.MemberPatch{Name: req.Name, Email: req.Email, Constituency: req.Constituency,
		PaidThrough: req.PaidThrough, Standing: req.Standing}
	m, err := s.svc.UpdateMember(c.Request().Context(), callerOf(c).actor, id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMemberResponse(m))
}

// replaceRepresentative designates a new representative of a member organisation.
func (s *Server) replaceRepresentative(c echo.Context) error {
	id, err := pathText(c, "id")
	if err != nil {
		return err
	}
	var req representativeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := elections.RepresentativeInput{Name: req.Name, Email: req.Email, Since: req.Since}
	m, err := s.svc.ReplaceRepresentative(c.Request().Context(), callerOf(c).actor, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMemberResponse(m))
}

// listRepresentatives returns a member organisation's representatives.
func (s *Server) listRepresentatives(c echo.Context) error {
	id, err := pathText(c, "id")
	if err != nil {
		return err
	}
	rs, err := s.svc.Representatives(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRepresentativeListResponse(rs))
}

// listDonations returns a member's donations.
func (s *Server) listDonations(c echo.Context) error {
	id, err := pathText(c, "id")
	if err != nil {
		return err
	}
	ds, err := s.svc.Donations(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDonationListResponse(id, ds))
}

// eligibility tells whether a member may vote and stand in ?constituency= (default its own)
// on ?at= (default today).
func (s *Server) eligibility(c echo.Context) error {
	id, err := pathText(c, "id")
	if err != nil {
		return err
	}
	at, err := queryDate(c, "at", s.today())
	if err != nil {
		return err
	}
	e, err := s.svc.Eligibility(c.Request().Context(), id, c.QueryParam("constituency"), at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMemberEligibilityResponse(e))
}
