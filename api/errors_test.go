package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
)

func TestTransportErrorScenarios(t *testing.T) {
	e := newEnv(t)
	const login = "/api/v1/auth/login"
	big := `{"email":"admin@example.org","password":"` + strings.Repeat("x", 5000) + `"}`
	e.run(t, []scenario{
		{name: "unknown route", method: "GET", url: "/api/v1/nothing/here", wantStatus: http.StatusNotFound, wantCode: "not_found",
			wantContains: []string{`"instance":"/api/v1/nothing/here"`, `"type":"about:blank"`, `"title":"Not Found"`}},
		{name: "unknown route with a token", method: "GET", url: "/api/v2/users", token: e.adminToken,
			wantStatus: http.StatusNotFound, wantCode: "not_found"},
		{name: "method not allowed", method: "DELETE", url: "/api/v1/users", token: e.adminToken,
			wantStatus: http.StatusMethodNotAllowed, wantCode: "method_not_allowed",
			wantHeader: map[string]string{"Allow": "OPTIONS, GET, POST"}},
		{name: "malformed JSON", method: "POST", url: login, body: `{"email": "a@example.org",`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"not valid JSON"}},
		{name: "JSON syntax error", method: "POST", url: login, body: `{"email" "a@example.org"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"not valid JSON", "at byte"}},
		{name: "wrong type", method: "POST", url: login, body: `{"email": 42, "password": "x"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`field \"email\" must be a string, not number`}},
		{name: "array instead of object", method: "POST", url: login, body: `[1, 2]`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"must be a JSON object"}},
		{name: "unknown field", method: "POST", url: login, body: `{"email":"a@example.org","password":"x","remember":true}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{`unknown field \"remember\"`}},
		{name: "two objects", method: "POST", url: login, body: `{"email":"a@example.org"} {"password":"x"}`,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"nothing after it"}},
		{name: "empty body", method: "POST", url: login, header: map[string]string{"Content-Type": "application/json"},
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"empty"}},
		{name: "not JSON", method: "POST", url: login, body: `email=a@example.org&password=x`,
			header:     map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type"},
		{name: "JSON with charset", method: "POST", url: login, body: `{"email":"admin@example.org","password":"admin password 1234"}`,
			header: map[string]string{"Content-Type": "application/json; charset=utf-8"}, wantStatus: http.StatusOK},
		{name: "body too large", method: "POST", url: login, body: big,
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large"},
		{name: "health", method: "GET", url: "/healthz", wantStatus: http.StatusOK, wantContains: []string{`{"status":"ok"}`}},
		{name: "ready", method: "GET", url: "/readyz", wantStatus: http.StatusOK, wantContains: []string{`{"status":"ready"}`}},
	})
}

// A body without Content-Length is cut off while it is read.
func TestBodyLimitWhileReading(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("POST", "/api/v1/auth/login",
		strings.NewReader(`{"email":"admin@example.org","password":"`+strings.Repeat("x", 5000)+`"}`))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if p := problem(t, rec); rec.Code != http.StatusRequestEntityTooLarge || p.Code != "payload_too_large" {
		t.Fatalf("status %d code %q: %s", rec.Code, p.Code, rec.Body)
	}
}

// Errors that are not ours to explain are a 500 "internal" whose text is logged with the
// request id and never sent: plain errors and domain errors with the code internal alike.
func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	for name, fault := range map[string]error{
		"plain error":           errors.New("dial tcp 10.0.0.5:5432: password=hunter2 refused"),
		"internal domain error": elections.Errorf(elections.EINTERNAL, "row 10.0.0.5 password=hunter2 corrupt"),
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(_ *api.Options, s *wrapStore) {
				s.listUsers = func(context.Context) ([]elections.User, error) { return nil, fault }
			})
			rec := e.do(request{method: "GET", url: "/api/v1/users", token: e.adminToken, header: map[string]string{"X-Request-ID": "req-500"}})
			p := problem(t, rec)
			if rec.Code != http.StatusInternalServerError || p.Code != "internal" || p.RequestID != "req-500" {
				t.Fatalf("status %d code %q request id %q", rec.Code, p.Code, p.RequestID)
			}
			if strings.Contains(rec.Body.String(), "hunter2") || strings.Contains(rec.Body.String(), "10.0.0.5") {
				t.Errorf("the error text leaked: %s", rec.Body)
			}
			if !strings.Contains(p.Detail, "req-500") {
				t.Errorf("detail %q does not quote the request id", p.Detail)
			}
			line := logLine(t, e.logs.String(), "internal error")
			if line["request_id"] != "req-500" || !strings.Contains(line["error"].(string), "hunter2") || line["route"] != "/api/v1/users" {
				t.Errorf("log line %v", line)
			}
		})
	}
}

