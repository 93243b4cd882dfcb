package mailer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
)

// received is one message as the test server got it.
type received struct {
	User     string // the SMTP AUTH user, "" without authentication
	From     string
	To       []string
	Data     []byte
	Accepted bool
}

// smtpServer is an in-process SMTP server that keeps what it receives.
type smtpServer struct {
	// users maps usernames to passwords; when set, mail needs authentication.
	users map[string]string
	// refuse is a recipient the server refuses with 550.
	refuse string

	mu   sync.Mutex
	msgs []received
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// session is one SMTP session of smtpServer.
type session struct {
	srv *smtpServer
	cur received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if want, ok := s.srv.users[user]; !ok || want != pass {
			return errors.New("invalid credentials")
		}
		s.cur.User = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if len(s.srv.users) > 0 && s.cur.User == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.srv.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data, s.cur.Accepted = b, true
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{User: s.cur.User} }
func (s *session) Logout() error { return nil }

// start serves b on a free loopback port and returns the port.
func start(t *testing.T, b *smtpServer) int {
	t.Helper()
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func newSender(t *testing.T, cfg Config) *Sender {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return s
}

// message is what a test checks of a delivered message.
type message struct {
	User, EnvelopeFrom    string
	EnvelopeTo            []string
	From, To, Subject     string
	Body                  string
	Date, MessageID, Type bool
	UserAgent             string
}

// address parses an address header and formats it again, so that equivalent forms compare
// equal.
func address(t *testing.T, h string) string {
	t.Helper()
	a, err := mail.ParseAddress(h)
	if err != nil {
		t.Fatalf("address header %q: %v", h, err)
	}
	return a.String()
}

// parse decodes a received message: headers (RFC 2047 words decoded) and body (quoted-printable
// decoded).
func parse(t *testing.T, r received) message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, r.Data)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	mt, _, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	return message{User: r.User, EnvelopeFrom: r.From, EnvelopeTo: r.To,
		From: address(t, m.Header.Get("From")), To: address(t, m.Header.Get("To")), Subject: subject,
		Body: strings.ReplaceAll(string(b), "\r\n", "\n"), Date: m.Header.Get("Date") != "",
		MessageID: m.Header.Get("Message-Id") != "", Type: mt == "text/plain", UserAgent: m.Header.Get("User-Agent")}
}

const body = "Dear Zoë,\n\nyour access code is ABCDE-FGHJK-MNPQR-STVWX-YZ012-3.\nIt expires on 12 June 2026.\n"

func TestSendDelivers(t *testing.T) {
	tests := []struct {
		name  string
		users map[string]string
		cfg   Config
		user  string
	}{
		{"without authentication", nil, Config{From: "elections@example.org"}, ""},
		{"with a username and password over a plain connection", map[string]string{"govboard": "s3cret pass"},
			Config{From: "Elections <elections@example.org>", Username: "govboard", Password: "s3cret pass"}, "govboard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &smtpServer{users: tt.users}
			cfg := tt.cfg
			cfg.Host, cfg.Port, cfg.TLS = "127.0.0.1", start(t, srv), TLSNone
			s := newSender(t, cfg)
			if err := s.Send(context.Background(), "zoe@example.net", "Your access code for the 2026 élection", body); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := srv.messages()
			if len(msgs) != 1 {
				t.Fatalf("server received %d messages, want 1", len(msgs))
			}
			want := message{User: tt.user, EnvelopeFrom: "elections@example.org", EnvelopeTo: []string{"zoe@example.net"},
				From: address(t, cfg.From), To: "<zoe@example.net>", Subject: "Your access code for the 2026 élection", Body: body,
				Date: true, MessageID: true, Type: true, UserAgent: "govboard"}
			if diff := cmp.Diff(want, parse(t, msgs[0])); diff != "" {
				t.Errorf("received message (-want +got):\n%s\nraw:\n%s", diff, msgs[0].Data)
			}
		})
	}
}

