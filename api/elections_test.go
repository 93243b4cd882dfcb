package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// The Matrix 2026 calendar (DESIGN.md §2): announcement 27 April, nominations 2–15 May,
// campaigning 16–29 May, voting 30 May–12 June, results 15 June.
const matrix2026Schedule = `{"announced_on":"2026-04-27","nominations_open":"2026-05-02","nominations_close":"2026-05-15",
	"voting_open":"2026-05-30","voting_close":"2026-06-12","results_on":"2026-06-15"}`

// Instants of the 2026 calendar the tests move the clock to.
const (
	announced2026   = "2026-04-27T09:00:00Z"
	nominations2026 = "2026-05-02T10:00:00Z"
	lastMinute2026  = "2026-05-15T23:59:59Z"
	campaigning2026 = "2026-05-16T00:00:00Z"
	voting2026      = "2026-05-30T08:00:00Z"
	votingOver2026  = "2026-06-13T00:00:00Z"
)

// notInElections must not appear in any response of the election routes: store row ids of
// members, code hashes, the person key of a nomination, donation data.
var notInElections = []string{`"member_id"`, `"ID"`, `"MemberID"`, `"hash"`, `"Hash"`, `"person_key"`, `"PersonKey"`,
	`"donation_total"`, `"donations":`, `"amount"`}

// notPublic must not appear in the public election routes: e-mail addresses, member ids,
// donation totals.
var notPublic = []string{"@", "ind-", "eco-", "gold-acme", "gold-norep", "guard-eve", `"email"`, `"nominee"`,
	"USD", "donations"}

// electionEnv is an API on the Matrix board with a small member roll, whose clock the tests
// move through the 2026 calendar.
type electionEnv struct {
	*env
	store *wrapStore
}

// newElectionEnv applies the Matrix charter and adds the roll:
//   - Individual (donation rule, 60 USD since 20 April 2025): ind-ada, ind-cy and ind-dan
//     donated enough; ind-bob only 45 USD.
//   - Ecosystem: eco-ada, Ada again (same e-mail address, another member record); eco-zed
//     joins after the cut-off.
//   - Gold: gold-acme with its representative Jo Rep; gold-norep has no representative.
//   - Guardians: guard-eve, without an e-mail address.
//
// The clock is then at the 2026 announcement.
func newElectionEnv(t *testing.T, configure ...func(*api.Options, *wrapStore)) *electionEnv {
	t.Helper()
	return newElectionEnvWith(t, matrixCharter(t), configure...)
}

// newElectionEnvWith is newElectionEnv with the charter YAML instead of the Matrix one; the
// store is kept in e.store.
func newElectionEnvWith(t *testing.T, charter string, configure ...func(*api.Options, *wrapStore)) *electionEnv {
	t.Helper()
	e := &electionEnv{}
	keep := func(_ *api.Options, s *wrapStore) { e.store = s }
	e.env = newBoardEnv(t, append(configure, keep)...)
	c, err := charterfile.Parse([]byte(charter), "charter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.ApplyCharter(context.Background(), elections.CLIActor(), c); err != nil {
		t.Fatalf("apply the charter: %v", err)
	}
	person := func(id, name, email, constituency, joined string) elections.MemberInput {
		return elections.MemberInput{ExternalID: id, Kind: "person", Name: name, Email: email,
			Constituency: constituency, Joined: joined}
	}
	for _, m := range []elections.MemberInput{
		person("ind-ada", "Ada Lovelace", "ada@example.org", "individual", "2024-02-01"),
		person("ind-bob", "Bob Babbage", "bob@example.org", "individual", "2024-02-01"),
		person("ind-cy", "Cy Ample", "cy@example.org", "individual", "2024-02-01"),
		person("ind-dan", "Dan Dee", "dan@example.org", "individual", "2024-02-01"),
		person("eco-ada", "Ada Lovelace", "Ada@Example.org", "ecosystem", "2024-01-01"),
		person("eco-zed", "Zed Late", "zed@example.org", "ecosystem", "2026-05-20"),
		{ExternalID: "gold-acme", Kind: "organisation", Name: "Acme Corp", Constituency: "gold", Joined: "2023-01-01",
			RepresentativeName: "Jo Rep", RepresentativeEmail: "jo@acme.example", RepresentativeSince: "2023-01-01"},
		{ExternalID: "gold-norep", Kind: "organisation", Name: "Norep Ltd", Constituency: "gold", Joined: "2023-01-01"},
		person("guard-eve", "Eve Guardian", "", "guardians", "2023-01-01"),
	} {
		e.addMember(t, m)
	}
	var ds []elections.DonationInput
	for i, d := range []struct{ member, amount, date string }{
		{"ind-ada", "75.00", "2025-06-01"}, {"ind-bob", "45.00", "2025-05-01"},
		{"ind-cy", "60.00", "2026-01-10"}, {"ind-dan", "100.00", "2025-12-24"},
	} {
		ds = append(ds, elections.DonationInput{Line: i + 2, ExternalID: fmt.Sprintf("don-%d", i+1), Member: d.member,
			Amount: d.amount, Currency: "USD", Date: d.date})
	}
	src := elections.ImportSource{Name: "test", SHA256: "00", Format: "csv"}
	if _, err := e.svc.ImportDonations(context.Background(), elections.CLIActor(), ds, src); err != nil {
		t.Fatalf("import donations: %v", err)
	}
	e.at(announced2026)
	return e
}

