package api_test

import (
	"net/http"
	"testing"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// A NUL character in a URL or a body, or a URL byte that is not UTF-8, is bad input on every
// engine: PostgreSQL cannot take them where SQLite can, so without care the same request
// answers 400 or 404 on SQLite and 500 on PostgreSQL.
func TestUnstorableTextOnEveryEngine(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		e := newBoardEnv(t, func(_ *api.Options, s *wrapStore) { s.Store = sqlstoretest.Migrated(t, opts) })
		e.applyMatrix(t)
		officer := e.officerToken
		e.run(t, []scenario{
			{name: "a member by an id with a NUL", method: "GET", url: "/api/v1/members/a%00b", token: officer,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "members of a constituency with a NUL", method: "GET", url: "/api/v1/members?constituency=gold%00", token: officer,
				wantStatus: http.StatusOK, wantContains: []string{`"members":[]`}},
			{name: "a member by an id that is not UTF-8", method: "GET", url: "/api/v1/members/a%FFb/eligibility", token: officer,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "members of a constituency that is not UTF-8", method: "GET", url: "/api/v1/members?constituency=gold%FF", token: officer,
				wantStatus: http.StatusOK, wantContains: []string{`"members":[]`}},
			{name: "members after an id with a NUL", method: "GET", url: "/api/v1/members?after=a%00", token: officer,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "events of a kind with a NUL", method: "GET", url: "/api/v1/audit/events?kind=a%00", token: officer,
				wantStatus: http.StatusOK, wantContains: []string{`"events":[]`}},
			{name: "events of a kind that is not UTF-8", method: "GET", url: "/api/v1/audit/events?kind=a%FF", token: officer,
				wantStatus: http.StatusOK, wantContains: []string{`"events":[]`}},
			{name: "replace on a seat that is not UTF-8", method: "POST", url: "/api/v1/board/seats/gold%FF-1/representative", token: officer,
				body: `{"name":"Kim","since":"2025-01-01"}`, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "vacate a seat with a NUL", method: "POST", url: "/api/v1/board/seats/gold%00-1/vacate", token: officer,
				body: `{"on":"2025-01-01","reason":"resigned"}`, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "a term of a member with a NUL", method: "POST", url: "/api/v1/board/seats/guardians-1/terms", token: officer,
				body: `{"member":"g\u0000","start":"2024-06-16","years":2}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "a term with a NUL in the holder's name", method: "POST", url: "/api/v1/board/seats/guardians-1/terms", token: officer,
				body: `{"holder":"A\u0000B","start":"2024-06-16","years":2}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "a member with a NUL in the name", method: "POST", url: "/api/v1/members", token: officer,
				body:       `{"external_id":"m-1","kind":"person","name":"A\u0000B","constituency":"individual","joined":"2024-01-01"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"name: must not contain a NUL character"}},
			{name: "an import with NULs", method: "POST", url: "/api/v1/members/import", token: officer, header: csvBody,
				body:       "external_id,kind,name,constituency,joined\nm\x00,person,N,individual,2024-01-01\nm-2,person,A\x00B,individual,2024-01-01\n",
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"line 2: external_id:", "line 3: name: must not contain a NUL"}},
			{name: "a donations import with NULs", method: "POST", url: "/api/v1/donations/import", token: officer, header: csvBody,
				body:       "external_id,member,amount,currency,date\np\x00,m\x00,1.00,USD,2025-01-01\n",
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"line 2: external_id:", "line 2: member:"}},
		})
	})
}

// A NUL character in a candidate profile or in an officer's review reason is bad input on
// every engine, like any other free text: PostgreSQL cannot store it, so without the check
// the same request answers 201 on SQLite and 500 on PostgreSQL.
func TestUnstorableNominationTextOnEveryEngine(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newElectionEnv(t, onEngine)
		e.create2026()
		e.at(nominations2026)
		ada, cy := e.memberOf("ind-ada", 1), e.memberOf("ind-cy", 1)
		const nominations = "/api/v1/elections/1/nominations"
		e.run(t, []scenario{
			{name: "a profile with NULs", method: "POST", url: nominations, token: ada,
				body:       `{"nominee":"ind-ada","display_name":"A\u0000","pronouns":"\u0000","affiliation":"\u0000","bio":"a\u0000b","statement":"\u0000"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{"display_name: must not contain a NUL", "pronouns: must not contain a NUL",
					"affiliation: must not contain a NUL", "bio: must not contain a NUL", "statement: must not contain a NUL"}},
			{name: "nominate", method: "POST", url: nominations, token: ada, body: `{"nominee":"ind-cy"}`,
				wantStatus: http.StatusCreated},
			{name: "consent with a NUL in the profile", method: "POST", url: "/api/v1/nominations/1/consent", token: cy,
				body: `{"bio":"b\u0000"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{"bio: must not contain a NUL"}},
			{name: "consent", method: "POST", url: "/api/v1/nominations/1/consent", token: cy, wantStatus: http.StatusOK},
			{name: "accept with a NUL in the reason", method: "POST", url: "/api/v1/nominations/1/accept", token: e.officerToken,
				body: `{"reason":"ok\u0000"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{"reason: must not contain a NUL"}},
			{name: "reject with a NUL in the reason", method: "POST", url: "/api/v1/nominations/1/reject", token: e.officerToken,
				body: `{"reason":"no\u0000"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{"reason: must not contain a NUL"}},
			{name: "the nomination is unchanged", method: "GET", url: "/api/v1/nominations/1", token: e.officerToken,
				wantStatus: http.StatusOK, wantContains: []string{`"status":"consented"`}, mustNotContain: []string{"review_reason"}},
		})
	})
}
