package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeCommand runs `govboard serve` as the command line does, on a fresh data directory:
// it must print where it listens and how to create the first admin, serve /healthz, and exit 0
// after a graceful shutdown when its context ends (as on SIGINT).
func TestServeCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"serve", "--data-dir", dir, "--http", "127.0.0.1:0"},
			strings.NewReader(""), &out, io.Discard)
	}()
	listening := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	const advice = "admin add-user --email you@example.org --role admin --password-stdin"
	var base string
	// The welcome text is written in several lines: wait for the advice too, not only for
	// the line that says where serve listens.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			if strings.Contains(out.String(), advice) {
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before listening; output:\n%s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if base == "" {
		t.Fatalf("serve did not say where it listens; output:\n%s", out.String())
	}
	if !strings.Contains(out.String(), advice) {
		t.Errorf("no first-admin advice in:\n%s", out.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit status after shutdown: %d, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// TestPostgresNeedsSharedKey checks that with PostgreSQL a missing signing key is an error that
// says how to create one, rather than each replica generating its own; `keys generate` then
// creates it once and refuses to replace it.
func TestPostgresNeedsSharedKey(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "shared.pem")
	t.Setenv("GOVBOARD_AUTH_SIGNING_KEY_FILE", key)
	cmd := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	cfg, err := loadConfig(cmd)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB.Driver = "postgres"
	m := NewMain(cfg, io.Discard, io.Discard)
	if _, err := m.signingKey(); err == nil || !strings.Contains(err.Error(), "govboard keys generate") {
		t.Fatalf("missing key with postgres: %v; want advice to run `govboard keys generate`", err)
	}
	code, out, errOut := govboard(t, "", nil, "keys", "generate")
	if code != 0 || !strings.Contains(out, key) {
		t.Fatalf("keys generate: %d %q %q", code, out, errOut)
	}
	if _, err := m.signingKey(); err != nil {
		t.Fatalf("with the generated key: %v", err)
	}
	if code, _, errOut := govboard(t, "", nil, "keys", "generate"); code != 2 || !strings.Contains(errOut, "exists already") {
		t.Fatalf("second keys generate: %d %q; want 2, never replacing a key", code, errOut)
	}
}
