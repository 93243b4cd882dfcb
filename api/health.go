package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// statusResponse is the answer of /healthz and /readyz.
type statusResponse struct {
	// Status is "ok" (healthz) or "ready" (readyz).
	Status string `json:"status"`
}

// healthz answers while the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// readyz answers 200 when Options.Ready reports the service able to serve and 503 otherwise.
// The reason is logged; the caller sees it only when it is a domain error, whose message is
// safe to show (e.g. a stale schema), never a raw database error.
func (s *Server) readyz(c echo.Context) error {
	err := s.opts.Ready(c.Request().Context())
	if err == nil {
		return c.JSON(http.StatusOK, statusResponse{Status: "ready"})
	}
	s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "not ready",
		slog.String("request_id", requestIDOf(c)), slog.Any("error", err))
	detail := "the service is not ready: its database is unreachable or its schema is not current"
	var de *elections.Error
	if errors.As(err, &de) && de.Code != elections.EINTERNAL {
		detail = "the service is not ready: " + de.Message
	}
	return errorf(CodeUnavailable, "%s", detail)
}