// A panic in a handler is a logged 500, and the server goes on serving.
func TestPanicIsRecovered(t *testing.T) {
	e := newEnv(t, func(_ *api.Options, s *wrapStore) {
		s.listUsers = func(context.Context) ([]elections.User, error) { panic("boom") }
	})
	rec := e.do(request{method: "GET", url: "/api/v1/users", token: e.adminToken, header: map[string]string{"X-Request-ID": "req-panic"}})
	if p := problem(t, rec); rec.Code != http.StatusInternalServerError || p.Code != "internal" {
		t.Fatalf("status %d code %q", rec.Code, p.Code)
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("panic value leaked: %s", rec.Body)
	}
	line := logLine(t, e.logs.String(), "panic")
	if line["request_id"] != "req-panic" || !strings.Contains(line["stack"].(string), "goroutine") {
		t.Errorf("log line %v", line)
	}
	if rec := e.do(request{method: "GET", url: "/healthz"}); rec.Code != http.StatusOK {
		t.Errorf("after the panic: healthz %d", rec.Code)
	}
}

// A handler that runs past the request timeout is stopped with 503 "timeout".
func TestRequestTimeout(t *testing.T) {
	e := newEnv(t, func(o *api.Options, s *wrapStore) {
		o.RequestTimeout = 20 * time.Millisecond
		s.listEvents = func(ctx context.Context, _ elections.EventFilter) ([]elections.Event, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}
	})
	rec := e.do(request{method: "GET", url: "/api/v1/audit/events", token: e.auditorToken})
	if p := problem(t, rec); rec.Code != http.StatusServiceUnavailable || p.Code != "timeout" {
		t.Fatalf("status %d code %q: %s", rec.Code, p.Code, rec.Body)
	}
}

func TestReadiness(t *testing.T) {
	tests := []struct {
		name           string
		ready          error
		wantStatus     int
		wantDetail     string
		mustNotContain string
	}{
		{name: "ready", wantStatus: http.StatusOK},
		{name: "database down", ready: errors.New("dial tcp 10.0.0.5:5432: connection refused"),
			wantStatus: http.StatusServiceUnavailable, wantDetail: "database is unreachable", mustNotContain: "10.0.0.5"},
		{name: "stale schema", ready: elections.Errorf(elections.ECONFLICT, "2 migrations pending; run `govboard migrate`"),
			wantStatus: http.StatusServiceUnavailable, wantDetail: "run `govboard migrate`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *api.Options, _ *wrapStore) {
				o.Ready = func(context.Context) error { return tt.ready }
			})
			rec := e.do(request{method: "GET", url: "/readyz"})
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus == http.StatusOK {
				return
			}
			p := problem(t, rec)
			if p.Code != "unavailable" || !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("code %q detail %q, want unavailable and %q", p.Code, p.Detail, tt.wantDetail)
			}
			if tt.mustNotContain != "" && strings.Contains(rec.Body.String(), tt.mustNotContain) {
				t.Errorf("body shows %q: %s", tt.mustNotContain, rec.Body)
			}
			if rec := e.do(request{method: "GET", url: "/healthz"}); rec.Code != http.StatusOK {
				t.Errorf("healthz %d while not ready, want 200", rec.Code)
			}
		})
	}
}
