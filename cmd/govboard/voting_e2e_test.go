package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// TestVotingEndToEnd is issue #6's acceptance test, through HTTP only, on SQLite and (when
// configured) PostgreSQL: the demo's 2026 election with its first round open; 200 members vote
// in five contests counted with five methods (Meek STV, cumulative, approval, Schulze,
// plurality), some of them twice (the second ballot replaces the first) and some ballots are
// refused; the round is closed, counted (twice, with identical reports) and certified; the
// roster shows the winners with their term ends; every receipt handed out is among the
// published ballots; and the published ballots counted again by `govboard tally` give the
// same winners.
func TestVotingEndToEnd(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		dir := filepath.Join(t.TempDir(), "data")
		env := map[string]string{"GOVBOARD_AUTH_BCRYPT_COST": "4", "GOVBOARD_DB_DRIVER": opts.Driver, "GOVBOARD_DB_DSN": opts.DSN,
			// 200 members redeem their codes from this one test client.
			"GOVBOARD_AUTH_LOGIN_RATE": "100000", "GOVBOARD_AUTH_LOGIN_BURST": "100000"}
		if opts.Driver == sqlstore.DriverPostgres {
			env["GOVBOARD_DB_AUTO_MIGRATE"] = "true"
			env["GOVBOARD_AUTH_SIGNING_KEY_FILE"] = filepath.Join(t.TempDir(), "key.pem")
			if code, out, errOut := govboard(t, "", env, "keys", "generate"); code != 0 {
				t.Fatalf("keys generate: %d %s %s", code, out, errOut)
			}
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		votingEndToEnd(t, startDemo(t, dir))
	})
}

// e2eContest is a contest of the demo election as the test drives it.
type e2eContest struct {
	id           int64
	constituency string
	method       string
	seats        int
	voters       []string // members who vote in it
}

// demoContestOf maps a demo member id's prefix to its constituency.
var demoContestOf = map[string]string{"ind": "individual", "eco": "ecosystem", "asc": "associate", "grd": "guardians", "sct": "spec-core-team"}

