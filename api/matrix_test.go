package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// matrixRoll is the Matrix board's funders and a Guardian: one Platinum member, ten Gold
// members of which six lapse at the end of 2025.
func matrixRoll() string {
	var b strings.Builder
	b.WriteString(membersHeader)
	b.WriteString("plat-1,organisation,Platinum One,,platinum,2023-01-01,,good,Pat,\n")
	for i := 1; i <= 10; i++ {
		paid := ""
		if i > 4 {
			paid = "2025-12-31"
		}
		fmt.Fprintf(&b, "gold-%02d,organisation,Gold %d,,gold,2023-01-01,%s,good,Rep gold-%d,\n", i, i, paid, i)
	}
	b.WriteString("guardian-ada,person,Ada Guardian,ada@example.org,guardians,2023-01-01,,good,,\n")
	// The voters of the 2026 election (matrix2026_test.go).
	for _, row := range []string{
		"guardian-bo,person,Bo Guardian,bo@example.org,guardians",
		"guardian-cy,person,Cy Guardian,cy@example.org,guardians",
		"guardian-di,person,Di Guardian,di@example.org,guardians",
		"sct-1,person,Sam Spec,sam@example.org,spec-core-team",
		"sct-2,person,Tia Spec,tia@example.org,spec-core-team",
		"ind-01,person,Ida Individual,ida@example.org,individual",
		"ind-02,person,Jon Individual,jon@example.org,individual",
		"ind-03,person,Kim Individual,kim@example.org,individual",
		"ind-04,person,Lu Individual,lu@example.org,individual",
		"ind-05,person,Mo Individual,mo@example.org,individual",
	} {
		b.WriteString(row + ",2023-01-01,,good,,\n")
	}
	for _, row := range []string{
		"eco-1,organisation,Eco One,,ecosystem,2023-01-01,,good,Rep Eco1,rep1@eco.example",
		"eco-2,organisation,Eco Two,,ecosystem,2023-01-01,,good,Rep Eco2,rep2@eco.example",
		"eco-3,organisation,Eco Three,,ecosystem,2023-01-01,,good,Rep Eco3,rep3@eco.example",
		"eco-4,organisation,Eco Four,,ecosystem,2023-01-01,,good,Rep Eco4,rep4@eco.example",
		"assoc-1,organisation,Assoc One,,associate,2023-01-01,,good,Rep Assoc,rep@assoc.example",
		"silver-a,organisation,Silver A,,silver,2023-01-01,,good,Rep SilverA,rep@silver-a.example",
		"silver-b,organisation,Silver B,,silver,2023-01-01,,good,Rep SilverB,rep@silver-b.example",
	} {
		b.WriteString(row + "\n")
	}
	return b.String()
}

// matrixEnv is an API with a clock that the test moves through the Matrix years.
type matrixEnv struct {
	*env
	t *testing.T
	v *responseValidator
}

// at moves the clock to day (09:00 UTC) and returns an officer token valid then.
func (m *matrixEnv) at(day string) string {
	m.t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		m.t.Fatal(err)
	}
	m.clock.Set(d.Add(9 * time.Hour))
	return m.issue(m.tokens, subject(m.officer), "officer")
}

// call serves r, checks the response against the OpenAPI document and its status, and
// decodes it into out (when not nil).
func (m *matrixEnv) call(r request, want int, out any) {
	m.t.Helper()
	req, rec := m.serve(r)
	m.v.check(m.t, req, rec)
	if rec.Code != want {
		m.t.Fatalf("%s %s: status %d, want %d: %s", r.method, r.url, rec.Code, want, rec.Body)
	}
	if out != nil {
		decode(m.t, rec, out)
	}
}

// seatsUpWire is the part of GET /board/seats-up the test reads.
type seatsUpWire struct {
	Constituencies []struct {
		Constituency string
		InCycle      bool `json:"in_cycle"`
		Seats        []struct {
			Seat       string
			TermYears  int  `json:"term_years"`
			ByElection bool `json:"by_election"`
		}
	}
}

