package api

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// today returns the service clock's day: the default of the at= parameters.
func (s *Server) today() elections.Date {
	return elections.DateOf(s.svc.Clock().Now())
}

// queryDate parses the query parameter name as a date YYYY-MM-DD; absent means def.
func queryDate(c echo.Context, name string, def elections.Date) (elections.Date, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	d, err := elections.ParseDate(v)
	if err != nil {
		return elections.Date{}, errorf(elections.EINVALID, "query parameter %s must be a date written YYYY-MM-DD, not %q", name, v)
	}
	return d, nil
}

// pathText returns the path parameter name unescaped (echo leaves it as sent). A parameter
// that does not unescape names nothing: 404.
func pathText(c echo.Context, name string) (string, error) {
	v, err := url.PathUnescape(c.Param(name))
	if err != nil || v == "" {
		return "", errorf(CodeNotFound, "%q names nothing", c.Param(name))
	}
	return v, nil
}

// pathVersion parses the path parameter name as a charter version number. Anything else
// names nothing: 404.
func pathVersion(c echo.Context, name string) (int, error) {
	v := c.Param(name)
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, errorf(CodeNotFound, "%q is not a charter version", v)
	}
	return n, nil
}

// fieldDates parses the date fields of a request body, collecting a problem for each bad one
// so that all are reported at once.
type fieldDates struct {
	problems []string
}

// parse returns the field's date (zero when v is empty) and notes a problem when v is not a
// date.
func (f *fieldDates) parse(field, v string) elections.Date {
	d, err := elections.ParseDate(v)
	if err != nil {
		f.problems = append(f.problems, "field "+field+" must be a date written YYYY-MM-DD, not "+strconv.Quote(v))
	}
	return d
}

// require notes a problem when the field is empty.
func (f *fieldDates) require(field, v string) {
	if v == "" {
		f.problems = append(f.problems, "field "+field+" is required")
	}
}

// err returns the problems as one invalid error, or nil.
func (f *fieldDates) err() error {
	if len(f.problems) == 0 {
		return nil
	}
	return &apiError{code: elections.EINVALID, detail: f.problems[0], errs: f.problems}
}
