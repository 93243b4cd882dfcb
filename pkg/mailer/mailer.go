// Package mailer sends plain-text e-mail through an SMTP server: govboard mails members their
// access codes with it when SMTP is configured (smtp.host).
//
// It is built on github.com/wneessen/go-mail, a maintained SMTP library (the standard
// library's net/smtp is frozen): it speaks STARTTLS and implicit TLS, negotiates SMTP AUTH,
// honours a context for the whole exchange and encodes headers safely.
package mailer

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The TLS modes of Config.TLS.
const (
	// TLSStartTLS connects in plain text and upgrades with STARTTLS, which the server must
	// offer (the default; port 587).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS; port 465).
	TLSImplicit = "tls"
	// TLSNone never encrypts: for a relay on the same machine only, since credentials and
	// access codes would cross the network in clear.
	TLSNone = "none"
)

// DefaultTimeout bounds a connection when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config says how to reach the SMTP server.
type Config struct {
	// Host is the SMTP server's host name or address (required).
	Host string
	// Port is the server's port, 1 to 65535 (587 for STARTTLS, 465 for implicit TLS).
	Port int
	// Username and Password authenticate with SMTP AUTH; both empty for a server that needs
	// none. Without TLS, credentials are sent only to a server on the loopback interface.
	Username, Password string
	// From is the sender address, e.g. "elections@example.org" or
	// "Elections <elections@example.org>" (required).
	From string
	// TLS is TLSStartTLS, TLSImplicit or TLSNone.
	TLS string
	// Timeout bounds connecting and each exchange with the server; zero means DefaultTimeout.
	Timeout time.Duration
}

// Sender sends e-mail as its Config says. It is safe for concurrent use: each Send opens its
// own connection.
type Sender struct {
	cfg  Config
	from string
	opts []gomail.Option
}

// New checks cfg and returns a Sender for it. It does not connect: an unreachable server is
// reported by Send.
func New(cfg Config) (*Sender, error) {
	if problems := check(&cfg); len(problems) > 0 {
		return nil, fmt.Errorf("mailer: %s", strings.Join(problems, "; "))
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover // the strongest mechanism the server offers over TLS
		if cfg.TLS == TLSNone {
			// AutoDiscover offers no password mechanism without TLS; PLAIN is allowed here
			// because check admitted credentials only for a loopback host.
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username),
			gomail.WithPassword(cfg.Password))
	}
	s := &Sender{cfg: cfg, opts: opts}
	if _, err := s.client(); err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	return s, nil
}

// check completes cfg's defaults and returns its problems.
func check(cfg *Config) []string {
	var problems []string
	cfg.Host = strings.TrimSpace(cfg.Host)
	if cfg.Host == "" {
		problems = append(problems, "host is required")
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		problems = append(problems, fmt.Sprintf("port must be between 1 and 65535, not %d", cfg.Port))
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		problems = append(problems, fmt.Sprintf("from %q is not an e-mail address", cfg.From))
	}
	switch cfg.TLS {
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		problems = append(problems, fmt.Sprintf("tls must be starttls, tls or none, not %q", cfg.TLS))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Timeout < 0 {
		problems = append(problems, fmt.Sprintf("timeout must be positive, not %v", cfg.Timeout))
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		problems = append(problems, "username and password go together: set both or neither")
	}
	if cfg.Username != "" && cfg.TLS == TLSNone && !IsLoopback(cfg.Host) {
		problems = append(problems, fmt.Sprintf("credentials are never sent unencrypted to %s: "+
			"use tls starttls or tls, or a relay on localhost", cfg.Host))
	}
	return problems
}

// IsLoopback reports whether host names this machine in the way that the SMTP library
// accepts for unencrypted authentication: localhost, 127.0.0.1 or ::1.
func IsLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// client returns a new SMTP client for one Send: the library's client keeps per-connection
// state, so a Sender never shares one between calls.
func (s *Sender) client() (*gomail.Client, error) {
	return gomail.NewClient(s.cfg.Host, s.opts...)
}

// Send mails a plain-text message to one recipient, within ctx and the configured timeout. A
// recipient the server refuses, a failed authentication or an unreachable server is an error.
// The error does not repeat the recipient's address, which is personal data bound for logs:
// the caller knows whom it was mailing.
func (s *Sender) Send(ctx context.Context, to, subject, body string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("send mail: the recipient is not an e-mail address")
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("send mail: from: %w", err)
	}
	if err := msg.To(rcpt.Address); err != nil {
		return fmt.Errorf("send mail: to: %w", err)
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetUserAgent("govboard")
	msg.SetBodyString(gomail.TypeTextPlain, body)
	c, err := s.client()
	if err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	// The library bounds the dial by ctx and the timeout, and each exchange on the
	// connection by the timeout (a connection deadline).
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail via %s:%d: %w", s.cfg.Host, s.cfg.Port, withoutAddress(err, rcpt.Address))
	}
	return nil
}

// withoutAddress returns err with every mention of addr (in any case) in its text replaced:
// the SMTP library lists the affected recipients in its errors, and servers often echo them.
// The error still unwraps to err.
func withoutAddress(err error, addr string) error {
	re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(addr))
	text := err.Error()
	if !re.MatchString(text) {
		return err
	}
	return &redactedError{err: err, text: re.ReplaceAllLiteralString(text, "(the recipient)")}
}

// redactedError is an error whose text leaves out personal data.
type redactedError struct {
	err  error
	text string
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }
