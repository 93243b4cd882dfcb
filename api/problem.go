package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// Problem is an error response: an RFC 9457 problem details document, sent as
// application/problem+json. Clients match on Code, never on Title or Detail.
type Problem struct {
	// Type is "about:blank": the HTTP status and Code say what went wrong.
	Type string `json:"type"`
	// Title is the text of the HTTP status, e.g. "Bad Request".
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence in words that are safe to show.
	Detail string `json:"detail,omitempty"`
	// Instance is the path of the request.
	Instance string `json:"instance,omitempty"`
	// Code is the stable machine-readable code: one of the elections codes (invalid,
	// not_found, conflict, unauthorized, forbidden, rate_limited, internal) or one of the
	// transport codes below.
	Code string `json:"code"`
	// RequestID is the X-Request-ID of the request; quote it when reporting a problem.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists every problem found, e.g. one per invalid field, when there are several.
	Errors []string `json:"errors,omitempty"`
}

// Transport error codes, in addition to the codes of package elections.
const (
	// CodeNotFound (404): no route at this URL, or nothing with this id.
	CodeNotFound = elections.ENOTFOUND
	// CodeMethodNotAllowed (405): the URL exists, but not with this method.
	CodeMethodNotAllowed = "method_not_allowed"
	// CodePayloadTooLarge (413): the request body is over Options.BodyLimit (Options.ImportBodyLimit
	// on the import routes).
	CodePayloadTooLarge = "payload_too_large"
	// CodeUnsupportedMediaType (415): the request body is not of a media type the route accepts
	// (application/json, unless the route says otherwise).
	CodeUnsupportedMediaType = "unsupported_media_type"
	// CodeRateLimited (429): too many attempts; the Retry-After header says when to retry.
	CodeRateLimited = elections.ERATELIMITED
	// CodeTimeout (503): the request took longer than Options.RequestTimeout.
	CodeTimeout = "timeout"
	// CodeUnavailable (503): the service cannot serve now, e.g. its database is unreachable.
	CodeUnavailable = "unavailable"
)

// statusOf maps every error code to its HTTP status: the one place where codes become statuses.
var statusOf = map[string]int{
	elections.EINVALID:       http.StatusBadRequest,
	elections.EUNAUTHORIZED:  http.StatusUnauthorized,
	elections.EFORBIDDEN:     http.StatusForbidden,
	elections.ENOTFOUND:      http.StatusNotFound,
	elections.ECONFLICT:      http.StatusConflict,
	elections.ERATELIMITED:   http.StatusTooManyRequests,
	elections.EINTERNAL:      http.StatusInternalServerError,
	CodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	CodePayloadTooLarge:      http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	CodeTimeout:              http.StatusServiceUnavailable,
	CodeUnavailable:          http.StatusServiceUnavailable,
}

// codeOfStatus maps the statuses that echo's router and middleware produce to codes.
var codeOfStatus = map[int]string{
	http.StatusBadRequest:            elections.EINVALID,
	http.StatusUnauthorized:          elections.EUNAUTHORIZED,
	http.StatusForbidden:             elections.EFORBIDDEN,
	http.StatusNotFound:              CodeNotFound,
	http.StatusMethodNotAllowed:      CodeMethodNotAllowed,
	http.StatusRequestEntityTooLarge: CodePayloadTooLarge,
	http.StatusUnsupportedMediaType:  CodeUnsupportedMediaType,
	http.StatusTooManyRequests:       CodeRateLimited,
}

// detailOfCode is the detail shown for transport errors that carry no message of their own.
var detailOfCode = map[string]string{
	CodeNotFound:             "there is nothing at this URL",
	CodeMethodNotAllowed:     "this URL does not accept this method; the Allow header lists those it does",
	CodePayloadTooLarge:      "the request body is larger than the server accepts",
	CodeUnsupportedMediaType: "the request body must be JSON (Content-Type: application/json)",
	CodeRateLimited:          "too many requests; wait and try again",
	CodeTimeout:              "the request took too long and was stopped",
	elections.EUNAUTHORIZED:  "a valid access token is required",
	elections.EFORBIDDEN:     "your role may not do this",
	elections.EINVALID:       "the request is not valid",
}

// apiError is a failure found by the transport itself (a bad body, a missing token, …).
type apiError struct {
	code   string
	detail string
	errs   []string
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

// errorf returns an apiError with a formatted detail.
func errorf(code, format string, args ...any) *apiError {
	return &apiError{code: code, detail: fmt.Sprintf(format, args...)}
}

// handleError is echo's HTTPErrorHandler: it writes every error as a problem document. Errors
// that are not ours to explain are answered with 500 "internal" and logged with the request id;
// their text is never sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "error after the response started",
			slog.String("request_id", requestIDOf(c)), slog.Any("error", err))
		return
	}
	p := s.problemFor(err, c)
	if p.Status == http.StatusUnauthorized && c.Response().Header().Get(echo.HeaderWWWAuthenticate) == "" {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="govboard"`)
	}
	writeProblem(c, p)
}

// problemFor classifies err. The order matters: our own errors first, then echo's, then
// timeouts; anything else is internal.
func (s *Server) problemFor(err error, c echo.Context) Problem {
	var (
		ae *apiError
		de *elections.Error
		he *echo.HTTPError
	)
	switch {
	case errors.As(err, &ae):
		return newProblem(c, ae.code, ae.detail, ae.errs)
	case errors.As(err, &de) && de.Code != elections.EINTERNAL && statusOf[de.Code] != 0:
		return newProblem(c, de.Code, de.Message, details(de))
	case errors.As(err, &he) && codeOfStatus[he.Code] != "":
		code := codeOfStatus[he.Code]
		return newProblem(c, code, detailOfCode[code], nil)
	case stopped(err, c):
		s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "request stopped",
			slog.String("request_id", requestIDOf(c)), slog.String("route", c.Path()), slog.Any("error", err))
		return newProblem(c, CodeTimeout, detailOfCode[CodeTimeout], nil)
	}
	id := requestIDOf(c)
	s.log.LogAttrs(c.Request().Context(), slog.LevelError, "internal error",
		slog.String("request_id", id), slog.String("method", c.Request().Method),
		slog.String("route", c.Path()), slog.Any("error", err))
	return newProblem(c, elections.EINTERNAL,
		"internal error; quote request id "+id+" when you report it", nil)
}

// stopped reports whether err comes from the request running out of time or from its client
// going away, rather than from a fault. (By the time the error handler runs, the timeout
// middleware has cancelled the context, so only a passed deadline is telling.)
func stopped(err error, c echo.Context) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(c.Request().Context().Err(), context.DeadlineExceeded)
}

// details returns the Details of a domain error when there is more than its message to show.
func details(e *elections.Error) []string {
	if len(e.Details) == 0 {
		return nil
	}
	return e.Details
}

// newProblem builds the problem document for code.
func newProblem(c echo.Context, code, detail string, errs []string) Problem {
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  c.Request().URL.Path,
		Code:      code,
		RequestID: requestIDOf(c),
		Errors:    errs,
	}
}

// writeProblem sends p as application/problem+json.
func writeProblem(c echo.Context, p Problem) {
	b, err := json.Marshal(p)
	if err != nil { // cannot happen: Problem has only strings and ints
		b = []byte(`{"type":"about:blank","status":500,"code":"internal"}`)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.Blob(p.Status, "application/problem+json", b)
}
