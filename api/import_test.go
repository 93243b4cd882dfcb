package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

const (
	membersImport   = "/api/v1/members/import"
	donationsImport = "/api/v1/donations/import"
	membersHeader   = "external_id,kind,name,email,constituency,joined,paid_through,standing,representative_name,representative_email\n"
)

// Imports through the API: CSV and JSON, idempotent, all or nothing, every bad row by line.
func TestImportScenarios(t *testing.T) {
	e := newBoardEnv(t)
	e.applyMatrix(t)
	officer, auditor, member := e.officerToken, e.auditorToken, e.memberToken()
	roll := membersHeader +
		"ind-0001,person,Ada Lovelace,ada@example.org,individual,2024-03-01,,good,,\n" +
		"org-acme,organisation,Acme Corp,,gold,2023-01-01,2026-12-31,good,Jo Rep,jo@acme.example\n"
	changed := strings.Replace(roll, "ada@example.org", "ada@lovelace.example", 1)
	asJSON := `{"members": [
  {"external_id": "ind-0001", "kind": "person", "name": "Ada Lovelace", "email": "ada@lovelace.example",
   "constituency": "individual", "joined": "2024-03-01", "standing": "good"},
  {"external_id": "org-acme", "kind": "organisation", "name": "Acme Corp", "constituency": "gold",
   "joined": "2023-01-01", "paid_through": "2026-12-31", "representative_name": "Jo Rep",
   "representative_email": "jo@acme.example"}
]}`
	badRows := membersHeader +
		"ind-0002,person,Bob,,individual,2024-03-01,,,,\n" +
		"ind-0003,robot,Carl,,individual,2024-03-01,,,,\n" +
		"ind-0004,person,Dora,,individual,2024-02-30,,,,\n"
	donations := "external_id,member,amount,currency,date,value,source\n" +
		"don-1,ind-0001,30.00,USD,2025-05-01,,stripe\n" +
		"don-2,ind-0001,13.50,EUR,2025-09-30,15.00,\n"
	badDonations := "external_id,member,amount,currency,date\n" +
		"don-9,org-acme,30.00,USD,2025-05-01\n" +
		"don-10,ind-0001,30.00,USD,2027-01-01\n" +
		"don-11,nobody,-5,USD,2025-01-01\n"
	e.run(t, withAll([]scenario{
		{name: "members without token", method: "POST", url: membersImport, body: roll, header: csvBody,
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "members as auditor", method: "POST", url: membersImport, token: auditor, body: roll, header: csvBody,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "members as member", method: "POST", url: membersImport, token: member, body: roll, header: csvBody,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "members as a spreadsheet", method: "POST", url: membersImport, token: officer, body: roll,
			header:     map[string]string{"Content-Type": "application/vnd.ms-excel"},
			wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type", wantContains: []string{"text/csv"}},
		{name: "members with bad rows", method: "POST", url: membersImport, token: officer, body: badRows, header: csvBody,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"line 3: kind", "line 4: joined"},
			mustNotContain: []string{"line 2"}},
		{name: "members without a required column", method: "POST", url: membersImport, token: officer,
			body: "external_id,kind,name\nx,person,X\n", header: csvBody,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"constituency", "joined"}},
		{name: "nothing was written", method: "GET", url: "/api/v1/members", token: officer, wantStatus: http.StatusOK,
			wantContains: []string{`{"members":[],"next_after":""}`}},
		{name: "members", method: "POST", url: membersImport, token: officer, body: roll,
			header: map[string]string{"Content-Type": "text/csv; charset=utf-8"}, wantStatus: http.StatusOK,
			wantContains: []string{`{"rows":2,"created":2,"updated":0,"unchanged":0,"changes":[` +
				`{"line":2,"member":"ind-0001","action":"created"},{"line":3,"member":"org-acme","action":"created"}]}`}},
		{name: "the same members again", method: "POST", url: membersImport, token: officer, body: roll, header: csvBody,
			wantStatus: http.StatusOK, wantContains: []string{`{"rows":2,"created":0,"updated":0,"unchanged":2,"changes":[]}`}},
		{name: "a changed member", method: "POST", url: membersImport, token: officer, body: changed, header: csvBody,
			wantStatus: http.StatusOK, wantContains: []string{`"created":0,"updated":1,"unchanged":1`,
				`{"line":2,"member":"ind-0001","action":"updated","fields":["email"]}`}},
		{name: "the same members as JSON", method: "POST", url: membersImport, token: officer, body: asJSON,
			wantStatus: http.StatusOK, wantContains: []string{`{"rows":2,"created":0,"updated":0,"unchanged":2,"changes":[]}`}},
		{name: "members as JSON with a bad row", method: "POST", url: membersImport, token: officer,
			body:       "[\n  {\"external_id\": \"x\", \"kind\": \"person\", \"name\": \"X\", \"constituency\": \"gold\", \"joined\": \"2024-01-01\", \"standing\": \"asleep\"}\n]",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"line 2: standing"}},

		{name: "donations as auditor", method: "POST", url: donationsImport, token: auditor, body: donations, header: csvBody,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "donations as YAML", method: "POST", url: donationsImport, token: officer, body: donations, header: yamlBody,
			wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
		{name: "donations with bad rows", method: "POST", url: donationsImport, token: officer, body: badDonations, header: csvBody,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"line 2:", "line 3:", "line 4:"}},
		{name: "donations", method: "POST", url: donationsImport, token: officer, body: donations, header: csvBody,
			wantStatus: http.StatusOK, wantContains: []string{`{"rows":2,"created":2,"updated":0,"unchanged":0,"changes":[` +
				`{"line":2,"donation":"don-1","action":"created"},{"line":3,"donation":"don-2","action":"created"}]}`},
			mustNotContain: []string{`"member"`}},
		{name: "the same donations again", method: "POST", url: donationsImport, token: officer, body: donations, header: csvBody,
			wantStatus: http.StatusOK, wantContains: []string{`{"rows":2,"created":0,"updated":0,"unchanged":2,"changes":[]}`}},
		{name: "a corrected donation as JSON", method: "POST", url: donationsImport, token: officer,
			body:       `[{"external_id": "don-1", "member": "ind-0001", "amount": 35, "currency": "USD", "date": "2025-05-01", "source": "stripe"}]`,
			wantStatus: http.StatusOK, wantContains: []string{`"updated":1`, `{"line":1,"donation":"don-1","action":"updated","fields":[`}},
		{name: "the ledger", method: "GET", url: "/api/v1/members/ind-0001/donations", token: auditor, wantStatus: http.StatusOK,
			wantContains: []string{`"external_id":"don-1"`, `"value":"35.00"`}},
	}, notInternal...))

	// The audit trail names each import that changed something, by the SHA-256 of its body.
	sum := sha256.Sum256([]byte(roll))
	e.run(t, []scenario{
		{name: "imports in the audit trail", method: "GET", url: "/api/v1/audit/events?kind=members.imported", token: auditor,
			wantStatus: http.StatusOK, wantContains: []string{hex.EncodeToString(sum[:]), `"created":2`}},
	})
	var page struct{ Events []struct{ Kind string } }
	decode(t, e.do(request{method: "GET", url: "/api/v1/audit/events?kind=members.imported", token: auditor}), &page)
	if len(page.Events) != 2 {
		t.Errorf("%d members.imported events, want 2 (the first import and the change; not the unchanged ones)", len(page.Events))
	}
}

