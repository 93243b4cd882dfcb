package api_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// matrix2026Donations are the Individual members' donations: the Matrix rule asks for 60 USD
// since 20 April of the year before the cut-off (2026-05-15).
const matrix2026Donations = "external_id,member,amount,currency,date,source\n" +
	"d-1,ind-01,60.00,USD,2025-06-01,stripe\n" +
	"d-2,ind-02,100,USD,2025-12-24,stripe\n" +
	"d-3,ind-03,45.00,USD,2025-05-01,stripe\n" +
	"d-4,ind-04,80.00,USD,2025-11-01,liberapay\n" +
	"d-5,ind-05,500.00,USD,2025-04-19,stripe\n"

// electionWire is the part of an election the walk-through reads.
type electionWire struct {
	ID       int64
	Phase    string
	Contests []struct {
		ID           int64
		Constituency string
		Outcome      string
		Candidates   int
		Seats        []struct {
			Seat       string
			TermYears  int  `json:"term_years"`
			ByElection bool `json:"by_election"`
		}
	}
}

// contestLines writes each contest as "key: seat years[*]… → outcome (candidates)".
func (w electionWire) contestLines() []string {
	var lines []string
	for _, c := range w.Contests {
		line := c.Constituency + ":"
		for _, s := range c.Seats {
			line += fmt.Sprintf(" %s %dy", s.Seat, s.TermYears)
			if s.ByElection {
				line += "*"
			}
		}
		lines = append(lines, fmt.Sprintf("%s → %s (%d)", line, c.Outcome, c.Candidates))
	}
	return lines
}

// contest returns the id of the contest of a constituency.
func (w electionWire) contest(t *testing.T, constituency string) int64 {
	t.Helper()
	for _, c := range w.Contests {
		if c.Constituency == constituency {
			return c.ID
		}
	}
	t.Fatalf("no contest for %s in %+v", constituency, w)
	return 0
}

// election reads election id.
func (m *matrixEnv) election(id int64) electionWire {
	m.t.Helper()
	var w electionWire
	m.call(request{method: "GET", url: fmt.Sprintf("/api/v1/elections/%d", id)}, http.StatusOK, &w)
	return w
}