// seatsUp returns the seats up in year (counted on at, when set), one line per constituency:
// "key in|out: seat years[*]…", * marking a by-election.
func (m *matrixEnv) seatsUp(year int, at string) (seatsUpWire, []string) {
	m.t.Helper()
	url := fmt.Sprintf("/api/v1/board/seats-up?year=%d", year)
	if at != "" {
		url += "&at=" + at
	}
	var su seatsUpWire
	m.call(request{method: "GET", url: url}, http.StatusOK, &su)
	var lines []string
	for _, c := range su.Constituencies {
		cycle := "out"
		if c.InCycle {
			cycle = "in"
		}
		line := c.Constituency + " " + cycle + ":"
		for _, s := range c.Seats {
			line += fmt.Sprintf(" %s %dy", s.Seat, s.TermYears)
			if s.ByElection {
				line += "*"
			}
		}
		lines = append(lines, line)
	}
	return su, lines
}

// recordWinners records a winner on every seat up but the vacant ones, from start.
func (m *matrixEnv) recordWinners(token string, year int, su seatsUpWire, start string, vacant ...string) {
	m.t.Helper()
	for _, c := range su.Constituencies {
		for _, s := range c.Seats {
			if slices.Contains(vacant, s.Seat) {
				continue
			}
			in := map[string]any{"holder": fmt.Sprintf("%s %d", s.Seat, year), "start": start, "years": s.TermYears,
				"source": "election", "election_year": year}
			switch {
			case s.Seat == "platinum-1":
				in = map[string]any{"member": "plat-1", "representative": "Pat", "start": start, "years": s.TermYears}
			case strings.HasPrefix(s.Seat, "gold-"):
				n := strings.TrimPrefix(s.Seat, "gold-")
				in = map[string]any{"member": "gold-0" + n, "representative": "Rep gold-" + n, "start": start, "years": s.TermYears}
			}
			m.call(request{method: "POST", url: "/api/v1/board/seats/" + s.Seat + "/terms", token: token,
				body: jsonBody(m.t, in)}, http.StatusCreated, nil)
		}
	}
}

// newMatrixThrough2025 is an API on opts' engine with the Matrix board's history up to the
// end of 2025, driven through HTTP and checked on the way: the charter, the roll, the 2024
// bootstrap and the 2025 election recorded as terms, and three resignations in late 2025.
func newMatrixThrough2025(t *testing.T, opts sqlstore.Options) *matrixEnv {
	e := newBoardEnv(t, func(_ *api.Options, s *wrapStore) { s.Store = sqlstoretest.Migrated(t, opts) })
	m := &matrixEnv{env: e, t: t, v: newResponseValidator(t, e)}

	officer := m.at("2024-01-02")
	m.call(request{method: "POST", url: "/api/v1/board/charters", token: officer, body: matrixCharter(t), header: yamlBody},
		http.StatusCreated, nil)
	m.call(request{method: "POST", url: membersImport, token: officer, body: matrixRoll(), header: csvBody}, http.StatusOK, nil)
	m.call(request{method: "POST", url: "/api/v1/board/seats/managing-director-1/terms", token: officer,
		body: `{"holder":"Matthew Hodgson","start":"2024-01-01","end":"2027-01-01"}`}, http.StatusCreated, nil)

	// 2024, the bootstrap: all eight elected constituencies up; Gold, Silver, Individual
	// and Associate for one year.
	y2024, lines := m.seatsUp(2024, "")
	want := []string{
		"individual in: individual-1 1y individual-2 1y individual-3 1y individual-4 1y",
		"ecosystem in: ecosystem-1 2y ecosystem-2 2y ecosystem-3 2y",
		"associate in: associate-1 1y associate-2 1y",
		"platinum in: platinum-1 2y",
		"gold in: gold-1 1y gold-2 1y gold-3 1y",
		"silver in: silver-1 1y silver-2 1y",
		"guardians in: guardians-1 2y guardians-2 2y guardians-3 2y",
		"spec-core-team in: spec-core-team-1 2y spec-core-team-2 2y",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Fatalf("seats up in 2024 (-want +got):\n%s", diff)
	}
	m.recordWinners(officer, 2024, y2024, "2024-06-16")

	// 2025: the odd-year half, for two years. Associate and Gold had fewer candidates than
	// seats: associate-2, gold-2 and gold-3 stay vacant.
	officer = m.at("2025-01-02")
	y2025, lines := m.seatsUp(2025, "")
	want = []string{
		"individual in: individual-1 2y individual-2 2y individual-3 2y individual-4 2y",
		"associate in: associate-1 2y associate-2 2y",
		"gold in: gold-1 2y gold-2 2y gold-3 2y",
		"silver in: silver-1 2y silver-2 2y",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Fatalf("seats up in 2025 (-want +got):\n%s", diff)
	}
	m.recordWinners(officer, 2025, y2025, "2025-06-16", "associate-2", "gold-2", "gold-3")

	// One Individual member and both Silver members step down.
	officer = m.at("2025-12-05")
	for _, v := range []struct{ seat, on string }{
		{"individual-3", "2025-11-03"}, {"silver-1", "2025-09-01"}, {"silver-2", "2025-12-01"},
	} {
		m.call(request{method: "POST", url: "/api/v1/board/seats/" + v.seat + "/vacate", token: officer,
			body: `{"on":"` + v.on + `","reason":"resigned"}`}, http.StatusOK, nil)
	}
	return m
}

