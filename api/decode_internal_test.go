package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// Both kinds of body limit, echo's and net/http's, are a 413, wherever the decoder meets them.
func TestTooLargeBodies(t *testing.T) {
	for name, err := range map[string]error{
		"echo body limit":     echo.ErrStatusRequestEntityTooLarge,
		"http.MaxBytesReader": &http.MaxBytesError{Limit: 10},
		"wrapped":             fmt.Errorf("reading: %w", &http.MaxBytesError{Limit: 10}),
	} {
		t.Run(name, func(t *testing.T) {
			if code := codeOf(decodeError(err)); code != CodePayloadTooLarge {
				t.Errorf("decodeError: code %q, want %q", code, CodePayloadTooLarge)
			}
		})
	}
	// The limit hit after the object, while bind checks that nothing follows it.
	body := `{"email":"a@example.org"}` + strings.Repeat(" ", 100) + "x"
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	rec := httptest.NewRecorder()
	req.Body = http.MaxBytesReader(rec, req.Body, int64(len(body)-10))
	c := echo.New().NewContext(req, rec)
	var dst loginRequest
	if code := codeOf(bind(c, &dst)); code != CodePayloadTooLarge {
		t.Errorf("bind: code %q, want %q", code, CodePayloadTooLarge)
	}
}

// codeOf returns the code of an *apiError, "" for anything else.
func codeOf(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code
	}
	return ""
}
