package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// bind decodes the JSON object in the request body into dst, a request struct. It refuses
// another content type (415), a body over the limit (413), malformed JSON, values of the wrong
// type, unknown fields and anything after the object (400 invalid), each with a detail that
// says what is wrong.
func bind(c echo.Context, dst any) error {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return &apiError{code: CodeUnsupportedMediaType, detail: detailOfCode[CodeUnsupportedMediaType]}
	}
	dec := json.NewDecoder(req.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if tooLarge(err) {
			return decodeError(err)
		}
		return errorf(elections.EINVALID, "the request body must hold one JSON object and nothing after it")
	}
	return nil
}

// decodeError explains why a body could not be decoded.
func decodeError(err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case tooLarge(err):
		return &apiError{code: CodePayloadTooLarge, detail: detailOfCode[CodePayloadTooLarge]}
	case errors.Is(err, io.EOF):
		return errorf(elections.EINVALID, "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(elections.EINVALID, "the request body is not valid JSON: it ends too early")
	case errors.As(err, &syntax):
		return errorf(elections.EINVALID, "the request body is not valid JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return errorf(elections.EINVALID, "the request body must be a JSON object, not %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return errorf(elections.EINVALID, "field %q must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	// encoding/json has no error type for unknown fields; its message is the only signal.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return errorf(elections.EINVALID, "unknown field %s in the request body", field)
	}
	return errorf(elections.EINVALID, "the request body could not be read as JSON")
}

// tooLarge reports whether err is a body limit being hit while reading: echo's BodyLimit or
// net/http's MaxBytesReader.
func tooLarge(err error) bool {
	var (
		he       *echo.HTTPError
		maxBytes *http.MaxBytesError
	)
	return errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge || errors.As(err, &maxBytes)
}

// jsonKind names the JSON type that a Go kind is decoded from.
func jsonKind(kind string) string {
	switch {
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "uint"):
		return "an integer"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "slice" || kind == "array":
		return "an array"
	}
	return "an object"
}

// queryInt64 parses the query parameter name as an integer; absent means 0.
func queryInt64(c echo.Context, name string) (int64, error) {
	return queryInteger(c, name, 64)
}

// queryInt parses the query parameter name as an int; absent means 0.
func queryInt(c echo.Context, name string) (int, error) {
	n, err := queryInteger(c, name, strconv.IntSize)
	return int(n), err
}

// queryInteger parses the query parameter name as an integer of bitSize bits; absent means 0.
func queryInteger(c echo.Context, name string, bitSize int) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, bitSize)
	if err != nil {
		return 0, errorf(elections.EINVALID, "query parameter %s must be an integer, not %q", name, v)
	}
	return n, nil
}

// pathID parses the path parameter name as a positive id. Anything else names nothing: 404.
func pathID(c echo.Context, name string) (int64, error) {
	v := c.Param(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errorf(CodeNotFound, "%q is not an id", v)
	}
	return n, nil
}