// The issue #3 "done when": the Matrix board's 2024 bootstrap, 2025 and 2026 (DESIGN.md §2),
// driven through the HTTP API, on SQLite and (when GOVBOARD_TEST_POSTGRES_DSN is set)
// PostgreSQL.
func TestMatrixHistoryThroughTheAPI(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		m := newMatrixThrough2025(t, opts)
		e := m.env

		// 2026: the even-year half, plus one-year by-elections for Individual, Silver and
		// Associate. One Platinum member: one Platinum seat. Gold's lapsed members leave it one
		// seat, which is filled.
		officer := m.at("2026-01-02")
		_, lines := m.seatsUp(2026, "")
		want := []string{
			"individual out: individual-3 1y*",
			"ecosystem in: ecosystem-1 2y ecosystem-2 2y ecosystem-3 2y",
			"associate out: associate-2 1y*",
			"platinum in: platinum-1 2y",
			"silver out: silver-1 1y* silver-2 1y*",
			"guardians in: guardians-1 2y guardians-2 2y guardians-3 2y",
			"spec-core-team in: spec-core-team-1 2y spec-core-team-2 2y",
		}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Fatalf("seats up in 2026 (-want +got):\n%s", diff)
		}

		// A Gold member replaces its representative mid-term, without an election.
		officer = m.at("2026-03-05")
		m.call(request{method: "POST", url: "/api/v1/board/seats/gold-1/representative", token: officer,
			body: `{"name":"Sam Rep","since":"2026-03-02"}`}, http.StatusOK, nil)

		// During the election a second Individual member steps down: counted after it, two
		// Individual seats are up.
		officer = m.at("2026-05-20")
		m.call(request{method: "POST", url: "/api/v1/board/seats/individual-1/vacate", token: officer,
			body: `{"on":"2026-05-10","reason":"resigned"}`}, http.StatusOK, nil)
		_, lines = m.seatsUp(2026, "2026-05-15")
		if lines[0] != "individual out: individual-1 1y* individual-3 1y*" {
			t.Errorf("Individual seats up on 2026-05-15: %q, want individual-1 and individual-3", lines[0])
		}

		e.run(t, []scenario{
			{name: "the roster in April 2026", method: "GET", url: "/api/v1/board/roster?at=2026-04-01", wantStatus: http.StatusOK,
				wantContains: []string{
					`"seat":"individual-2","constituency":"individual","number":2,"constituency_name":"Individual Members","category":"Community","seating":"elected","vacant":false,"term":{"holder":"individual-2 2025","start":"2025-06-16","end":"2027-06-16"`,
					`"seat":"individual-3","constituency":"individual","number":3,"constituency_name":"Individual Members","category":"Community","seating":"elected","vacant":true}`,
					`"seat":"associate-2","constituency":"associate","number":2,"constituency_name":"Associate Members","category":"Community","seating":"elected","vacant":true}`,
					`"holder":"Gold 1","start":"2025-06-16","end":"2027-06-16"`, `"representative":"Sam Rep"`,
					`"holder":"Matthew Hodgson","start":"2024-01-01","end":"2027-01-01","source":"ex_officio"`,
				},
				mustNotContain: append([]string{"@", "gold-01", "plat-1", "guardian-ada"}, notInternal...)},
			{name: "the roster in 2024", method: "GET", url: "/api/v1/board/roster?at=2024-07-01", wantStatus: http.StatusOK,
				wantContains: []string{`"holder":"individual-3 2024","start":"2024-06-16","end":"2025-06-16"`,
					`"representative":"Rep gold-1"`}},
		})
	})
}
