// Package rollfile reads member and donation import files, CSV or JSON, into the rows the
// domain imports (elections.MemberInput, elections.DonationInput). It checks the file's
// shape — header, columns, keys, value types — and reports every problem with its line;
// whether the values are right is the domain's to decide, with the same line numbers.
//
// CSV: a header row naming the columns, in any order; the required columns must be there,
// unknown and repeated columns are refused; a UTF-8 byte order mark is ignored. JSON: an
// array of objects, or an object {"members": [...]} ({"donations": [...]}), with the
// column names as keys and strings as values (amount and value may also be numbers). The
// line of a row is its CSV line, or the line of its object's "{". Values are trimmed of
// surrounding spaces. A UTF-8 byte order mark is ignored in either format.
//
// Members: external_id, kind, name, constituency, joined; optional email, paid_through,
// standing, representative_name, representative_email, representative_since.
// Donations: external_id, member, amount, currency, date; optional value, source.
package rollfile

import (
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"

	"github.com/govboard/govboard/elections"
)

// The file formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// maxProblems is the most problems reported for one file: enough to fix a file in one go,
// few enough to read.
const maxProblems = 100

// FormatFromName returns the format of a file by its extension, .csv or .json (in any case).
func FormatFromName(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV, nil
	case ".json":
		return FormatJSON, nil
	}
	return "", elections.Errorf(elections.EINVALID,
		"cannot tell the format of %q from its name: name it .csv or .json, or give the format", filepath.Base(name))
}

// FormatFromMediaType returns the format of a request body by its Content-Type: text/csv
// or application/json (parameters such as charset are ignored).
func FormatFromMediaType(ct string) (string, error) {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		switch strings.ToLower(mt) {
		case "text/csv":
			return FormatCSV, nil
		case "application/json":
			return FormatJSON, nil
		}
	}
	return "", elections.Errorf(elections.EINVALID, "content type %q is not an import format: send text/csv or application/json", ct)
}

// column is one column of a file (a key of its JSON objects).
type column[T any] struct {
	name     string
	required bool
	// number: JSON numbers are accepted and kept as their literal text.
	number bool
	field  func(*T) *string
}

// layout says how the rows of one kind of file are written.
type layout[T any] struct {
	// plural is the key of the JSON wrapper object, e.g. "members".
	plural  string
	columns []column[T]
	line    func(*T) *int
	// given, when set, records on each row which columns its file has (CSV) or its object
	// has (JSON), so that an update leaves the fields of absent columns as they are.
	given func(*T) *map[string]bool
}

func (l *layout[T]) column(name string) *column[T] {
	for i := range l.columns {
		if l.columns[i].name == name {
			return &l.columns[i]
		}
	}
	return nil
}

func (l *layout[T]) names() string {
	names := make([]string, len(l.columns))
	for i, c := range l.columns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

var members = &layout[elections.MemberInput]{
	plural: "members",
	columns: []column[elections.MemberInput]{
		{name: "external_id", required: true, field: func(m *elections.MemberInput) *string { return &m.ExternalID }},
		{name: "kind", required: true, field: func(m *elections.MemberInput) *string { return &m.Kind }},
		{name: "name", required: true, field: func(m *elections.MemberInput) *string { return &m.Name }},
		{name: "email", field: func(m *elections.MemberInput) *string { return &m.Email }},
		{name: "constituency", required: true, field: func(m *elections.MemberInput) *string { return &m.Constituency }},
		{name: "joined", required: true, field: func(m *elections.MemberInput) *string { return &m.Joined }},
		{name: "paid_through", field: func(m *elections.MemberInput) *string { return &m.PaidThrough }},
		{name: "standing", field: func(m *elections.MemberInput) *string { return &m.Standing }},
		{name: "representative_name", field: func(m *elections.MemberInput) *string { return &m.RepresentativeName }},
		{name: "representative_email", field: func(m *elections.MemberInput) *string { return &m.RepresentativeEmail }},
		{name: "representative_since", field: func(m *elections.MemberInput) *string { return &m.RepresentativeSince }},
	},
	line:  func(m *elections.MemberInput) *int { return &m.Line },
	given: func(m *elections.MemberInput) *map[string]bool { return &m.Given },
}

var donations = &layout[elections.DonationInput]{
	plural: "donations",
	columns: []column[elections.DonationInput]{
		{name: "external_id", required: true, field: func(d *elections.DonationInput) *string { return &d.ExternalID }},
		{name: "member", required: true, field: func(d *elections.DonationInput) *string { return &d.Member }},
		{name: "amount", required: true, number: true, field: func(d *elections.DonationInput) *string { return &d.Amount }},
		{name: "currency", required: true, field: func(d *elections.DonationInput) *string { return &d.Currency }},
		{name: "date", required: true, field: func(d *elections.DonationInput) *string { return &d.Date }},
		{name: "value", number: true, field: func(d *elections.DonationInput) *string { return &d.Value }},
		{name: "source", field: func(d *elections.DonationInput) *string { return &d.Source }},
	},
	line: func(d *elections.DonationInput) *int { return &d.Line },
}

// ReadMembers reads a members file in format (FormatCSV or FormatJSON). Every row has its
// Line. A file of the wrong shape is an EINVALID *elections.Error whose Details hold each
// problem as "line N: problem" (at most 100) and whose Message is the first.
func ReadMembers(r io.Reader, format string) ([]elections.MemberInput, error) {
	return read(r, format, members)
}

// ReadDonations reads a donations file in format (FormatCSV or FormatJSON), like
// ReadMembers.
func ReadDonations(r io.Reader, format string) ([]elections.DonationInput, error) {
	return read(r, format, donations)
}

func read[T any](r io.Reader, format string, l *layout[T]) ([]T, error) {
	var p problems
	var rows []T
	var err error
	switch format {
	case FormatCSV:
		rows, err = readCSV(r, l, &p)
	case FormatJSON:
		rows, err = readJSON(r, l, &p)
	default:
		return nil, elections.Errorf(elections.EINVALID, "unknown file format %q: csv or json", format)
	}
	if err != nil {
		return nil, err
	}
	if len(p.list) > 0 {
		return nil, &elections.Error{Code: elections.EINVALID, Message: p.list[0], Details: p.list}
	}
	if rows == nil {
		rows = []T{}
	}
	return rows, nil
}

// problems collects the problems of a file, up to maxProblems.
type problems struct {
	list []string
}

// add records a problem on line; it returns false when the file has too many problems to
// go on (a last entry then says so).
func (p *problems) add(line int, format string, args ...any) bool {
	if p.full() {
		return false
	}
	if len(p.list) == maxProblems {
		p.list = append(p.list, fmt.Sprintf("line %d: more problems; stopped after %d", line, maxProblems))
		return false
	}
	p.list = append(p.list, fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, args...)))
	return true
}

func (p *problems) full() bool { return len(p.list) > maxProblems }
