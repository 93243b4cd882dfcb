package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/config"
	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/jwtauth"
	"github.com/govboard/govboard/pkg/mailer"
	"github.com/govboard/govboard/pkg/password"
	"github.com/govboard/govboard/pkg/sqlstore"
)

// Main wires configuration → store → service → HTTP server. main() and the end-to-end tests
// both use it, so the tests run the program as it runs in production.
type Main struct {
	// Config is the validated configuration.
	Config config.Config
	// Stdout receives what the commands print for the operator.
	Stdout io.Writer
	// Logger receives structured logs.
	Logger *slog.Logger
	// Clock is the service's clock; nil means the system clock.
	Clock elections.Clock

	// Store, Service, Tokens, SigningKey and Server are set by Open and Handler.
	Store      *sqlstore.Store
	Service    *elections.Service
	Tokens     *jwtauth.Manager
	SigningKey ed25519.PrivateKey
	Server     *api.Server
	// Mailer sends e-mail; Open sets it when smtp.host is configured (nil: no mail).
	Mailer api.Mailer

	httpServer *http.Server
	listener   net.Listener
}

// NewMain returns a Main for the configuration, logging to stderr.
func NewMain(cfg config.Config, stdout, stderr io.Writer) *Main {
	return &Main{Config: cfg, Stdout: stdout, Logger: newLogger(cfg.Log, stderr)}
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

var _ elections.PasswordHasher = password.Hasher{}

// clock returns the configured clock or the system clock.
func (m *Main) clock() elections.Clock {
	if m.Clock != nil {
		return m.Clock
	}
	return elections.SystemClock{}
}

func (m *Main) now() time.Time { return m.clock().Now() }

// OpenStore creates the data directory and opens the database, without migrating.
func (m *Main) OpenStore(ctx context.Context) error {
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	st, err := sqlstore.Open(ctx, sqlstore.Options{
		Driver:       m.Config.DB.Driver,
		DSN:          m.Config.DB.DSN,
		BusyTimeout:  m.Config.DB.BusyTimeout,
		MaxOpenConns: m.Config.DB.MaxOpenConns,
		Logger:       m.Logger,
		Now:          m.now,
	})
	if err != nil {
		return err
	}
	m.Store = st
	return nil
}

// Open opens everything serve needs: store (migrated when auto_migrate is on, else checked),
// signing keys, service and HTTP handler.
func (m *Main) Open(ctx context.Context) error {
	if err := m.openSchema(ctx); err != nil {
		return err
	}
	if err := m.openService(); err != nil {
		return err
	}
	if err := m.openMailer(); err != nil {
		return err
	}
	if err := m.openTokens(); err != nil {
		return err
	}
	return m.recordSigningKey(ctx)
}

// recordSigningKey records in the audit log the service key that signs tokens and results
// bundles, the first time the service runs with it.
func (m *Main) recordSigningKey(ctx context.Context) error {
	k := jwtauth.Ed25519Key(m.SigningKey)
	recorded, err := m.Service.RecordSigningKey(ctx, elections.SystemActor(), k.ID, k.PublicKey)
	if err != nil {
		return fmt.Errorf("record the signing key: %w", err)
	}
	if recorded {
		m.Logger.Info("recorded the signing key in the audit log", "kid", k.ID)
	}
	return nil
}

// openMailer builds the SMTP sender when smtp.host is set, so that a bad mail configuration
// stops serve at start rather than at the first mail. It does not connect.
func (m *Main) openMailer() error {
	c := m.Config.SMTP
	if c.Host == "" || m.Mailer != nil {
		return nil
	}
	s, err := mailer.New(mailer.Config{Host: c.Host, Port: c.Port, Username: c.Username,
		Password: string(c.Password), From: c.From, TLS: c.TLS, Timeout: c.Timeout})
	if err != nil {
		return err
	}
	m.Mailer = s
	return nil
}

// openSchema opens the store and makes sure its schema is current: migrated when
// db.auto_migrate is on, refused (with the advice to run `govboard migrate`) otherwise.
func (m *Main) openSchema(ctx context.Context) error {
	if err := m.OpenStore(ctx); err != nil {
		return err
	}
	if m.Config.DB.AutoMigrate {
		applied, err := m.Store.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		for _, a := range applied {
			m.Logger.Info("migration applied", "version", a.Version, "name", a.Name)
		}
	}
	return m.Store.CheckSchema(ctx)
}

func (m *Main) openService() error {
	svc, err := elections.NewService(m.Store, m.clock(), password.Hasher{Cost: m.Config.Auth.BcryptCost})
	if err != nil {
		return err
	}
	m.Service = svc
	return nil
}

// openTokens loads (or, on first start, creates) the Ed25519 signing key and builds the token
// manager. HS256 signs with the configured secret; the Ed25519 key is still the service key.
func (m *Main) openTokens() error {
	a := m.Config.Auth
	priv, err := m.signingKey()
	if err != nil {
		return err
	}
	m.SigningKey = priv
	signing := jwtauth.Ed25519Key(priv)
	var verify []jwtauth.Key
	if a.Algorithm == "HS256" {
		verify = append(verify, signing) // tokens issued before a switch to HS256 stay valid
		signing = jwtauth.HMACKey([]byte(a.HMACSecret))
	}
	for _, f := range a.PreviousKeyFiles {
		old, err := jwtauth.LoadEd25519(f)
		if err != nil {
			return err
		}
		verify = append(verify, jwtauth.Ed25519Key(old))
	}
	m.Tokens, err = jwtauth.New(jwtauth.Config{
		Signing: signing, Verify: verify, Issuer: a.Issuer, Audience: a.Audience,
		TTL: a.TokenTTL, Now: m.now,
	})
	return err
}

// signingKey loads the service's Ed25519 key. On the embedded SQLite it is created on first
// start; on PostgreSQL, where several replicas must share one key, a missing file is an error
// that says how to create it once (`govboard keys generate`) rather than each replica making
// its own.
func (m *Main) signingKey() (ed25519.PrivateKey, error) {
	path := m.Config.Auth.SigningKeyFile
	if m.Config.DB.Driver != config.DriverSQLite {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("signing key %s does not exist: with %s, replicas share one key; "+
				"create it once with `govboard keys generate --out %s` and give every replica the same file",
				path, m.Config.DB.Driver, path)
		}
		return jwtauth.LoadEd25519(path)
	}
	priv, created, err := jwtauth.LoadOrCreateEd25519(path)
	if created {
		m.Logger.Info("generated a new Ed25519 signing key", "file", path)
	}
	return priv, err
}