// The issue #4 "done when": the Matrix 2026 election from its creation to the close of
// nominations through the HTTP API, on SQLite and (when configured) PostgreSQL: the contests
// and seats of DESIGN.md §2's 2026 table, the calendar's phases, rolls previewed, access codes
// issued and redeemed, nominations with consent and review, a refused cross-constituency
// nomination, the Individual seats raised from 1 to 2 during the election, and acclamation for
// a contest with fewer candidates than seats.
func TestMatrix2026ElectionThroughTheAPI(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		m := newMatrixThrough2025(t, opts)

		officer := m.at("2026-01-02")
		m.call(request{method: "POST", url: "/api/v1/donations/import", token: officer, body: matrix2026Donations,
			header: csvBody}, http.StatusOK, nil)

		// 27 April: the election is announced. The calendar is the Foundation's (UTC).
		officer = m.at("2026-04-27")
		var created electionWire
		m.call(request{method: "POST", url: "/api/v1/elections", token: officer, body: `{"year":2026,
			"title":"2026 Governing Board election","cutoff":"2026-05-15","deadlines":"utc",
			"schedule":{"announced_on":"2026-04-27","nominations_open":"2026-05-02","nominations_close":"2026-05-15",
			"voting_open":"2026-05-30","voting_close":"2026-06-12","results_on":"2026-06-15"}}`},
			http.StatusCreated, &created)
		w := m.election(created.ID)
		want := []string{
			"individual: individual-3 1y* → pending (0)",
			"ecosystem: ecosystem-1 2y ecosystem-2 2y ecosystem-3 2y → pending (0)",
			"associate: associate-2 1y* → pending (0)",
			"platinum: platinum-1 2y → pending (0)",
			"silver: silver-1 1y* silver-2 1y* → pending (0)",
			"guardians: guardians-1 2y guardians-2 2y guardians-3 2y → pending (0)",
			"spec-core-team: spec-core-team-1 2y spec-core-team-2 2y → pending (0)",
		}
		if diff := cmp.Diff(want, w.contestLines()); diff != "" || w.Phase != "announced" {
			t.Fatalf("phase %s; contests on creation (-want +got):\n%s", w.Phase, diff)
		}
		m.call(request{method: "POST", url: "/api/v1/elections", token: officer,
			body: `{"year":2026,"schedule":{"nominations_open":"2026-05-02","nominations_close":"2026-05-15","voting_open":"2026-05-30","voting_close":"2026-06-12"}}`},
			http.StatusConflict, nil)

		// The Individual roll, previewed: the donation rule on the cut-off day.
		individual := w.contest(t, "individual")
		var roll struct {
			Frozen     bool
			Entries    []struct{ Member string }
			Ineligible []struct{ Member, Reason string }
		}
		m.call(request{method: "GET", url: fmt.Sprintf("/api/v1/contests/%d/roll", individual), token: officer},
			http.StatusOK, &roll)
		var onRoll, off []string
		for _, e := range roll.Entries {
			onRoll = append(onRoll, e.Member)
		}
		for _, e := range roll.Ineligible {
			off = append(off, e.Member+": "+e.Reason)
		}
		if diff := cmp.Diff([]string{"ind-01", "ind-02", "ind-04"}, onRoll); diff != "" || roll.Frozen {
			t.Errorf("Individual roll (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{
			"ind-03: donations 45.00 USD since 2025-04-20, 60.00 required",
			"ind-05: donations 0.00 USD since 2025-04-20, 60.00 required",
		}, off); diff != "" {
			t.Errorf("Individual members left off (-want +got):\n%s", diff)
		}

		// Before nominations open, a member's nomination is refused with the phase named.
		officer = m.at("2026-05-01")
		codes := m.accessCodes(officer, created.ID, "ind-01")
		ida := m.redeem(codes["ind-01"])
		rec := m.do(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/nominations", created.ID), token: ida,
			body: `{"nominee":"ind-01"}`})
		if p := problem(t, rec); rec.Code != http.StatusConflict || !strings.Contains(p.Detail, "announced") {
			t.Fatalf("nomination before nominations open: %d %s", rec.Code, rec.Body)
		}

		// 3 May, nominations: codes for the voters of every roll, each redeemed once.
		officer = m.at("2026-05-03")
		if w := m.election(created.ID); w.Phase != "nominations" {
			t.Fatalf("phase on 3 May: %s", w.Phase)
		}
		codes = m.accessCodes(officer, created.ID)
		tok := map[string]string{}
		for _, member := range []string{"guardian-ada", "guardian-bo", "guardian-cy", "guardian-di", "sct-1", "sct-2",
			"ind-01", "ind-02", "ind-04", "eco-1", "eco-2", "eco-3", "eco-4", "plat-1", "silver-a"} {
			tok[member] = m.redeem(codes[member])
		}
		m.call(request{method: "POST", url: "/api/v1/auth/redeem", body: `{"code":"` + codes["guardian-ada"] + `"}`},
			http.StatusUnauthorized, nil)
		if _, ok := codes["ind-03"]; ok {
			t.Errorf("a code was issued for ind-03, who is on no roll")
		}

		nominate := func(by, nominee string, want int) int64 {
			t.Helper()
			var n struct{ ID int64 }
			m.call(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/nominations", created.ID), token: tok[by],
				body: `{"nominee":"` + nominee + `","statement":"I will serve the community."}`}, want, &n)
			return n.ID
		}
		nomination := func(who string, id int64, action string, want int) {
			t.Helper()
			body := `{"reason":"checked against the roll"}`
			if action == "consent" {
				body = `{"pronouns":"they/them"}`
			}
			m.call(request{method: "POST", url: fmt.Sprintf("/api/v1/nominations/%d/%s", id, action), token: who,
				body: body}, want, nil)
		}
		var accept []int64
		for _, g := range []string{"guardian-ada", "guardian-bo", "guardian-cy", "guardian-di"} {
			accept = append(accept, nominate(g, g, http.StatusCreated))
		}
		for _, e := range []string{"eco-1", "eco-2", "eco-3", "eco-4"} {
			accept = append(accept, nominate(e, e, http.StatusCreated))
		}
		accept = append(accept, nominate("plat-1", "plat-1", http.StatusCreated), nominate("silver-a", "silver-a", http.StatusCreated),
			nominate("ind-01", "ind-01", http.StatusCreated), nominate("ind-04", "ind-04", http.StatusCreated),
			nominate("sct-1", "sct-1", http.StatusCreated))

		// A nomination of another member needs the nominee's consent before review.
		jon := nominate("ind-01", "ind-02", http.StatusCreated)
		nomination(officer, jon, "accept", http.StatusConflict)
		nomination(tok["ind-02"], jon, "consent", http.StatusOK)
		accept = append(accept, jon)
		tia := nominate("sct-1", "sct-2", http.StatusCreated)
		nomination(tok["sct-2"], tia, "consent", http.StatusOK)
		accept = append(accept, tia)

		// Refused: across constituencies, twice in one contest, an ineligible nominee.
		nominate("ind-01", "guardian-bo", http.StatusBadRequest)
		nominate("guardian-ada", "guardian-ada", http.StatusConflict)
		nominate("ind-01", "ind-03", http.StatusBadRequest)

		for _, id := range accept {
			nomination(officer, id, "accept", http.StatusOK)
		}
		// One Ecosystem nomination is rejected after review.
		nomination(officer, accept[7], "reject", http.StatusOK)

		// 11 May: a second Individual member steps down; the officer raises the Individual
		// seats from 1 to 2 for the rest of the election.
		officer = m.at("2026-05-11")
		m.call(request{method: "POST", url: "/api/v1/board/seats/individual-1/vacate", token: officer,
			body: `{"on":"2026-05-10","reason":"resigned"}`}, http.StatusOK, nil)
		m.call(request{method: "PATCH", url: fmt.Sprintf("/api/v1/contests/%d", individual), token: officer,
			body: `{"seats":["individual-1","individual-3"],"reason":"individual-1 resigned on 2026-05-10"}`}, http.StatusOK, nil)

		// The candidate lists are public only once nominations have closed.
		m.call(request{method: "GET", url: fmt.Sprintf("/api/v1/contests/%d/candidates", individual)}, http.StatusConflict, nil)

		// 16 May, campaigning: every contest's outcome is known.
		officer = m.at("2026-05-16")
		w = m.election(created.ID)
		want = []string{
			"individual: individual-1 1y* individual-3 1y* → contested (3)",
			"ecosystem: ecosystem-1 2y ecosystem-2 2y ecosystem-3 2y → acclamation (3)",
			"associate: associate-2 1y* → no_candidates (0)",
			"platinum: platinum-1 2y → acclamation (1)",
			"silver: silver-1 1y* silver-2 1y* → acclamation (1)",
			"guardians: guardians-1 2y guardians-2 2y guardians-3 2y → contested (4)",
			"spec-core-team: spec-core-team-1 2y spec-core-team-2 2y → acclamation (2)",
		}
		if diff := cmp.Diff(want, w.contestLines()); diff != "" || w.Phase != "campaigning" {
			t.Fatalf("phase %s; contests after nominations (-want +got):\n%s", w.Phase, diff)
		}
		var candidates struct {
			Candidates []struct {
				DisplayName string `json:"display_name"`
			}
		}
		m.call(request{method: "GET", url: fmt.Sprintf("/api/v1/contests/%d/candidates", individual)}, http.StatusOK, &candidates)
		var names []string
		for _, c := range candidates.Candidates {
			names = append(names, c.DisplayName)
		}
		if diff := cmp.Diff([]string{"Ida Individual", "Jon Individual", "Lu Individual"}, names); diff != "" {
			t.Errorf("Individual candidates (-want +got):\n%s", diff)
		}
		rec = m.do(request{method: "GET", url: fmt.Sprintf("/api/v1/contests/%d/candidates", individual)})
		for _, leak := range []string{"@", "ind-0", "person_key"} {
			if strings.Contains(rec.Body.String(), leak) {
				t.Errorf("the public candidate list contains %q: %s", leak, rec.Body)
			}
		}
		// Nominations are closed: a late one is refused (with a fresh code: codes and member
		// tokens are single-use and short-lived).
		officer = m.at("2026-05-16")
		tok["ind-02"] = m.redeem(m.accessCodes(officer, created.ID, "ind-02")["ind-02"])
		nominate("ind-02", "ind-02", http.StatusConflict)

		// 30 May, voting.
		m.at("2026-05-30")
		if w := m.election(created.ID); w.Phase != "voting" {
			t.Fatalf("phase on 30 May: %s", w.Phase)
		}
	})
}

