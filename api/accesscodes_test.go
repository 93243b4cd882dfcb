package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
)

// publicURL is the http.public_url of the access-code tests.
const publicURL = "https://vote.example.org/"

// codePattern is an access code as issued: 26 Crockford base32 characters in groups of five.
var codePattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}-[0-9A-HJKMNP-TV-Z]$`)

// sentMail is one message a fakeMailer took.
type sentMail struct{ To, Subject, Body string }

// fakeMailer records the messages it is given, and fails those to the addresses in fail.
type fakeMailer struct {
	mu   sync.Mutex
	sent []sentMail
	fail map[string]error
}

func (m *fakeMailer) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail[to]; err != nil {
		return err
	}
	m.sent = append(m.sent, sentMail{To: to, Subject: subject, Body: body})
	return nil
}

// codeRow is one row of the access-codes CSV.
type codeRow struct {
	Member, Name, Representative, Email, Code, ExpiresAt, VotingLink, Mail string
}

// codeRows parses the access-codes CSV of rec, checking its header, and returns its rows.
func codeRows(t *testing.T, rec *httptest.ResponseRecorder) []codeRow {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatalf("access codes are not CSV: %v\n%s", err, rec.Body)
	}
	want := []string{"member", "name", "representative", "email", "code", "expires_at", "voting_link", "mail"}
	if len(records) == 0 || !cmp.Equal(records[0], want) {
		t.Fatalf("CSV header %q, want %q", records, want)
	}
	var rows []codeRow
	for _, r := range records[1:] {
		rows = append(rows, codeRow{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]})
	}
	return rows
}

// issueCodes issues access codes with body, failing the test unless it answers 200 with CSV;
// the response is checked against the OpenAPI document.
func (e *electionEnv) issueCodes(t *testing.T, body string) ([]codeRow, *httptest.ResponseRecorder) {
	t.Helper()
	req, rec := e.serve(request{method: "POST", url: "/api/v1/elections/1/access-codes", token: e.officerToken, body: body})
	newResponseValidator(t, e.env).check(t, req, rec)
	if rec.Code != http.StatusOK {
		t.Fatalf("issue access codes: status %d: %s", rec.Code, rec.Body)
	}
	for k, v := range map[string]string{"Content-Type": "text/csv; charset=utf-8",
		"Content-Disposition": `attachment; filename="access-codes-1.csv"`, "Cache-Control": "no-store"} {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	return codeRows(t, rec), rec
}

// codesOf returns the codes of rows by member, and every form of them that must never be
// shown again: as issued, normalised, and their hashes.
func codesOf(rows []codeRow) (map[string]string, []string) {
	codes := map[string]string{}
	var secret []string
	for _, r := range rows {
		if r.Code == "" {
			continue
		}
		codes[r.Member] = r.Code
		plain := strings.ReplaceAll(r.Code, "-", "")
		sum := sha256.Sum256([]byte(plain))
		secret = append(secret, r.Code, plain, hex.EncodeToString(sum[:]))
	}
	return codes, secret
}

// issuedEvents returns how many access_codes.issued events the audit trail holds.
func (e *env) issuedEvents(t *testing.T) int {
	t.Helper()
	es, err := e.svc.ListEvents(context.Background(), elections.EventFilter{Kind: elections.EventAccessCodesIssued})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// The access-code routes: officers issue codes as CSV, members redeem each once for a token
// of its election; codes are never shown again, anywhere.
func TestAccessCodeScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, onEngine func(*api.Options, *wrapStore)) {
		e := newElectionEnv(t, onEngine, func(o *api.Options, _ *wrapStore) { o.PublicURL = publicURL })
		e.create2026()
		e.at(nominations2026)
		const issue = "/api/v1/elections/1/access-codes"
		officer := e.officerToken
		e.run(t, withAll([]scenario{
			{name: "issue without token", method: "POST", url: issue, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "issue as auditor", method: "POST", url: issue, token: e.auditorToken, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "issue as admin", method: "POST", url: issue, token: e.adminToken, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "issue as member", method: "POST", url: issue, token: e.memberOf("ind-ada", 1), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "issue for an unknown election", method: "POST", url: "/api/v1/elections/99/access-codes", token: officer,
				wantStatus: http.StatusNotFound, wantCode: "not_found"},
			{name: "mail without SMTP", method: "POST", url: issue, token: officer, body: `{"send_email":true}`,
				wantStatus: http.StatusConflict, wantCode: "conflict", wantContains: []string{"SMTP is not configured (smtp.host)"}},
			{name: "issue until a bad instant", method: "POST", url: issue, token: officer, body: `{"expires_at":"2026-06-01"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"field expires_at", "RFC 3339"}},
			{name: "issue until after voting", method: "POST", url: issue, token: officer, body: `{"expires_at":"2026-06-13T00:00:01Z"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"expires_at"}},
			{name: "issue until the past", method: "POST", url: issue, token: officer, body: `{"expires_at":"2026-05-02T09:59:59+00:00"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"expires_at"}},
			{name: "issue for members on no roll", method: "POST", url: issue, token: officer, body: `{"members":["ind-bob","nobody"]}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`\"ind-bob\"`, `\"nobody\"`}},
			{name: "issue with a bad body", method: "POST", url: issue, token: officer, body: `{"members":"ind-ada"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		}, notInElections...))
		if n := e.issuedEvents(t); n != 0 {
			t.Fatalf("%d access_codes.issued events after refusals, want none", n)
		}

		// Everyone on the rolls, in member order; an organisation without representative is
		// skipped; the frozen-out (ind-bob, eco-zed) are not there.
		rows, _ := e.issueCodes(t, "")
		codes, secret := codesOf(rows)
		link := "https://vote.example.org/api/v1/elections/1"
		want := []codeRow{
			{"eco-ada", "Ada Lovelace", "", "ada@example.org", codes["eco-ada"], "2026-06-13T00:00:00Z", link, ""},
			{"gold-acme", "Acme Corp", "Jo Rep", "jo@acme.example", codes["gold-acme"], "2026-06-13T00:00:00Z", link, ""},
			{"gold-norep", "Norep Ltd", "", "", "", "", link, "skipped: no representative designated"},
			{"guard-eve", "Eve Guardian", "", "", codes["guard-eve"], "2026-06-13T00:00:00Z", link, ""},
			{"ind-ada", "Ada Lovelace", "", "ada@example.org", codes["ind-ada"], "2026-06-13T00:00:00Z", link, ""},
			{"ind-cy", "Cy Ample", "", "cy@example.org", codes["ind-cy"], "2026-06-13T00:00:00Z", link, ""},
			{"ind-dan", "Dan Dee", "", "dan@example.org", codes["ind-dan"], "2026-06-13T00:00:00Z", link, ""},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("access codes (-want +got):\n%s", diff)
		}
		seen := map[string]bool{}
		for member, code := range codes {
			if !codePattern.MatchString(code) || seen[code] {
				t.Errorf("code of %s %q: not a fresh code in groups of five", member, code)
			}
			seen[code] = true
		}
		if len(codes) != 6 || e.issuedEvents(t) != 1 {
			t.Fatalf("%d codes and %d access_codes.issued events, want 6 and 1", len(codes), e.issuedEvents(t))
		}

		// A second election, to which election 1's tokens give no access.
		e.run(t, []scenario{{name: "create the 2027 election", method: "POST", url: "/api/v1/elections", token: officer,
			body: `{"year":2027,"schedule":{"nominations_open":"2027-05-01","nominations_close":"2027-05-14",
				"voting_open":"2027-05-29","voting_close":"2027-06-11"}}`, wantStatus: http.StatusCreated}})

		redeem := func(code string) string { return jsonBody(t, map[string]string{"code": code}) }
		invalid := "the access code is invalid, used or expired"
		e.run(t, withAll([]scenario{
			{name: "redeem without a body", method: "POST", url: "/api/v1/auth/redeem", wantStatus: http.StatusUnsupportedMediaType,
				wantCode: "unsupported_media_type"},
			{name: "redeem with a bad body", method: "POST", url: "/api/v1/auth/redeem", body: `{"code":1}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "redeem with an unknown field", method: "POST", url: "/api/v1/auth/redeem", body: `{"code":"x","member":"ind-ada"}`,
				wantStatus: http.StatusBadRequest, wantCode: "invalid"},
			{name: "redeem an unknown code", method: "POST", url: "/api/v1/auth/redeem", body: redeem("00000-00000-00000-00000-00000-0"),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
			{name: "redeem a malformed code", method: "POST", url: "/api/v1/auth/redeem", body: redeem("let me in"),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
			{name: "redeem an empty code", method: "POST", url: "/api/v1/auth/redeem", body: redeem(""),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
			{name: "redeem a person's code", method: "POST", url: "/api/v1/auth/redeem", body: redeem(codes["ind-ada"]),
				wantStatus: http.StatusOK, wantContains: []string{`"expires_at":"2026-05-02T11:00:00Z","member":"ind-ada","name":"Ada Lovelace","election":1}`},
				mustNotContain: []string{`"representative"`, "@"}},
			{name: "redeem it again", method: "POST", url: "/api/v1/auth/redeem", body: redeem(codes["ind-ada"]),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
			{name: "redeem an organisation's code as typed", method: "POST", url: "/api/v1/auth/redeem",
				body:       redeem(" " + strings.ToLower(strings.ReplaceAll(codes["gold-acme"], "-", " ")) + " "),
				wantStatus: http.StatusOK, wantContains: []string{`"member":"gold-acme","name":"Acme Corp","representative":"Jo Rep","election":1}`}},
		}, append(append(notInElections, secret...), `"hash"`)...))

		// The redeemed token speaks for its member in its election, and nowhere else.
		cy := e.redeemToken(t, codes["ind-cy"])
		e.run(t, withAll([]scenario{
			{name: "me as a member", method: "GET", url: "/api/v1/auth/me", token: cy, wantStatus: http.StatusOK,
				wantContains: []string{`"subject":"member:ind-cy","role":"member"`, `"member":"ind-cy","election":1`}},
			{name: "nominate with the redeemed token", method: "POST", url: "/api/v1/elections/1/nominations", token: cy,
				body: `{"nominee":"ind-cy"}`, wantStatus: http.StatusCreated, wantContains: []string{`"nominee":"ind-cy"`}},
			{name: "nominate in another election", method: "POST", url: "/api/v1/elections/2/nominations", token: cy,
				body: `{"nominee":"ind-cy"}`, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "withdraw in another election's name", method: "POST", url: "/api/v1/nominations/1/withdraw",
				token: e.memberOf("ind-cy", 2), wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "issue codes with a member token", method: "POST", url: issue, token: cy, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
			{name: "a member token with a bad scope", method: "GET", url: "/api/v1/auth/me",
				token: e.scoped("member:ind-cy", "member", "election:one"), wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
			{name: "a member token without member", method: "GET", url: "/api/v1/auth/me",
				token: e.scoped("member:", "member", "election:1"), wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		}, append(notInElections, secret...)...))
		e.run(t, withAll([]scenario{
			{name: "the audit trail never shows a code", method: "GET", url: "/api/v1/audit/events?limit=500", token: officer,
				wantStatus: http.StatusOK, wantContains: []string{`"kind":"access_codes.issued"`, `"count":6`}},
		}, secret...))

		// A new code for Dan replaces the old one, and expires at the given instant.
		rows, _ = e.issueCodes(t, `{"members":["ind-dan"],"expires_at":"2026-05-02T11:00:00Z"}`)
		fresh, _ := codesOf(rows)
		if len(rows) != 1 || rows[0].ExpiresAt != "2026-05-02T11:00:00Z" || fresh["ind-dan"] == codes["ind-dan"] {
			t.Fatalf("new code for ind-dan: %+v", rows)
		}
		e.run(t, []scenario{
			{name: "redeem a replaced code", method: "POST", url: "/api/v1/auth/redeem", body: redeem(codes["ind-dan"]),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
		})
		e.at("2026-05-02T11:00:00Z")
		e.run(t, []scenario{
			{name: "redeem an expired code", method: "POST", url: "/api/v1/auth/redeem", body: redeem(fresh["ind-dan"]),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
		})

		// Once voting has closed, no more codes, and the unused ones are worthless.
		e.at(votingOver2026)
		e.run(t, []scenario{
			{name: "issue after voting", method: "POST", url: issue, token: e.officerToken,
				wantStatus: http.StatusConflict, wantCode: "conflict"},
			{name: "redeem after voting", method: "POST", url: "/api/v1/auth/redeem", body: redeem(codes["ind-dan"]),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
			{name: "redeem an unused code after voting", method: "POST", url: "/api/v1/auth/redeem", body: redeem(codes["eco-ada"]),
				wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{invalid}},
		})
	})
}

// redeemToken redeems code and returns the member token.
func (e *env) redeemToken(t *testing.T, code string) string {
	t.Helper()
	rec := e.do(request{method: "POST", url: "/api/v1/auth/redeem", body: jsonBody(t, map[string]string{"code": code})})
	if rec.Code != http.StatusOK {
		t.Fatalf("redeem: status %d: %s", rec.Code, rec.Body)
	}
	var out struct{ Token string }
	decode(t, rec, &out)
	return out.Token
}

// scoped returns a token with any subject, role and scope.
func (e *env) scoped(subject, role, scope string) string {
	e.t.Helper()
	tok, _, err := e.tokens.Issue(subject, role, scope)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// With send_email, every code is mailed after it is stored; the CSV says how each went,
// without showing the mail server's errors.
func TestAccessCodesByMail(t *testing.T) {
	mailer := &fakeMailer{fail: map[string]error{
		"jo@acme.example": errors.New("smtp: 535 authentication failed for smtp-user with hunter2 at mail.internal:587"),
	}}
	e := newElectionEnv(t, func(o *api.Options, _ *wrapStore) { o.PublicURL = publicURL; o.Mailer = mailer })
	e.create2026()
	e.at(nominations2026)
	rows, rec := e.issueCodes(t, `{"send_email":true}`)
	// (Not "535" alone: a random request id in the CSV may contain those digits.)
	for _, s := range []string{"hunter2", "smtp-user", "mail.internal", "535 authentication", "authentication failed"} {
		if strings.Contains(rec.Body.String(), s) {
			t.Errorf("the CSV shows the mail server's error (%q): %s", s, rec.Body)
		}
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Member] = r.Mail
	}
	requestID := rec.Header().Get("X-Request-ID")
	want := map[string]string{
		"eco-ada":    "sent",
		"gold-acme":  "failed: the mail server did not take it; the server log has the reason (request " + requestID + ")",
		"gold-norep": "skipped: no representative designated",
		"guard-eve":  "failed: no e-mail address",
		"ind-ada":    "sent",
		"ind-cy":     "sent",
		"ind-dan":    "sent",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mail column (-want +got):\n%s", diff)
	}
	if !strings.Contains(e.logs.String(), "hunter2") || !strings.Contains(e.logs.String(), "access code not mailed") {
		t.Errorf("the mail server's error is not logged for the operator:\n%s", e.logs)
	}

	codes, _ := codesOf(rows)
	if len(mailer.sent) != 4 {
		t.Fatalf("%d messages sent, want 4: %+v", len(mailer.sent), mailer.sent)
	}
	var toCy *sentMail
	for i := range mailer.sent {
		if mailer.sent[i].To == "cy@example.org" {
			toCy = &mailer.sent[i]
		}
	}
	if toCy == nil {
		t.Fatalf("no message to cy@example.org: %+v", mailer.sent)
	}
	if toCy.Subject != "Your access code for 2026 election of The Matrix.org Foundation Governing Board" {
		t.Errorf("subject %q", toCy.Subject)
	}
	for _, s := range []string{"Dear Cy Ample,", codes["ind-cy"], "2026-06-13 00:00 (UTC)",
		"https://vote.example.org/api/v1/elections/1", "https://vote.example.org/api/v1/auth/redeem"} {
		if !strings.Contains(toCy.Body, s) {
			t.Errorf("the message does not contain %q:\n%s", s, toCy.Body)
		}
	}
	for _, m := range mailer.sent {
		for member, code := range codes {
			if strings.Contains(m.Body, code) && !strings.Contains(m.Body, "Dear "+nameOf(rows, member)) {
				t.Errorf("the code of %s went to %s", member, m.To)
			}
		}
	}
}

// nameOf returns the name of member in rows.
func nameOf(rows []codeRow, member string) string {
	for _, r := range rows {
		if r.Member == member {
			return r.Name
		}
	}
	return ""
}

// Redeeming is rate limited per client address, in the same buckets as logging in: guessing
// codes from one address soon gets 429 with Retry-After; another address is not slowed down.
func TestRedeemRateLimit(t *testing.T) {
	e := newEnv(t, func(o *api.Options, _ *wrapStore) {
		o.LoginRate = 1
		o.LoginBurst = 2
	})
	v := newResponseValidator(t, e)
	attempt := func(addr, url, body string) *httptest.ResponseRecorder {
		t.Helper()
		req, rec := e.serve(request{method: "POST", url: url, remoteAddr: addr, body: body})
		v.check(t, req, rec)
		return rec
	}
	guess := `{"code":"00000-00000-00000-00000-00000-0"}`
	tests := []struct {
		addr, url  string
		body       string
		wantStatus int
	}{
		{"192.0.2.1:5000", "/api/v1/auth/redeem", guess, http.StatusUnauthorized},
		{"192.0.2.1:5001", "/api/v1/auth/redeem", guess, http.StatusUnauthorized},
		{"192.0.2.1:5002", "/api/v1/auth/redeem", guess, http.StatusTooManyRequests},
		{"192.0.2.1:5003", "/api/v1/auth/login", `{"email":"admin@example.org","password":"x"}`, http.StatusTooManyRequests},
		{"192.0.2.2:5000", "/api/v1/auth/redeem", guess, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		rec := attempt(tt.addr, tt.url, tt.body)
		if rec.Code != tt.wantStatus {
			t.Fatalf("%s from %s: status %d, want %d: %s", tt.url, tt.addr, rec.Code, tt.wantStatus, rec.Body)
		}
		if rec.Code == http.StatusTooManyRequests && (rec.Header().Get("Retry-After") != "60" || problem(t, rec).Code != "rate_limited") {
			t.Errorf("429 with Retry-After %q: %s", rec.Header().Get("Retry-After"), rec.Body)
		}
	}
}
