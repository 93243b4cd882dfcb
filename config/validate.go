package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Problem is one thing wrong with a configuration.
type Problem struct {
	// Key is the configuration key concerned, e.g. "db.dsn".
	Key string
	// Source says where the value came from, e.g. "environment variable GOVBOARD_DB_DSN";
	// empty for a default or a Config built in code.
	Source string
	// Message says what is wrong.
	Message string
}

// String formats the problem as one line.
func (p Problem) String() string {
	if p.Source == "" {
		return p.Key + ": " + p.Message
	}
	return p.Key + ": " + p.Message + " (from " + p.Source + ")"
}

// Error lists every problem found in a configuration. Load and Validate return it.
type Error struct {
	// Problems is never empty.
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("invalid configuration (1 problem):")
	} else {
		fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  - " + p.String())
	}
	return b.String()
}

// Validate checks c and reports every problem at once as an *Error, or returns nil. Load
// already calls it; it is exported for configurations built or changed in code.
func (c Config) Validate() error {
	if problems := validate(c); len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// checker collects problems.
type checker struct{ problems []Problem }

// check records a problem for key unless ok.
func (ch *checker) check(ok bool, key, format string, args ...any) {
	if !ok {
		ch.problems = append(ch.problems, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
}

// positive checks that a duration is above zero.
func (ch *checker) positive(d time.Duration, key string) {
	ch.check(d > 0, key, "must be a positive duration, got %v", d)
}

// validate returns every problem in c.
func validate(c Config) []Problem {
	var ch checker
	ch.check(c.DataDir != "", "data_dir", "must not be empty")
	checkHTTP(&ch, c.HTTP)
	checkDB(&ch, c.DB)
	checkAuth(&ch, c.Auth)
	checkSMTP(&ch, c.SMTP)
	ch.positive(c.Voting.CloseCheckInterval, "voting.close_check_interval")
	ch.check(c.Audit.MinGroupSize >= 1, "audit.min_group_size", "must be at least 1, got %d", c.Audit.MinGroupSize)
	ch.check(slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level), "log.level",
		"must be debug, info, warn or error, got %q", c.Log.Level)
	ch.check(c.Log.Format == "text" || c.Log.Format == "json", "log.format", "must be text or json, got %q", c.Log.Format)
	return ch.problems
}

func checkHTTP(ch *checker, h HTTP) {
	_, port, err := net.SplitHostPort(h.Addr)
	n, perr := strconv.Atoi(port)
	ch.check(err == nil && perr == nil && n >= 0 && n <= 65535, "http.addr",
		"must be host:port with a numeric port, such as 127.0.0.1:8080 or :8080, got %q", h.Addr)
	if h.PublicURL != "" {
		u, err := url.Parse(h.PublicURL)
		ch.check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", "http.public_url",
			"must be an absolute http or https URL, got %q", h.PublicURL)
	}
	ch.positive(h.ReadTimeout, "http.read_timeout")
	ch.positive(h.WriteTimeout, "http.write_timeout")
	ch.positive(h.RequestTimeout, "http.request_timeout")
	ch.check(h.RequestTimeout <= 0 || h.WriteTimeout <= 0 || h.RequestTimeout < h.WriteTimeout, "http.request_timeout",
		"must be less than http.write_timeout (%v), or the problem sent when a request times out never reaches the client; got %v",
		h.WriteTimeout, h.RequestTimeout)
	ch.positive(h.IdleTimeout, "http.idle_timeout")
	ch.positive(h.ShutdownTimeout, "http.shutdown_timeout")
	ch.check(h.BodyLimit > 0, "http.body_limit", "must be a positive size, got %d bytes", h.BodyLimit)
	ch.check(h.ImportBodyLimit > 0, "http.import_body_limit", "must be a positive size, got %d bytes", h.ImportBodyLimit)
	for _, p := range h.TrustedProxies {
		_, err := ParseNetwork(p)
		ch.check(err == nil, "http.trusted_proxies", "must be CIDR networks or IP addresses, got %q", p)
	}
}

func checkDB(ch *checker, d DB) {
	switch d.Driver {
	case DriverSQLite:
		ch.check(d.DSN != "", "db.dsn", "must not be empty")
	case DriverPostgres:
		ch.check(d.DSN != "", "db.dsn", "is required when db.driver is postgres (set GOVBOARD_DB_DSN or --db-dsn)")
	default:
		ch.check(false, "db.driver", "must be sqlite or postgres, got %q", d.Driver)
	}
	ch.check(d.MaxOpenConns >= 0, "db.max_open_conns", "must not be negative, got %d", d.MaxOpenConns)
	ch.check(d.BusyTimeout >= 0, "db.busy_timeout", "must not be negative, got %v", d.BusyTimeout)
}

func checkAuth(ch *checker, a Auth) {
	ch.check(a.Issuer != "", "auth.issuer", "must not be empty")
	ch.check(a.Audience != "", "auth.audience", "must not be empty")
	ch.positive(a.TokenTTL, "auth.token_ttl")
	switch a.Algorithm {
	case AlgEdDSA:
		ch.check(a.SigningKeyFile != "", "auth.signing_key_file", "must not be empty when auth.algorithm is EdDSA")
		ch.check(a.HMACSecret == "", "auth.hmac_secret",
			"is set but auth.algorithm is EdDSA, so it would be ignored; remove it or set auth.algorithm: HS256")
	case AlgHS256:
		ch.check(a.HMACSecret != "", "auth.hmac_secret",
			"is required when auth.algorithm is HS256 (set GOVBOARD_AUTH_HMAC_SECRET; there is no default)")
		ch.check(a.HMACSecret == "" || len(a.HMACSecret) >= MinHMACSecretLen, "auth.hmac_secret",
			"must be at least %d bytes, got %d", MinHMACSecretLen, len(a.HMACSecret))
		ch.check(strings.TrimSpace(string(a.HMACSecret)) == string(a.HMACSecret), "auth.hmac_secret",
			"must not begin or end with white space (a stray space or newline?); it is used byte for byte, never trimmed")
	default:
		ch.check(false, "auth.algorithm", "must be EdDSA or HS256, got %q", a.Algorithm)
	}
	for _, f := range a.PreviousKeyFiles {
		ch.check(f != "", "auth.previous_key_files", "must not contain empty file names")
	}
	ch.check(a.LoginRate > 0, "auth.login_rate", "must be a positive number of attempts per minute, got %d", a.LoginRate)
	ch.check(a.LoginBurst > 0, "auth.login_burst", "must be positive, got %d", a.LoginBurst)
	ch.check(a.AccountLoginRate > 0, "auth.account_login_rate",
		"must be a positive number of attempts per minute, got %d", a.AccountLoginRate)
	ch.check(a.AccountLoginBurst > 0, "auth.account_login_burst", "must be positive, got %d", a.AccountLoginBurst)
	ch.check(a.LoginMaxKeys > 0, "auth.login_max_keys", "must be positive, got %d", a.LoginMaxKeys)
	ch.check(a.BcryptCost == 0 || (a.BcryptCost >= 4 && a.BcryptCost <= 31), "auth.bcrypt_cost",
		"must be 0 (library default) or between 4 and 31, got %d", a.BcryptCost) // bcrypt.MinCost..MaxCost
}

func checkSMTP(ch *checker, s SMTP) {
	ch.check(s.Port >= 1 && s.Port <= 65535, "smtp.port", "must be between 1 and 65535, got %d", s.Port)
	ch.check(slices.Contains([]string{SMTPStartTLS, SMTPTLS, SMTPNone}, s.TLS), "smtp.tls",
		"must be starttls, tls or none, got %q", s.TLS)
	ch.positive(s.Timeout, "smtp.timeout")
	if s.Host == "" {
		ch.check(s.Password == "", "smtp.password", "is set but smtp.host is empty, so it would be ignored; set smtp.host or remove it")
		return
	}
	if s.From == "" {
		ch.check(false, "smtp.from", "is required when smtp.host is set: the sender address of the mail govboard sends")
	} else {
		_, err := mail.ParseAddress(s.From)
		ch.check(err == nil, "smtp.from", "must be an e-mail address such as elections@example.org, got %q", s.From)
	}
	ch.check(s.Username != "" || s.Password == "", "smtp.username", "is required when smtp.password is set")
	ch.check(s.Username == "" || s.Password != "", "smtp.password",
		"is required when smtp.username is set (set GOVBOARD_SMTP_PASSWORD; there is no default)")
	loopback := s.Host == "localhost" || s.Host == "127.0.0.1" || s.Host == "::1"
	ch.check(s.Username == "" || s.TLS != SMTPNone || loopback, "smtp.tls",
		"is none, so the password would cross the network in clear to %s; use starttls or tls (credentials without TLS go only to localhost)", s.Host)
}