// accessCodes issues codes for members of election id (everyone on its rolls when none are
// named) and returns them by member, from the CSV.
func (m *matrixEnv) accessCodes(officer string, id int64, members ...string) map[string]string {
	m.t.Helper()
	body := `{}`
	if len(members) > 0 {
		body = `{"members":["` + strings.Join(members, `","`) + `"]}`
	}
	req, rec := m.serve(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/access-codes", id), token: officer, body: body})
	m.v.check(m.t, req, rec)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		m.t.Fatalf("access codes: %d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(rows) < 2 {
		m.t.Fatalf("access codes CSV: %v %q", err, rows)
	}
	if diff := cmp.Diff([]string{"member", "name", "representative", "email", "code", "expires_at", "voting_link", "mail"}, rows[0]); diff != "" {
		m.t.Fatalf("CSV header (-want +got):\n%s", diff)
	}
	codes := map[string]string{}
	for _, r := range rows[1:] {
		if r[4] != "" {
			codes[r[0]] = r[4]
		}
	}
	return codes
}

// redeem exchanges a code for a member token.
func (m *matrixEnv) redeem(code string) string {
	m.t.Helper()
	var out struct{ Token string }
	m.call(request{method: "POST", url: "/api/v1/auth/redeem", body: `{"code":"` + code + `"}`}, http.StatusOK, &out)
	return out.Token
}