// Handler builds the HTTP handler with a fresh metrics registry.
func (m *Main) Handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Server = api.New(m.Service, m.Tokens, api.Options{
		BodyLimit:         strconv.FormatInt(m.Config.HTTP.BodyLimit, 10),
		ImportBodyLimit:   strconv.FormatInt(m.Config.HTTP.ImportBodyLimit, 10),
		RequestTimeout:    m.Config.HTTP.RequestTimeout,
		LoginRate:         float64(m.Config.Auth.LoginRate),
		LoginBurst:        m.Config.Auth.LoginBurst,
		LoginAccountRate:  float64(m.Config.Auth.AccountLoginRate),
		LoginAccountBurst: m.Config.Auth.AccountLoginBurst,
		LoginMaxKeys:      m.Config.Auth.LoginMaxKeys,
		IPExtractor:       m.ipExtractor(),
		Version:           version,
		BundleKey:         m.SigningKey,
		MinGroupSize:      m.Config.Audit.MinGroupSize,
		Logger:            m.Logger,
		Registry:          reg,
		Ready:             m.ready,
		Now:               m.now,
		Mailer:            m.Mailer,
		PublicURL:         m.Config.HTTP.PublicURL,
	})
	return m.Server.Handler()
}

// ready reports whether the service can answer: database reachable and schema current. A stale
// schema is explained to the caller (it says to run `govboard migrate`); a database error is not.
func (m *Main) ready(ctx context.Context) error {
	if err := m.Store.Ping(ctx); err != nil {
		return err
	}
	if err := m.Store.CheckSchema(ctx); err != nil {
		if errors.Is(err, sqlstore.ErrSchemaBehind) || errors.Is(err, sqlstore.ErrSchemaNewer) ||
			errors.Is(err, sqlstore.ErrSchemaDiverged) {
			return elections.Errorf(elections.ECONFLICT, "%v", err)
		}
		return err
	}
	return nil
}

// ipExtractor tells the API who the client is: the TCP peer, or, behind the configured trusted
// proxies, the address they put in X-Forwarded-For.
func (m *Main) ipExtractor() echo.IPExtractor {
	if len(m.Config.HTTP.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range m.Config.HTTP.TrustedProxies {
		n, _ := config.ParseNetwork(p) // checked by config.Validate
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Listen binds the configured address (":0" picks a free port, as the tests do).
func (m *Main) Listen() error {
	ln, err := net.Listen("tcp", m.Config.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.HTTP.Addr, err)
	}
	m.listener = ln
	h := m.Config.HTTP
	m.httpServer = &http.Server{
		Handler:           m.Handler(),
		ReadTimeout:       h.ReadTimeout,
		ReadHeaderTimeout: h.ReadTimeout,
		WriteTimeout:      h.WriteTimeout,
		IdleTimeout:       h.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	return nil
}

// URL returns the base URL the server listens on.
func (m *Main) URL() string {
	return "http://" + m.listener.Addr().String()
}

// Serve serves HTTP until ctx is cancelled, then shuts down gracefully: it stops accepting,
// lets requests in flight finish (up to http.shutdown_timeout) and returns.
func (m *Main) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- m.httpServer.Serve(m.listener) }()
	closerCtx, stopCloser := context.WithCancel(ctx)
	closerDone := make(chan struct{})
	go func() {
		defer close(closerDone)
		m.closeRoundsWhenDue(closerCtx)
	}()
	defer func() {
		stopCloser()
		<-closerDone
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	m.Logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.HTTP.ShutdownTimeout)
	defer cancel()
	if err := m.httpServer.Shutdown(sctx); err != nil {
		// Requests still running past the shutdown timeout are cut off before the store
		// closes under them.
		m.httpServer.Close()
		<-errc
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// closeRoundsWhenDue closes the voting rounds whose scheduled close has passed: now, and then
// every voting.close_check_interval until ctx ends. The schedule lives in the database, so a
// round due while the service was down closes at the next start; ballots are refused from the
// scheduled instant on in any case (the store checks it with every ballot), so the interval
// only bounds how late the round shows as closed. Several replicas may run this at once:
// closing is a conditional transition, and only one of them makes it.
func (m *Main) closeRoundsWhenDue(ctx context.Context) {
	t := time.NewTicker(m.Config.Voting.CloseCheckInterval)
	defer t.Stop()
	for {
		n, err := m.Service.CloseDueRounds(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			m.Logger.Error("closing due voting rounds", "err", err)
		case n > 0:
			m.Logger.Info("closed voting rounds at their scheduled time", "rounds", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close releases the listener (when Serve never ran), the service's ballot queue and the
// store.
func (m *Main) Close() error {
	if m.listener != nil && m.httpServer != nil {
		m.httpServer.Close() // closes the listener too; a no-op after a graceful shutdown
	}
	if m.Service != nil {
		m.Service.Close() // after the HTTP server: no request is still casting
	}
	if m.Store != nil {
		return m.Store.Close()
	}
	return nil
}
