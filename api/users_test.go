package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUserScenarios(t *testing.T) {
	e := newEnv(t)
	const users = "/api/v1/users"
	newUser := func(email, role, pw string) string {
		return jsonBody(t, map[string]string{"email": email, "role": role, "password": pw})
	}
	e.run(t, []scenario{
		{name: "list as admin", method: "GET", url: users, token: e.adminToken, wantStatus: http.StatusOK,
			wantContains: []string{adminEmail, officerEmail, auditorEmail, `"role":"auditor"`, `"created_at":"2026-03-01T10:00:00Z"`}},
		{name: "list without token", method: "GET", url: users, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized",
			mustNotContain: []string{adminEmail}},
		{name: "create as admin", method: "POST", url: users, token: e.adminToken,
			body:       newUser("New.Auditor@example.org", "auditor", "a long enough password"),
			wantStatus: http.StatusCreated, wantHeader: map[string]string{"Location": "/api/v1/users/4"},
			wantContains:   []string{`"id":4`, `"email":"new.auditor@example.org"`, `"role":"auditor"`},
			mustNotContain: []string{"a long enough password"}},
		{name: "get one", method: "GET", url: users + "/4", token: e.adminToken, wantStatus: http.StatusOK,
			wantContains: []string{`"email":"new.auditor@example.org"`}},
		{name: "get one that does not exist", method: "GET", url: users + "/999", token: e.adminToken,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "get one with a bad id", method: "GET", url: users + "/abc", token: e.adminToken,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "create as officer", method: "POST", url: users, token: e.officerToken,
			body:       newUser("x@example.org", "admin", "a long enough password"),
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "create a taken address", method: "POST", url: users, token: e.adminToken,
			body:       newUser("OFFICER@example.org", "officer", "a long enough password"),
			wantStatus: http.StatusConflict, wantCode: "conflict"},
		{name: "create a member account", method: "POST", url: users, token: e.adminToken,
			body:       newUser("m@example.org", "member", "a long enough password"),
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"role must be officer, auditor or admin"}},
		{name: "mass assignment of id is refused", method: "POST", url: users, token: e.adminToken,
			body:       `{"email":"y@example.org","role":"officer","password":"a long enough password","id":1}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"id\"`}},
		{name: "mass assignment of created_at is refused", method: "POST", url: users, token: e.adminToken,
			body:       `{"email":"y@example.org","role":"officer","password":"a long enough password","created_at":"2000-01-01T00:00:00Z"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"created_at\"`}},
		{name: "list never shows hashes", method: "GET", url: users, token: e.adminToken, wantStatus: http.StatusOK,
			wantContains: []string{"new.auditor@example.org"}, mustNotContain: []string{"y@example.org", "m@example.org"}},
	})
}

// Every problem with a new account is reported at once.
func TestCreateUserReportsEveryProblem(t *testing.T) {
	e := newEnv(t)
	rec := e.do(request{method: "POST", url: "/api/v1/users", token: e.adminToken,
		body: `{"email":"not an address","role":"superuser","password":"short"}`})
	p := problem(t, rec)
	if rec.Code != http.StatusBadRequest || p.Code != "invalid" {
		t.Fatalf("status %d code %q", rec.Code, p.Code)
	}
	if len(p.Errors) != 3 {
		t.Fatalf("errors = %q, want 3 (address, role, password)", p.Errors)
	}
	for i, want := range []string{"e-mail address", "role", "password"} {
		if !strings.Contains(p.Errors[i], want) {
			t.Errorf("errors[%d] = %q, want it to mention %s", i, p.Errors[i], want)
		}
	}
	if p.Detail != p.Errors[0] {
		t.Errorf("detail %q, want the first error", p.Detail)
	}
}

// The "done when": an admin creates an officer, the officer logs in, and the token
// opens the officer routes and not the admin-only ones.
func TestAdminCreatesOfficerWhoLogsIn(t *testing.T) {
	e := newEnv(t)
	rec := e.do(request{method: "POST", url: "/api/v1/users", token: e.adminToken,
		body: jsonBody(t, map[string]string{"email": "o@example.org", "role": "officer", "password": "officer's own passphrase"})})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: status %d: %s", rec.Code, rec.Body)
	}
	var created struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	decode(t, rec, &created)

	token := e.login("o@example.org", "officer's own passphrase")
	e.run(t, []scenario{
		{name: "me", method: "GET", url: "/api/v1/auth/me", token: token, wantStatus: http.StatusOK,
			wantContains: []string{`"email":"o@example.org"`, `"role":"officer"`}},
		{name: "officer route", method: "GET", url: "/api/v1/audit/events", token: token, wantStatus: http.StatusOK,
			wantContains: []string{`"kind":"account.created"`, `"actor":"` + subject(e.admin) + `"`, `"email":"o@example.org"`}},
		{name: "admin-only route", method: "GET", url: "/api/v1/users", token: token,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "admin-only create", method: "POST", url: "/api/v1/users", token: token,
			body:       jsonBody(t, map[string]string{"email": "p@example.org", "role": "admin", "password": "escalate me please"}),
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
	})
	users, err := e.svc.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(users))
	for i, u := range users {
		got[i] = u.Email + " " + string(u.Role)
	}
	want := []string{"admin@example.org admin", "officer@example.org officer", "auditor@example.org auditor", "o@example.org officer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if created.Email != "o@example.org" || created.Role != "officer" || created.ID != users[3].ID {
		t.Errorf("created = %+v", created)
	}
}
