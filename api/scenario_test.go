package api_test

import (
	"strings"
	"testing"
)

// scenario is one request against the real router and what its response must be
// (pocketbase tests/api.go style).
type scenario struct {
	name           string
	method, url    string
	token          string
	body           string
	header         map[string]string
	wantStatus     int
	wantCode       string // the problem code; empty for a success
	wantHeader     map[string]string
	wantContains   []string
	mustNotContain []string
}

// run serves every scenario in order on e and checks its response. Every response is also
// checked against the OpenAPI document and never to contain a password hash.
func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	v := newResponseValidator(t, e)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			req, rec := e.serve(request{method: sc.method, url: sc.url, token: sc.token, body: sc.body, header: sc.header})
			v.check(t, req, rec)
			body := rec.Body.String()
			if rec.Code != sc.wantStatus {
				t.Fatalf("%s %s: status %d, want %d; body %s", sc.method, sc.url, rec.Code, sc.wantStatus, body)
			}
			if sc.wantCode != "" {
				p := problem(t, rec)
				if p.Code != sc.wantCode || p.Status != sc.wantStatus {
					t.Errorf("problem code %q status %d, want %q %d; body %s", p.Code, p.Status, sc.wantCode, sc.wantStatus, body)
				}
				if p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-ID") {
					t.Errorf("problem request_id %q, X-Request-ID %q", p.RequestID, rec.Header().Get("X-Request-ID"))
				}
			} else if ct := rec.Header().Get("Content-Type"); strings.Contains(ct, "problem") {
				t.Errorf("success answered with Content-Type %q: %s", ct, body)
			}
			for k, v := range sc.wantHeader {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			for _, s := range sc.wantContains {
				if !strings.Contains(body, s) {
					t.Errorf("body does not contain %q: %s", s, body)
				}
			}
			for _, s := range append(sc.mustNotContain, forbiddenInResponses...) {
				if strings.Contains(body, s) {
					t.Errorf("body contains %q: %s", s, body)
				}
			}
		})
	}
}
