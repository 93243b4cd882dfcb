package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/rollfile"
)

// importResponse is what an import changed. Changes name the member (members import) or the
// donation (donations import) of each row that changed something.
type importResponse struct {
	Rows      int                    `json:"rows"`
	Created   int                    `json:"created"`
	Updated   int                    `json:"updated"`
	Unchanged int                    `json:"unchanged"`
	Changes   []importChangeResponse `json:"changes"`
}

// importChangeResponse is one row that created or updated something; Fields names what an
// update changed.
type importChangeResponse struct {
	Line     int      `json:"line"`
	Member   string   `json:"member,omitempty"`
	Donation string   `json:"donation,omitempty"`
	Action   string   `json:"action"`
	Fields   []string `json:"fields,omitempty"`
}

// The kinds of import, which name the key of each change.
const (
	importOfMembers   = "member"
	importOfDonations = "donation"
)

func toImportResponse(r *elections.ImportResult, kind string) importResponse {
	out := importResponse{Rows: r.Rows, Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged,
		Changes: make([]importChangeResponse, len(r.Changes))}
	for i, ch := range r.Changes {
		c := importChangeResponse{Line: ch.Line, Action: ch.Action, Fields: ch.Fields}
		if kind == importOfDonations {
			c.Donation = ch.ExternalID
		} else {
			c.Member = ch.ExternalID
		}
		out.Changes[i] = c
	}
	return out
}

// importBody reads an import file from the request body: its format from the Content-Type
// (415 unless text/csv or application/json) and its source for the audit trail.
func importBody(c echo.Context) ([]byte, elections.ImportSource, error) {
	format, err := rollfile.FormatFromMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil {
		return nil, elections.ImportSource{}, &apiError{code: CodeUnsupportedMediaType,
			detail: "an import must be CSV or JSON (Content-Type: text/csv or application/json)"}
	}
	data, err := readBody(c)
	if err != nil {
		return nil, elections.ImportSource{}, err
	}
	sum := sha256.Sum256(data)
	return data, elections.ImportSource{Name: "request", SHA256: hex.EncodeToString(sum[:]), Format: format}, nil
}

// importMembers creates and updates members from a CSV or JSON file, all or nothing: any bad
// row is a 400 listing every bad row by line, and nothing is written.
func (s *Server) importMembers(c echo.Context) error {
	return importFile(s, c, importOfMembers, rollfile.ReadMembers, (*elections.Service).ImportMembers)
}

// importDonations creates and corrects donations from a CSV or JSON file, all or nothing.
func (s *Server) importDonations(c echo.Context) error {
	return importFile(s, c, importOfDonations, rollfile.ReadDonations, (*elections.Service).ImportDonations)
}

// importFile reads the rows of the import file in the body with read and imports them with
// imp, a Service import method; kind names the key of each change in the answer.
func importFile[T any](s *Server, c echo.Context, kind string, read func(io.Reader, string) ([]T, error),
	imp func(*elections.Service, context.Context, elections.Actor, []T, elections.ImportSource) (*elections.ImportResult, error)) error {
	data, src, err := importBody(c)
	if err != nil {
		return err
	}
	rows, err := read(bytes.NewReader(data), src.Format)
	if err != nil {
		return err
	}
	r, err := imp(s.svc, c.Request().Context(), callerOf(c).actor, rows, src)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toImportResponse(r, kind))
}
