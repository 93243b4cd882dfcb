package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// New refuses a route table in which a route is public by omission (no Roles, not Public) or
// both public and role-checked.
func TestNewPanicsOnUnclearRoute(t *testing.T) {
	ok := func(echo.Context) error { return nil }
	tests := []struct {
		name      string
		route     Route
		wantPanic string // empty: no panic
	}{
		{name: "neither roles nor public", route: Route{Method: http.MethodGet, Path: "/x", Handler: ok},
			wantPanic: "has no Roles and is not Public"},
		{name: "empty roles", route: Route{Method: http.MethodGet, Path: "/x", Roles: []elections.Role{}, Handler: ok},
			wantPanic: "has no Roles and is not Public"},
		{name: "both", route: Route{Method: http.MethodGet, Path: "/x", Roles: adminOnly, Public: true, Handler: ok},
			wantPanic: "has Roles and is Public"},
		{name: "public", route: Route{Method: http.MethodGet, Path: "/x", Public: true, Handler: ok}},
		{name: "roles", route: Route{Method: http.MethodGet, Path: "/x", Roles: adminOnly, Handler: ok}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := panicOf(func() {
				newServer(nil, nil, Options{}, func(*Server) []Route { return []Route{tt.route} })
			})
			if tt.wantPanic == "" && got != "" {
				t.Fatalf("panic %q, want none", got)
			}
			if !strings.Contains(got, tt.wantPanic) || (tt.wantPanic != "" && !strings.Contains(got, "GET /x")) {
				t.Fatalf("panic %q, want one naming GET /x and containing %q", got, tt.wantPanic)
			}
		})
	}
}

// panicOf runs f and returns the text of its panic, or "" when it returns.
func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}
