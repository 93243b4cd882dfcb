package api

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/jwtauth"
)

// Tokens issues and verifies access tokens; *jwtauth.Manager implements it.
type Tokens interface {
	// Issue signs a token for subject with role and an optional scope.
	Issue(subject, role, scope string) (token string, expiresAt time.Time, err error)
	// Verify checks a token and returns its claims; every refusal is an error.
	Verify(token string) (*jwtauth.Claims, error)
	// JWKS returns the public keys that verify the tokens.
	JWKS() jwtauth.JWKS
}

var _ Tokens = (*jwtauth.Manager)(nil)

// Options configures a Server. Zero fields take the defaults named on each.
type Options struct {
	// BodyLimit is the largest request body accepted by every route but the imports, e.g. "1MB"
	// (echo's size syntax: a number with an optional K, M or G and an optional B). Default
	// "1MB". New panics on an invalid size.
	BodyLimit string
	// ImportBodyLimit is the largest request body accepted by the import routes
	// (POST /members/import, POST /donations/import), in the syntax of BodyLimit, instead of
	// BodyLimit: a member roll is larger than any other request. Default "64MB". New panics on
	// an invalid size.
	ImportBodyLimit string
	// RequestTimeout bounds the context of every request. Default 30s.
	RequestTimeout time.Duration
	// LoginRate is how many logins per minute one client address may try, on average, once its
	// LoginBurst is used up. An IPv4 client is its address; an IPv6 client is its /64 network,
	// so that it cannot walk through the addresses it holds. Default 10 per minute.
	LoginRate float64
	// LoginBurst is how many logins one client address may try at once. Default 5.
	LoginBurst int
	// LoginAccountRate is how many logins per minute may be tried, on average, for one e-mail
	// address (trimmed and lower-cased) once its LoginAccountBurst is used up, from whatever
	// client addresses: it slows down guessing one account's password from many addresses.
	// Unknown addresses are limited just like those of accounts, so the limit does not tell
	// which exist. While someone keeps guessing, the account's owner is slowed down too.
	// Default 5 per minute.
	LoginAccountRate float64
	// LoginAccountBurst is how many logins may be tried at once for one e-mail address.
	// Default 10, above LoginBurst's default, so that one client typing a password wrong is
	// stopped by the per-address limit first.
	LoginAccountBurst int
	// LoginMaxKeys bounds the memory of the login limits: at most this many client addresses,
	// and as many e-mail addresses, have a bucket at once. Buckets idle long enough to be full
	// again are forgotten; while all are in use, a login from a new address (or for a new
	// e-mail address) is refused with 429. Default 100,000.
	LoginMaxKeys int
	// IPExtractor finds the client address for rate limiting. Default: the address of the TCP
	// peer, so that a client cannot pick its own address with X-Forwarded-For. Behind a reverse
	// proxy, set echo.ExtractIPFromXFFHeader with the proxy's address range.
	IPExtractor echo.IPExtractor
	// Version is reported in the OpenAPI document.
	Version string
	// Logger receives the access log and the internal errors. Default: discard.
	Logger *slog.Logger
	// Registry is where the HTTP metrics are registered and what /metrics serves. Default: a
	// fresh registry (never the global default one).
	Registry *prometheus.Registry
	// Ready tells /readyz whether the service can serve: the database is reachable and its
	// schema is current. Default: always ready.
	Ready func(ctx context.Context) error
	// Now tells the time (login rate limiting). Default time.Now.
	Now func() time.Time
	// Mailer sends the access codes that officers ask to mail. Default nil: mail is not
	// configured, and asking to mail codes is refused with 409.
	Mailer Mailer
	// PublicURL is the externally visible base URL of the service (http.public_url), e.g.
	// "https://vote.example.org", put in front of the links sent to members. Default "": the
	// links are paths.
	PublicURL string
	// BundleKey is the service's Ed25519 key that signs results bundles (the token signing
	// key; its public half is in /auth/keys). Default nil: a bundle request is an internal error.
	BundleKey ed25519.PrivateKey
	// MinGroupSize is the smallest group whose turnout the auditor view shows (audit.
	// min_group_size). Default elections.DefaultMinGroupSize.
	MinGroupSize int
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.BodyLimit == "" {
		o.BodyLimit = "1MB"
	}
	if o.ImportBodyLimit == "" {
		o.ImportBodyLimit = "64MB"
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.LoginRate <= 0 {
		o.LoginRate = 10
	}
	if o.LoginBurst <= 0 {
		o.LoginBurst = 5
	}
	if o.LoginAccountRate <= 0 {
		o.LoginAccountRate = 5
	}
	if o.LoginAccountBurst <= 0 {
		o.LoginAccountBurst = 10
	}
	if o.LoginMaxKeys <= 0 {
		o.LoginMaxKeys = 100_000
	}
	if o.IPExtractor == nil {
		o.IPExtractor = echo.ExtractIPDirect()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Ready == nil {
		o.Ready = func(context.Context) error { return nil }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server is govboard's HTTP API.
type Server struct {
	svc     *elections.Service
	tokens  Tokens
	opts    Options
	log     *slog.Logger
	echo    *echo.Echo
	metrics *httpMetrics
	limits  *loginLimits
	routes  []Route
	// templates are the route paths, the only values the metrics' route label takes
	// besides unmatchedRoute.
	templates map[string]bool
	// ownBodyLimit holds the routes ("METHOD /path") with a body limit of their own, which
	// the server-wide BodyLimit skips.
	ownBodyLimit map[string]bool
	openapi      []byte
}

// New returns the API server for svc, authenticating callers with tokens. It panics when a
// route of the table neither admits roles nor is public, or does both.
func New(svc *elections.Service, tokens Tokens, opts Options) *Server {
	return newServer(svc, tokens, opts, (*Server).routeTable)
}

// newServer is New with the route table given by table, so that tests can give a broken one.
func newServer(svc *elections.Service, tokens Tokens, opts Options, table func(*Server) []Route) *Server {
	opts = opts.withDefaults()
	s := &Server{
		svc:     svc,
		tokens:  tokens,
		opts:    opts,
		log:     opts.Logger,
		metrics: newHTTPMetrics(opts.Registry),
		limits:  newLoginLimits(opts),
	}
	s.openapi = openAPIDocument(opts.Version)
	s.routes = table(s)

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.IPExtractor = opts.IPExtractor
	e.HTTPErrorHandler = s.handleError
	e.Use(
		s.requestID,
		s.observe,
		middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: s.logPanic}),
		secureHeaders,
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: opts.BodyLimit, Skipper: s.hasOwnBodyLimit}),
		middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
			Timeout:      opts.RequestTimeout,
			ErrorHandler: func(err error, _ echo.Context) error { return err },
		}),
	)
	s.templates = make(map[string]bool, len(s.routes))
	s.ownBodyLimit = make(map[string]bool)
	for _, r := range s.routes {
		r.check()
		if r.bodyLimit != "" {
			s.ownBodyLimit[r.Method+" "+r.Path] = true
		}
		e.Add(r.Method, r.Path, r.Handler, s.routeMiddleware(r)...)
		s.templates[r.Path] = true
	}
	s.echo = e
	return s
}

// Handler returns the http.Handler that serves every route.
func (s *Server) Handler() http.Handler { return s.echo }

// Routes returns the route table: every route the server serves, with the roles it admits.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, r := range s.routes {
		r.Roles = slices.Clone(r.Roles)
		out[i] = r
	}
	return out
}

// hasOwnBodyLimit tells the server-wide body limit to skip the routes that have their own
// (it runs after routing, so c.Path is the matched route's template).
func (s *Server) hasOwnBodyLimit(c echo.Context) bool {
	return s.ownBodyLimit[c.Request().Method+" "+c.Path()]
}

// secureHeaders sets headers that every response carries.
func secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}
