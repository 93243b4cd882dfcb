package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// maxRequestIDLen is the longest X-Request-ID taken from a client.
const maxRequestIDLen = 128

// requestID takes the client's X-Request-ID when it is short and plain (so it can be logged
// safely) and generates one otherwise; the response echoes it.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !plainRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// requestIDOf returns the request id of the request being served.
func requestIDOf(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// plainRequestID reports whether id is non-empty, short and made only of letters, digits and
// "-", "_", ".", ":".
func plainRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.' || r == ':'
		if !ok {
			return false
		}
	}
	return true
}

// newRequestID returns 128 random bits in hex.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// unmatchedRoute is the route label of requests that matched no route, so that scanners
// probing random paths cannot create new metric series.
const unmatchedRoute = "unmatched"

// observe writes the access log line and the metrics of every request. It hands errors to the
// error handler itself, so that it sees the status actually sent. It logs the route template,
// never the raw URL, the body or any header (tokens stay out of the logs).
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		route := c.Path()
		if !s.templates[route] {
			route = unmatchedRoute
		}
		method := methodLabel(req.Method)
		s.metrics.observe(method, route, res.Status, elapsed)
		s.log.LogAttrs(req.Context(), slog.LevelInfo, "http request",
			slog.String("method", method),
			slog.String("route", route),
			slog.Int("status", res.Status),
			slog.Duration("duration", elapsed),
			slog.Int64("bytes", res.Size),
			slog.String("request_id", requestIDOf(c)),
		)
		return nil
	}
}

// methodLabel returns the method for logs and metrics; unknown methods are "OTHER" so that
// they cannot create new metric series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// logPanic logs a recovered panic with its stack and the request id; the client gets the
// 500 problem of an internal error.
func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.log.LogAttrs(c.Request().Context(), slog.LevelError, "panic",
		slog.String("request_id", requestIDOf(c)),
		slog.String("route", c.Path()),
		slog.Any("error", err),
		slog.String("stack", string(stack)),
	)
	return fmt.Errorf("panic: %w", err)
}
