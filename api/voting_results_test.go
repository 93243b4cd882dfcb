package api_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/pkg/bundle"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/ballotfile"
	"github.com/govboard/govboard/pkg/tally/blt"
)

// resultsWire is the answer of POST /elections/{id}/count and GET /elections/{id}/results.
type resultsWire struct {
	ElectionID int64 `json:"election_id"`
	Status     string
	Results    []struct {
		ContestID  int64  `json:"contest_id"`
		Contest    string `json:"contest"`
		RoundID    *int64 `json:"round_id"`
		Outcome    string
		Void       bool
		RollSize   int `json:"roll_size"`
		Voters     int
		Ballots    int
		Superseded int
		Elected    []struct {
			Candidate int64
			Name      string
			Seat      string
		}
		VacantSeats []string `json:"vacant_seats"`
		Runoff      *struct{}
	}
}

// lines writes each result as "contest: outcome, voters/roll, ballots+superseded → elected
// names".
func (w resultsWire) lines() []string {
	var out []string
	for _, r := range w.Results {
		var names []string
		for _, e := range r.Elected {
			names = append(names, e.Name+"@"+e.Seat)
		}
		out = append(out, fmt.Sprintf("%s: %s, %d/%d voted, %d+%d ballots, void %v, round %v → %s", r.Contest, r.Outcome,
			r.Voters, r.RollSize, r.Ballots, r.Superseded, r.Void, r.RoundID != nil, strings.Join(names, ", ")))
	}
	return out
}

// publishedWire is the JSON export of a contest's ballots, as far as the tests read it.
type publishedWire struct {
	Seats      int
	Candidates []string
	ContestID  int64 `json:"contest_id"`
	RoundID    int64 `json:"round_id"`
	Method     string
	Ballots    []struct{ Receipt, Nonce string }
	Superseded []struct{ Receipt, Nonce string }
}

