package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// TestDemoCharterIsMatrix keeps the demo's embedded charter equal to the shipped Matrix board.
func TestDemoCharterIsMatrix(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "..", "testdata", "boards", "matrix.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := demoFiles.ReadFile("demo/matrix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shipped, embedded) {
		t.Fatal("cmd/govboard/demo/matrix.yaml differs from testdata/boards/matrix.yaml: copy it again")
	}
}

// demoRun is one `govboard serve --demo` running in-process.
type demoRun struct {
	base     string
	password string
	codes    map[string]string // member → code
	out      string
	// stop shuts the server down (also done when the test ends).
	stop func()
}

var (
	demoListening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	demoPassword  = regexp.MustCompile(`Officer login: officer@demo\.govboard\.example  password: (\S+)`)
	demoCodeLine  = regexp.MustCompile(`(?m)^  ([a-z]{3}-\S+)\s+.*\s([0-9A-Z]{5}(?:-[0-9A-Z]{1,5}){5})$`)
)

// startDemo runs `serve --demo` on dir until the test ends and returns what it printed.
func startDemo(t *testing.T, dir string) *demoRun {
	t.Helper()
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"serve", "--demo", "--data-dir", dir, "--http", "127.0.0.1:0"},
			strings.NewReader(""), &out, io.Discard)
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve --demo exit status after shutdown: %d, want 0", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve --demo did not stop after its context ended")
		}
	}
	t.Cleanup(stop)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		s := out.String()
		if m := demoListening.FindStringSubmatch(s); m != nil && len(demoCodeLine.FindAllString(s, -1)) == len(demoCodeMembers) {
			r := &demoRun{base: m[1], out: s, codes: map[string]string{}, stop: stop}
			if pw := demoPassword.FindStringSubmatch(s); pw != nil {
				r.password = pw[1]
			}
			for _, c := range demoCodeLine.FindAllStringSubmatch(s, -1) {
				r.codes[c[1]] = c[2]
			}
			return r
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve --demo exited with %d; output:\n%s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve --demo printed no officer login and member codes; output:\n%s", out.String())
	return nil
}

// contestSummary is what the test checks of a contest: constituency, seats, candidates, outcome.
type contestSummary struct {
	Constituency string
	Seats        []string
	Candidates   int
	Outcome      string
}

func summariseContests(t *testing.T, body map[string]any) []contestSummary {
	t.Helper()
	contests, _ := body["contests"].([]any)
	var got []contestSummary
	for _, c := range contests {
		c := c.(map[string]any)
		s := contestSummary{Constituency: fmt.Sprint(c["constituency"]), Outcome: fmt.Sprint(c["outcome"])}
		if n, ok := c["candidates"].(float64); ok {
			s.Candidates = int(n)
		}
		seats, _ := c["seats"].([]any)
		for _, seat := range seats {
			s.Seats = append(s.Seats, fmt.Sprint(seat.(map[string]any)["seat"]))
		}
		got = append(got, s)
	}
	return got
}

// TestServeDemo runs `govboard serve --demo` on a fresh data directory (SQLite, and PostgreSQL
// when configured): the printed officer login and member codes work, the 2026 election is in
// its voting phase with DESIGN.md §2's seven 2026 contests; a second start seeds nothing again
// and hands out a new password and new codes.
func TestServeDemo(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		dir := filepath.Join(t.TempDir(), "data")
		env := map[string]string{"GOVBOARD_AUTH_BCRYPT_COST": "4", "GOVBOARD_DB_DRIVER": opts.Driver, "GOVBOARD_DB_DSN": opts.DSN}
		if opts.Driver == sqlstore.DriverPostgres {
			env["GOVBOARD_DB_AUTO_MIGRATE"] = "true"
			env["GOVBOARD_AUTH_SIGNING_KEY_FILE"] = filepath.Join(t.TempDir(), "key.pem")
			if code, out, errOut := govboard(t, "", env, "keys", "generate"); code != 0 {
				t.Fatalf("keys generate: %d %s %s", code, out, errOut)
			}
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		serveDemo(t, dir)
	})
}

