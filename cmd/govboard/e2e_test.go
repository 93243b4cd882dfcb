package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// govboard runs the command line in-process and returns its exit status and output.
func govboard(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// startServer runs `govboard serve` in-process through Main on a free port and returns its URL.
func startServer(t *testing.T, dataDir string) string {
	t.Helper()
	t.Setenv("GOVBOARD_DATA_DIR", dataDir)
	t.Setenv("GOVBOARD_HTTP_ADDR", "127.0.0.1:0")
	cmd := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	cfg, err := loadConfig(cmd)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Auth.BcryptCost = 4
	m := NewMain(cfg, io.Discard, io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		m.Close()
	})
	return m.URL()
}

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &v)
	return resp.StatusCode, v
}

// TestEndToEnd runs the issue #2 acceptance path on SQLite and, when configured, PostgreSQL: a
// fresh data directory, the service started through Main, an officer created with `admin
// add-user`, a login, and the token accepted on an officer route and refused on an admin route.
func TestEndToEnd(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		dir := filepath.Join(t.TempDir(), "data")
		env := map[string]string{"GOVBOARD_DATA_DIR": dir, "GOVBOARD_AUTH_BCRYPT_COST": "4",
			"GOVBOARD_DB_DRIVER": opts.Driver, "GOVBOARD_DB_DSN": opts.DSN}
		if opts.Driver == sqlstore.DriverPostgres {
			// PostgreSQL deployments migrate deliberately and share one signing key.
			if code, out, errOut := govboard(t, "", env, "migrate"); code != 0 {
				t.Fatalf("migrate: %d %s %s", code, out, errOut)
			}
			if code, out, errOut := govboard(t, "", env, "keys", "generate"); code != 0 {
				t.Fatalf("keys generate: %d %s %s", code, out, errOut)
			}
		}
		endToEnd(t, dir, env)
	})
}

func endToEnd(t *testing.T, dir string, env map[string]string) {
	code, out, errOut := govboard(t, "officer-password-1\n", env,
		"admin", "add-user", "--email", "o@example.org", "--role", "officer", "--password-stdin")
	if code != 0 {
		t.Fatalf("add-user: exit %d, %s %s", code, out, errOut)
	}
	code, _, errOut = govboard(t, "officer-password-1\n", env,
		"admin", "add-user", "--email", "O@example.org", "--role", "officer", "--password-stdin")
	if code != 2 || !strings.Contains(errOut, "o@example.org") {
		t.Fatalf("duplicate add-user: exit %d, stderr %q; want 2 naming the address", code, errOut)
	}
	if fi, err := os.Stat(filepath.Join(dir, "signing-ed25519.pem")); err == nil && env["GOVBOARD_DB_DRIVER"] == "sqlite" {
		t.Fatalf("add-user created a signing key (%v): only serve should", fi.Mode())
	}

	base := startServer(t, dir)
	if st, _ := call(t, "GET", base+"/healthz", "", nil); st != 200 {
		t.Fatalf("/healthz: %d", st)
	}
	if st, _ := call(t, "GET", base+"/readyz", "", nil); st != 200 {
		t.Fatalf("/readyz: %d", st)
	}
	fi, err := os.Stat(filepath.Join(dir, "signing-ed25519.pem"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("signing key: %v, mode %v; want a 0600 file", err, fi)
	}

	st, body := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "o@example.org", "password": "officer-password-1"})
	if st != 200 {
		t.Fatalf("login: %d %v", st, body)
	}
	token, _ := body["token"].(string)
	if exp, _ := time.Parse(time.RFC3339, body["expires_at"].(string)); !exp.After(time.Now()) {
		t.Fatalf("expires_at %v is not in the future", body["expires_at"])
	}
	if st, body := call(t, "GET", base+"/api/v1/auth/me", token, nil); st != 200 || body["role"] != "officer" {
		t.Fatalf("me: %d %v", st, body)
	}
	if st, _ := call(t, "GET", base+"/api/v1/audit/events", token, nil); st != 200 {
		t.Fatalf("officer route with officer token: %d", st)
	}
	if st, body := call(t, "GET", base+"/api/v1/users", token, nil); st != 403 || body["code"] != "forbidden" {
		t.Fatalf("admin route with officer token: %d %v; want 403 forbidden", st, body)
	}
	if st, _ := call(t, "GET", base+"/api/v1/audit/events", "", nil); st != 401 {
		t.Fatalf("officer route without token: %d, want 401", st)
	}
}

// TestServeRefusesStaleSchema checks that serve does not start on a database whose schema is
// behind when auto-migration is off, and says what to run.
func TestServeRefusesStaleSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv("GOVBOARD_DATA_DIR", dir)
	t.Setenv("GOVBOARD_DB_AUTO_MIGRATE", "false")
	cmd := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	cfg, err := loadConfig(cmd)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, io.Discard, io.Discard)
	defer m.Close()
	err = m.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "govboard migrate") {
		t.Fatalf("Open on an empty database without auto-migrate: %v; want an error naming `govboard migrate`", err)
	}
	code, out, _ := govboard(t, "", nil, "migrate")
	if code != 0 || !strings.Contains(out, "applied 0001_") {
		t.Fatalf("migrate: exit %d, %q", code, out)
	}
	code, out, _ = govboard(t, "", nil, "migrate")
	if code != 0 || !strings.Contains(out, "nothing to apply") {
		t.Fatalf("second migrate: exit %d, %q", code, out)
	}
}

func TestVersionAndBadConfig(t *testing.T) {
	code, out, _ := govboard(t, "", nil, "version")
	if code != 0 || !strings.HasPrefix(out, "govboard ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, _, errOut := govboard(t, "", map[string]string{"GOVBOARD_DB_DRIVER": "oracle"}, "migrate")
	if code != 2 || !strings.Contains(errOut, "oracle") {
		t.Fatalf("bad driver: exit %d, %q; want 2 naming the driver", code, errOut)
	}
	code, _, errOut = govboard(t, "", nil, "migrate", "--config", filepath.Join(t.TempDir(), "missing.yaml"))
	if code != 2 || !strings.Contains(errOut, "missing.yaml") {
		t.Fatalf("missing config file: exit %d, %q", code, errOut)
	}
}