// The count, results, certification and the published reports and ballots: officers and
// auditors see results once counted, everyone once certified; reports in JSON, text and CSV;
// ballots in JSON, BLT and CSV with every acknowledged receipt, the BLT counting to the same
// winners as the stored report.
func TestVotingCountAndPublish(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newVotingEnv(t, onEngine)
		e.at(voting2026)
		r := e.openRound()
		id := func(m string) string { return fmt.Sprint(e.candidate[m]) }
		receipts := map[string]string{} // by voter and contest
		for _, b := range []struct{ voter, contest, body string }{
			{"rk-1", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-2") + `]}`},
			{"rk-1", "ranked", `{"ranking":[` + id("rk-3") + `,` + id("rk-1") + `]}`}, // replaces the first
			{"rk-2", "ranked", `{"ranking":[` + id("rk-2") + `]}`},
			{"rk-3", "ranked", `{"abstain":true}`},
			{"rk-4", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-2") + `]}`},
			{"rk-5", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-3") + `]}`},
			{"rk-6", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-2") + `]}`},
			{"ap-1", "approval", `{"marks":[` + id("ap-1") + `]}`},
			{"ap-2", "approval", `{"marks":[` + id("ap-1") + `,` + id("ap-2") + `]}`},
			{"ap-3", "approval", `{"marks":[` + id("ap-1") + `]}`},
			{"pt-1", "points", `{"points":{"` + id("pt-1") + `":2}}`},
			{"pt-2", "points", `{"points":{"` + id("pt-1") + `":1,"` + id("pt-2") + `":1}}`},
			{"pt-3", "points", `{"points":{"` + id("pt-3") + `":2}}`},
			{"tr-1", "trust", `{"votes":{"` + id("tr-1") + `":"yes"}}`},
			{"tr-2", "trust", `{"votes":{"` + id("tr-1") + `":"no"}}`},
			{"tr-3", "trust", `{"votes":{"` + id("tr-1") + `":"yes"}}`},
		} {
			key := b.voter + "/" + b.contest
			if old, ok := receipts[key]; ok {
				receipts["superseded "+key] = old
			}
			receipts[key] = e.cast(b.voter, b.contest, b.body, http.StatusCreated).Receipt
		}

		count := fmt.Sprintf("/api/v1/elections/%d/count", e.election)
		results := fmt.Sprintf("/api/v1/elections/%d/results", e.election)
		report := e.contestURL("ranked", "report")
		ballots := e.contestURL("ranked", "ballots")
		e.run(t, []scenario{
			{name: "count while the round is open", method: "POST", url: count, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "results before the count, to an auditor", method: "GET", url: results, token: e.auditorToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "results before the count, to anyone", method: "GET", url: results,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
		})
		e.at("2026-06-12T20:00:00Z")
		closed := e.closeRound(r.ID)
		e.run(t, []scenario{
			{name: "count as auditor", method: "POST", url: count, token: e.auditorToken,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		})

		var counted resultsWire
		e.call(request{method: "POST", url: count, token: e.officerToken}, http.StatusOK, &counted)
		want := []string{
			"Ranked Members: contested, 6/6 voted, 6+1 ballots, void false, round true → Ann Ranked@ranked-1, Bo Ranked@ranked-2",
			"Approval Members: contested, 3/4 voted, 3+0 ballots, void false, round true → Ann Approval@approval-1",
			"Points Members: contested, 3/4 voted, 3+0 ballots, void false, round true → Ann Points@points-1, Cy Points@points-2",
			"Trust Members: confidence, 3/3 voted, 3+0 ballots, void false, round true → Tess Trust@trust-1",
			"Acclaimed Members: acclamation, 0/0 voted, 0+0 ballots, void false, round false → Acker Claim@acclaimed-1",
		}
		if diff := cmp.Diff(want, counted.lines()); diff != "" || counted.Status != "counted" {
			t.Errorf("status %s; results (-want +got):\n%s", counted.Status, diff)
		}

		auditor, officer, member := e.auditorToken, e.officerToken, e.member("rk-1")
		attach := func(name string) map[string]string {
			return map[string]string{"Content-Disposition": `attachment; filename="` + name + `"`}
		}
		rankedID := e.contest["ranked"]
		hidden := []scenario{
			{name: "results to anyone before certification", method: "GET", url: results, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "results to a member before certification", method: "GET", url: results, token: member,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "report to anyone before certification", method: "GET", url: report, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "ballots to anyone before certification", method: "GET", url: ballots, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "ballots to a member before certification", method: "GET", url: ballots + "?format=blt", token: member,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
		}
		e.run(t, append(hidden, []scenario{
			{name: "results with a bad token", method: "GET", url: results, token: "not-a-token",
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "results to an auditor", method: "GET", url: results, token: auditor, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"counted"`, `"name":"Ann Ranked"`}, mustNotContain: []string{"rk-", `"member"`}},
			{name: "report as JSON", method: "GET", url: report, token: auditor, wantStatus: http.StatusOK,
				wantHeader:   map[string]string{"Content-Type": "application/json"},
				wantContains: []string{`"method": "meek"`, `"seed": "` + closed.Seed + `"`}},
			{name: "report as text", method: "GET", url: report + "?format=text", token: officer, wantStatus: http.StatusOK,
				wantHeader: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, wantContains: []string{"Ann Ranked"}},
			{name: "report as CSV", method: "GET", url: report + "?format=csv", token: officer, wantStatus: http.StatusOK,
				wantHeader:   map[string]string{"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": attach(fmt.Sprintf("contest-%d-report.csv", rankedID))["Content-Disposition"]},
				wantContains: []string{"Ann Ranked"}},
			{name: "report of round 1", method: "GET", url: report + "?round=1", token: auditor, wantStatus: http.StatusOK},
			{name: "report of round 2", method: "GET", url: report + "?round=2", token: auditor, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "report of round zero", method: "GET", url: report + "?round=0", token: auditor, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "report of round x", method: "GET", url: report + "?round=x", token: auditor, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "report in an unknown format", method: "GET", url: report + "?format=pdf", token: auditor,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"json, text or csv"}},
			{name: "report of an acclaimed contest", method: "GET", url: e.contestURL("acclaimed", "report"), token: auditor,
				wantStatus: http.StatusNotFound, wantCode: "not_found", wantContains: []string{"acclamation"}},
			{name: "report of an unknown contest", method: "GET", url: "/api/v1/contests/999/report", token: auditor,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "ballots as BLT", method: "GET", url: ballots + "?format=blt", token: auditor, wantStatus: http.StatusOK,
				wantHeader: map[string]string{"Content-Type": "text/plain; charset=utf-8",
					"Content-Disposition": attach(fmt.Sprintf("contest-%d-ballots.blt", rankedID))["Content-Disposition"]},
				wantContains:   []string{"(" + receipts["rk-1/ranked"] + ") 1 ", "\"Ann Ranked\"\n"},
				mustNotContain: []string{receipts["superseded rk-1/ranked"], "rk-"}},
			{name: "ballots as CSV", method: "GET", url: ballots + "?format=csv", token: auditor, wantStatus: http.StatusOK,
				wantHeader: map[string]string{"Content-Type": "text/csv; charset=utf-8",
					"Content-Disposition": attach(fmt.Sprintf("contest-%d-ballots.csv", rankedID))["Content-Disposition"]},
				wantContains: []string{"receipt,nonce,status,content,Ann Ranked,Bo Ranked,Cy Ranked\n",
					receipts["superseded rk-1/ranked"] + ",", ",superseded,ranking:1>2,1,2,\n", ",counted,ranking:,,,\n"},
				mustNotContain: []string{"rk-"}},
			{name: "ballots in an unknown format", method: "GET", url: ballots + "?format=xml", token: auditor,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "points ballots as BLT", method: "GET", url: e.contestURL("points", "ballots") + "?format=blt", token: auditor,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"json or csv"}},
			{name: "confidence ballots as CSV", method: "GET", url: e.contestURL("trust", "ballots") + "?format=csv", token: auditor,
				wantStatus: http.StatusOK, wantContains: []string{",counted,confidence:1=yes,yes\n", ",counted,confidence:1=no,no\n"}},
			{name: "certify as auditor", method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/certify", e.election), token: auditor,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		}...))

		// Every acknowledged receipt is published: the counted ones under ballots, the
		// replaced one under superseded.
		var pub publishedWire
		e.call(request{method: "GET", url: ballots, token: auditor}, http.StatusOK, &pub)
		var counted6, superseded []string
		for _, b := range pub.Ballots {
			counted6 = append(counted6, b.Receipt)
		}
		for _, b := range pub.Superseded {
			superseded = append(superseded, b.Receipt)
		}
		var wantCounted []string
		for k, v := range receipts {
			if strings.HasSuffix(k, "/ranked") && !strings.HasPrefix(k, "superseded") {
				wantCounted = append(wantCounted, v)
			}
		}
		slices.Sort(wantCounted)
		if diff := cmp.Diff(wantCounted, counted6); diff != "" || pub.Method != "meek" || pub.Seats != 2 ||
			!slices.Equal(superseded, []string{receipts["superseded rk-1/ranked"]}) || pub.RoundID != r.ID {
			t.Errorf("published ranked ballots: method %s, seats %d, superseded %v; counted receipts in receipt order (-want +got):\n%s",
				pub.Method, pub.Seats, superseded, diff)
		}

		// The BLT and the JSON count to the report's winners, with the revealed seed.
		var rep struct{ Elected []string }
		stored := e.call(request{method: "GET", url: report, token: auditor}, http.StatusOK, &rep).Body.String()
		seed, err := hex.DecodeString(closed.Seed)
		if err != nil {
			t.Fatal(err)
		}
		bltFile := e.call(request{method: "GET", url: ballots + "?format=blt", token: auditor}, http.StatusOK, nil).Body.Bytes()
		fromBLT, err := blt.Read(bytes.NewReader(bltFile))
		if err != nil {
			t.Fatalf("read the published BLT: %v\n%s", err, bltFile)
		}
		jsonFile := e.call(request{method: "GET", url: ballots, token: auditor}, http.StatusOK, nil).Body.Bytes()
		fromJSON, err := ballotfile.ReadJSON(bytes.NewReader(jsonFile))
		if err != nil {
			t.Fatalf("read the published JSON: %v\n%s", err, jsonFile)
		}
		for name, el := range map[string]*tally.Election{"BLT": fromBLT, "JSON": fromJSON} {
			res, err := tally.Count("meek", el, tally.Options{Seed: seed})
			if err != nil {
				t.Fatalf("count the %s: %v", name, err)
			}
			var elected []string
			for _, c := range res.Elected {
				elected = append(elected, el.Candidates[c].Name)
			}
			if diff := cmp.Diff(rep.Elected, elected); diff != "" || el.Ballots.TotalWeight() != 6 {
				t.Errorf("the %s (%d ballots) counts to other winners than the report (-report +%s):\n%s",
					name, el.Ballots.TotalWeight(), name, diff)
			}
		}
		// The CSV has every ballot, the superseded one marked.
		rows, err := csv.NewReader(strings.NewReader(
			e.call(request{method: "GET", url: ballots + "?format=csv", token: auditor}, http.StatusOK, nil).Body.String())).ReadAll()
		if err != nil || len(rows) != 1+7 {
			t.Errorf("CSV: %v, %d rows, want a header and 7 ballots", err, len(rows))
		}

		// Counting again gives the same report, byte for byte.
		e.call(request{method: "POST", url: count, token: officer}, http.StatusOK, nil)
		if again := e.call(request{method: "GET", url: report, token: auditor}, http.StatusOK, nil).Body.String(); again != stored {
			t.Errorf("the recount's report differs:\n%s\nfirst:\n%s", again, stored)
		}

		// Certification seats the winners and makes everything public.
		e.at("2026-06-15T09:00:00Z")
		var cert struct {
			Status string
			Terms  []struct{ Seat, Holder, Member, Start, End string }
		}
		e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/certify", e.election), token: e.officerToken},
			http.StatusOK, &cert)
		var terms []string
		for _, t := range cert.Terms {
			terms = append(terms, fmt.Sprintf("%s %s (%s) %s–%s", t.Seat, t.Holder, t.Member, t.Start, t.End))
		}
		slices.Sort(terms)
		if diff := cmp.Diff([]string{
			"acclaimed-1 Acker Claim (ac-1) 2026-06-15–2028-06-15",
			"approval-1 Ann Approval (ap-1) 2026-06-15–2028-06-15",
			"points-1 Ann Points (pt-1) 2026-06-15–2028-06-15",
			"points-2 Cy Points (pt-3) 2026-06-15–2028-06-15",
			"ranked-1 Ann Ranked (rk-1) 2026-06-15–2028-06-15",
			"ranked-2 Bo Ranked (rk-2) 2026-06-15–2028-06-15",
			"trust-1 Tess Trust (tr-1) 2026-06-15–2028-06-15",
		}, terms); diff != "" || cert.Status != "certified" {
			t.Errorf("status %s; certified terms (-want +got):\n%s", cert.Status, diff)
		}
		e.run(t, []scenario{
			{name: "certify twice", method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/certify", e.election),
				token: e.officerToken, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "count after certification", method: "POST", url: count, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "results to anyone", method: "GET", url: results, wantStatus: http.StatusOK,
				wantContains: []string{`"status":"certified"`}, mustNotContain: []string{"rk-", `"member"`}},
			{name: "report to anyone", method: "GET", url: report, wantStatus: http.StatusOK},
			{name: "report to a member", method: "GET", url: report + "?format=text", token: e.member("rk-1"), wantStatus: http.StatusOK},
			{name: "ballots to anyone", method: "GET", url: ballots + "?format=blt", wantStatus: http.StatusOK,
				mustNotContain: []string{"rk-"}},
		})
		var public bytes.Buffer
		public.WriteString(e.call(request{method: "GET", url: ballots}, http.StatusOK, nil).Body.String())
		if !bytes.Equal(public.Bytes(), jsonFile) {
			t.Errorf("the public JSON ballots differ from the auditor's before certification")
		}
		var roster struct {
			Seats []struct {
				Seat string
				Term *struct{ Holder string }
			}
		}
		e.call(request{method: "GET", url: "/api/v1/board/roster?at=2026-07-01"}, http.StatusOK, &roster)
		held := map[string]string{}
		for _, s := range roster.Seats {
			if s.Term != nil {
				held[s.Seat] = s.Term.Holder
			}
		}
		if held["ranked-1"] != "Ann Ranked" || held["trust-1"] != "Tess Trust" || held["acclaimed-1"] != "Acker Claim" {
			t.Errorf("roster after certification: %v", held)
		}
	})
}

// A tie that the charter sends to a runoff: the count says so, certification waits, a runoff
// round among the tied candidates decides it, and the contest then has a report per round.
func TestVotingRunoff(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		pub, key, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		e := newVotingEnvWith(t, strings.Replace(votingCharter, "first_election: 2024\n",
			"first_election: 2024\nrules:\n  runoff_on_tie: true\n", 1), func(o *api.Options, s *wrapStore) {
			onEngine(o, s)
			o.BundleKey = key
		})
		e.at(voting2026)
		first := e.openRound()
		id := func(m string) string { return fmt.Sprint(e.candidate[m]) }
		for _, b := range []struct{ voter, contest, body string }{
			{"rk-1", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-2") + `]}`},
			{"rk-2", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-2") + `]}`},
			{"rk-3", "ranked", `{"ranking":[` + id("rk-1") + `,` + id("rk-2") + `]}`},
			{"ap-1", "approval", `{"marks":[` + id("ap-1") + `]}`}, // a tie: one mark each
			{"ap-2", "approval", `{"marks":[` + id("ap-2") + `]}`},
			{"pt-1", "points", `{"points":{"` + id("pt-1") + `":2}}`},
			{"pt-2", "points", `{"points":{"` + id("pt-2") + `":2}}`},
			{"pt-3", "points", `{"points":{"` + id("pt-1") + `":1,"` + id("pt-3") + `":1}}`},
			{"tr-1", "trust", `{"votes":{"` + id("tr-1") + `":"yes"}}`},
		} {
			e.cast(b.voter, b.contest, b.body, http.StatusCreated)
		}
		e.closeRound(first.ID)
		// The count, and the runoff after it, come after the end of voting (12 June).
		e.at("2026-06-14T09:00:00Z")
		count := fmt.Sprintf("/api/v1/elections/%d/count", e.election)
		certify := fmt.Sprintf("/api/v1/elections/%d/certify", e.election)
		open := fmt.Sprintf("/api/v1/elections/%d/rounds", e.election)
		issue := fmt.Sprintf("/api/v1/elections/%d/access-codes", e.election)
		var counted resultsWire
		e.call(request{method: "POST", url: count, token: e.officerToken}, http.StatusOK, &counted)
		var runoffs []string
		for _, r := range counted.Results {
			if r.Runoff != nil {
				runoffs = append(runoffs, r.Contest)
			}
		}
		if !slices.Equal(runoffs, []string{"Approval Members"}) {
			t.Fatalf("contests with a runoff: %v; results %v", runoffs, counted.lines())
		}
		approval := e.contest["approval"]
		e.run(t, []scenario{
			{name: "certify with a runoff pending", method: "POST", url: certify, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "a runoff for a contest without a tie", method: "POST", url: open, token: e.officerToken,
				body: fmt.Sprintf(`{"runoff":true,"contests":[%d]}`, e.contest["ranked"]), wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "the results show the runoff", method: "GET", url: fmt.Sprintf("/api/v1/elections/%d/results", e.election),
				token: e.auditorToken, wantStatus: http.StatusOK,
				wantContains: []string{fmt.Sprintf(`"runoff":{"candidates":[%s,%s],"seats":1,"tie":"`, id("ap-1"), id("ap-2"))}},
			{name: "access codes after the count, before the runoff", method: "POST", url: issue, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"only while a runoff round is open"}},
		})
		var runoff roundWire
		e.call(request{method: "POST", url: open, token: e.officerToken,
			body: fmt.Sprintf(`{"runoff":true,"contests":[%d]}`, approval)}, http.StatusCreated, &runoff)
		if !runoff.Runoff || runoff.Number != 2 || len(runoff.Contests) != 1 || len(runoff.Contests[0].Candidates) != 2 ||
			runoff.Contests[0].Seats != 1 || runoff.ClosesAt != "2026-06-21T09:00:00Z" {
			t.Errorf("runoff round: %+v", runoff)
		}
		bundleURL := fmt.Sprintf("/api/v1/elections/%d/bundle", e.election)
		e.run(t, []scenario{
			{name: "the bundle while the runoff is open", method: "GET", url: bundleURL, token: e.auditorToken,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"round 2"}},
		})

		// The runoff's voters get access codes, which last until its close, and vote with
		// the tokens they redeem them for: member tokens last an hour, so voters of a
		// runoff need fresh codes.
		rows := codeRows(t, e.call(request{method: "POST", url: issue, token: e.officerToken,
			body: `{"members":["ap-1","ap-2","ap-3","ap-4"]}`}, http.StatusOK, nil))
		codes, _ := codesOf(rows)
		for _, r := range rows {
			if r.Code == "" || r.ExpiresAt != "2026-06-21T09:00:00Z" {
				t.Errorf("runoff code %+v, want one expiring at the runoff's close", r)
			}
		}
		ballots := e.contestURL("approval", "ballots")
		runoffCast := func(member, body string) {
			t.Helper()
			var out castWire
			e.call(request{method: "POST", url: ballots, token: e.redeemToken(t, codes[member]), body: body}, http.StatusCreated, &out)
			if out.RoundID != runoff.ID {
				t.Errorf("%s's ballot went to round %d, want the runoff %d", member, out.RoundID, runoff.ID)
			}
		}
		runoffCast("ap-1", `{"marks":[`+id("ap-1")+`]}`)
		runoffCast("ap-2", fmt.Sprintf(`{"round_id":%d,"marks":[%s]}`, runoff.ID, id("ap-2")))
		// A ballot filled in for the first round is not cast in the runoff.
		e.run(t, []scenario{
			{name: "a ballot for the closed first round", method: "POST", url: ballots, token: e.member("ap-3"),
				body: fmt.Sprintf(`{"round_id":%d,"marks":[%s]}`, first.ID, id("ap-1")), wantStatus: http.StatusConflict, wantCode: "conflict",
				wantContains: []string{"this ballot is for round 1, which is closed; round 2 is open: fetch the ballot form again"}},
		})
		runoffCast("ap-3", `{"marks":[`+id("ap-1")+`]}`)

		// Extended, the runoff keeps the unused codes good until its new close.
		e.at("2026-06-21T08:00:00Z")
		var extended roundWire
		e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/rounds/%d/extend", runoff.ID), token: e.officerToken,
			body: `{"closes_at":"2026-06-22T09:00:00Z","reason":"a holiday"}`}, http.StatusOK, &extended)
		e.at("2026-06-21T10:00:00Z")
		e.redeemToken(t, codes["ap-4"])
		e.closeRound(runoff.ID)
		e.run(t, []scenario{
			{name: "access codes once the runoff is closed", method: "POST", url: issue, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
		})

		e.call(request{method: "POST", url: count, token: e.officerToken}, http.StatusOK, &counted)
		var approvalResults []string
		for _, r := range counted.Results {
			if r.ContestID == approval {
				var names []string
				for _, w := range r.Elected {
					names = append(names, w.Name)
				}
				approvalResults = append(approvalResults, fmt.Sprintf("%d ballots, runoff %v → %v", r.Ballots, r.Runoff != nil, names))
			}
		}
		if diff := cmp.Diff([]string{
			"2 ballots, runoff true → [" + firstOf(counted, approval) + "]",
			"3 ballots, runoff false → [Ann Approval]",
		}, approvalResults); diff != "" {
			t.Errorf("approval results (-want +got):\n%s", diff)
		}
		report := e.contestURL("approval", "report")
		final := e.call(request{method: "GET", url: report, token: e.auditorToken}, http.StatusOK, nil).Body.String()
		second := e.call(request{method: "GET", url: report + "?round=2", token: e.auditorToken}, http.StatusOK, nil).Body.String()
		firstReport := e.call(request{method: "GET", url: report + "?round=1", token: e.auditorToken}, http.StatusOK, nil).Body.String()
		if final != second || final == firstReport {
			t.Errorf("the final report is not the runoff's:\nfinal %s\nround 2 %s\nround 1 %s", final, second, firstReport)
		}
		e.call(request{method: "GET", url: report + "?round=3", token: e.auditorToken}, http.StatusNotFound, nil)

		// Both rounds' ballots are published, each naming its round.
		for _, tt := range []struct {
			query                  string
			roundID                int64
			round, counted         int
			runoff                 bool
			disposition, candidate string
		}{
			{"", runoff.ID, 2, 3, true, "", ""},
			{"?round=2", runoff.ID, 2, 3, true, "", ""},
			{"?round=1", first.ID, 1, 2, false, "", ""},
			{"?round=1&format=csv", first.ID, 1, 2, false, fmt.Sprintf(`attachment; filename="contest-%d-round-1-ballots.csv"`, approval), ""},
		} {
			rec := e.call(request{method: "GET", url: ballots + tt.query, token: e.auditorToken}, http.StatusOK, nil)
			if tt.disposition != "" {
				if got := rec.Header().Get("Content-Disposition"); got != tt.disposition {
					t.Errorf("%s: Content-Disposition %q, want %q", tt.query, got, tt.disposition)
				}
				continue
			}
			var pb struct {
				RoundID int64 `json:"round_id"`
				Round   int
				Runoff  bool
				Ballots []struct{ Receipt string }
			}
			decode(t, rec, &pb)
			if pb.RoundID != tt.roundID || pb.Round != tt.round || pb.Runoff != tt.runoff || len(pb.Ballots) != tt.counted {
				t.Errorf("ballots%s: round %d (#%d, runoff %v), %d ballots; want %d (#%d, runoff %v), %d", tt.query,
					pb.RoundID, pb.Round, pb.Runoff, len(pb.Ballots), tt.roundID, tt.round, tt.runoff, tt.counted)
			}
		}
		e.run(t, []scenario{
			{name: "the ballots of a round without the contest", method: "GET", url: e.contestURL("ranked", "ballots") + "?round=2",
				token: e.auditorToken, wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "the ballots of round 0", method: "GET", url: ballots + "?round=0", token: e.auditorToken,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		})
		e.call(request{method: "POST", url: certify, token: e.officerToken}, http.StatusOK, nil)

		// The bundle holds both rounds of the approval contest, and verifies.
		rec := e.call(request{method: "GET", url: bundleURL}, http.StatusOK, nil)
		b, err := bundle.Open(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("open the bundle: %v", err)
		}
		if r := b.Verify(pub); !r.OK {
			t.Errorf("the bundle of an election with a runoff does not verify: %+v", r.Failed())
		}
		files := map[string]bool{}
		for _, f := range b.Manifest().Files {
			files[f.Path] = true
		}
		for _, n := range []int{1, 2} {
			if p := fmt.Sprintf("contests/%d/round-%d/report.json", approval, n); !files[p] {
				t.Errorf("the bundle lacks %s", p)
			}
		}
	})
}

// firstOf returns the names elected by the first count of a contest, as the seed broke its tie.
func firstOf(w resultsWire, contest int64) string {
	for _, r := range w.Results {
		if r.ContestID == contest {
			var names []string
			for _, e := range r.Elected {
				names = append(names, e.Name)
			}
			return strings.Join(names, " ")
		}
	}
	return ""
}