func votingEndToEnd(t *testing.T, demo *demoRun) {
	base := demo.base + "/api/v1"
	officer := officerToken(t, demo.base, demo.password)

	// The demo opened round 1 for the five contests that go to a vote; only the seed's
	// commitment is public while it is open.
	st, body := call(t, "GET", base+"/elections/1/rounds", "", nil)
	rounds, _ := body["rounds"].([]any)
	if st != 200 || len(rounds) != 1 {
		t.Fatalf("rounds of the demo election: %d %v", st, body)
	}
	round := rounds[0].(map[string]any)
	roundID := int64(round["id"].(float64))
	commitment, _ := round["seed_commitment"].(string)
	if round["state"] != "open" || len(commitment) != 64 || round["seed"] != nil {
		t.Fatalf("round 1: state %v, commitment %q, seed %v; want open, 64 hex digits, no seed", round["state"], commitment, round["seed"])
	}
	contests := map[string]*e2eContest{}
	for _, c := range round["contests"].([]any) {
		c := c.(map[string]any)
		st, view := call(t, "GET", fmt.Sprintf("%s/contests/%d", base, int64(c["contest_id"].(float64))), "", nil)
		if st != 200 {
			t.Fatalf("contest %v: %d %v", c["contest_id"], st, view)
		}
		k := view["constituency"].(string)
		contests[k] = &e2eContest{id: int64(c["contest_id"].(float64)), constituency: k, method: c["method"].(string), seats: int(c["seats"].(float64))}
	}
	methods := map[string]string{}
	for k, c := range contests {
		methods[k] = c.method
	}
	wantMethods := map[string]string{"individual": "meek", "ecosystem": "cumulative", "associate": "plurality", "guardians": "approval", "spec-core-team": "schulze"}
	if diff := cmp.Diff(wantMethods, methods); diff != "" {
		t.Fatalf("contests of round 1 and their methods (-want +got):\n%s", diff)
	}

	// Codes for everyone on the rolls, as an officer hands them out for mail-merge.
	codes := issueAllCodes(t, base, officer)
	// Everyone in the smaller contests up to a quota each, the rest of the 200 in Individual.
	var voters []string
	quota := map[string]int{"associate": 4, "ecosystem": 40, "guardians": 38, "spec-core-team": 38, "individual": 200}
	for _, k := range []string{"associate", "ecosystem", "guardians", "spec-core-team", "individual"} {
		for _, m := range slices.Sorted(mapsKeys(codes)) {
			if c := contests[k]; demoContestOf[strings.SplitN(m, "-", 2)[0]] == k && len(voters) < 200 && len(c.voters) < quota[k] {
				c.voters = append(c.voters, m)
				voters = append(voters, m)
			}
		}
	}
	if len(voters) != 200 {
		t.Fatalf("%d voters with codes in the five contests, want 200", len(voters))
	}
	tokens := map[string]string{}
	for _, m := range voters {
		st, body := call(t, "POST", base+"/auth/redeem", "", map[string]string{"code": codes[m]})
		if st != 200 {
			t.Fatalf("redeem %s's code: %d %v", m, st, body)
		}
		tokens[m] = body["token"].(string)
	}

	receipts := map[string]bool{} // every receipt handed out
	counted := map[int64]int{}    // contest → ballots that count
	replaced := map[int64]int{}   // contest → superseded ballots
	for _, k := range slices.Sorted(mapsKeys(contests)) {
		c := contests[k]
		for i, m := range c.voters {
			st, form := call(t, "GET", fmt.Sprintf("%s/contests/%d/ballot", base, c.id), tokens[m], nil)
			if st != 200 || form["voted"] != false {
				t.Fatalf("%s's ballot form in %s: %d %v", m, k, st, form)
			}
			ids := formCandidates(t, form)
			cast := func(ballot map[string]any) map[string]any {
				t.Helper()
				st, body := call(t, "POST", fmt.Sprintf("%s/contests/%d/ballots", base, c.id), tokens[m], ballot)
				receipt, _ := body["receipt"].(string)
				if st != 201 || len(receipt) != 64 {
					t.Fatalf("%s's ballot %v in %s: %d %v", m, ballot, k, st, body)
				}
				receipts[receipt] = true
				return body
			}
			cast(e2eBallot(c.method, ids, i))
			counted[c.id]++
			if i%10 == 3 { // every tenth voter changes their mind; the new ballot replaces the first
				if body := cast(e2eBallot(c.method, ids, i+1)); body["replaced"] != true {
					t.Fatalf("%s's second ballot in %s: %v, want replaced", m, k, body)
				}
				replaced[c.id]++
			}
			if i%25 == 7 { // and some ballots are refused, changing nothing
				st, body := call(t, "POST", fmt.Sprintf("%s/contests/%d/ballots", base, c.id), tokens[m], e2eBadBallot(c.method, ids))
				if st != 400 || body["code"] != "invalid" {
					t.Fatalf("%s's invalid ballot in %s: %d %v, want 400 invalid", m, k, st, body)
				}
			}
		}
		st, p := call(t, "GET", fmt.Sprintf("%s/contests/%d/participation", base, c.id), tokens[c.voters[0]], nil)
		if st != 200 || p["voted"] != true || p["revoting"] != true {
			t.Fatalf("participation of %s in %s: %d %v", c.voters[0], k, st, p)
		}
	}
	// A member votes only where they are on the roll.
	ind, eco := contests["individual"], contests["ecosystem"]
	if st, body := call(t, "POST", fmt.Sprintf("%s/contests/%d/ballots", base, eco.id), tokens[ind.voters[0]], map[string]any{"abstain": true}); st != 403 {
		t.Fatalf("an Individual member's ballot in the Ecosystem contest: %d %v, want 403", st, body)
	}

	// Closing reveals the seed, which matches the commitment; ballots are refused after it.
	st, body = call(t, "POST", fmt.Sprintf("%s/rounds/%d/close", base, roundID), officer, nil)
	seedHex, _ := body["seed"].(string)
	seed, _ := hex.DecodeString(seedHex)
	if sum := sha256.Sum256(seed); st != 200 || body["state"] != "closed" || hex.EncodeToString(sum[:]) != commitment {
		t.Fatalf("close round 1: %d %v; the seed must hash to %s", st, body, commitment)
	}
	if st, body := call(t, "POST", fmt.Sprintf("%s/contests/%d/ballots", base, ind.id), tokens[ind.voters[1]], map[string]any{"abstain": true}); st != 409 {
		t.Fatalf("a ballot after the close: %d %v, want 409", st, body)
	}
	if st, body := call(t, "POST", fmt.Sprintf("%s/rounds/%d/close", base, roundID), officer, nil); st != 409 {
		t.Fatalf("closing a closed round: %d %v, want 409", st, body)
	}

	// Results are not public before certification.
	if st, _ := call(t, "GET", fmt.Sprintf("%s/contests/%d/report", base, ind.id), "", nil); st != 404 {
		t.Fatalf("report before the count, without a token: %d, want 404", st)
	}
	st, body = call(t, "POST", base+"/elections/1/count", officer, nil)
	if st != 200 || body["status"] != "counted" {
		t.Fatalf("count: %d %v", st, body)
	}
	results := map[int64]map[string]any{}
	for _, r := range body["results"].([]any) {
		r := r.(map[string]any)
		results[int64(r["contest_id"].(float64))] = r
	}
	for _, k := range slices.Sorted(mapsKeys(contests)) {
		c := contests[k]
		r := results[c.id]
		if r["ballots"] != float64(counted[c.id]) || r["superseded"] != float64(replaced[c.id]) || r["voters"] != float64(len(c.voters)) {
			t.Errorf("%s: ballots %v superseded %v voters %v; want %d, %d, %d", k, r["ballots"], r["superseded"], r["voters"],
				counted[c.id], replaced[c.id], len(c.voters))
		}
		if elected, _ := r["elected"].([]any); len(elected) != c.seats {
			t.Errorf("%s: %d elected for %d seats: %v", k, len(elected), c.seats, r)
		}
	}
	reports := map[int64][]byte{}
	for _, c := range contests {
		reports[c.id] = fetch(t, fmt.Sprintf("%s/contests/%d/report", base, c.id), officer, 200)
	}
	if st, body := call(t, "POST", base+"/elections/1/count", officer, nil); st != 200 {
		t.Fatalf("count again: %d %v", st, body)
	}
	for k, c := range contests {
		if again := fetch(t, fmt.Sprintf("%s/contests/%d/report", base, c.id), officer, 200); !bytes.Equal(again, reports[c.id]) {
			t.Errorf("%s: counting again changed the report:\n%s\n%s", k, reports[c.id], again)
		}
	}

	// Certification seats the winners (and Platinum's and Silver's acclaimed candidates).
	st, body = call(t, "POST", base+"/elections/1/certify", officer, nil)
	if st != 200 || body["status"] != "certified" {
		t.Fatalf("certify: %d %v", st, body)
	}
	today := time.Now().UTC()
	checkCertifiedRoster(t, base, today, contests, results)

	// Every receipt handed out is published (the replaced ones marked superseded), and the
	// published ballots counted again offline give the stored result.
	published := map[string]bool{}
	for _, k := range slices.Sorted(mapsKeys(contests)) {
		c := contests[k]
		raw := fetch(t, fmt.Sprintf("%s/contests/%d/ballots?format=json", base, c.id), "", 200)
		var doc struct {
			Ballots    []map[string]any `json:"ballots"`
			Superseded []map[string]any `json:"superseded"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s ballots json: %v", k, err)
		}
		if len(doc.Ballots) != counted[c.id] || len(doc.Superseded) != replaced[c.id] {
			t.Errorf("%s: %d ballots and %d superseded published, want %d and %d", k, len(doc.Ballots), len(doc.Superseded), counted[c.id], replaced[c.id])
		}
		for _, b := range append(doc.Ballots, doc.Superseded...) {
			published[fmt.Sprint(b["receipt"])] = true
		}
		var rep struct {
			Elected []string `json:"elected"`
		}
		if err := json.Unmarshal(reports[c.id], &rep); err != nil {
			t.Fatal(err)
		}
		file, format := filepath.Join(t.TempDir(), k+".blt"), "blt"
		if c.method == "cumulative" { // BLT holds rankings; points go through the JSON ballot file
			file, format = filepath.Join(t.TempDir(), k+".json"), "json"
		}
		if err := os.WriteFile(file, fetch(t, fmt.Sprintf("%s/contests/%d/ballots?format=%s", base, c.id, format), "", 200), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := tallyRun(t, "--method", c.method, "--seats", fmt.Sprint(c.seats), "--seed", seedHex, "--format", "json", file)
		var recount struct {
			Elected []string `json:"elected"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &recount) != nil {
			t.Fatalf("govboard tally %s: %d %s %s", file, code, out, errOut)
		}
		if !slices.Equal(recount.Elected, rep.Elected) {
			t.Errorf("%s: govboard tally on the published %s elects %v, the stored report %v", k, format, recount.Elected, rep.Elected)
		}
	}
	for r := range receipts {
		if !published[r] {
			t.Errorf("receipt %s was acknowledged but is not among the published ballots", r)
		}
	}
	auditEndToEnd(t, base, officer, counted, receipts)
}

