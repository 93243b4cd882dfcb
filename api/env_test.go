package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
	"github.com/govboard/govboard/pkg/jwtauth"
	"github.com/govboard/govboard/pkg/password"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// Test fixtures: the start of the test clock, the token issuer and audience, and passwords.
var (
	start = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
)

const (
	issuer        = "govboard-test"
	audience      = "govboard"
	tokenTTL      = time.Hour
	adminEmail    = "admin@example.org"
	officerEmail  = "officer@example.org"
	auditorEmail  = "auditor@example.org"
	adminPassword = "admin password 1234"
	officerPass   = "officer password 1234"
	auditorPass   = "auditor password 1234"
)

// forbiddenInResponses must never appear in any response body: password hashes and their field.
var forbiddenInResponses = []string{"password_hash", "PasswordHash", "$2a$", "$2b$", "$2y$"}

// env is a running API on a real, migrated SQLite database with an admin, an officer and an
// auditor, and a token for each.
type env struct {
	t       *testing.T
	handler http.Handler
	server  *api.Server
	svc     *elections.Service
	clock   *electionstest.Clock
	tokens  *jwtauth.Manager
	key     ed25519.PrivateKey
	logs    *syncBuffer

	admin, officer, auditor                *elections.User
	adminToken, officerToken, auditorToken string
}

// wrapStore lets a test replace store methods (to inject failures) around the real store.
type wrapStore struct {
	elections.Store
	listUsers  func(ctx context.Context) ([]elections.User, error)
	listEvents func(ctx context.Context, f elections.EventFilter) ([]elections.Event, error)
}

func (w *wrapStore) ListUsers(ctx context.Context) ([]elections.User, error) {
	if w.listUsers != nil {
		return w.listUsers(ctx)
	}
	return w.Store.ListUsers(ctx)
}

func (w *wrapStore) ListEvents(ctx context.Context, f elections.EventFilter) ([]elections.Event, error) {
	if w.listEvents != nil {
		return w.listEvents(ctx, f)
	}
	return w.Store.ListEvents(ctx, f)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnv starts an API. configure may change the options and the store wrapper before the
// server is built.
func newEnv(t *testing.T, configure ...func(*api.Options, *wrapStore)) *env {
	t.Helper()
	e := &env{t: t, clock: electionstest.NewClock(start), logs: &syncBuffer{}}
	store := &wrapStore{Store: sqlstoretest.Open(t)}
	opts := api.Options{
		BodyLimit:      "4KB",
		RequestTimeout: 5 * time.Second,
		LoginRate:      60,
		LoginBurst:     100,
		// The per-account limit has its own tests; here it stays out of the way.
		LoginAccountRate:  60,
		LoginAccountBurst: 100,
		Version:           "test-1.2.3",
		Logger:            slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry:          prometheus.NewRegistry(),
		Now:               e.clock.Now,
	}
	for _, f := range configure {
		f(&opts, store)
	}
	svc, err := elections.NewService(store, e.clock, password.Hasher{Cost: 4})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	_, e.key, err = ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens = e.manager(func(*jwtauth.Config) {})
	e.server = api.New(svc, e.tokens, opts)
	e.handler = e.server.Handler()

	e.admin = e.addUser(adminEmail, elections.RoleAdmin, adminPassword)
	e.officer = e.addUser(officerEmail, elections.RoleOfficer, officerPass)
	e.auditor = e.addUser(auditorEmail, elections.RoleAuditor, auditorPass)
	e.adminToken = e.issue(e.tokens, subject(e.admin), "admin")
	e.officerToken = e.issue(e.tokens, subject(e.officer), "officer")
	e.auditorToken = e.issue(e.tokens, subject(e.auditor), "auditor")
	return e
}

// manager returns a token manager like the server's, changed by change.
func (e *env) manager(change func(*jwtauth.Config)) *jwtauth.Manager {
	e.t.Helper()
	cfg := jwtauth.Config{
		Signing:  jwtauth.Ed25519Key(e.key),
		Issuer:   issuer,
		Audience: audience,
		TTL:      tokenTTL,
		Now:      e.clock.Now,
	}
	change(&cfg)
	m, err := jwtauth.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *env) issue(m *jwtauth.Manager, subject, role string) string {
	e.t.Helper()
	tok, _, err := m.Issue(subject, role, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// subject is the token subject of an account.
func subject(u *elections.User) string { return fmt.Sprintf("user:%d", u.ID) }

func (e *env) addUser(email string, role elections.Role, pw string) *elections.User {
	e.t.Helper()
	u, err := e.svc.AddUser(context.Background(), elections.CLIActor(), email, role, pw)
	if err != nil {
		e.t.Fatalf("add %s: %v", email, err)
	}
	return u
}

// request describes one HTTP request of a test.
type request struct {
	method, url string
	token       string
	body        string
	header      map[string]string
	remoteAddr  string
}

// do serves r and returns the recorded response.
func (e *env) do(r request) *httptest.ResponseRecorder {
	e.t.Helper()
	_, rec := e.serve(r)
	return rec
}

// serve serves r and returns the request sent and the recorded response.
func (e *env) serve(r request) (*http.Request, *httptest.ResponseRecorder) {
	e.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.url, body)
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	if r.remoteAddr != "" {
		req.RemoteAddr = r.remoteAddr
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return req, rec
}

// login logs in and returns the token, failing the test unless it succeeds.
func (e *env) login(email, pw string) string {
	e.t.Helper()
	rec := e.do(request{method: "POST", url: "/api/v1/auth/login", body: jsonBody(e.t, map[string]string{"email": email, "password": pw})})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("login %s: status %d: %s", email, rec.Code, rec.Body)
	}
	var out struct{ Token string }
	decode(e.t, rec, &out)
	return out.Token
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body, err)
	}
}

// problem decodes a problem+json response, failing the test when it is not one.
func problem(t *testing.T, rec *httptest.ResponseRecorder) api.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, rec.Body)
	}
	var p api.Problem
	decode(t, rec, &p)
	return p
}