// eachEngine runs fn on SQLite and (when GOVBOARD_TEST_POSTGRES_DSN is set) PostgreSQL, with
// onEngine, which puts an env's store on a migrated database of the engine.
func eachEngine(t *testing.T, fn func(t *testing.T, onEngine func(*api.Options, *wrapStore))) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		fn(t, func(_ *api.Options, s *wrapStore) { s.Store = sqlstoretest.Migrated(t, opts) })
	})
}

// freezeRoll freezes the roll of a contest, as opening a voting round will.
func (e *electionEnv) freezeRoll(contest int64) {
	e.t.Helper()
	ctx := context.Background()
	err := e.store.Tx(ctx, func(tx elections.Store) error {
		_, err := e.svc.FreezeRoll(ctx, tx, elections.SystemActor(), contest)
		return err
	})
	if err != nil {
		e.t.Fatalf("freeze the roll of contest %d: %v", contest, err)
	}
}

// at moves the clock to instant (RFC 3339) and issues the account tokens anew, valid then.
func (e *electionEnv) at(instant string) {
	e.t.Helper()
	at, err := time.Parse(time.RFC3339, instant)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Set(at)
	e.adminToken = e.issue(e.tokens, subject(e.admin), "admin")
	e.officerToken = e.issue(e.tokens, subject(e.officer), "officer")
	e.auditorToken = e.issue(e.tokens, subject(e.auditor), "auditor")
}

// memberOf returns a member token for election, as POST /auth/redeem issues it.
func (e *env) memberOf(member string, election int64) string {
	e.t.Helper()
	tok, _, err := e.tokens.Issue("member:"+member, "member", fmt.Sprintf("election:%d", election))
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// electionIDs is the part of an election response the tests read: its id, phase and contests.
type electionIDs struct {
	ID       int64
	Phase    string
	Contests []struct {
		ID           int64
		Constituency string
		Outcome      string
		Candidates   int
	}
}

// contestID returns the id of the contest of constituency.
func (w electionIDs) contestID(t *testing.T, constituency string) int64 {
	t.Helper()
	for _, c := range w.Contests {
		if c.Constituency == constituency {
			return c.ID
		}
	}
	t.Fatalf("election %d has no %s contest", w.ID, constituency)
	return 0
}

// create2026 creates the Matrix 2026 election through the API.
func (e *electionEnv) create2026() electionIDs {
	e.t.Helper()
	rec := e.do(request{method: "POST", url: "/api/v1/elections", token: e.officerToken,
		body: `{"year":2026,"schedule":` + matrix2026Schedule + `}`})
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create the 2026 election: status %d: %s", rec.Code, rec.Body)
	}
	var w electionIDs
	decode(e.t, rec, &w)
	return w
}