// The import routes take bodies up to the import limit, not the general one; every other
// route keeps the general limit.
func TestImportBodyLimit(t *testing.T) {
	e := newEnv(t, func(o *api.Options, _ *wrapStore) { o.ImportBodyLimit = "16KB" }) // BodyLimit is 4KB
	e.applyMatrix(t)
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString(membersHeader)
		for i := range n {
			fmt.Fprintf(&b, "m-%04d,person,Member %d,,individual,2024-01-01,,,,\n", i, i)
		}
		return b.String()
	}
	mid, big := rows(150), rows(400) // about 6KB and 16.5KB
	if len(mid) < 4<<10 || len(mid) > 16<<10 || len(big) <= 16<<10 {
		t.Fatalf("test bodies of %d and %d bytes do not straddle the limits", len(mid), len(big))
	}
	e.run(t, []scenario{
		{name: "over the general limit, under the import limit", method: "POST", url: membersImport, token: e.officerToken,
			body: mid, header: csvBody, wantStatus: http.StatusOK, wantContains: []string{`"created":150`}},
		{name: "over the import limit", method: "POST", url: membersImport, token: e.officerToken,
			body: big, header: csvBody, wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large"},
		{name: "donations over the import limit", method: "POST", url: donationsImport, token: e.officerToken,
			body: big, header: csvBody, wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large"},
		{name: "other routes keep the general limit", method: "POST", url: "/api/v1/members", token: e.officerToken,
			body:       `{"external_id":"x","kind":"person","name":"` + strings.Repeat("x", 5<<10) + `"}`,
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large"},
	})

	// A body without Content-Length is cut off while it is read.
	req := httptest.NewRequest("POST", membersImport, strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+e.officerToken)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if p := problem(t, rec); rec.Code != http.StatusRequestEntityTooLarge || p.Code != "payload_too_large" {
		t.Fatalf("streamed body over the import limit: status %d code %q: %s", rec.Code, p.Code, rec.Body)
	}
}

// The "done when": a 10,000-member CSV with one bad row reports that row and writes
// nothing; without it, it imports in one go; the same file again changes nothing. On SQLite
// and, when GOVBOARD_TEST_POSTGRES_DSN is set, PostgreSQL.
func TestImportTenThousandMembers(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 10,000 members")
	}
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		e := newEnv(t, func(o *api.Options, s *wrapStore) {
			o.RequestTimeout = 5 * time.Minute
			s.Store = sqlstoretest.Migrated(t, opts)
		})
		e.applyMatrix(t)
		const n, badLine = 10_000, 7_321
		var good, bad strings.Builder
		good.WriteString(membersHeader)
		bad.WriteString(membersHeader)
		for i := range n {
			row := fmt.Sprintf("m-%05d,person,Member %d,m%d@example.org,individual,2024-01-01,2026-12-31,good,,\n", i, i, i)
			good.WriteString(row)
			if i+2 == badLine {
				row = strings.Replace(row, "2024-01-01", "2024-01-32", 1)
			}
			bad.WriteString(row)
		}

		rec := e.do(request{method: "POST", url: membersImport, token: e.officerToken, body: bad.String(), header: csvBody})
		p := problem(t, rec)
		if rec.Code != http.StatusBadRequest || p.Code != "invalid" {
			t.Fatalf("bad file: status %d code %q", rec.Code, p.Code)
		}
		if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0], fmt.Sprintf("line %d: joined", badLine)) {
			t.Errorf("bad file: errors %q, want one naming line %d and joined", p.Errors, badLine)
		}
		if got := e.countMembers(t); got != 0 {
			t.Fatalf("bad file: %d members written, want 0", got)
		}

		type result struct{ Rows, Created, Updated, Unchanged, Changes int }
		for _, want := range []result{
			{Rows: n, Created: n, Changes: n},
			{Rows: n, Unchanged: n},
		} {
			rec := e.do(request{method: "POST", url: membersImport, token: e.officerToken, body: good.String(), header: csvBody})
			if rec.Code != http.StatusOK {
				t.Fatalf("good file: status %d: %.500s", rec.Code, rec.Body)
			}
			var out struct {
				Rows, Created, Updated, Unchanged int
				Changes                           []struct{ Line int }
			}
			decode(t, rec, &out)
			got := result{out.Rows, out.Created, out.Updated, out.Unchanged, len(out.Changes)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("good file (-want +got):\n%s", diff)
			}
		}
		if got := e.countMembers(t); got != n {
			t.Errorf("%d members, want %d", got, n)
		}
	})
}

// countMembers counts the members on the roll through the API, page by page.
func (e *env) countMembers(t *testing.T) int {
	t.Helper()
	count, after := 0, ""
	for {
		rec := e.do(request{method: "GET", url: "/api/v1/members?limit=1000&after=" + after, token: e.auditorToken})
		if rec.Code != http.StatusOK {
			t.Fatalf("list members: status %d: %s", rec.Code, rec.Body)
		}
		var page struct {
			Members   []struct{ ExternalID string }
			NextAfter string `json:"next_after"`
		}
		decode(t, rec, &page)
		if len(page.Members) == 0 {
			return count
		}
		count += len(page.Members)
		after = page.NextAfter
	}
}
