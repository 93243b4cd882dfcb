package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
)

// hex64 matches a hex SHA-256.
var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Rounds: officers open one for the contests that go to a vote once voting has opened, extend
// it with a reason and close it, which reveals the seed committed to at the opening; every
// other transition is refused with 409 and changes nothing. Anyone reads rounds.
func TestVotingRounds(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newVotingEnv(t, onEngine)
		open := fmt.Sprintf("/api/v1/elections/%d/rounds", e.election)
		e.run(t, []scenario{
			{name: "open before voting", method: "POST", url: open, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "no rounds yet", method: "GET", url: open, wantStatus: http.StatusOK, wantContains: []string{`{"rounds":[]}`}},
		})

		e.at(voting2026)
		acclaimed := e.contest["acclaimed"]
		e.run(t, []scenario{
			{name: "open without a token", method: "POST", url: open, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "open as auditor", method: "POST", url: open, token: e.auditorToken, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "open as member", method: "POST", url: open, token: e.member("rk-1"), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "open with an unknown field", method: "POST", url: open, token: e.officerToken, body: `{"contest":[1]}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"contest\"`}},
			{name: "open with a close that is not an instant", method: "POST", url: open, token: e.officerToken,
				body: `{"closes_at":"2026-06-12"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "open with a close in the past", method: "POST", url: open, token: e.officerToken,
				body: `{"closes_at":"2026-05-29T00:00:00Z"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "open an acclaimed contest", method: "POST", url: open, token: e.officerToken,
				body: fmt.Sprintf(`{"contests":[%d]}`, acclaimed), wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "open an unknown election", method: "POST", url: "/api/v1/elections/999/rounds", token: e.officerToken,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
		})

		r := e.openRound()
		kinds := map[string]string{}
		for _, c := range r.Contests {
			kinds[c.Contest] = c.Kind + "/" + c.Method + fmt.Sprintf("/seats %d/marks %d/points %d/%d candidates",
				c.Seats, c.MaxMarks, c.Points, len(c.Candidates))
			if !c.Revoting || c.AllowsTies {
				t.Errorf("%s: revoting %v, allows ties %v; want revoting by default and no ties", c.Contest, c.Revoting, c.AllowsTies)
			}
		}
		if diff := cmp.Diff(map[string]string{
			"Ranked Members":   "ranking/meek/seats 2/marks 3/points 0/3 candidates",
			"Approval Members": "approval/approval/seats 1/marks 2/points 0/2 candidates",
			"Points Members":   "points/cumulative/seats 2/marks 3/points 2/3 candidates",
			"Trust Members":    "confidence/confidence/seats 1/marks 1/points 0/1 candidates",
		}, kinds); diff != "" {
			t.Errorf("the round's contests (-want +got):\n%s", diff)
		}
		if r.Number != 1 || r.State != "open" || r.Seed != "" || !hex64.MatchString(r.SeedCommitment) ||
			r.ClosesAt != "2026-06-13T00:00:00Z" || r.ElectionID != e.election || r.ClosedAt != "" {
			t.Errorf("opened round: %+v", r)
		}
		var names []string
		for _, c := range r.Contests[0].Candidates {
			names = append(names, c.Name)
		}
		if diff := cmp.Diff([]string{"Ann Ranked", "Bo Ranked", "Cy Ranked"}, names); diff != "" {
			t.Errorf("ranked candidates in canonical order (-want +got):\n%s", diff)
		}

		round := fmt.Sprintf("/api/v1/rounds/%d", r.ID)
		ranked := e.contest["ranked"]
		private := []string{"rk-", "ap-", "pt-", "tr-", `"seed":`, `"member"`}
		e.run(t, withAll([]scenario{
			{name: "open the same contest again", method: "POST", url: open, token: e.officerToken,
				body: fmt.Sprintf(`{"contests":[%d]}`, ranked), wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "the rounds, to anyone", method: "GET", url: open, wantStatus: http.StatusOK,
				wantContains: []string{`"seed_commitment":"` + r.SeedCommitment + `"`, `"state":"open"`}},
			{name: "the round, to anyone", method: "GET", url: round, wantStatus: http.StatusOK,
				wantHeader: map[string]string{"Content-Type": "application/json"}},
			{name: "an unknown round", method: "GET", url: "/api/v1/rounds/999", wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "extend without a reason", method: "POST", url: round + "/extend", token: e.officerToken,
				body: `{"closes_at":"2026-06-14T00:00:00Z"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "extend without a close", method: "POST", url: round + "/extend", token: e.officerToken,
				body: `{"reason":"mail outage"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "extend to an earlier close", method: "POST", url: round + "/extend", token: e.officerToken,
				body: `{"closes_at":"2026-06-10T00:00:00Z","reason":"mail outage"}`, wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "extend as auditor", method: "POST", url: round + "/extend", token: e.auditorToken,
				body: `{"closes_at":"2026-06-14T00:00:00Z","reason":"mail outage"}`, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "extend", method: "POST", url: round + "/extend", token: e.officerToken,
				body: `{"closes_at":"2026-06-14T00:00:00Z","reason":"mail outage"}`, wantStatus: http.StatusOK,
				wantContains: []string{`"closes_at":"2026-06-14T00:00:00Z"`, `"state":"open"`}},
			{name: "close as auditor", method: "POST", url: round + "/close", token: e.auditorToken,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		}, private...))

		closed := e.closeRound(r.ID)
		seed, err := hex.DecodeString(closed.Seed)
		sum := sha256.Sum256(seed)
		if err != nil || len(seed) != 32 || hex.EncodeToString(sum[:]) != r.SeedCommitment {
			t.Errorf("revealed seed %q does not match the commitment %s", closed.Seed, r.SeedCommitment)
		}
		if closed.State != "closed" || closed.ClosedBy != "officer" || closed.ClosedAt != "2026-05-30T08:00:00Z" ||
			closed.ClosesAt != "2026-06-14T00:00:00Z" {
			t.Errorf("closed round: %+v", closed)
		}
		before := e.call(request{method: "GET", url: round}, http.StatusOK, nil).Body.String()
		e.at("2026-05-31T10:00:00Z")
		e.run(t, []scenario{
			{name: "close a closed round", method: "POST", url: round + "/close", token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "extend a closed round", method: "POST", url: round + "/extend", token: e.officerToken,
				body: `{"closes_at":"2026-06-20T00:00:00Z","reason":"reopen"}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "open a contest that had a round", method: "POST", url: open, token: e.officerToken,
				body: fmt.Sprintf(`{"contests":[%d]}`, ranked), wantStatus: http.StatusConflict, wantCode: "conflict"},
		})
		if after := e.call(request{method: "GET", url: round}, http.StatusOK, nil).Body.String(); after != before {
			t.Errorf("a refused transition changed the round:\nbefore %s\nafter  %s", before, after)
		}
		var list struct{ Rounds []roundWire }
		e.call(request{method: "GET", url: open}, http.StatusOK, &list)
		if len(list.Rounds) != 1 || list.Rounds[0].Seed != closed.Seed {
			t.Errorf("rounds after the close: %+v", list.Rounds)
		}
	})
}

// participationWire is the answer of GET /contests/{id}/participation.
type participationWire struct {
	ContestID int64 `json:"contest_id"`
	RoundID   int64 `json:"round_id"`
	Voted     bool
	Revoting  bool
	RoundOpen bool `json:"round_open"`
	Message   string
}

// Ballots: members on a contest's roll get their form and cast ballots of the contest's kind
// while its round is open; everything else is refused and stores nothing. A revote replaces
// the earlier ballot; participation says that the member voted, never how.
func TestVotingBallots(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newVotingEnv(t, onEngine)
		ann, bo, cy := e.candidate["rk-1"], e.candidate["rk-2"], e.candidate["rk-3"]
		e.at(voting2026)
		e.run(t, []scenario{
			{name: "form before the round opens", method: "GET", url: e.contestURL("ranked", "ballot"), token: e.member("rk-1"),
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "cast before the round opens", method: "POST", url: e.contestURL("ranked", "ballots"), token: e.member("rk-1"),
				body: `{"ranking":` + e.ids("rk-1") + `}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
		})
		r := e.openRound()

		var form struct {
			ContestID    int64 `json:"contest_id"`
			RoundID      int64 `json:"round_id"`
			Kind         string
			MaxMarks     int `json:"max_marks"`
			Candidates   []candidateWire
			Instructions string
			Voted        bool
		}
		e.call(request{method: "GET", url: e.contestURL("ranked", "ballot"), token: e.member("rk-4")}, http.StatusOK, &form)
		var ids []int64
		for _, c := range form.Candidates {
			ids = append(ids, c.ID)
		}
		slices.Sort(ids)
		if form.RoundID != r.ID || form.Kind != "ranking" || form.MaxMarks != 3 || form.Voted || form.Instructions == "" ||
			!slices.Equal(ids, []int64{ann, bo, cy}) {
			t.Errorf("ballot form: %+v", form)
		}

		ranked, approval, points, trust := e.contestURL("ranked", "ballots"), e.contestURL("approval", "ballots"),
			e.contestURL("points", "ballots"), e.contestURL("trust", "ballots")
		rk1, ap1, pt1, tr1 := e.member("rk-1"), e.member("ap-1"), e.member("pt-1"), e.member("tr-1")
		invalid := func(name, url, token, body string) scenario {
			return scenario{name: name, method: "POST", url: url, token: token, body: body,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"}
		}
		anyID := fmt.Sprint(ann)
		e.run(t, []scenario{
			{name: "form of a member not on the roll", method: "GET", url: e.contestURL("ranked", "ballot"), token: ap1,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "form with a token for another election", method: "GET", url: e.contestURL("ranked", "ballot"),
				token: e.memberOf("rk-1", e.election+1), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "form as auditor", method: "GET", url: e.contestURL("ranked", "ballot"), token: e.auditorToken,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "form of an unknown contest", method: "GET", url: "/api/v1/contests/999/ballot", token: rk1,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "cast without a token", method: "POST", url: ranked, body: `{"abstain":true}`,
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "cast as officer", method: "POST", url: ranked, token: e.officerToken, body: `{"abstain":true}`,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "cast not on the roll", method: "POST", url: ranked, token: ap1, body: `{"abstain":true}`,
				wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "cast with a token for another election", method: "POST", url: ranked, token: e.memberOf("rk-1", e.election+1),
				body: `{"abstain":true}`, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "cast as form data", method: "POST", url: ranked, token: rk1, body: "abstain=true",
				header:     map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
				wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
			invalid("cast malformed JSON", ranked, rk1, `{"ranking":[`),
			invalid("cast an unknown field", ranked, rk1, `{"ranking":[`+anyID+`],"voter":"rk-1"}`),
			invalid("cast a name for an id", ranked, rk1, `{"ranking":["Ann Ranked"]}`),
			invalid("cast a fraction for an id", ranked, rk1, `{"marks":[1.5]}`),
			invalid("cast two objects", ranked, rk1, `{"abstain":true}{"abstain":true}`),
			invalid("cast an empty ballot", ranked, rk1, `{}`),
			invalid("cast an empty ranking", ranked, rk1, `{"ranking":[]}`),
			invalid("rank a candidate twice", ranked, rk1, `{"ranking":[`+anyID+`,`+anyID+`]}`),
			invalid("rank an unknown candidate", ranked, rk1, `{"ranking":[987654321]}`),
			invalid("rank equally where ties are not allowed", ranked, rk1, `{"ranking":[`+e.ids("rk-1", "rk-2")+`]}`),
			invalid("abstain and rank", ranked, rk1, `{"abstain":true,"ranking":[`+anyID+`]}`),
			invalid("marks on a ranking ballot", ranked, rk1, `{"marks":[`+anyID+`]}`),
			invalid("mark a candidate twice", approval, ap1, `{"marks":`+e.ids("ap-1", "ap-1")+`}`),
			invalid("mark an unknown candidate", approval, ap1, `{"marks":[987654321]}`),
			invalid("mark nobody", approval, ap1, `{"marks":[]}`),
			invalid("a ranking on an approval ballot", approval, ap1, `{"ranking":`+e.ids("ap-1")+`}`),
			invalid("points over the budget", points, pt1, fmt.Sprintf(`{"points":{"%d":3}}`, e.candidate["pt-1"])),
			invalid("negative points", points, pt1, fmt.Sprintf(`{"points":{"%d":2,"%d":-1}}`, e.candidate["pt-1"], e.candidate["pt-2"])),
			invalid("points to a name", points, pt1, `{"points":{"Ann Points":1}}`),
			invalid("points as text", points, pt1, fmt.Sprintf(`{"points":{"%d":"1"}}`, e.candidate["pt-1"])),
			invalid("a vote that is not yes, no or abstain", trust, tr1, fmt.Sprintf(`{"votes":{"%d":"maybe"}}`, e.candidate["tr-1"])),
			invalid("a vote for an unknown candidate", trust, tr1, `{"votes":{"987654321":"yes"}}`),
			{name: "points to one candidate under two spellings", method: "POST", url: points, token: pt1,
				body:       fmt.Sprintf(`{"points":{"%d":1,"0%d":1}}`, e.candidate["pt-1"], e.candidate["pt-1"]),
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"the keys of points must be candidate ids"}},
			{name: "points to one candidate twice", method: "POST", url: points, token: pt1,
				body:       fmt.Sprintf(`{"points":{"%d":1,"%d":1}}`, e.candidate["pt-1"], e.candidate["pt-1"]),
				wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{fmt.Sprintf("candidate %d is given twice in points", e.candidate["pt-1"])}},
			{name: "votes for one candidate twice", method: "POST", url: trust, token: tr1,
				body:       fmt.Sprintf(`{"votes":{"%d":"no","%d":"yes"}}`, e.candidate["tr-1"], e.candidate["tr-1"]),
				wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{fmt.Sprintf("candidate %d is given twice in votes", e.candidate["tr-1"])}},
			{name: "a ballot for a round that is not the contest's", method: "POST", url: ranked, token: rk1,
				body: `{"round_id":987654321,"abstain":true}`, wantStatus: http.StatusBadRequest, wantCode: "invalid",
				wantContains: []string{"round_id 987654321 is not a round of the Ranked Members contest"}},
			{name: "participation after refused ballots", method: "GET", url: e.contestURL("ranked", "participation"), token: rk1,
				wantStatus: http.StatusOK, wantContains: []string{`"voted":false`}},
		})

		first := e.cast("rk-1", "ranked", `{"ranking":`+e.ids("rk-1", "rk-2")+`}`, http.StatusCreated)
		if !hex64.MatchString(first.Receipt) || first.Replaced || first.RoundID != r.ID || first.ContestID != e.contest["ranked"] {
			t.Errorf("first ballot: %+v", first)
		}
		var p participationWire
		e.call(request{method: "GET", url: e.contestURL("ranked", "participation"), token: e.member("rk-1")}, http.StatusOK, &p)
		if !p.Voted || !p.Revoting || !p.RoundOpen || p.RoundID != r.ID || p.Message == "" {
			t.Errorf("participation after voting: %+v", p)
		}
		second := e.cast("rk-1", "ranked", `{"ranking":[`+fmt.Sprint(cy)+`,[`+fmt.Sprint(ann)+`]]}`, http.StatusCreated)
		if !second.Replaced || second.Receipt == first.Receipt {
			t.Errorf("revote: %+v after %+v", second, first)
		}
		e.cast("ap-1", "approval", `{"marks":`+e.ids("ap-1")+`}`, http.StatusCreated)
		e.cast("pt-1", "points", fmt.Sprintf(`{"points":{"%d":2,"%d":0}}`, e.candidate["pt-1"], e.candidate["pt-2"]), http.StatusCreated)
		e.cast("tr-1", "trust", fmt.Sprintf(`{"votes":{"%d":"abstain"}}`, e.candidate["tr-1"]), http.StatusCreated)
		e.cast("rk-2", "ranked", `{"abstain":true}`, http.StatusCreated)

		e.call(request{method: "GET", url: e.contestURL("ranked", "participation"), token: e.member("rk-3")}, http.StatusOK, &p)
		if p.Voted || !p.RoundOpen {
			t.Errorf("participation of a member who has not voted: %+v", p)
		}
		e.call(request{method: "GET", url: e.contestURL("ranked", "ballot"), token: e.member("rk-1")}, http.StatusOK, &form)
		if !form.Voted {
			t.Errorf("the form of a member who voted says voted false")
		}

		e.closeRound(r.ID)
		e.run(t, []scenario{
			{name: "cast after the close", method: "POST", url: ranked, token: e.member("rk-3"),
				body: `{"ranking":[` + anyID + `]}`, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "form after the close", method: "GET", url: e.contestURL("ranked", "ballot"), token: e.member("rk-3"),
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "participation after the close", method: "GET", url: e.contestURL("ranked", "participation"),
				token: e.member("rk-1"), wantStatus: http.StatusOK,
				wantContains: []string{`"voted":true`, `"round_open":false`}},
		})
	})
}

// Without revoting, a second ballot is refused and the first stays.
func TestVotingWithoutRevoting(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newVotingEnv(t, onEngine)
		e.call(request{method: "PATCH", url: fmt.Sprintf("/api/v1/contests/%d", e.contest["ranked"]), token: e.officerToken,
			body: `{"revoting":false,"reason":"one ballot each"}`}, http.StatusOK, nil)
		e.at(voting2026)
		r := e.openRound()
		for _, c := range r.Contests {
			if c.Revoting != (c.ContestID != e.contest["ranked"]) {
				t.Errorf("%s: revoting %v", c.Contest, c.Revoting)
			}
		}
		e.cast("rk-1", "ranked", `{"ranking":`+e.ids("rk-1")+`}`, http.StatusCreated)
		e.cast("rk-1", "ranked", `{"ranking":`+e.ids("rk-2")+`}`, http.StatusConflict)
		var p participationWire
		e.call(request{method: "GET", url: e.contestURL("ranked", "participation"), token: e.member("rk-1")}, http.StatusOK, &p)
		if !p.Voted || p.Revoting || !p.RoundOpen || p.Message == "" {
			t.Errorf("participation without revoting: %+v", p)
		}
	})
}

// Casting leaves nothing in the server's log or the answers that ties the member to their
// choices: the log has the route and status of each request, never the member, the candidates,
// the ballot's content or its receipt, whether the ballot is taken or refused; the answers to
// the voter hold the receipt and ids, never the candidates.
func TestCastLeavesNoTrace(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newVotingEnv(t, onEngine)
		e.at(voting2026)
		e.openRound()
		logStart := len(e.logs.String())
		ranked := `{"ranking":` + e.ids("rk-3", "rk-2") + `}`
		receipt := e.cast("rk-1", "ranked", ranked, http.StatusCreated).Receipt
		revote := e.cast("rk-1", "ranked", `{"ranking":`+e.ids("rk-2")+`}`, http.StatusCreated)
		e.cast("rk-1", "ranked", `{"ranking":[987654321]}`, http.StatusBadRequest)
		e.cast("rk-1", "ranked", `{"ranking":["Cy Ranked"]}`, http.StatusBadRequest)
		part := e.call(request{method: "GET", url: e.contestURL("ranked", "participation"), token: e.member("rk-1")},
			http.StatusOK, nil).Body.String()

		logs := e.logs.String()[logStart:]
		if len(logLines(t, logs, "http request")) != 5 {
			t.Errorf("want an access log line per request; log:\n%s", logs)
		}
		for _, secret := range []string{"rk-1", "Ann Ranked", "Bo Ranked", "Cy Ranked", receipt, revote.Receipt,
			"987654321", "ranking", `"ballot"`, "content", e.member("rk-1")} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log of a cast contains %q:\n%s", secret, logs)
			}
		}
		for _, secret := range []string{"rk-1", "Ann Ranked", "Bo Ranked", "Cy Ranked", receipt, "ranking"} {
			if strings.Contains(part, secret) {
				t.Errorf("the participation answer contains %q: %s", secret, part)
			}
		}
		var answer map[string]any
		rec := e.call(request{method: "POST", url: e.contestURL("ranked", "ballots"), token: e.member("rk-4"),
			body: `{"ranking":` + e.ids("rk-3") + `}`}, http.StatusCreated, &answer)
		keys := make([]string, 0, len(answer))
		for k := range answer {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if diff := cmp.Diff([]string{"contest_id", "receipt", "replaced", "round_id"}, keys); diff != "" ||
			strings.Contains(rec.Body.String(), "Cy Ranked") {
			t.Errorf("the answer to a cast: %s", rec.Body)
		}
	})
}
