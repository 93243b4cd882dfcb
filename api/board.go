package api

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
)

// charterResponse is a charter version as the API shows it: the keys of the charter file,
// plus the version, its fingerprint and when it was applied.
type charterResponse struct {
	// Version numbers the charter versions 1, 2, ….
	Version int `json:"version"`
	// EffectiveFrom is the first day the version is in force, YYYY-MM-DD.
	EffectiveFrom string `json:"effective_from"`
	// Name is the board's name.
	Name string `json:"name"`
	// Currency is the ISO 4217 code donations are counted in.
	Currency string `json:"currency"`
	// TermYears is the normal length of a term.
	TermYears int `json:"term_years"`
	// FirstElection is the year of the bootstrap election.
	FirstElection int `json:"first_election"`
	// Rules are the optional rules.
	Rules rulesResponse `json:"rules"`
	// Constituencies are in charter order.
	Constituencies []constituencyResponse `json:"constituencies"`
	// Fingerprint is the hex SHA-256 of the charter's content.
	Fingerprint string `json:"fingerprint"`
	// AppliedAt is when the version was applied, in UTC.
	AppliedAt time.Time `json:"applied_at"`
}

// rulesResponse is the optional rules of a charter; unset rules are left out.
type rulesResponse struct {
	OneConstituencyPerNominee bool                    `json:"one_constituency_per_nominee"`
	AffiliationCap            *affiliationCapResponse `json:"affiliation_cap,omitempty"`
	TermLimit                 *termLimitResponse      `json:"term_limit,omitempty"`
	Quorum                    *quorumResponse         `json:"quorum,omitempty"`
	RollAdditionsAfterFreeze  bool                    `json:"roll_additions_after_freeze"`
	RunoffOnTie               bool                    `json:"runoff_on_tie"`
}

// affiliationCapResponse is "at most Max seats held by people of one organisation".
type affiliationCapResponse struct {
	Max   int    `json:"max"`
	Scope string `json:"scope"`
}

// termLimitResponse is "at most MaxConsecutiveTerms consecutive terms".
type termLimitResponse struct {
	MaxConsecutiveTerms int `json:"max_consecutive_terms"`
}

// quorumResponse is a minimum turnout.
type quorumResponse struct {
	MinTurnoutPercent int `json:"min_turnout_percent"`
}

// constituencyResponse is one constituency. The election fields are set for elected
// constituencies only; ElectedIn ("even" or "odd") replaces Cohort when terms last two years.
type constituencyResponse struct {
	Key            string               `json:"key"`
	Name           string               `json:"name"`
	Category       string               `json:"category"`
	Seats          int                  `json:"seats"`
	MembersPerSeat int                  `json:"members_per_seat,omitempty"`
	Seating        string               `json:"seating"`
	ElectedIn      string               `json:"elected_in,omitempty"`
	Cohort         *int                 `json:"cohort,omitempty"`
	Method         string               `json:"method,omitempty"`
	Uncontested    string               `json:"uncontested,omitempty"`
	Eligibility    *eligibilityResponse `json:"eligibility,omitempty"`
	Quorum         *quorumResponse      `json:"quorum,omitempty"`
}

// eligibilityResponse is a constituency's eligibility rule; the donation rule's threshold
// (in the charter currency, e.g. "60.00") and window start ("04-20") only for that rule.
type eligibilityResponse struct {
	Rule        string `json:"rule"`
	MinDonation string `json:"min_donation,omitempty"`
	WindowStart string `json:"window_start,omitempty"`
}

func toCharterResponse(c *elections.Charter) charterResponse {
	out := charterResponse{
		Version:        c.Version,
		EffectiveFrom:  c.EffectiveFrom.String(),
		Name:           c.Name,
		Currency:       c.Currency,
		TermYears:      c.TermYears,
		FirstElection:  c.FirstElection,
		Rules:          toRulesResponse(c.Rules),
		Constituencies: make([]constituencyResponse, len(c.Constituencies)),
		Fingerprint:    c.Fingerprint,
		AppliedAt:      c.AppliedAt.UTC(),
	}
	for i := range c.Constituencies {
		out.Constituencies[i] = toConstituencyResponse(&c.Constituencies[i], c.TermYears)
	}
	return out
}

func toRulesResponse(r elections.CharterRules) rulesResponse {
	out := rulesResponse{
		OneConstituencyPerNominee: r.OneConstituencyPerNominee,
		RollAdditionsAfterFreeze:  r.RollAdditionsAfterFreeze,
		RunoffOnTie:               r.RunoffOnTie,
		Quorum:                    toQuorumResponse(r.Quorum),
	}
	if r.AffiliationCap != nil {
		out.AffiliationCap = &affiliationCapResponse{Max: r.AffiliationCap.Max, Scope: r.AffiliationCap.Scope}
	}
	if r.TermLimit != nil {
		out.TermLimit = &termLimitResponse{MaxConsecutiveTerms: r.TermLimit.MaxConsecutiveTerms}
	}
	return out
}

