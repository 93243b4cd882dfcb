package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
)

// openAPIDoc fetches /api/v1/openapi.json from e and loads it with kin-openapi.
func (e *env) openAPIDoc(t *testing.T) *openapi3.T {
	t.Helper()
	rec := e.do(request{method: "GET", url: "/api/v1/openapi.json"})
	if rec.Code != http.StatusOK {
		t.Fatalf("openapi.json: status %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	return doc
}

// The served document is valid OpenAPI 3 and carries the server's version.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	e := newEnv(t)
	doc := e.openAPIDoc(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	if doc.Info.Version != "test-1.2.3" {
		t.Errorf("info.version %q, want the server's version", doc.Info.Version)
	}
}

// echoParam matches an echo path parameter, e.g. ":id".
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// The document lists exactly the routes of the route table, each with the same roles
// (x-roles) and with bearer security exactly when the route is not public.
func TestOpenAPICoversRouteTable(t *testing.T) {
	e := newEnv(t)
	doc := e.openAPIDoc(t)
	inTable := map[string]api.Route{}
	for _, r := range e.server.Routes() {
		inTable[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = r
	}
	inDoc := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			inDoc[method+" "+path] = op
		}
	}
	for key, r := range inTable {
		op, ok := inDoc[key]
		if !ok {
			t.Errorf("route %s is missing from openapi.json", key)
			continue
		}
		var roles []string
		for _, role := range r.Roles {
			roles = append(roles, string(role))
		}
		if diff := cmp.Diff(roles, docRoles(op)); diff != "" {
			t.Errorf("%s: x-roles differ from the route table (-table +doc):\n%s", key, diff)
		}
		secured := op.Security != nil && len(*op.Security) > 0
		if secured == r.Public {
			t.Errorf("%s: security %v in the document, public %v in the table", key, secured, r.Public)
		}
		if op.Summary != r.Summary {
			t.Errorf("%s: summary %q in the document, %q in the table", key, op.Summary, r.Summary)
		}
	}
	for key := range inDoc {
		if _, ok := inTable[key]; !ok {
			t.Errorf("openapi.json documents %s, which the route table does not have", key)
		}
	}
	if len(inTable) == 0 {
		t.Fatal("empty route table")
	}
}

// Exactly these routes need no token; any other public route is a hole in the table.
func TestPublicRoutes(t *testing.T) {
	e := newEnv(t)
	var public []string
	for _, r := range e.server.Routes() {
		if r.Public {
			public = append(public, r.Method+" "+r.Path)
		}
		if r.Public == (len(r.Roles) > 0) {
			t.Errorf("%s %s: public %v with roles %v; want exactly one of them", r.Method, r.Path, r.Public, r.Roles)
		}
	}
	want := []string{
		"GET /api/v1/auth/keys",
		"GET /api/v1/board",
		"GET /api/v1/board/charters",
		"GET /api/v1/board/charters/:version",
		"GET /api/v1/board/roster",
		"GET /api/v1/board/seats",
		"GET /api/v1/board/seats-up",
		"GET /api/v1/board/seats/:seat",
		"GET /api/v1/contests/:id",
		"GET /api/v1/contests/:id/ballots",
		"GET /api/v1/contests/:id/candidates",
		"GET /api/v1/contests/:id/report",
		"GET /api/v1/elections",
		"GET /api/v1/elections/:id",
		"GET /api/v1/elections/:id/bundle",
		"GET /api/v1/elections/:id/results",
		"GET /api/v1/elections/:id/rounds",
		"GET /api/v1/openapi.json",
		"GET /api/v1/rounds/:id",
		"GET /healthz",
		"GET /metrics",
		"GET /readyz",
		"POST /api/v1/auth/login",
		"POST /api/v1/auth/redeem",
	}
	sort.Strings(public)
	if diff := cmp.Diff(want, public); diff != "" {
		t.Errorf("public routes (-want +got):\n%s", diff)
	}
}

// docRoles returns the x-roles of op, nil when absent.
func docRoles(op *openapi3.Operation) []string {
	raw, ok := op.Extensions["x-roles"].([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range raw {
		s, _ := r.(string)
		out = append(out, s)
	}
	return out
}

// Every route of the table is really served: no route answers the router's 404 or 405 for
// want of a handler, whatever the caller. (A public route may answer 404 for want of what it
// shows, e.g. the board before any charter; that 404 has the handler's own detail.)
func TestRouteTableIsServed(t *testing.T) {
	e := newEnv(t)
	for _, r := range e.server.Routes() {
		url := echoParam.ReplaceAllString(r.Path, "1")
		rec := e.do(request{method: r.Method, url: url})
		if rec.Code == http.StatusMethodNotAllowed ||
			rec.Code == http.StatusNotFound && problem(t, rec).Detail == "there is nothing at this URL" {
			t.Errorf("%s %s: %d %s", r.Method, url, rec.Code, rec.Body)
		}
		wantUnauthorized := !r.Public
		if got := rec.Code == http.StatusUnauthorized; got != wantUnauthorized {
			t.Errorf("%s %s without a token: %d; public %v, roles %v", r.Method, url, rec.Code, r.Public, r.Roles)
		}
	}
	names := make([]string, 0)
	for _, r := range e.server.Routes() {
		names = append(names, r.Method+" "+r.Path)
	}
	sort.Strings(names)
	if len(slices.Compact(names)) != len(e.server.Routes()) {
		t.Errorf("the route table lists a route twice: %q", names)
	}
}

// responseValidator checks responses against the OpenAPI document.
type responseValidator struct {
	router routers.Router
}

func newResponseValidator(t *testing.T, e *env) *responseValidator {
	t.Helper()
	r, err := legacy.NewRouter(e.openAPIDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	return &responseValidator{router: r}
}

// check fails the test when a response to a documented operation does not match the document:
// its status must be listed (5xx may fall to "default") and its body must fit the schema.
func (v *responseValidator) check(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	route, params, err := v.router.FindRoute(req)
	var notFound *routers.RouteError // no such path, or no such method on it
	if errors.As(err, &notFound) {
		return // not a documented operation
	}
	if err != nil {
		t.Fatalf("find route: %v", err)
	}
	if rec.Code < 500 && route.Operation.Responses.Status(rec.Code) == nil {
		t.Errorf("%s %s answered %d, which openapi.json does not list", req.Method, route.Path, rec.Code)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: response does not match openapi.json: %v\nbody: %s", req.Method, req.URL, err, rec.Body)
	}
}