func TestSendFails(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unreachable := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	tests := []struct {
		name string
		srv  *smtpServer
		cfg  Config
		to   string
		want string // a part of the error
	}{
		{"refused recipient", &smtpServer{refuse: "nobody@example.net"}, Config{}, "nobody@example.net", "no such mailbox"},
		{"wrong password", &smtpServer{users: map[string]string{"govboard": "right"}},
			Config{Username: "govboard", Password: "pw-7f3a-wrong"}, "zoe@example.net", "AUTH"},
		{"authentication required", &smtpServer{users: map[string]string{"govboard": "right"}},
			Config{}, "zoe@example.net", "auth"},
		{"STARTTLS required but not offered", &smtpServer{}, Config{TLS: TLSStartTLS}, "zoe@example.net", "STARTTLS"},
		{"implicit TLS against a plain server", &smtpServer{}, Config{TLS: TLSImplicit, Timeout: 2 * time.Second},
			"zoe@example.net", "dial"},
		{"unreachable server", nil, Config{}, "zoe@example.net", strconv.Itoa(unreachable)},
		{"recipient that is no address", &smtpServer{}, Config{}, "zoe at example", "not an e-mail address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Host, cfg.Port, cfg.From = "127.0.0.1", unreachable, "elections@example.org"
			if tt.srv != nil {
				cfg.Port = start(t, tt.srv)
			}
			if cfg.TLS == "" {
				cfg.TLS = TLSNone
			}
			err := newSender(t, cfg).Send(context.Background(), tt.to, "Subject", "body\n")
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.want)) {
				t.Fatalf("Send: %v; want an error containing %q", err, tt.want)
			}
			if cfg.Password != "" && strings.Contains(err.Error(), cfg.Password) {
				t.Errorf("error shows the password: %v", err)
			}
			if strings.Contains(err.Error(), tt.to) {
				t.Errorf("error shows the recipient's address, which goes to the log: %v", err)
			}
			if tt.srv != nil {
				if msgs := tt.srv.messages(); len(msgs) != 0 {
					t.Errorf("server received %d messages, want none", len(msgs))
				}
			}
		})
	}
}

func TestSendCancelled(t *testing.T) {
	s := newSender(t, Config{Host: "127.0.0.1", Port: start(t, &smtpServer{}), From: "e@example.org", TLS: TLSNone})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, "zoe@example.net", "s", "b"); err == nil {
		t.Fatal("Send with a cancelled context succeeded")
	}
}

func TestNewChecksConfig(t *testing.T) {
	good := Config{Host: "smtp.example.org", Port: 587, From: "elections@example.org", TLS: TLSStartTLS}
	tests := []struct {
		name string
		edit func(*Config)
		want []string // parts of the error; nil for none
	}{
		{"good", func(*Config) {}, nil},
		{"credentials over STARTTLS", func(c *Config) { c.Username, c.Password = "u", "p" }, nil},
		{"credentials over implicit TLS", func(c *Config) { c.Username, c.Password, c.TLS, c.Port = "u", "p", TLSImplicit, 465 }, nil},
		{"credentials in clear to localhost", func(c *Config) { c.Username, c.Password, c.TLS, c.Host = "u", "p", TLSNone, "localhost" }, nil},
		{"everything missing", func(c *Config) { *c = Config{} },
			[]string{"host is required", "port must be between 1 and 65535, not 0", `from "" is not an e-mail address`,
				`tls must be starttls, tls or none, not ""`}},
		{"bad port, sender, mode and timeout", func(c *Config) { c.Port, c.From, c.TLS, c.Timeout = 70000, "elections", "ssl", -time.Second },
			[]string{"port must be", `from "elections"`, `tls must be starttls, tls or none, not "ssl"`, "timeout must be positive"}},
		{"username without password", func(c *Config) { c.Username = "u" }, []string{"username and password go together"}},
		{"password without username", func(c *Config) { c.Password = "p" }, []string{"username and password go together"}},
		{"credentials in clear to another host", func(c *Config) { c.Username, c.Password, c.TLS = "u", "p", TLSNone },
			[]string{"credentials are never sent unencrypted to smtp.example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			s, err := New(cfg)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if s.cfg.Timeout != DefaultTimeout {
					t.Errorf("timeout %v, want the default %v", s.cfg.Timeout, DefaultTimeout)
				}
				return
			}
			if err == nil {
				t.Fatal("New succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
