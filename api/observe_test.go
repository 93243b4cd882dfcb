package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govboard/govboard/api"
)

// logLines returns the JSON log lines with the message msg.
func logLines(t *testing.T, logs, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// logLine returns the only log line with the message msg.
func logLine(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	lines := logLines(t, logs, msg)
	if len(lines) != 1 {
		t.Fatalf("%d log lines %q, want 1; log:\n%s", len(lines), msg, logs)
	}
	return lines[0]
}

// seriesCount returns how many series of the metric name g has.
func seriesCount(t *testing.T, g prometheus.Gatherer, name string) int {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return len(f.GetMetric())
		}
	}
	return 0
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{name: "taken from the client", sent: "abc-123_x.y:z", kept: true},
		{name: "generated when absent", sent: ""},
		{name: "replaced when it could forge log lines", sent: "a\"} {\"msg\":\"forged"},
		{name: "replaced when too long", sent: strings.Repeat("a", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(request{method: "GET", url: "/healthz", header: map[string]string{"X-Request-ID": tt.sent}})
			got := rec.Header().Get("X-Request-ID")
			if tt.kept && got != tt.sent {
				t.Errorf("X-Request-ID %q, want %q", got, tt.sent)
			}
			if !tt.kept && (got == tt.sent || len(got) != 32) {
				t.Errorf("X-Request-ID %q, want a new 32-character id", got)
			}
		})
	}
}

// The access log has one line per request with the route template, status, duration and
// request id, and never a body, a password or a token.
func TestAccessLog(t *testing.T) {
	e := newEnv(t)
	e.do(request{method: "POST", url: "/api/v1/auth/login", header: map[string]string{"X-Request-ID": "req-login"},
		body: jsonBody(t, map[string]string{"email": adminEmail, "password": adminPassword})})
	e.do(request{method: "GET", url: "/api/v1/users/2?secret=query", token: e.adminToken, header: map[string]string{"X-Request-ID": "req-user"}})
	logs := e.logs.String()
	lines := logLines(t, logs, "http request")
	if len(lines) != 2 {
		t.Fatalf("%d access log lines, want 2:\n%s", len(lines), logs)
	}
	want := []map[string]any{
		{"method": "POST", "route": "/api/v1/auth/login", "status": 200.0, "request_id": "req-login"},
		{"method": "GET", "route": "/api/v1/users/:id", "status": 200.0, "request_id": "req-user"},
	}
	for i, w := range want {
		for k, v := range w {
			if lines[i][k] != v {
				t.Errorf("line %d: %s = %v, want %v", i, k, lines[i][k], v)
			}
		}
		if _, ok := lines[i]["duration"]; !ok {
			t.Errorf("line %d has no duration", i)
		}
	}
	for _, secret := range []string{adminPassword, e.adminToken, "secret=query", "/api/v1/users/2", `"token"`} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
}

// The metrics are labelled by route template, never by raw path, and unknown paths share one
// label.
func TestMetricsUseRouteTemplates(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(o *api.Options, _ *wrapStore) { o.Registry = reg })
	for _, id := range []string{"1", "2", "3", "999"} {
		e.do(request{method: "GET", url: "/api/v1/users/" + id, token: e.adminToken})
	}
	e.do(request{method: "GET", url: "/api/v1/audit/events?after=1", token: e.auditorToken})
	e.do(request{method: "GET", url: "/wp-admin/probe-1"})
	e.do(request{method: "GET", url: "/wp-admin/probe-2"})
	e.do(request{method: "BREW", url: "/healthz"})

	rec := e.do(request{method: "GET", url: "/metrics"})
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	text := rec.Body.String()
	for _, want := range []string{
		`govboard_http_requests_total{method="GET",route="/api/v1/users/:id",status="200"} 3`,
		`govboard_http_requests_total{method="GET",route="/api/v1/users/:id",status="404"} 1`,
		`govboard_http_requests_total{method="GET",route="/api/v1/audit/events",status="200"} 1`,
		`govboard_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`govboard_http_requests_total{method="OTHER",route="/healthz",status="405"} 1`,
		`govboard_http_request_duration_seconds_count{method="GET",route="/api/v1/users/:id",status="200"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, raw := range []string{"/api/v1/users/2", "/api/v1/users/999", "after=", "probe", "BREW"} {
		if strings.Contains(text, raw) {
			t.Errorf("/metrics contains the raw %q", raw)
		}
	}
	// The metrics are on the registry given in Options, not on the global one.
	if n := seriesCount(t, reg, "govboard_http_requests_total"); n != 6 {
		t.Errorf("the registry has %d request series, want 6", n)
	}
	if n := seriesCount(t, prometheus.DefaultGatherer, "govboard_http_requests_total"); n != 0 {
		t.Errorf("the default registry has %d govboard series", n)
	}
}

// Logins are limited per client address: after the burst, 429 with Retry-After, for that
// address only, until the bucket refills on the injected clock. X-Forwarded-For does not
// give a client a new address.
func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, func(o *api.Options, _ *wrapStore) {
		o.LoginRate = 2 // per minute: one attempt every 30 seconds
		o.LoginBurst = 3
	})
	attempt := func(addr string, header map[string]string) *http.Response {
		rec := e.do(request{method: "POST", url: "/api/v1/auth/login", remoteAddr: addr, header: header,
			body: jsonBody(t, map[string]string{"email": adminEmail, "password": "wrong password 123"})})
		return rec.Result()
	}
	const client, other = "192.0.2.10:5000", "198.51.100.7:6000"
	for i := range 3 {
		if r := attempt(client, nil); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, r.StatusCode)
		}
	}
	r := attempt(client, nil)
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("attempt 4: status %d, want 429", r.StatusCode)
	}
	if got := r.Header.Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After %q, want 30", got)
	}
	body, _ := io.ReadAll(r.Body)
	var p api.Problem
	if err := json.Unmarshal(body, &p); err != nil || p.Code != "rate_limited" || p.Status != http.StatusTooManyRequests {
		t.Errorf("problem %+v (%v)", p, err)
	}
	if r := attempt("192.0.2.10:5001", map[string]string{"X-Forwarded-For": "203.0.113.99"}); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("same address, new port and X-Forwarded-For: status %d, want 429", r.StatusCode)
	}
	if r := attempt(other, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("another address: status %d, want 401", r.StatusCode)
	}
	// Other routes are not limited.
	if rec := e.do(request{method: "GET", url: "/healthz", remoteAddr: client}); rec.Code != http.StatusOK {
		t.Errorf("healthz from the limited address: %d", rec.Code)
	}
	e.clock.Advance(30 * time.Second)
	if r := attempt(client, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("after 30 s: status %d, want 401", r.StatusCode)
	}
	if r := attempt(client, nil); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right after: status %d, want 429", r.StatusCode)
	}
}