func serveDemo(t *testing.T, dir string) {
	first := startDemo(t, dir)
	if first.password == "" || !strings.Contains(first.out, "Demo seeded") {
		t.Fatalf("no officer password or seeding report in:\n%s", first.out)
	}
	officer := officerToken(t, first.base, first.password)
	checkDemoElection(t, first.base)

	// A printed code redeems once, for its member, in the demo election.
	redeemed := "ind-0001"
	st, body := call(t, "POST", first.base+"/api/v1/auth/redeem", "", map[string]string{"code": first.codes[redeemed]})
	if st != 200 || body["member"] != redeemed || body["election"] != float64(1) || body["token"] == "" {
		t.Fatalf("redeem %s's code: %d %v", redeemed, st, body)
	}
	if st, _ := call(t, "POST", first.base+"/api/v1/auth/redeem", "", map[string]string{"code": first.codes[redeemed]}); st != 401 {
		t.Fatalf("second redemption of a code: %d, want 401", st)
	}
	if len(first.codes) != len(demoCodeMembers) {
		t.Errorf("printed codes for %v, want %v", first.codes, demoCodeMembers)
	}
	members := demoMembers(t, first.base, officer)
	if members < 30 {
		t.Fatalf("%d members, want a few dozen", members)
	}
	first.stop()
	checkDemoRestart(t, dir, first, members)
}

// checkDemoElection checks that the demo election is in its voting phase with DESIGN.md §2's
// 2026 contests, each with the demo's candidates.
func checkDemoElection(t *testing.T, base string) {
	t.Helper()
	st, body := call(t, "GET", base+"/api/v1/elections/1", "", nil)
	if st != 200 || body["phase"] != "voting" || body["year"] != float64(2026) {
		t.Fatalf("election 1: %d phase %v year %v; want 200, voting, 2026: %v", st, body["phase"], body["year"], body)
	}
	seats := func(key string, ns ...int) []string {
		var s []string
		for _, n := range ns {
			s = append(s, fmt.Sprintf("%s-%d", key, n))
		}
		return s
	}
	want := []contestSummary{
		{"individual", seats("individual", 3), 3, "contested"},
		{"ecosystem", seats("ecosystem", 1, 2, 3), 4, "contested"},
		{"associate", seats("associate", 2), 2, "contested"},
		{"platinum", seats("platinum", 1), 1, "acclamation"},
		{"silver", seats("silver", 1, 2), 1, "acclamation"},
		{"guardians", seats("guardians", 1, 2, 3), 4, "contested"},
		{"spec-core-team", seats("spec-core-team", 1, 2), 3, "contested"},
	}
	if diff := cmp.Diff(want, summariseContests(t, body)); diff != "" {
		t.Errorf("2026 contests (-want +got):\n%s", diff)
	}
}

// demoMembers returns the number of members.
func demoMembers(t *testing.T, base, officer string) int {
	t.Helper()
	st, body := call(t, "GET", base+"/api/v1/members?limit=500", officer, nil)
	members, _ := body["members"].([]any)
	if st != 200 {
		t.Fatalf("members: %d %v", st, body)
	}
	return len(members)
}

// checkDemoRestart starts the demo again on the data of first: nothing is seeded again, the
// officer has a new password, and the printed members new codes that replace the old ones.
func checkDemoRestart(t *testing.T, dir string, first *demoRun, members int) {
	t.Helper()
	second := startDemo(t, dir)
	if strings.Contains(second.out, "Demo seeded") || !strings.Contains(second.out, "seeded before") {
		t.Errorf("second start output does not say the data was seeded before:\n%s", second.out)
	}
	if st, _ := call(t, "POST", second.base+"/api/v1/auth/login", "",
		map[string]string{"email": demoOfficerEmail, "password": first.password}); st != 401 {
		t.Errorf("the first password still works after a restart: %d", st)
	}
	officer := officerToken(t, second.base, second.password)
	for kind, n := range map[string]int{"charter.applied": 1, "members.imported": 2, "election.created": 1, "account.created": 1,
		"account.password_reset": 1, "access_codes.issued": 2} {
		st, body := call(t, "GET", second.base+"/api/v1/audit/events?kind="+kind, officer, nil)
		if events, _ := body["events"].([]any); st != 200 || len(events) != n {
			t.Errorf("%s events after two starts: %d, %d of them; want %d", kind, st, len(events), n)
		}
	}
	if again := demoMembers(t, second.base, officer); again != members {
		t.Errorf("%d members after a second start, want %d", again, members)
	}
	st, body := call(t, "GET", second.base+"/api/v1/elections", "", nil)
	if es, _ := body["elections"].([]any); st != 200 || len(es) != 1 {
		t.Errorf("elections after a second start: %d %v; want one", st, body)
	}
	unused := "eco-quill"
	if st, _ := call(t, "POST", second.base+"/api/v1/auth/redeem", "", map[string]string{"code": first.codes[unused]}); st != 401 {
		t.Errorf("an unused code of the first start still redeems after the second: %d, want 401 (revoked)", st)
	}
	st, body = call(t, "POST", second.base+"/api/v1/auth/redeem", "", map[string]string{"code": second.codes[unused]})
	if st != 200 || body["member"] != unused || body["representative"] != "Priya Nair" {
		t.Errorf("redeem %s's new code: %d %v", unused, st, body)
	}
}