// checkCertifiedRoster checks the roster on the certification day: each contest's winners on
// its seats, with terms to the contest's term-end years.
func checkCertifiedRoster(t *testing.T, base string, today time.Time, contests map[string]*e2eContest, results map[int64]map[string]any) {
	t.Helper()
	day := today.Format("2006-01-02")
	st, body := call(t, "GET", base+"/board/roster?at="+day, "", nil)
	if st != 200 {
		t.Fatalf("roster on %s: %d %v", day, st, body)
	}
	holders := map[string]map[string]any{}
	seats, _ := body["seats"].([]any)
	for _, s := range seats {
		s := s.(map[string]any)
		if h, ok := s["term"].(map[string]any); ok {
			holders[fmt.Sprint(s["seat"])] = h
		}
	}
	for k, c := range contests {
		for _, w := range results[c.id]["elected"].([]any) {
			w := w.(map[string]any)
			seat := fmt.Sprint(w["seat"])
			h := holders[seat]
			wantEnd := fmt.Sprintf("%d-%s", int(w["term_ends_year"].(float64)), today.Format("01-02"))
			if h == nil || h["end"] != wantEnd {
				t.Errorf("%s: seat %s on %s holds %v; want %v until %s", k, seat, day, h, w["name"], wantEnd)
			}
		}
	}
	// Term-end years of the 2026 table (DESIGN.md §2): in-cycle seats two years, by-elections one.
	for seat, year := range map[string]int{"ecosystem-1": 2028, "guardians-1": 2028, "spec-core-team-1": 2028, "individual-3": 2027,
		"associate-2": 2027, "platinum-1": 2028, "silver-1": 2027} {
		if h := holders[seat]; h == nil || !strings.HasPrefix(fmt.Sprint(h["end"]), fmt.Sprint(year)) {
			t.Errorf("seat %s on %s: %v; want a term to %d", seat, day, h, year)
		}
	}
	if h := holders["silver-2"]; h != nil {
		t.Errorf("silver-2 has no candidate and must stay vacant, holds %v", h)
	}
}