// election returns an election as GET /elections/{id} shows it.
func (e *electionEnv) election(id int64) electionIDs {
	e.t.Helper()
	rec := e.do(request{method: "GET", url: fmt.Sprintf("/api/v1/elections/%d", id)})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("get election %d: status %d: %s", id, rec.Code, rec.Body)
	}
	var w electionIDs
	decode(e.t, rec, &w)
	return w
}

// The election routes: officers create elections and change their calendars, anyone reads
// them; the phase follows the clock through the 2026 calendar.
func TestElectionScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newElectionEnv(t, onEngine)
		const elections = "/api/v1/elections"
		create := `{"year":2026,"schedule":` + matrix2026Schedule + `}`
		officer := e.officerToken
		e.run(t, withAll([]scenario{
			{name: "no elections yet", method: "GET", url: elections, wantStatus: http.StatusOK, wantContains: []string{`{"elections":[]}`}},
			{name: "create without token", method: "POST", url: elections, body: create, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "create as auditor", method: "POST", url: elections, token: e.auditorToken, body: create,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "create as admin", method: "POST", url: elections, token: e.adminToken, body: create,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "create as member", method: "POST", url: elections, token: e.memberOf("ind-ada", 1), body: create,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "create as form data", method: "POST", url: elections, token: officer, body: "year=2026",
				header:     map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
				wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
			{name: "create with an unknown field", method: "POST", url: elections, token: officer,
				body:       `{"year":2026,"id":1,"schedule":` + matrix2026Schedule + `}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"id\"`}},
			{name: "create with a year that is not a number", method: "POST", url: elections, token: officer,
				body:       `{"year":"2026","schedule":` + matrix2026Schedule + `}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`\"year\"`}},
			{name: "create with bad days", method: "POST", url: elections, token: officer,
				body: `{"year":2026,"cutoff":"15 May","schedule":{"nominations_open":"2026-05-32","nominations_close":"2026-05-15",
					"voting_open":"2026-05-30","voting_close":"tomorrow"}}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{"field cutoff", "field schedule.nominations_open", "field schedule.voting_close"}},
			{name: "create with days out of order", method: "POST", url: elections, token: officer,
				body: `{"year":2026,"schedule":{"nominations_open":"2026-05-02","nominations_close":"2026-05-31",
					"voting_open":"2026-05-30","voting_close":"2026-05-29"}}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "create without days", method: "POST", url: elections, token: officer, body: `{"year":2026}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "create with a bad deadline policy", method: "POST", url: elections, token: officer,
				body:       `{"year":2026,"deadlines":"pst","schedule":` + matrix2026Schedule + `}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"pst"}},
			{name: "create before the first election", method: "POST", url: elections, token: officer,
				body: `{"year":2023,"schedule":{"nominations_open":"2026-05-02","nominations_close":"2026-05-15",
					"voting_open":"2026-05-30","voting_close":"2026-06-12"}}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "nothing was created", method: "GET", url: elections, wantStatus: http.StatusOK, wantContains: []string{`{"elections":[]}`}},
			{name: "create the 2026 election", method: "POST", url: elections, token: officer, body: create,
				wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/elections/1"},
				wantContains: []string{`"id":1,"year":2026,"title":"2026 election of The Matrix.org Foundation Governing Board","phase":"announced"`,
					`"charter_version":1,"cutoff":"2026-05-15","deadlines":"utc"`,
					`"announced_on":"2026-04-27","nominations_open":"2026-05-02","nominations_close":"2026-05-15"`,
					`"nominations_open_at":"2026-05-02T00:00:00Z","nominations_close_at":"2026-05-16T00:00:00Z"`,
					`"voting_open_at":"2026-05-30T00:00:00Z","voting_close_at":"2026-06-13T00:00:00Z"`,
					`"constituency":"individual","name":"Individual Members","method":"meek","uncontested":"acclamation"`,
					`{"seat":"individual-1","term_years":1,"term_ends_year":2027,"by_election":true,"reason":"never filled"}`,
					`{"seat":"guardians-3","term_years":2,"term_ends_year":2028,"by_election":false,"reason":"in cycle"}`,
					`"outcome":"pending","candidates":0,"roll_frozen":false`},
				mustNotContain: []string{`"constituency":"platinum"`, `"constituency":"managing-director"`, "roll_size", "roll_fingerprint"}},
			{name: "create 2026 again", method: "POST", url: elections, token: officer, body: create,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"2026"}},
		}, append(notInElections, "@")...))

		w := e.election(1)
		individual, gold := w.contestID(t, "individual"), w.contestID(t, "gold")
		contest := func(id int64) string { return fmt.Sprintf("/api/v1/contests/%d", id) }
		e.run(t, withAll([]scenario{
			{name: "the elections", method: "GET", url: elections, wantStatus: http.StatusOK,
				wantContains: []string{`{"elections":[{"id":1,"year":2026`}},
			{name: "the election", method: "GET", url: elections + "/1", wantStatus: http.StatusOK,
				wantContains: []string{`"phase":"announced"`, `"constituency":"gold"`, `"constituency":"spec-core-team"`}},
			{name: "an unknown election", method: "GET", url: elections + "/99", wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "not an election id", method: "GET", url: elections + "/2026-x", wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "a contest", method: "GET", url: contest(individual), wantStatus: http.StatusOK,
				wantContains: []string{fmt.Sprintf(`"id":%d,"election":1,"constituency":"individual"`, individual),
					`"seat":"individual-4"`, `"phase":"announced","outcome":"pending"`}},
			{name: "a Gold contest of one seat for two members", method: "GET", url: contest(gold), wantStatus: http.StatusOK,
				wantContains: []string{`"seats":[{"seat":"gold-1",`}, mustNotContain: []string{`"gold-2"`}},
			{name: "an unknown contest", method: "GET", url: contest(999), wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "candidates before nominations", method: "GET", url: contest(individual) + "/candidates",
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"announced phase"}},
			{name: "candidates of an unknown contest", method: "GET", url: contest(999) + "/candidates",
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
		}, append(notInElections, notPublic...)...))

		schedule := elections + "/1/schedule"
		aoe := `{"deadlines":"aoe","schedule":` + matrix2026Schedule + `}`
		e.run(t, withAll([]scenario{
			{name: "change the calendar without token", method: "PUT", url: schedule, body: aoe,
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "change the calendar as auditor", method: "PUT", url: schedule, token: e.auditorToken, body: aoe,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "change the calendar as member", method: "PUT", url: schedule, token: e.memberOf("ind-ada", 1), body: aoe,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "change an unknown election's calendar", method: "PUT", url: elections + "/99/schedule", token: officer, body: aoe,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "change the calendar to bad days", method: "PUT", url: schedule, token: officer,
				body:       `{"schedule":{"nominations_open":"2026-5-2","nominations_close":"2026-05-15","voting_open":"2026-05-30","voting_close":"2026-06-12"}}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"field schedule.nominations_open"}},
			{name: "change the calendar into the past", method: "PUT", url: schedule, token: officer,
				body:       `{"schedule":{"nominations_open":"2026-04-20","nominations_close":"2026-05-15","voting_open":"2026-05-30","voting_close":"2026-06-12"}}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "deadlines Anywhere on Earth", method: "PUT", url: schedule, token: officer, body: aoe, wantStatus: http.StatusOK,
				wantContains: []string{`"deadlines":"aoe"`, `"nominations_close_at":"2026-05-16T12:00:00Z"`,
					`"voting_open_at":"2026-05-30T00:00:00Z"`, `"voting_close_at":"2026-06-13T12:00:00Z"`}},
			{name: "deadlines in UTC again", method: "PUT", url: schedule, token: officer,
				body: `{"deadlines":"utc","schedule":` + matrix2026Schedule + `}`, wantStatus: http.StatusOK,
				wantContains: []string{`"deadlines":"utc"`, `"nominations_close_at":"2026-05-16T00:00:00Z"`}},
		}, append(notInElections, "@")...))

		reason := func(r string) string {
			return jsonBody(t, map[string]any{"seats": []string{"individual-1", "individual-3"}, "reason": r})
		}
		e.run(t, withAll([]scenario{
			{name: "change a contest without token", method: "PATCH", url: contest(individual), body: `{"method":"irv"}`,
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "change a contest as auditor", method: "PATCH", url: contest(individual), token: e.auditorToken, body: `{"method":"irv"}`,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "change an unknown contest", method: "PATCH", url: contest(999), token: officer, body: `{"method":"irv"}`,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "change to no method", method: "PATCH", url: contest(individual), token: officer, body: `{"method":"dice"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"dice"}},
			{name: "change to a bad policy", method: "PATCH", url: contest(individual), token: officer, body: `{"uncontested":"lottery"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "change the seats without a reason", method: "PATCH", url: contest(individual), token: officer, body: reason(""),
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "change to a seat of another constituency", method: "PATCH", url: contest(individual), token: officer,
				body:       `{"seats":["gold-1"],"reason":"typo"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"gold-1"}},
			{name: "change the method and policy", method: "PATCH", url: contest(individual), token: officer,
				body:       `{"method":"irv","uncontested":"confidence"}`,
				wantStatus: http.StatusOK, wantContains: []string{`"method":"irv","uncontested":"confidence"`}},
			{name: "change the seats", method: "PATCH", url: contest(individual), token: officer, body: reason("two seats this year"),
				wantStatus: http.StatusOK, wantContains: []string{`"seats":[{"seat":"individual-1",`, `{"seat":"individual-3",`},
				mustNotContain: []string{`"individual-2"`, `"individual-4"`}},
			{name: "change back", method: "PATCH", url: contest(individual), token: officer,
				body:       `{"method":"meek","uncontested":"acclamation"}`,
				wantStatus: http.StatusOK, wantContains: []string{`"method":"meek","uncontested":"acclamation"`}},
		}, append(notInElections, "@")...))

		// The last second of nominations, then campaigning: the method is fixed, the seats are not.
		e.at(lastMinute2026)
		e.run(t, []scenario{
			{name: "the last second of nominations", method: "GET", url: elections + "/1", wantStatus: http.StatusOK,
				wantContains: []string{`"phase":"nominations"`}},
		})
		e.at(campaigning2026)
		officer = e.officerToken
		e.run(t, withAll([]scenario{
			{name: "campaigning", method: "GET", url: elections + "/1", wantStatus: http.StatusOK,
				wantContains: []string{`"phase":"campaigning"`, `"outcome":"no_candidates"`}},
			{name: "change the method while campaigning", method: "PATCH", url: contest(individual), token: officer, body: `{"method":"irv"}`,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"campaigning phase"}},
			{name: "raise the seats while campaigning", method: "PATCH", url: contest(individual), token: officer,
				body:       `{"seats":["individual-1","individual-2","individual-3"],"reason":"a resignation"}`,
				wantStatus: http.StatusOK, wantContains: []string{`"seat":"individual-2"`}},
			{name: "move the passed close of nominations", method: "PUT", url: schedule, token: officer,
				body:       `{"schedule":{"nominations_open":"2026-05-02","nominations_close":"2026-05-20","voting_open":"2026-05-30","voting_close":"2026-06-12"}}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "move the close of voting", method: "PUT", url: schedule, token: officer,
				body:       `{"schedule":{"nominations_open":"2026-05-02","nominations_close":"2026-05-15","voting_open":"2026-05-30","voting_close":"2026-06-14"}}`,
				wantStatus: http.StatusOK, wantContains: []string{`"voting_close_at":"2026-06-15T00:00:00Z"`, `"announced_on":"2026-04-27"`}},
			{name: "no candidates anywhere", method: "GET", url: contest(individual) + "/candidates", wantStatus: http.StatusOK,
				wantContains: []string{fmt.Sprintf(`{"contest":%d,"candidates":[]}`, individual)}},
		}, append(notInElections, notPublic...)...))

		e.at(voting2026)
		e.run(t, []scenario{
			{name: "voting", method: "GET", url: elections + "/1", wantStatus: http.StatusOK, wantContains: []string{`"phase":"voting"`}},
		})
		e.at(votingOver2026)
		e.run(t, []scenario{
			{name: "voting stays the phase until the count", method: "GET", url: elections, wantStatus: http.StatusOK,
				wantContains: []string{`"phase":"voting"`}},
		})
	})
}

// The roll routes: officers and auditors preview a contest's roll, with who is left off and
// why; additions wait for the freeze.
func TestRollScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newElectionEnv(t, onEngine)
		w := e.create2026()
		individual, gold := w.contestID(t, "individual"), w.contestID(t, "gold")
		roll := func(id int64) string { return fmt.Sprintf("/api/v1/contests/%d/roll", id) }
		add := `{"member":"ind-bob","reason":"paid late, by bank transfer"}`
		e.run(t, withAll([]scenario{
			{name: "a roll without token", method: "GET", url: roll(individual), wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "a roll as member", method: "GET", url: roll(individual), token: e.memberOf("ind-ada", w.ID),
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "a roll as admin", method: "GET", url: roll(individual), token: e.adminToken,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "an unknown contest's roll", method: "GET", url: roll(999), token: e.officerToken,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "the Individual preview", method: "GET", url: roll(individual), token: e.officerToken, wantStatus: http.StatusOK,
				wantContains: []string{
					fmt.Sprintf(`{"contest":%d,"frozen":false,"size":3,"entries":[`, individual),
					`{"member":"ind-ada","name":"Ada Lovelace","kind":"person","email":"ada@example.org"}`,
					`{"member":"ind-cy",`, `{"member":"ind-dan",`,
					`"ineligible":[{"member":"ind-bob","reason":"donations 45.00 USD since 2025-04-20, 60.00 required"}]`},
				mustNotContain: []string{`"fingerprint"`}},
			{name: "the Gold preview as auditor", method: "GET", url: roll(gold), token: e.auditorToken, wantStatus: http.StatusOK,
				wantContains: []string{`{"member":"gold-acme","name":"Acme Corp","kind":"organisation","representative":"Jo Rep","email":"jo@acme.example"}`,
					`{"member":"gold-norep","name":"Norep Ltd","kind":"organisation"}`}},
			{name: "the Ecosystem preview", method: "GET", url: roll(w.contestID(t, "ecosystem")), token: e.officerToken, wantStatus: http.StatusOK,
				wantContains: []string{`"size":1`, `"member":"eco-ada"`, `{"member":"eco-zed","reason":"joined 2026-05-20, after 2026-05-15"}`}},
			{name: "add without token", method: "POST", url: roll(individual), body: add,
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "add as auditor", method: "POST", url: roll(individual), token: e.auditorToken, body: add,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "add with a bad body", method: "POST", url: roll(individual), token: e.officerToken, body: `{"member":["ind-bob"]}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "add to an unknown contest", method: "POST", url: roll(999), token: e.officerToken, body: add,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "add before the freeze", method: "POST", url: roll(individual), token: e.officerToken, body: add,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
		}, notInElections...))

		// The Matrix charter allows no additions after the freeze.
		e.at(voting2026)
		e.freezeRoll(individual)
		e.run(t, withAll([]scenario{
			{name: "add after the freeze where the charter forbids it", method: "POST", url: roll(individual), token: e.officerToken,
				body: add, wantStatus: http.StatusConflict, wantCode: "conflict"},
		}, notInElections...))
	})
}

// After the freeze, a roll is the stored one with its fingerprint; where the charter allows
// it, officers add members to it, each with a reason, and the fingerprint stays the one of
// the freeze.
func TestFrozenRollScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		charter := strings.Replace(matrixCharter(t), "  one_constituency_per_nominee: true",
			"  one_constituency_per_nominee: true\n  roll_additions_after_freeze: true", 1)
		e := newElectionEnvWith(t, charter, onEngine)
		w := e.create2026()
		individual := w.contestID(t, "individual")
		roll := fmt.Sprintf("/api/v1/contests/%d/roll", individual)
		e.at(voting2026)
		e.freezeRoll(individual)
		sum := sha256.Sum256([]byte("ind-ada\nind-cy\nind-dan\n"))
		fingerprint := hex.EncodeToString(sum[:])
		officer := e.officerToken
		e.run(t, withAll([]scenario{
			{name: "the frozen roll", method: "GET", url: roll, token: e.auditorToken, wantStatus: http.StatusOK,
				wantContains: []string{fmt.Sprintf(`{"contest":%d,"frozen":true,"fingerprint":"%s","size":3,"entries":[`, individual, fingerprint),
					`{"member":"ind-ada","name":"Ada Lovelace","kind":"person","email":"ada@example.org"}`},
				mustNotContain: []string{"ineligible", "ind-bob"}},
			{name: "the contest of a frozen roll", method: "GET", url: fmt.Sprintf("/api/v1/contests/%d", individual),
				wantStatus:   http.StatusOK,
				wantContains: []string{`"roll_frozen":true,"roll_frozen_at":"2026-05-30T08:00:00Z","roll_fingerprint":"` + fingerprint + `","roll_size":3}`}},
			{name: "add without a reason", method: "POST", url: roll, token: officer, body: `{"member":"ind-bob"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"reason"}},
			{name: "add a member of another constituency", method: "POST", url: roll, token: officer,
				body: `{"member":"eco-ada","reason":"asked"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "add someone on the roll", method: "POST", url: roll, token: officer,
				body: `{"member":"ind-ada","reason":"asked"}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "add a member", method: "POST", url: roll, token: officer, body: `{"member":"ind-bob","reason":"paid late, by bank transfer"}`,
				wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": roll},
				wantContains: []string{`{"member":"ind-bob","name":"Bob Babbage","kind":"person","email":"bob@example.org",` +
					`"added_at":"2026-05-30T08:00:00Z","added_by":"user:2","reason":"paid late, by bank transfer"}`}},
			{name: "the roll with the addition", method: "GET", url: roll, token: officer, wantStatus: http.StatusOK,
				wantContains: []string{`"fingerprint":"` + fingerprint + `","size":4`, `"reason":"paid late, by bank transfer"`}},
			{name: "the contest with the addition", method: "GET", url: fmt.Sprintf("/api/v1/contests/%d", individual),
				wantStatus: http.StatusOK, wantContains: []string{`"roll_fingerprint":"` + fingerprint + `","roll_size":4}`}},
		}, notInElections...))
	})
}

// An addition to a frozen roll answers with the entry as every later read shows it: its
// added_at at the precision the database keeps (microseconds), not the clock's nanoseconds.
func TestRollAdditionAsStored(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		charter := strings.Replace(matrixCharter(t), "  one_constituency_per_nominee: true",
			"  one_constituency_per_nominee: true\n  roll_additions_after_freeze: true", 1)
		e := newElectionEnvWith(t, charter, onEngine)
		individual := e.create2026().contestID(t, "individual")
		roll := fmt.Sprintf("/api/v1/contests/%d/roll", individual)
		e.at(voting2026)
		e.freezeRoll(individual)
		e.at("2026-05-31T10:00:00.123456789Z")
		const stored = `"added_at":"2026-05-31T10:00:00.123456Z"`
		e.run(t, []scenario{
			{name: "add a member", method: "POST", url: roll, token: e.officerToken, body: `{"member":"ind-bob","reason":"paid late"}`,
				wantStatus: http.StatusCreated, wantContains: []string{stored}},
			{name: "the roll with the addition", method: "GET", url: roll, token: e.officerToken,
				wantStatus: http.StatusOK, wantContains: []string{stored}},
		})
	})
}
