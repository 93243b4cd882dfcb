// Package config loads govboard's configuration from flags, GOVBOARD_* environment variables, a
// YAML file and built-in defaults, in that order of precedence, and checks it.
//
// It is the only package that imports viper; it returns plain structs. Every key has a default
// except secrets, so a program started with no configuration at all runs on an embedded SQLite
// database in ./govboard-data. example.yaml documents every key.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"
)

// Driver names for DB.Driver.
const (
	// DriverSQLite is the embedded database, the default.
	DriverSQLite = "sqlite"
	// DriverPostgres is PostgreSQL, for deployments with several replicas.
	DriverPostgres = "postgres"
)

// Token signing algorithms for Auth.Algorithm.
const (
	// AlgEdDSA signs tokens with an Ed25519 key file, the default.
	AlgEdDSA = "EdDSA"
	// AlgHS256 signs tokens with a shared secret, Auth.HMACSecret.
	AlgHS256 = "HS256"
)

// Config is govboard's whole configuration.
type Config struct {
	// DataDir holds the SQLite database and the generated signing key by default.
	DataDir string
	// HTTP configures the server.
	HTTP HTTP
	// DB configures the database.
	DB DB
	// Auth configures accounts and tokens.
	Auth Auth
	// Log configures logging.
	Log Log
	// SMTP configures outgoing e-mail.
	SMTP SMTP
	// Voting configures the voting rounds.
	Voting Voting
	// Audit configures the auditor views.
	Audit Audit
}

// Audit configures the auditor views.
type Audit struct {
	// MinGroupSize is the smallest group whose turnout the auditor view shows: a contest whose
	// roll or voters are fewer shows neither number, so that a small constituency's turnout
	// cannot tell who voted.
	MinGroupSize int
}

// Voting configures the voting rounds.
type Voting struct {
	// CloseCheckInterval is how often serve closes the rounds whose scheduled close has
	// passed (it also does at start, so a close due while the service was down happens then).
	CloseCheckInterval time.Duration
}

// HTTP configures the HTTP server.
type HTTP struct {
	// Addr is the listen address, host:port.
	Addr string
	// PublicURL is the externally visible base URL, used in links; empty when unknown.
	PublicURL string
	// ReadTimeout, WriteTimeout and IdleTimeout are the http.Server timeouts.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// RequestTimeout bounds the handling of one request. It is shorter than WriteTimeout, so
	// that the 503 problem sent when it expires reaches the client before the server's write
	// deadline cuts the connection.
	RequestTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown on SIGINT/SIGTERM.
	ShutdownTimeout time.Duration
	// BodyLimit is the largest accepted request body, in bytes.
	BodyLimit int64
	// ImportBodyLimit is the largest accepted body of the import routes (members and
	// donations files), in bytes, instead of BodyLimit.
	ImportBodyLimit int64
	// TrustedProxies are the networks (CIDR, or single addresses) of reverse proxies whose
	// X-Forwarded-For header names the client; empty means the TCP peer is the client. Login
	// rate limits key on the client address.
	TrustedProxies []string
}

// DB configures the database.
type DB struct {
	// Driver is DriverSQLite or DriverPostgres.
	Driver string
	// DSN is the data source: a file path for SQLite (default <DataDir>/govboard.db), a
	// connection string for PostgreSQL. It may contain a password: DB's String, GoString and
	// MarshalJSON methods show it through RedactDSN, so printing or logging a DB or a Config
	// never shows the password, but the plain DSN field itself must not be logged.
	DSN string
	// AutoMigrate applies pending migrations at start (default true for SQLite, false for
	// PostgreSQL, where `govboard migrate` is run deliberately).
	AutoMigrate bool
	// MaxOpenConns limits the connection pool; 0 means no limit.
	MaxOpenConns int
	// BusyTimeout is how long SQLite waits for a lock before failing.
	BusyTimeout time.Duration
}

