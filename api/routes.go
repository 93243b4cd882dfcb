package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// Route is one entry of the route table.
type Route struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is the echo path template, e.g. "/api/v1/users/:id".
	Path string
	// Roles are the roles admitted, each with a valid bearer token. Roles are not
	// hierarchical: an admin is not an officer. A route has Roles or is Public, never both.
	Roles []elections.Role
	// Public says that the route needs no token. It must be said: a route without Roles is
	// not public by default, New panics on it.
	Public bool
	// Handler serves the route.
	Handler echo.HandlerFunc
	// Summary says in a few words what the route does.
	Summary string
	// middleware runs after the role check and before Handler (e.g. the login rate limit).
	middleware []echo.MiddlewareFunc
}

// check panics unless r is either public or admits some roles: a route table that leaves a
// route open by omission is a programming error, which the tests catch.
func (r Route) check() {
	switch {
	case r.Public && len(r.Roles) > 0:
		panic("api: route " + r.Method + " " + r.Path + " has Roles and is Public; choose one")
	case !r.Public && len(r.Roles) == 0:
		panic("api: route " + r.Method + " " + r.Path + " has no Roles and is not Public")
	}
}

// Role sets used in the route table.
var (
	anySignedIn       = []elections.Role{elections.RoleMember, elections.RoleOfficer, elections.RoleAuditor, elections.RoleAdmin}
	adminOnly         = []elections.Role{elections.RoleAdmin}
	officerAndAuditor = []elections.Role{elections.RoleOfficer, elections.RoleAuditor}
)

// routeTable is THE list of routes and who may call them.
func (s *Server) routeTable() []Route {
	const v1 = "/api/v1"
	return []Route{
		{Method: http.MethodPost, Path: v1 + "/auth/login", Public: true, Handler: s.login,
			Summary:    "Log in with e-mail address and password; returns an access token",
			middleware: []echo.MiddlewareFunc{s.limits.byAddress}},
		{Method: http.MethodGet, Path: v1 + "/auth/me", Roles: anySignedIn, Handler: s.me,
			Summary: "The caller's identity and role"},
		{Method: http.MethodGet, Path: v1 + "/auth/keys", Public: true, Handler: s.keys,
			Summary: "Public keys that verify access tokens (JWKS)"},

		{Method: http.MethodGet, Path: v1 + "/users", Roles: adminOnly, Handler: s.listUsers,
			Summary: "List officer, auditor and admin accounts"},
		{Method: http.MethodPost, Path: v1 + "/users", Roles: adminOnly, Handler: s.createUser,
			Summary: "Create an officer, auditor or admin account"},
		{Method: http.MethodGet, Path: v1 + "/users/:id", Roles: adminOnly, Handler: s.getUser,
			Summary: "One account"},

		{Method: http.MethodGet, Path: v1 + "/audit/events", Roles: officerAndAuditor, Handler: s.listEvents,
			Summary: "The audit trail, oldest first, one page at a time"},

		{Method: http.MethodGet, Path: v1 + "/openapi.json", Public: true, Handler: s.openAPI,
			Summary: "This API's OpenAPI 3 document"},
		{Method: http.MethodGet, Path: "/healthz", Public: true, Handler: s.healthz,
			Summary: "The process is up"},
		{Method: http.MethodGet, Path: "/readyz", Public: true, Handler: s.readyz,
			Summary: "The service can serve: database reachable, schema current"},
		{Method: http.MethodGet, Path: "/metrics", Public: true, Handler: s.metricsHandler(),
			Summary: "Prometheus metrics"},
	}
}

// routeMiddleware returns the middleware of r: the role check for non-public routes, then
// r's own.
func (s *Server) routeMiddleware(r Route) []echo.MiddlewareFunc {
	var mw []echo.MiddlewareFunc
	if !r.Public {
		mw = append(mw, s.requireRole(r.Roles))
	}
	return append(mw, r.middleware...)
}
