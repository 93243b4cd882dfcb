package api_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/pkg/bundle"
)

// TestAuditorViewsAndBundle: turnout with small groups suppressed, the officers' actions, and
// the results bundle, which verifies with the service key and is visible as the results are.
func TestAuditorViewsAndBundle(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		pub, key, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		e := newVotingEnv(t, func(o *api.Options, s *wrapStore) {
			onEngine(o, s)
			o.BundleKey, o.MinGroupSize = key, 4
		})
		e.at(voting2026)
		r := e.openRound()
		id := func(m string) string { return fmt.Sprint(e.candidate[m]) }
		for _, m := range []string{"rk-1", "rk-2", "rk-3", "rk-4", "rk-5"} {
			e.cast(m, "ranked", `{"ranking":[`+id("rk-1")+`,`+id("rk-2")+`]}`, http.StatusCreated)
		}
		e.cast("rk-6", "ranked", `{"ranking":[`+id("rk-2")+`]}`, http.StatusCreated)
		for _, m := range []string{"ap-1", "ap-2", "ap-3"} {
			e.cast(m, "approval", `{"marks":[`+id("ap-1")+`]}`, http.StatusCreated)
		}
		for _, m := range []string{"pt-1", "pt-2", "pt-3"} {
			e.cast(m, "points", `{"points":{"`+id("pt-1")+`":2}}`, http.StatusCreated)
		}
		for _, m := range []string{"tr-1", "tr-2", "tr-3"} {
			e.cast(m, "trust", `{"votes":{"`+id("tr-1")+`":"yes"}}`, http.StatusCreated)
		}

		turnout := fmt.Sprintf("/api/v1/elections/%d/turnout", e.election)
		actions := fmt.Sprintf("/api/v1/elections/%d/officer-actions", e.election)
		bundleURL := fmt.Sprintf("/api/v1/elections/%d/bundle", e.election)
		e.run(t, []scenario{
			{name: "turnout to a member", method: "GET", url: turnout, token: e.member("rk-1"), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "turnout to anyone", method: "GET", url: turnout, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "officer actions to a member", method: "GET", url: actions, token: e.member("rk-1"), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "officer actions of an unknown election", method: "GET", url: "/api/v1/elections/99/officer-actions", token: e.auditorToken,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "officer actions after -1", method: "GET", url: actions + "?after=-1", token: e.auditorToken,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "bundle while voting, to an auditor", method: "GET", url: bundleURL, token: e.auditorToken, wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "bundle while voting, to anyone", method: "GET", url: bundleURL, wantStatus: http.StatusNotFound, wantCode: "not_found"},
		})

		// While the round is open: the ranked contest (6 of 6) shows; approval (3 voters),
		// points (3 voters) and trust (a roll of 3) are below 4 and suppressed.
		var tw struct {
			MinGroupSize int `json:"min_group_size"`
			Contests     []struct {
				Constituency string `json:"constituency"`
				Rounds       []struct {
					Open       bool `json:"open"`
					RollSize   *int `json:"roll_size"`
					Voters     *int `json:"voters"`
					Suppressed bool `json:"suppressed"`
				} `json:"rounds"`
			} `json:"contests"`
		}
		e.call(request{method: "GET", url: turnout, token: e.auditorToken}, http.StatusOK, &tw)
		got := map[string]string{}
		for _, c := range tw.Contests {
			for _, r := range c.Rounds {
				if r.Suppressed {
					got[c.Constituency] = fmt.Sprintf("suppressed %v %v", r.RollSize, r.Voters)
				} else {
					got[c.Constituency] = fmt.Sprintf("%d/%d open %t", *r.Voters, *r.RollSize, r.Open)
				}
			}
		}
		want := map[string]string{"ranked": "6/6 open true", "approval": "suppressed <nil> <nil>",
			"points": "suppressed <nil> <nil>", "trust": "suppressed <nil> <nil>"}
		if fmt.Sprint(got) != fmt.Sprint(want) || tw.MinGroupSize != 4 {
			t.Errorf("turnout (min %d) %v, want %v", tw.MinGroupSize, got, want)
		}

		e.at("2026-06-12T20:00:00Z")
		e.closeRound(r.ID)
		e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/count", e.election), token: e.officerToken}, http.StatusOK, nil)

		var aw struct {
			Actions []struct {
				Kind    string `json:"kind"`
				Actor   string `json:"actor"`
				Account *struct {
					Email string `json:"email"`
					Role  string `json:"role"`
				} `json:"account"`
			} `json:"actions"`
		}
		e.call(request{method: "GET", url: actions, token: e.auditorToken}, http.StatusOK, &aw)
		var kinds []string
		for _, a := range aw.Actions {
			if a.Account == nil || a.Account.Role != "officer" {
				t.Errorf("action %s by %s: account %+v, want the officer's", a.Kind, a.Actor, a.Account)
			}
			kinds = append(kinds, a.Kind)
		}
		for _, k := range []string{"election.created", "round.opened", "round.closed", "election.counted"} {
			if !strings.Contains(strings.Join(kinds, " "), k) {
				t.Errorf("officer actions %v lack %s", kinds, k)
			}
		}
		if strings.Contains(strings.Join(kinds, " "), "ballots.accepted") {
			t.Errorf("officer actions list ballots: %v", kinds)
		}

		// Counted: the auditor gets a bundle that verifies with the service's key; the
		// public does not yet.
		rec := e.call(request{method: "GET", url: bundleURL, token: e.auditorToken}, http.StatusOK, nil)
		if ct := rec.Header().Get("Content-Type"); ct != "application/gzip" {
			t.Errorf("bundle Content-Type %q", ct)
		}
		report, err := bundle.Verify(bytes.NewReader(rec.Body.Bytes()), pub)
		if err != nil {
			t.Fatalf("verify the bundle: %v", err)
		}
		if !report.OK {
			b, _ := json.MarshalIndent(report, "", " ")
			t.Errorf("the bundle does not verify:\n%s", b)
		}
		e.run(t, []scenario{
			{name: "bundle before certification, to anyone", method: "GET", url: bundleURL, wantStatus: http.StatusNotFound, wantCode: "not_found"},
		})
		e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/certify", e.election), token: e.officerToken}, http.StatusOK, nil)
		e.run(t, []scenario{
			{name: "bundle once certified, to anyone", method: "GET", url: bundleURL, wantStatus: http.StatusOK,
				wantHeader: map[string]string{"Content-Disposition": fmt.Sprintf(`attachment; filename="election-%d-bundle.tar.gz"`, e.election)}},
		})
	})
}