func toQuorumResponse(q *elections.Quorum) *quorumResponse {
	if q == nil {
		return nil
	}
	return &quorumResponse{MinTurnoutPercent: q.MinTurnoutPercent}
}

func toConstituencyResponse(c *elections.Constituency, termYears int) constituencyResponse {
	out := constituencyResponse{
		Key:            c.Key,
		Name:           c.Name,
		Category:       c.Category,
		Seats:          c.Seats,
		MembersPerSeat: c.MembersPerSeat,
		Seating:        string(c.Seating),
		Quorum:         toQuorumResponse(c.Quorum),
	}
	if c.Seating != elections.SeatingElected {
		return out
	}
	switch {
	case termYears == 2 && c.Cohort == 0:
		out.ElectedIn = "even"
	case termYears == 2:
		out.ElectedIn = "odd"
	default:
		cohort := c.Cohort
		out.Cohort = &cohort
	}
	out.Method = c.Method
	out.Uncontested = string(c.Uncontested)
	out.Eligibility = &eligibilityResponse{Rule: string(c.Eligibility.Rule)}
	if c.Eligibility.Rule == elections.EligibleByDonation {
		out.Eligibility.MinDonation = c.Eligibility.MinDonation.String()
		out.Eligibility.WindowStart = c.Eligibility.WindowStart.String()
	}
	return out
}

// applyCharterResponse is the answer of POST /board/charters: the version applied, or the
// latest one when the content was the same (Changed false).
type applyCharterResponse struct {
	charterResponse
	// Changed says whether a new version was stored.
	Changed bool `json:"changed"`
}

// charterSummaryResponse is one line of the list of charter versions.
type charterSummaryResponse struct {
	Version       int       `json:"version"`
	EffectiveFrom string    `json:"effective_from"`
	Name          string    `json:"name"`
	Fingerprint   string    `json:"fingerprint"`
	AppliedAt     time.Time `json:"applied_at"`
}

// charterListResponse is the answer of GET /board/charters.
type charterListResponse struct {
	// Charters are the versions, oldest first.
	Charters []charterSummaryResponse `json:"charters"`
}

func toCharterListResponse(cs []elections.Charter) charterListResponse {
	out := charterListResponse{Charters: make([]charterSummaryResponse, len(cs))}
	for i, c := range cs {
		out.Charters[i] = charterSummaryResponse{Version: c.Version, EffectiveFrom: c.EffectiveFrom.String(),
			Name: c.Name, Fingerprint: c.Fingerprint, AppliedAt: c.AppliedAt.UTC()}
	}
	return out
}

// charterMediaTypes are the content types of a charter body; all are read as YAML, of which
// JSON is a part.
var charterMediaTypes = map[string]bool{
	echo.MIMEApplicationJSON: true,
	"application/yaml":       true,
	"application/x-yaml":     true,
	"text/yaml":              true,
}

// getBoard returns the charter in force on ?at= (default today).
func (s *Server) getBoard(c echo.Context) error {
	at, err := queryDate(c, "at", s.today())
	if err != nil {
		return err
	}
	ch, err := s.svc.CharterAt(c.Request().Context(), at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCharterResponse(ch))
}

// listCharters returns every charter version.
func (s *Server) listCharters(c echo.Context) error {
	cs, err := s.svc.Charters(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCharterListResponse(cs))
}

// getCharter returns one charter version.
func (s *Server) getCharter(c echo.Context) error {
	v, err := pathVersion(c, "version")
	if err != nil {
		return err
	}
	ch, err := s.svc.CharterVersion(c.Request().Context(), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCharterResponse(ch))
}

// applyCharter applies the charter file in the body: 201 with its Location when it is a new
// version, 200 with changed false when it equals the latest version.
func (s *Server) applyCharter(c echo.Context) error {
	if !charterMediaTypes[mediaType(c)] {
		return &apiError{code: CodeUnsupportedMediaType,
			detail: "the charter must be YAML or JSON (Content-Type: application/yaml, text/yaml or application/json)"}
	}
	data, err := readBody(c)
	if err != nil {
		return err
	}
	in, err := charterfile.Parse(data, "request")
	if err != nil {
		return err
	}
	ch, changed, err := s.svc.ApplyCharter(c.Request().Context(), callerOf(c).actor, in)
	if err != nil {
		return err
	}
	out := applyCharterResponse{charterResponse: toCharterResponse(ch), Changed: changed}
	if !changed {
		return c.JSON(http.StatusOK, out)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/board/charters/"+strconv.Itoa(ch.Version))
	return c.JSON(http.StatusCreated, out)
}

// mediaType returns the media type of the request body, without parameters; "" when the
// Content-Type is missing or malformed.
func mediaType(c echo.Context) string {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil {
		return ""
	}
	return mt
}

// readBody reads the whole request body; a body over the limit is a 413.
func readBody(c echo.Context) ([]byte, error) {
	data, err := io.ReadAll(c.Request().Body)
	if tooLarge(err) {
		return nil, &apiError{code: CodePayloadTooLarge, detail: detailOfCode[CodePayloadTooLarge]}
	}
	return data, err
}