// issueAllCodes issues codes for everyone on the election's rolls and returns member → code.
func issueAllCodes(t *testing.T, base, officer string) map[string]string {
	t.Helper()
	raw := fetchWith(t, "POST", base+"/elections/1/access-codes", officer, []byte(`{}`), 200)
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "member" || rows[0][4] != "code" {
		t.Fatalf("access codes CSV: %v\n%s", err, raw)
	}
	codes := map[string]string{}
	for _, r := range rows[1:] {
		if r[4] != "" {
			codes[r[0]] = r[4]
		}
	}
	return codes
}

// formCandidates returns the candidate ids of a ballot form in the order shown.
func formCandidates(t *testing.T, form map[string]any) []int64 {
	t.Helper()
	var ids []int64
	for _, c := range form["candidates"].([]any) {
		ids = append(ids, int64(c.(map[string]any)["id"].(float64)))
	}
	if len(ids) < 2 {
		t.Fatalf("ballot form with %d candidates: %v", len(ids), form)
	}
	slices.Sort(ids) // the form's order is shuffled per voter; the test's choices use id order
	return ids
}

// e2eBallot is voter i's ballot in a contest of the given method over candidates ids: varied
// enough that every method has real work (transfers, point spreads, equal rankings).
func e2eBallot(method string, ids []int64, i int) map[string]any {
	n := len(ids)
	rot := func(k int) int64 { return ids[(i+k)%n] }
	switch method {
	case "meek":
		if i%7 == 0 {
			return map[string]any{"ranking": []any{rot(0)}}
		}
		return map[string]any{"ranking": []any{rot(0), rot(2), rot(1)}}
	case "schulze":
		if i%5 == 0 {
			return map[string]any{"ranking": []any{[]int64{rot(0), rot(1)}, rot(2)}}
		}
		return map[string]any{"ranking": []any{rot(i % 2), rot(1 - i%2), rot(2)}}
	case "approval":
		if i%3 == 0 {
			return map[string]any{"marks": []int64{rot(0)}}
		}
		return map[string]any{"marks": []int64{rot(0), rot(i % 3)}}
	case "cumulative":
		if i%4 == 0 {
			return map[string]any{"points": map[string]int{fmt.Sprint(rot(0)): 3}}
		}
		return map[string]any{"points": map[string]int{fmt.Sprint(rot(0)): 2, fmt.Sprint(rot(1)): 1}}
	case "plurality":
		return map[string]any{"marks": []int64{rot(0)}}
	}
	panic("no ballot for " + method)
}

// e2eBadBallot is a ballot the method refuses.
func e2eBadBallot(method string, ids []int64) map[string]any {
	switch method {
	case "meek", "schulze":
		return map[string]any{"ranking": []any{ids[0], ids[0]}} // a candidate twice
	case "cumulative":
		return map[string]any{"points": map[string]int{fmt.Sprint(ids[0]): 99}} // over the budget
	case "plurality":
		return map[string]any{"marks": []int64{ids[0], ids[1]}} // two marks for one seat
	default:
		return map[string]any{"marks": []int64{999999}} // no such candidate
	}
}

// fetch GETs url and returns the body, failing unless the status is want.
func fetch(t *testing.T, url, token string, want int) []byte {
	t.Helper()
	return fetchWith(t, "GET", url, token, nil, want)
}

func fetchWith(t *testing.T, method, url, token string, body []byte, want int) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, url, resp.StatusCode, want, b)
	}
	return b
}

// mapsKeys returns the keys of m as an iterator.
func mapsKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