// Auth configures accounts and access tokens.
type Auth struct {
	// Issuer and Audience are the "iss" and "aud" claims written to and required in tokens.
	Issuer, Audience string
	// TokenTTL is how long an access token is valid.
	TokenTTL time.Duration
	// Algorithm is AlgEdDSA or AlgHS256.
	Algorithm string
	// SigningKeyFile is the Ed25519 private key (PKCS#8 PEM), created when missing.
	SigningKeyFile string
	// PreviousKeyFiles are older Ed25519 keys whose tokens still verify during a rotation.
	PreviousKeyFiles []string
	// HMACSecret is the HS256 secret; required, and at least 32 bytes, when Algorithm is HS256.
	HMACSecret Secret
	// LoginRate is the number of login attempts allowed per minute per client address.
	LoginRate int
	// LoginBurst is the number of attempts allowed at once before LoginRate applies.
	LoginBurst int
	// AccountLoginRate and AccountLoginBurst limit login attempts per e-mail address (whether
	// the account exists or not), against password spraying from many client addresses.
	AccountLoginRate, AccountLoginBurst int
	// LoginMaxKeys bounds the memory of the login limits: at most this many client addresses
	// and as many e-mail addresses are tracked at once.
	LoginMaxKeys int
	// BcryptCost is the bcrypt cost for new password hashes; 0 means the library default.
	BcryptCost int
}

// Log configures the structured logger.
type Log struct {
	// Level is "debug", "info", "warn" or "error".
	Level string
	// Format is "text" or "json".
	Format string
}

// SMTP TLS modes for SMTP.TLS.
const (
	// SMTPStartTLS upgrades a plain connection with STARTTLS, which the server must offer (the
	// default; port 587).
	SMTPStartTLS = "starttls"
	// SMTPTLS speaks TLS from the first byte (SMTPS; port 465).
	SMTPTLS = "tls"
	// SMTPNone never encrypts: for a relay on the same machine only.
	SMTPNone = "none"
)

// SMTP configures outgoing e-mail: access codes are mailed to members when Host is set.
type SMTP struct {
	// Host is the SMTP server; empty means mail is not configured.
	Host string
	// Port is the server's port (587 for STARTTLS, 465 for implicit TLS).
	Port int
	// Username and Password authenticate with SMTP AUTH; both empty for a server that needs
	// none. Password is a secret: it has no default and is never printed.
	Username string
	Password Secret
	// From is the sender address; required when Host is set.
	From string
	// TLS is SMTPStartTLS, SMTPTLS or SMTPNone.
	TLS string
	// Timeout bounds connecting to the server and each exchange with it.
	Timeout time.Duration
}

// SlogLevel returns Level as a slog.Level (info when Level is not valid).
func (l Log) SlogLevel() slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return slog.LevelInfo
	}
	return lv
}

// MinHMACSecretLen is the shortest accepted auth.hmac_secret, in bytes.
const MinHMACSecretLen = 32

// Secret is a configuration value that must not be printed or logged: its String, GoString and
// MarshalText methods return a placeholder. Convert it explicitly (string(s), []byte(s)) where
// the value is needed.
type Secret string

const redacted = "[REDACTED]"

// String returns a placeholder, or "" when the secret is empty.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns a placeholder for %#v.
func (s Secret) GoString() string { return "config.Secret(" + strconv.Quote(s.String()) + ")" }

// MarshalText returns the placeholder, so JSON and slog never see the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Default returns the configuration used when no file, environment variable or flag sets
// anything: the defaults documented in example.yaml, with the derived paths computed.
func Default() Config {
	c, err := Load(Options{Env: []string{}})
	if err != nil {
		panic("config: built-in defaults are invalid: " + err.Error()) // caught by the tests
	}
	return c
}

// ParseNetwork reads a CIDR network ("10.0.0.0/8") or a single IP address (a /32 or /128).
func ParseNetwork(s string) (*net.IPNet, error) {
	if _, n, err := net.ParseCIDR(s); err == nil {
		return n, nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("%q is neither a CIDR network nor an IP address", s)
	}
	bits := 128
	if ip.To4() != nil {
		ip, bits = ip.To4(), 32
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
}
