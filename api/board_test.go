package api_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
)

// Headers of the request bodies the board and import routes take.
var (
	yamlBody = map[string]string{"Content-Type": "application/yaml"}
	csvBody  = map[string]string{"Content-Type": "text/csv"}
)

// notInternal must not appear in any response of the board and member routes: the store's
// row ids (of members, terms, donations, charters) never leave the service.
var notInternal = []string{`"id":`, `"member_id"`, `"term_id"`, `"ID"`, `"MemberID"`}

// matrixCharter returns testdata/boards/matrix.yaml, the Matrix.org board.
func matrixCharter(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/boards/matrix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newBoardEnv is newEnv with a body limit that admits the Matrix charter.
func newBoardEnv(t *testing.T, configure ...func(*api.Options, *wrapStore)) *env {
	t.Helper()
	return newEnv(t, append([]func(*api.Options, *wrapStore){func(o *api.Options, _ *wrapStore) {
		o.BodyLimit = "64KB"
	}}, configure...)...)
}

// memberToken returns a valid token of the member role.
func (e *env) memberToken() string {
	e.t.Helper()
	return e.issue(e.tokens, "member:7", "member")
}

// applyMatrix applies the Matrix charter through the service, failing the test unless it is
// stored.
func (e *env) applyMatrix(t *testing.T) {
	t.Helper()
	c, err := charterfile.Parse([]byte(matrixCharter(t)), "matrix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.ApplyCharter(context.Background(), elections.CLIActor(), c); err != nil {
		t.Fatalf("apply the Matrix charter: %v", err)
	}
}

// addMember adds a member through the service.
func (e *env) addMember(t *testing.T, in elections.MemberInput) {
	t.Helper()
	if _, err := e.svc.CreateMember(context.Background(), elections.CLIActor(), in); err != nil {
		t.Fatalf("add member %s: %v", in.ExternalID, err)
	}
}

// withAll returns the scenarios with extra must-not-contain strings added to each.
func withAll(scenarios []scenario, mustNotContain ...string) []scenario {
	for i := range scenarios {
		scenarios[i].mustNotContain = append(scenarios[i].mustNotContain, mustNotContain...)
	}
	return scenarios
}

// The charter routes: public reads, officer writes, YAML and JSON bodies, versions.
func TestCharterScenarios(t *testing.T) {
	e := newBoardEnv(t)
	const charters = "/api/v1/board/charters"
	matrix := matrixCharter(t)
	version2 := `{"name": "Small Board", "effective_from": "2027-01-01", "currency": "EUR", "term_years": 3,
		"first_election": 2027, "rules": {"quorum": {"min_turnout_percent": 10}},
		"constituencies": [
			{"key": "members", "name": "Members", "category": "Community", "seats": 3, "seating": "elected",
			 "cohort": 1, "method": "meek", "uncontested": "confidence", "eligibility": {"rule": "membership"}},
			{"key": "chair", "name": "Chair", "category": "Foundation", "seats": 1, "seating": "appointed"}]}`
	e.run(t, withAll([]scenario{
		{name: "no board yet", method: "GET", url: "/api/v1/board", wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "no versions yet", method: "GET", url: charters, wantStatus: http.StatusOK, wantContains: []string{`{"charters":[]}`}},
		{name: "apply without token", method: "POST", url: charters, body: matrix, header: yamlBody,
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "apply as auditor", method: "POST", url: charters, token: e.auditorToken, body: matrix, header: yamlBody,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "apply as member", method: "POST", url: charters, token: e.memberToken(), body: matrix, header: yamlBody,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "apply as admin", method: "POST", url: charters, token: e.adminToken, body: matrix, header: yamlBody,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "apply plain text", method: "POST", url: charters, token: e.officerToken, body: matrix,
			header:     map[string]string{"Content-Type": "text/plain"},
			wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type", wantContains: []string{"YAML or JSON"}},
		{name: "apply a file with a bad shape", method: "POST", url: charters, token: e.officerToken,
			body:       "name: X\neffective_from: 2024-13-01\ncolour: blue\n",
			header:     yamlBody,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"request:2:", "request:3:", "colour"}},
		{name: "apply a charter that breaks the rules", method: "POST", url: charters, token: e.officerToken,
			body:       strings.Replace(strings.Replace(matrix, "currency: USD", "currency: usd", 1), "method: meek", "method: foo", 1),
			header:     yamlBody,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"currency", `\"foo\"`}},
		{name: "nothing was applied", method: "GET", url: charters, wantStatus: http.StatusOK, wantContains: []string{`{"charters":[]}`}},
		{name: "apply the Matrix charter", method: "POST", url: charters, token: e.officerToken, body: matrix, header: yamlBody,
			wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/board/charters/1"},
			wantContains: []string{`"version":1`, `"changed":true`, `"effective_from":"2024-01-01"`, `"currency":"USD"`,
				`"key":"individual"`, `"elected_in":"odd"`, `"elected_in":"even"`, `"members_per_seat":4`,
				`"eligibility":{"rule":"donation","min_donation":"60.00","window_start":"04-20"}`,
				`"seating":"ex_officio"`, `"one_constituency_per_nominee":true`, `"applied_at":"2026-03-01T10:00:00Z"`}},
		{name: "apply it again", method: "POST", url: charters, token: e.officerToken, body: matrix,
			header:     map[string]string{"Content-Type": "text/yaml; charset=utf-8"},
			wantStatus: http.StatusOK, wantContains: []string{`"version":1`, `"changed":false`}},
		{name: "apply a second version as JSON", method: "POST", url: charters, token: e.officerToken, body: version2,
			wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/board/charters/2"},
			wantContains: []string{`"version":2`, `"changed":true`, `"cohort":1`, `"uncontested":"confidence"`,
				`"quorum":{"min_turnout_percent":10}`, `"seating":"appointed"`},
			mustNotContain: []string{"elected_in"}},
		{name: "a version not after the latest", method: "POST", url: charters, token: e.officerToken,
			body: strings.Replace(matrix, "name: The Matrix.org", "name: Changed", 1), header: yamlBody,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"effective_from"}},
		{name: "a charter over the body limit", method: "POST", url: charters, token: e.officerToken,
			body: matrix + "\n#" + strings.Repeat("x", 64<<10), header: yamlBody,
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large"},
		{name: "the board today", method: "GET", url: "/api/v1/board", wantStatus: http.StatusOK,
			wantContains: []string{`"version":1`, `"name":"The Matrix.org Foundation Governing Board"`}},
		{name: "the board in 2027", method: "GET", url: "/api/v1/board?at=2027-06-01", wantStatus: http.StatusOK,
			wantContains: []string{`"version":2`, `"name":"Small Board"`}},
		{name: "the board before any charter", method: "GET", url: "/api/v1/board?at=2023-12-31",
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "the board on a bad day", method: "GET", url: "/api/v1/board?at=2026-02-30",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter at"}},
		{name: "the versions", method: "GET", url: charters, wantStatus: http.StatusOK,
			wantContains: []string{`"version":1`, `"version":2`, `"effective_from":"2027-01-01"`, `"fingerprint":"`}},
		{name: "one version", method: "GET", url: charters + "/2", wantStatus: http.StatusOK,
			wantContains: []string{`"version":2`, `"term_years":3`, `"currency":"EUR"`}},
		{name: "an unknown version", method: "GET", url: charters + "/3", wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "not a version", method: "GET", url: charters + "/one", wantStatus: http.StatusNotFound, wantCode: "not_found"},
	}, notInternal...))
}

// The seat and roster routes: public reads that show names, dates and reasons only; officer
// writes that record, end and change terms.
func TestSeatScenarios(t *testing.T) {
	e := newBoardEnv(t)
	e.applyMatrix(t)
	e.addMember(t, elections.MemberInput{ExternalID: "ind-ada", Kind: "person", Name: "Ada Lovelace",
		Email: "ada@example.org", Constituency: "individual", Joined: "2024-02-01"})
	e.addMember(t, elections.MemberInput{ExternalID: "org-acme", Kind: "organisation", Name: "Acme Corp",
		Email: "board@acme.example", Constituency: "gold", Joined: "2023-01-01",
		RepresentativeName: "Jo Rep", RepresentativeEmail: "jo@acme.example", RepresentativeSince: "2023-01-01"})
	const (
		seats  = "/api/v1/board/seats"
		secret = "letter on file in the office"
	)
	officer, auditor, member := e.officerToken, e.auditorToken, e.memberToken()
	term := func(fields map[string]any) string { return jsonBody(t, fields) }
	// Public responses never show e-mail addresses, member ids or officers' notes.
	private := []string{"@", "ind-ada", "org-acme", secret}
	e.run(t, withAll([]scenario{
		{name: "seats today", method: "GET", url: seats, wantStatus: http.StatusOK,
			wantContains: []string{`"at":"2026-03-01"`, `{"key":"individual-1","constituency":"individual","number":1,"cohort":1}`,
				`"key":"managing-director-1"`, `"key":"spec-core-team-2"`}},
		{name: "seats on a bad day", method: "GET", url: seats + "?at=yesterday",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter at"}},
		{name: "seats before the charter", method: "GET", url: seats + "?at=2020-01-01",
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "an unknown seat", method: "GET", url: seats + "/individual-9", wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "a seat never filled", method: "GET", url: seats + "/individual-2", wantStatus: http.StatusOK,
			wantContains: []string{`"terms":[]`}},

		{name: "record without token", method: "POST", url: seats + "/individual-1/terms",
			body: term(map[string]any{"member": "ind-ada", "start": "2025-06-16"}), wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "record as auditor", method: "POST", url: seats + "/individual-1/terms", token: auditor,
			body: term(map[string]any{"member": "ind-ada", "start": "2025-06-16"}), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "record as member", method: "POST", url: seats + "/individual-1/terms", token: member,
			body: term(map[string]any{"member": "ind-ada", "start": "2025-06-16"}), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "record with bad dates", method: "POST", url: seats + "/individual-1/terms", token: officer,
			body:       term(map[string]any{"member": "ind-ada", "start": "16/06/2025", "end": "2027-02-30"}),
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"field start", "field end"}},
		{name: "record with an unknown field", method: "POST", url: seats + "/individual-1/terms", token: officer,
			body:       term(map[string]any{"member": "ind-ada", "start": "2025-06-16", "id": 3}),
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"id\"`}},
		{name: "record as form data", method: "POST", url: seats + "/individual-1/terms", token: officer,
			body: "member=ind-ada", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
		{name: "record an unknown member", method: "POST", url: seats + "/individual-1/terms", token: officer,
			body: term(map[string]any{"member": "nobody", "start": "2025-06-16", "years": 2}), wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		{name: "record a term ending after the year 9999", method: "POST", url: seats + "/guardians-3/terms", token: officer,
			body:       term(map[string]any{"holder": "Far Future", "start": "9995-06-16", "years": 10}),
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"ends after the year 9999"}},
		{name: "record on an unknown seat", method: "POST", url: seats + "/individual-9/terms", token: officer,
			body: term(map[string]any{"member": "ind-ada", "start": "2025-06-16", "years": 2}), wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		{name: "record an elected term", method: "POST", url: seats + "/individual-1/terms", token: officer,
			body: term(map[string]any{"member": "ind-ada", "start": "2025-06-16", "years": 2, "source": "election",
				"election_year": 2025, "note": secret}),
			wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/board/seats/individual-1"},
			wantContains: []string{`"seat":"individual-1"`, `"holder":"Ada Lovelace"`, `"start":"2025-06-16"`, `"end":"2027-06-16"`,
				`"source":"election"`, `"election_year":2025`, `"member":"ind-ada"`, `"note":"` + secret + `"`}},
		{name: "record an overlapping term", method: "POST", url: seats + "/individual-1/terms", token: officer,
			body:       term(map[string]any{"holder": "Someone Else", "start": "2026-01-01", "years": 1}),
			wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"Ada Lovelace"}},
		{name: "record the Managing Director", method: "POST", url: seats + "/managing-director-1/terms", token: officer,
			body:       term(map[string]any{"holder": "Matthew Hodgson", "start": "2024-01-01", "end": "2030-01-01"}),
			wantStatus: http.StatusCreated, wantContains: []string{`"holder":"Matthew Hodgson"`, `"source":"ex_officio"`}},
		{name: "record an organisation's term", method: "POST", url: seats + "/gold-1/terms", token: officer,
			body:       term(map[string]any{"member": "org-acme", "representative": "Jo Rep", "start": "2025-06-16", "years": 2}),
			wantStatus: http.StatusCreated, wantContains: []string{`"holder":"Acme Corp"`, `"representatives":[{"name":"Jo Rep","since":"2025-06-16"}]`}},

		{name: "replace the representative as auditor", method: "POST", url: seats + "/gold-1/representative", token: auditor,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "replace the representative without a day", method: "POST", url: seats + "/gold-1/representative", token: officer,
			body: `{"name":"Kim New"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"field since is required"}},
		{name: "replace the representative", method: "POST", url: seats + "/gold-1/representative", token: officer,
			body:       `{"name":"Kim New","since":"2026-02-01"}`,
			wantStatus: http.StatusOK, wantContains: []string{`{"name":"Jo Rep","since":"2025-06-16"},{"name":"Kim New","since":"2026-02-01"}`,
				`"start":"2025-06-16"`, `"end":"2027-06-16"`}},
		{name: "replace the representative by the one sitting", method: "POST", url: seats + "/gold-1/representative", token: officer,
			body:       `{"name":"Kim New","since":"2026-02-15"}`,
			wantStatus: http.StatusOK, wantContains: []string{`{"name":"Jo Rep","since":"2025-06-16"},{"name":"Kim New","since":"2026-02-01"}]`}},
		{name: "replace a person's representative", method: "POST", url: seats + "/individual-1/representative", token: officer,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
		{name: "replace on a vacant seat", method: "POST", url: seats + "/gold-2/representative", token: officer,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusConflict, wantCode: "conflict"},

		{name: "vacate as member", method: "POST", url: seats + "/individual-1/vacate", token: member,
			body: `{"on":"2025-11-03","reason":"resigned"}`, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "vacate without a day", method: "POST", url: seats + "/individual-1/vacate", token: officer,
			body: `{"reason":"resigned"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"field on is required"}},
		{name: "vacate on a bad day", method: "POST", url: seats + "/individual-1/vacate", token: officer,
			body: `{"on":"3 Nov 2025","reason":"resigned"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"field on"}},
		{name: "vacate for a bad reason", method: "POST", url: seats + "/individual-1/vacate", token: officer,
			body: `{"on":"2025-11-03","reason":"bored"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		{name: "vacate a seat", method: "POST", url: seats + "/individual-1/vacate", token: officer,
			body:       `{"on":"2025-11-03","reason":"resigned","note":"` + secret + `"}`,
			wantStatus: http.StatusOK, wantContains: []string{`"ended_on":"2025-11-03"`, `"end_reason":"resigned"`}},
		{name: "vacate an unknown seat", method: "POST", url: seats + "/individual-9/vacate", token: officer,
			body: `{"on":"2025-11-03","reason":"resigned"}`, wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "replace on an unknown seat", method: "POST", url: seats + "/nowhere-1/representative", token: officer,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "vacate a vacant seat", method: "POST", url: seats + "/individual-1/vacate", token: officer,
			body: `{"on":"2026-01-05","reason":"removed"}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
	}, notInternal...))

	// The public views of what was recorded.
	e.run(t, withAll([]scenario{
		{name: "a seat's history", method: "GET", url: seats + "/individual-1", wantStatus: http.StatusOK,
			wantContains: []string{`"seat":{"key":"individual-1"`, `"holder":"Ada Lovelace"`, `"ended_on":"2025-11-03"`,
				`"end_reason":"resigned"`}, mustNotContain: []string{`"note"`, `"member"`}},
		{name: "an organisation's seat", method: "GET", url: seats + "/gold-1", wantStatus: http.StatusOK,
			wantContains: []string{`"holder":"Acme Corp"`, `"name":"Kim New"`}},
		{name: "an escaped seat key", method: "GET", url: seats + "/gold%2D1", wantStatus: http.StatusOK,
			wantContains: []string{`"holder":"Acme Corp"`}},
		{name: "the roster today", method: "GET", url: "/api/v1/board/roster", wantStatus: http.StatusOK,
			wantContains: []string{`"at":"2026-03-01"`, `"charter_version":1`,
				`"seat":"individual-1","constituency":"individual","number":1,"constituency_name":"Individual Members","category":"Community","seating":"elected","vacant":true}`,
				`"holder":"Acme Corp"`, `"representative":"Kim New"`, `"holder":"Matthew Hodgson"`}},
		{name: "the roster in 2025", method: "GET", url: "/api/v1/board/roster?at=2025-07-01", wantStatus: http.StatusOK,
			wantContains: []string{`"holder":"Ada Lovelace"`, `"representative":"Jo Rep"`}},
		{name: "the roster on a bad day", method: "GET", url: "/api/v1/board/roster?at=2025-7-1",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter at"}},
		{name: "the roster on 0001-01-01, which is no day to fall back to today", method: "GET", url: "/api/v1/board/roster?at=0001-01-01",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter at"}},
		{name: "the roster before the charter", method: "GET", url: "/api/v1/board/roster?at=2023-06-01",
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "seats up in 2026", method: "GET", url: "/api/v1/board/seats-up?year=2026", wantStatus: http.StatusOK,
			wantContains: []string{`"year":2026`, `"at":"2026-01-01"`, `"bootstrap":false`,
				`{"seat":"individual-1","term_years":1,"term_ends_year":2027,"by_election":true,"reason":"vacant since 2025-11-03 (resigned)"}`,
				`"reason":"never filled"`, `{"seat":"guardians-1","term_years":2,"term_ends_year":2028,"by_election":false,"reason":"in cycle"}`}},
		{name: "seats up this year", method: "GET", url: "/api/v1/board/seats-up", wantStatus: http.StatusOK,
			wantContains: []string{`"year":2026`}},
		{name: "seats up in the bootstrap", method: "GET", url: "/api/v1/board/seats-up?year=2024", wantStatus: http.StatusOK,
			wantContains: []string{`"bootstrap":true`, `"reason":"bootstrap: 1-year term"`, `"reason":"bootstrap: 2-year term"`}},
		{name: "seats up in a bad year", method: "GET", url: "/api/v1/board/seats-up?year=next",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter year"}},
		{name: "seats up before the first election", method: "GET", url: "/api/v1/board/seats-up?year=2023&at=2024-06-01",
			wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		{name: "seats up on a bad day", method: "GET", url: "/api/v1/board/seats-up?year=2026&at=soon",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter at"}},
	}, append(notInternal, private...)...))
}
