package api_test

import (
	"net/http"
	"testing"

	"github.com/govboard/govboard/elections"
)

// The member routes: officers write, officers and auditors read, nobody else sees anything.
func TestMemberScenarios(t *testing.T) {
	e := newBoardEnv(t)
	const members = "/api/v1/members"
	officer, auditor, member := e.officerToken, e.auditorToken, e.memberToken()
	ada := jsonBody(t, map[string]string{"external_id": "ind-ada", "kind": "person", "name": "Ada Lovelace",
		"email": "Ada@Example.org", "constituency": "individual", "joined": "2024-02-01", "paid_through": "2026-12-31"})
	acme := jsonBody(t, map[string]string{"external_id": "org:acme", "kind": "organisation", "name": "Acme Corp",
		"constituency": "gold", "joined": "2023-01-01", "representative_name": "Jo Rep",
		"representative_email": "jo@acme.example", "representative_since": "2023-01-01"})

	e.run(t, withAll([]scenario{
		{name: "add before any charter", method: "POST", url: members, token: officer, body: ada,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"charter"}},
	}, notInternal...))

	e.applyMatrix(t)
	e.run(t, withAll([]scenario{
		{name: "add without token", method: "POST", url: members, body: ada, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "add as auditor", method: "POST", url: members, token: auditor, body: ada, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "add as member", method: "POST", url: members, token: member, body: ada, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "add as CSV", method: "POST", url: members, token: officer, body: ada, header: csvBody,
			wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
		{name: "add with an internal id", method: "POST", url: members, token: officer,
			body:       `{"external_id":"x","kind":"person","name":"X","constituency":"individual","joined":"2024-01-01","id":1}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"id\"`}},
		{name: "add a bad member", method: "POST", url: members, token: officer,
			body:       `{"external_id":"x y","kind":"robot","name":"","constituency":"nowhere","joined":"yesterday"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"external_id", "kind", "name", "constituency", "joined"}},
		{name: "add a person", method: "POST", url: members, token: officer, body: ada,
			wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/members/ind-ada"},
			wantContains: []string{`"external_id":"ind-ada"`, `"kind":"person"`, `"email":"ada@example.org"`,
				`"joined":"2024-02-01"`, `"paid_through":"2026-12-31"`, `"standing":"good"`, `"created_at":"2026-03-01T10:00:00Z"`},
			mustNotContain: []string{`"representative"`}},
		{name: "add an organisation", method: "POST", url: members, token: officer, body: acme,
			wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/members/org:acme"},
			wantContains: []string{`"representative":{"name":"Jo Rep","email":"jo@acme.example","since":"2023-01-01"}`}},
		{name: "add a taken id", method: "POST", url: members, token: officer, body: ada, wantStatus: http.StatusConflict, wantCode: "conflict"},

		{name: "list as member", method: "GET", url: members, token: member, wantStatus: http.StatusForbidden, wantCode: "forbidden",
			mustNotContain: []string{"ada@example.org"}},
		{name: "list without token", method: "GET", url: members, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "list as officer", method: "GET", url: members, token: officer, wantStatus: http.StatusOK,
			wantContains: []string{`"external_id":"ind-ada"`, `"external_id":"org:acme"`, `"next_after":"org:acme"`}},
		{name: "list as auditor, one page", method: "GET", url: members + "?limit=1", token: auditor, wantStatus: http.StatusOK,
			wantContains: []string{`"external_id":"ind-ada"`, `"next_after":"ind-ada"`}, mustNotContain: []string{"org:acme"}},
		{name: "the next page", method: "GET", url: members + "?limit=1&after=ind-ada", token: auditor, wantStatus: http.StatusOK,
			wantContains: []string{`"external_id":"org:acme"`}, mustNotContain: []string{`"external_id":"ind-ada"`}},
		{name: "past the last page", method: "GET", url: members + "?after=org:acme", token: auditor, wantStatus: http.StatusOK,
			wantContains: []string{`{"members":[],"next_after":"org:acme"}`}},
		{name: "one constituency", method: "GET", url: members + "?constituency=gold", token: officer, wantStatus: http.StatusOK,
			wantContains: []string{"org:acme"}, mustNotContain: []string{"ind-ada"}},
		{name: "a bad limit", method: "GET", url: members + "?limit=ten", token: officer,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter limit"}},

		{name: "get as auditor", method: "GET", url: members + "/ind-ada", token: auditor, wantStatus: http.StatusOK,
			wantContains: []string{`"name":"Ada Lovelace"`}},
		{name: "get an escaped id", method: "GET", url: members + "/org%3Aacme", token: officer, wantStatus: http.StatusOK,
			wantContains: []string{`"name":"Acme Corp"`}},
		{name: "get as member", method: "GET", url: members + "/ind-ada", token: member, wantStatus: http.StatusForbidden, wantCode: "forbidden",
			mustNotContain: []string{"Ada"}},
		{name: "get an unknown member", method: "GET", url: members + "/nobody", token: officer, wantStatus: http.StatusNotFound, wantCode: "not_found"},

		{name: "change as auditor", method: "PATCH", url: members + "/ind-ada", token: auditor, body: `{"name":"A. Lovelace"}`,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "change an unknown member", method: "PATCH", url: members + "/nobody", token: officer, body: `{"name":"X"}`,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "change the kind", method: "PATCH", url: members + "/ind-ada", token: officer, body: `{"kind":"organisation"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"kind\"`}},
		{name: "change badly", method: "PATCH", url: members + "/ind-ada", token: officer, body: `{"standing":"great","paid_through":"2020-01-01"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"standing"}},
		{name: "change some fields", method: "PATCH", url: members + "/ind-ada", token: officer,
			body:       `{"email":"ada@lovelace.example","standing":"suspended","name":null}`,
			wantStatus: http.StatusOK, wantContains: []string{`"name":"Ada Lovelace"`, `"email":"ada@lovelace.example"`, `"standing":"suspended"`}},

		{name: "new representative as auditor", method: "POST", url: members + "/org:acme/representative", token: auditor,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "new representative of a person", method: "POST", url: members + "/ind-ada/representative", token: officer,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
		{name: "new representative of nobody", method: "POST", url: members + "/nobody/representative", token: officer,
			body: `{"name":"Kim New","since":"2026-02-01"}`, wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "new representative on a bad day", method: "POST", url: members + "/org:acme/representative", token: officer,
			body: `{"name":"Kim New","since":"Feb 1"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		{name: "new representative", method: "POST", url: members + "/org:acme/representative", token: officer,
			body:       `{"name":"Kim New","email":"kim@acme.example","since":"2026-02-01"}`,
			wantStatus: http.StatusOK, wantContains: []string{`"representative":{"name":"Kim New","email":"kim@acme.example","since":"2026-02-01"}`}},
		{name: "representatives as auditor", method: "GET", url: members + "/org:acme/representatives", token: auditor,
			wantStatus: http.StatusOK, wantContains: []string{
				`{"representatives":[{"name":"Jo Rep","email":"jo@acme.example","since":"2023-01-01","until":"2026-02-01"},{"name":"Kim New","email":"kim@acme.example","since":"2026-02-01"}]}`}},
		{name: "representatives as member", method: "GET", url: members + "/org:acme/representatives", token: member,
			wantStatus: http.StatusForbidden, wantCode: "forbidden", mustNotContain: []string{"Jo Rep"}},
		{name: "representatives of nobody", method: "GET", url: members + "/nobody/representatives", token: officer,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
	}, notInternal...))
}

// Donations and eligibility: officers and auditors see amounts and reasons; the member role
// sees neither.
func TestDonationAndEligibilityScenarios(t *testing.T) {
	e := newBoardEnv(t)
	e.applyMatrix(t)
	e.addMember(t, elections.MemberInput{ExternalID: "ind-ada", Kind: "person", Name: "Ada Lovelace",
		Email: "ada@example.org", Constituency: "individual", Joined: "2024-02-01"})
	e.addMember(t, elections.MemberInput{ExternalID: "ind-bob", Kind: "person", Name: "Bob Babbage",
		Constituency: "individual", Joined: "2024-02-01"})
	_, err := e.svc.ImportDonations(t.Context(), elections.CLIActor(), []elections.DonationInput{
		{Line: 2, ExternalID: "don-1", Member: "ind-ada", Amount: "30.00", Currency: "USD", Date: "2025-05-01", Source: "stripe"},
		{Line: 3, ExternalID: "don-2", Member: "ind-ada", Amount: "13.50", Currency: "EUR", Value: "15.00", Date: "2025-09-30"},
		{Line: 4, ExternalID: "don-3", Member: "ind-ada", Amount: "100.00", Currency: "USD", Date: "2025-01-15"},
	}, elections.ImportSource{Name: "test", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	const members = "/api/v1/members"
	officer, auditor, member := e.officerToken, e.auditorToken, e.memberToken()
	amounts := []string{"30.00", "13.50", "15.00", "45.00", "100.00", "don-1", "stripe"}
	e.run(t, withAll([]scenario{
		{name: "donations as officer", method: "GET", url: members + "/ind-ada/donations", token: officer, wantStatus: http.StatusOK,
			wantContains: []string{`"member":"ind-ada"`,
				`{"external_id":"don-3","amount":"100.00","currency":"USD","value":"100.00","date":"2025-01-15"`,
				`{"external_id":"don-2","amount":"13.50","currency":"EUR","value":"15.00","date":"2025-09-30"`,
				`"source":"stripe"`}},
		{name: "donations as auditor", method: "GET", url: members + "/ind-ada/donations", token: auditor, wantStatus: http.StatusOK,
			wantContains: []string{`"external_id":"don-1"`}},
		{name: "no donations", method: "GET", url: members + "/ind-bob/donations", token: officer, wantStatus: http.StatusOK,
			wantContains: []string{`{"member":"ind-bob","donations":[]}`}},
		{name: "donations as member", method: "GET", url: members + "/ind-ada/donations", token: member,
			wantStatus: http.StatusForbidden, wantCode: "forbidden", mustNotContain: amounts},
		{name: "donations without token", method: "GET", url: members + "/ind-ada/donations",
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", mustNotContain: amounts},
		{name: "donations of nobody", method: "GET", url: members + "/nobody/donations", token: officer,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},

		{name: "not enough donations", method: "GET", url: members + "/ind-ada/eligibility?at=2026-05-15", token: officer,
			wantStatus: http.StatusOK, wantContains: []string{`"member":"ind-ada"`, `"constituency":"individual"`, `"at":"2026-05-15"`,
				`"eligible":false`, `"reason":"donations 45.00 USD since 2025-04-20, 60.00 required"`, `"rule":"donation"`,
				`"window_start":"2025-04-20"`, `"donation_total":"45.00"`, `"min_donation":"60.00"`}},
		{name: "enough donations", method: "GET", url: members + "/ind-ada/eligibility?at=2025-05-15", token: auditor,
			wantStatus: http.StatusOK, wantContains: []string{`"eligible":true`, `"donation_total":"130.00"`}, mustNotContain: []string{`"reason"`}},
		{name: "another constituency", method: "GET", url: members + "/ind-ada/eligibility?at=2026-05-15&constituency=silver", token: officer,
			wantStatus: http.StatusOK, wantContains: []string{`"eligible":false`, `"reason":"member of \"Individual Members\", not \"Silver Members\""`,
				`"rule":"membership"`}, mustNotContain: []string{"donation_total"}},
		{name: "today by default", method: "GET", url: members + "/ind-bob/eligibility", token: officer,
			wantStatus: http.StatusOK, wantContains: []string{`"at":"2026-03-01"`, `"eligible":false`}},
		{name: "eligibility on a bad day", method: "GET", url: members + "/ind-ada/eligibility?at=15.5.2026", token: officer,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"query parameter at"}},
		{name: "eligibility of nobody", method: "GET", url: members + "/nobody/eligibility", token: officer,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "eligibility as member", method: "GET", url: members + "/ind-ada/eligibility?at=2026-05-15", token: member,
			wantStatus: http.StatusForbidden, wantCode: "forbidden", mustNotContain: amounts},
	}, notInternal...))
}
