package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/govboard/govboard/api"
)

// The nomination routes through the 2026 calendar: members nominate within their
// constituency, nominees consent, officers review, candidates are public once nominations
// close, and nothing moves once voting opens.
func TestNominationScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newElectionEnv(t, onEngine)
		w := e.create2026()
		const nominations = "/api/v1/elections/1/nominations"
		nomination := func(id int) string { return fmt.Sprintf("/api/v1/nominations/%d", id) }
		individual := fmt.Sprintf("/api/v1/contests/%d", w.contestID(t, "individual"))
		self := `{"nominee":"ind-ada","display_name":"Ada Lovelace","pronouns":"she/her","bio":"Analyst.",
			"statement":"I will count carefully.","link":"https://ada.example.org"}`

		e.run(t, withAll([]scenario{
			{name: "nominate before nominations open", method: "POST", url: nominations, token: e.memberOf("ind-ada", 1), body: self,
				wantStatus: http.StatusConflict, wantCode: "conflict",
				wantContains: []string{"announced phase", "only in the nominations phase (2026-05-02 to 2026-05-15, utc)"}},
		}, notInElections...))

		// Member tokens last an hour on the test clock: they are issued once it has moved.
		e.at(nominations2026)
		ada, cy, dan, bob := e.memberOf("ind-ada", 1), e.memberOf("ind-cy", 1), e.memberOf("ind-dan", 1), e.memberOf("ind-bob", 1)
		ecoAda, acme, eve := e.memberOf("eco-ada", 1), e.memberOf("gold-acme", 1), e.memberOf("guard-eve", 1)
		e.run(t, withAll([]scenario{
			{name: "nominate without token", method: "POST", url: nominations, body: self, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "nominate as officer", method: "POST", url: nominations, token: e.officerToken, body: self,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "nominate with a token of another election", method: "POST", url: nominations, token: e.memberOf("ind-ada", 2), body: self,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "nominate with a token of no election", method: "POST", url: nominations, token: e.issue(e.tokens, "member:ind-ada", "member"),
				body: self, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "nominate in an unknown election", method: "POST", url: "/api/v1/elections/x/nominations", token: ada, body: self,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "nominate with an unknown field", method: "POST", url: nominations, token: ada, body: `{"nominee":"ind-ada","status":"accepted"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"status\"`}},
			{name: "nominate nobody", method: "POST", url: nominations, token: ada, body: `{}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"nominee"}},
			{name: "nominate an unknown member", method: "POST", url: nominations, token: ada, body: `{"nominee":"ind-nobody"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "nominate across constituencies", method: "POST", url: nominations, token: ada, body: `{"nominee":"guard-eve"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"members nominate within their own constituency"}},
			{name: "nominate an ineligible member", method: "POST", url: nominations, token: ada, body: `{"nominee":"ind-bob"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"nominee ind-bob is not eligible"}},
			{name: "an ineligible member nominates", method: "POST", url: nominations, token: bob, body: `{"nominee":"ind-ada"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"nominator ind-bob is not eligible"}},
			{name: "nominate with a bad profile", method: "POST", url: nominations, token: ada,
				body:       jsonBody(t, map[string]string{"nominee": "ind-ada", "bio": strings.Repeat("b", 501), "link": "ftp://ada.example.org"}),
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"bio", "link"}},
			{name: "nominate oneself", method: "POST", url: nominations, token: ada, body: self,
				wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/nominations/1"},
				wantContains: []string{`"id":1,"election":1,`, `"constituency":"individual","nominee":"ind-ada","nominated_by":"ind-ada","status":"consented"`,
					`"display_name":"Ada Lovelace","pronouns":"she/her","bio":"Analyst.","statement":"I will count carefully.","link":"https://ada.example.org"`,
					`"created_at":"2026-05-02T10:00:00Z","consented_at":"2026-05-02T10:00:00Z"`},
				mustNotContain: []string{"reviewed_at", "review_reason", "@"}},
			{name: "nominate oneself again", method: "POST", url: nominations, token: ada, body: self,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"already nominated"}},
			{name: "the same person in a second constituency", method: "POST", url: nominations, token: ecoAda, body: `{"nominee":"eco-ada"}`,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"Individual Members", "one constituency per nominee"}},
			{name: "nominate another member", method: "POST", url: nominations, token: ada, body: `{"nominee":"ind-cy"}`,
				wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/nominations/2"},
				wantContains:   []string{`"nominee":"ind-cy","nominated_by":"ind-ada","status":"awaiting_consent","display_name":"Cy Ample"`},
				mustNotContain: []string{"consented_at"}},
			{name: "nominate a third member", method: "POST", url: nominations, token: cy, body: `{"nominee":"ind-dan"}`,
				wantStatus: http.StatusCreated, wantContains: []string{`"id":3,`, `"status":"awaiting_consent"`}},
			{name: "an organisation nominates itself", method: "POST", url: nominations, token: acme, body: `{"nominee":"gold-acme"}`,
				wantStatus:   http.StatusCreated,
				wantContains: []string{`"id":4,`, `"nominee":"gold-acme"`, `"display_name":"Jo Rep","affiliation":"Acme Corp"`}},
			{name: "a Guardian nominates herself", method: "POST", url: nominations, token: eve, body: `{"nominee":"guard-eve"}`,
				wantStatus: http.StatusCreated, wantContains: []string{`"id":5,`, `"status":"consented"`}},
		}, notInElections...))

		consent := `{"display_name":"Cy Young","statement":"Fair counts."}`
		e.run(t, withAll([]scenario{
			{name: "a nomination without token", method: "GET", url: nomination(2), wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "a nomination as admin", method: "GET", url: nomination(2), token: e.adminToken, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "a nomination to its nominator", method: "GET", url: nomination(2), token: ada, wantStatus: http.StatusOK,
				wantContains: []string{`"nominee":"ind-cy"`}},
			{name: "a nomination to its nominee", method: "GET", url: nomination(2), token: cy, wantStatus: http.StatusOK},
			{name: "a nomination to another member", method: "GET", url: nomination(2), token: dan, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "a nomination to an officer", method: "GET", url: nomination(2), token: e.officerToken, wantStatus: http.StatusOK},
			{name: "a nomination to an auditor", method: "GET", url: nomination(4), token: e.auditorToken, wantStatus: http.StatusOK},
			{name: "an unknown nomination", method: "GET", url: nomination(99), token: e.officerToken, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "not a nomination id", method: "GET", url: "/api/v1/nominations/two", token: e.officerToken, wantStatus: http.StatusNotFound, wantCode: "not_found"},

			{name: "consent without token", method: "POST", url: nomination(2) + "/consent", wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "consent as officer", method: "POST", url: nomination(2) + "/consent", token: e.officerToken,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "consent for someone else", method: "POST", url: nomination(2) + "/consent", token: ada,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "consent with a token of another election", method: "POST", url: nomination(2) + "/consent", token: e.memberOf("ind-cy", 2),
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "consent to an unknown nomination", method: "POST", url: nomination(99) + "/consent", token: cy,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "consent with a bad profile", method: "POST", url: nomination(2) + "/consent", token: cy,
				body: jsonBody(t, map[string]string{"display_name": strings.Repeat("C", 101)}), wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "consent with a body that is not JSON", method: "POST", url: nomination(2) + "/consent", token: cy, body: `{"display_name":`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "consent", method: "POST", url: nomination(2) + "/consent", token: cy, body: consent, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"consented","display_name":"Cy Young","statement":"Fair counts."`, `"consented_at":"2026-05-02T10:00:00Z"`}},
			{name: "consent again", method: "POST", url: nomination(2) + "/consent", token: cy,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"consented"}},

			{name: "accept as member", method: "POST", url: nomination(2) + "/accept", token: ada, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "accept as auditor", method: "POST", url: nomination(2) + "/accept", token: e.auditorToken,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "accept without consent", method: "POST", url: nomination(3) + "/accept", token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"has not consented"}},
			{name: "accept an unknown nomination", method: "POST", url: nomination(99) + "/accept", token: e.officerToken,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "accept with an unknown field", method: "POST", url: nomination(1) + "/accept", token: e.officerToken, body: `{"why":"x"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "accept without a body", method: "POST", url: nomination(1) + "/accept", token: e.officerToken, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"accepted"`, `"reviewed_at":"2026-05-02T10:00:00Z"`}, mustNotContain: []string{"review_reason"}},
			{name: "accept with a reason", method: "POST", url: nomination(2) + "/accept", token: e.officerToken, body: `{"reason":"eligible"}`,
				wantStatus: http.StatusOK, wantContains: []string{`"status":"accepted"`, `"review_reason":"eligible"`}},
			{name: "accept twice", method: "POST", url: nomination(2) + "/accept", token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},

			{name: "decline for someone else", method: "POST", url: nomination(3) + "/decline", token: cy, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "decline", method: "POST", url: nomination(3) + "/decline", token: dan, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"declined"`}},
			{name: "decline again", method: "POST", url: nomination(3) + "/decline", token: dan, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "consent after declining", method: "POST", url: nomination(3) + "/consent", token: dan, wantStatus: http.StatusConflict, wantCode: "conflict"},

			{name: "reject without a body", method: "POST", url: nomination(4) + "/reject", token: e.officerToken,
				wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
			{name: "reject without a reason", method: "POST", url: nomination(4) + "/reject", token: e.officerToken, body: `{"reason":" "}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"reason"}},
			{name: "reject as auditor", method: "POST", url: nomination(4) + "/reject", token: e.auditorToken, body: `{"reason":"no"}`,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "reject", method: "POST", url: nomination(4) + "/reject", token: e.officerToken, body: `{"reason":"dues unpaid"}`,
				wantStatus: http.StatusOK, wantContains: []string{`"status":"rejected"`, `"review_reason":"dues unpaid"`}},
			{name: "accept a rejected nomination", method: "POST", url: nomination(4) + "/accept", token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},

			{name: "withdraw for someone else", method: "POST", url: nomination(5) + "/withdraw", token: ada, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "withdraw as officer", method: "POST", url: nomination(5) + "/withdraw", token: e.officerToken, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "withdraw", method: "POST", url: nomination(5) + "/withdraw", token: eve, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"withdrawn"`, `"withdrawn_at":"2026-05-02T10:00:00Z"`}},
			{name: "withdraw again", method: "POST", url: nomination(5) + "/withdraw", token: eve, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "nominate again after withdrawing", method: "POST", url: nominations, token: eve, body: `{"nominee":"guard-eve"}`,
				wantStatus: http.StatusCreated, wantContains: []string{`"id":6,`}},
			{name: "withdraw the new nomination", method: "POST", url: nomination(6) + "/withdraw", token: eve, wantStatus: http.StatusOK},

			{name: "the nominations without token", method: "GET", url: nominations, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "the nominations as member", method: "GET", url: nominations, token: ada, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "the nominations of an unknown election", method: "GET", url: "/api/v1/elections/99/nominations", token: e.officerToken,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "the nominations as auditor", method: "GET", url: nominations, token: e.auditorToken, wantStatus: http.StatusOK,
				wantContains:   []string{`{"nominations":[{"id":1,`, `"id":6,`, `"status":"declined"`, `"status":"rejected"`, `"status":"withdrawn"`},
				mustNotContain: []string{"@"}},
			{name: "candidates while nominations are open", method: "GET", url: individual + "/candidates",
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"nominations phase"}},
		}, notInElections...))

		// Campaigning: the candidates are public, the outcome is known; reviews still go on.
		e.at(campaigning2026)
		ada, cy = e.memberOf("ind-ada", 1), e.memberOf("ind-cy", 1)
		e.run(t, withAll([]scenario{
			{name: "nominate while campaigning", method: "POST", url: nominations, token: cy, body: `{"nominee":"ind-cy"}`,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"campaigning phase"}},
			{name: "the candidates", method: "GET", url: individual + "/candidates", wantStatus: http.StatusOK,
				wantContains: []string{`"candidates":[{"nomination":1,"display_name":"Ada Lovelace","pronouns":"she/her","bio":"Analyst.",`,
					`{"nomination":2,"display_name":"Cy Young","statement":"Fair counts."}]`}},
			{name: "two candidates for four seats", method: "GET", url: individual, wantStatus: http.StatusOK,
				wantContains: []string{`"outcome":"acclamation","candidates":2`}},
			{name: "the Gold contest has nobody", method: "GET", url: fmt.Sprintf("/api/v1/contests/%d", w.contestID(t, "gold")),
				wantStatus: http.StatusOK, wantContains: []string{`"outcome":"no_candidates","candidates":0`}},
		}, append(notInElections, notPublic...)...))
		e.run(t, withAll([]scenario{
			{name: "withdraw while campaigning", method: "POST", url: nomination(2) + "/withdraw", token: cy, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"withdrawn"`}},
		}, notInElections...))

		// Voting: nothing moves.
		e.at(voting2026)
		ada = e.memberOf("ind-ada", 1)
		e.run(t, withAll([]scenario{
			{name: "withdraw while voting", method: "POST", url: nomination(1) + "/withdraw", token: ada,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"voting phase", "before voting opens"}},
			{name: "reject while voting", method: "POST", url: nomination(1) + "/reject", token: e.officerToken, body: `{"reason":"late"}`,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"voting phase"}},
			{name: "one candidate left", method: "GET", url: individual + "/candidates", wantStatus: http.StatusOK,
				wantContains: []string{`"nomination":1,`}, mustNotContain: []string{`"nomination":2`}},
		}, notInElections...))
	})
}