// officerToken signs in as the demo officer and returns the token.
func officerToken(t *testing.T, base, password string) string {
	t.Helper()
	st, body := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": demoOfficerEmail, "password": password})
	token, _ := body["token"].(string)
	if st != 200 || token == "" {
		t.Fatalf("officer login with the printed password: %d %v", st, body)
	}
	return token
}

// TestServeDemoRefusesOtherData checks that --demo leaves a database it did not seed alone.
func TestServeDemoRefusesOtherData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"GOVBOARD_DATA_DIR": dir, "GOVBOARD_AUTH_BCRYPT_COST": "4"}
	if code, out, errOut := govboard(t, "", env, "charter", "apply", filepath.Join("..", "..", "testdata", "boards", "matrix.yaml")); code != 0 {
		t.Fatalf("charter apply: %d %s %s", code, out, errOut)
	}
	code, out, errOut := govboard(t, "", env, "serve", "--demo", "--http", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--demo seeds an empty database only") || strings.Contains(out, "listening") {
		t.Fatalf("serve --demo on a database with a charter: exit %d, %q, %q; want 2 without serving", code, out, errOut)
	}
}

// mailbox is an in-process SMTP server that keeps the messages it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []*mail.Message
	rcpt [][]string
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{box: b}, nil }

func (b *mailbox) received() ([]*mail.Message, [][]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*mail.Message(nil), b.msgs...), append([][]string(nil), b.rcpt...)
}

// mailboxSession is one SMTP session of a mailbox.
type mailboxSession struct {
	box *mailbox
	to  []string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailboxSession) Reset()        { s.to = nil }
func (s *mailboxSession) Logout() error { return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	m.Body = bytes.NewReader(body)
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.msgs, s.box.rcpt = append(s.box.msgs, m), append(s.box.rcpt, s.to)
	return nil
}

// startMailbox serves a mailbox on a free loopback port and returns it and the port.
func startMailbox(t *testing.T) (*mailbox, int) {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().(*net.TCPAddr).Port
}

// TestServeDemoMailsCodes configures SMTP (smtp.* through the environment) and has an officer
// of the demo mail a member's access code: the mail reaches the SMTP server through
// pkg/mailer, and the code in it redeems.
func TestServeDemoMailsCodes(t *testing.T) {
	box, port := startMailbox(t)
	for k, v := range map[string]string{"GOVBOARD_AUTH_BCRYPT_COST": "4", "GOVBOARD_SMTP_HOST": "127.0.0.1",
		"GOVBOARD_SMTP_PORT": strconv.Itoa(port), "GOVBOARD_SMTP_TLS": "none",
		"GOVBOARD_SMTP_FROM": "Elections <elections@demo.govboard.example>", "GOVBOARD_HTTP_PUBLIC_URL": "https://vote.example.org"} {
		t.Setenv(k, v)
	}
	r := startDemo(t, filepath.Join(t.TempDir(), "data"))
	token := officerToken(t, r.base, r.password)
	b, _ := json.Marshal(map[string]any{"members": []string{"ind-0002"}, "send_email": true})
	req, _ := http.NewRequest("POST", r.base+"/api/v1/elections/1/access-codes", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || resp.StatusCode != 200 || len(rows) != 2 {
		t.Fatalf("issue and mail a code: %d, %v, %v", resp.StatusCode, rows, err)
	}
	row := map[string]string{}
	for i, col := range rows[0] {
		row[col] = rows[1][i]
	}
	if row["mail"] != "sent" || row["code"] == "" {
		t.Fatalf("CSV row %v: want the code, mailed", row)
	}
	msgs, rcpts := box.received()
	if len(msgs) != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1", len(msgs))
	}
	body, _ := io.ReadAll(msgs[0].Body)
	from, _ := mail.ParseAddress(msgs[0].Header.Get("From"))
	got := []any{rcpts[0], from.Address, strings.HasPrefix(msgs[0].Header.Get("Subject"), "Your access code for"),
		strings.Contains(string(body), row["code"])}
	want := []any{[]string{"bruno.lindqvist@demo.govboard.example"}, "elections@demo.govboard.example", true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recipients, sender, subject, code in body (-want +got):\n%s\n%s", diff, body)
	}
	if st, body := call(t, "POST", r.base+"/api/v1/auth/redeem", "", map[string]string{"code": row["code"]}); st != 200 || body["member"] != "ind-0002" {
		t.Errorf("redeem the mailed code: %d %v", st, body)
	}
}
