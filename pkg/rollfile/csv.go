package rollfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// bom is the UTF-8 byte order mark some spreadsheets write at the start of a CSV file.
var bom = []byte("\ufeff")

// readCSV reads the header, then one row per record; a record with the wrong number of
// fields is a problem, and so is the first CSV syntax error (the reader cannot go on after it).
func readCSV[T any](r io.Reader, l *layout[T], p *problems) ([]T, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		p.add(1, "the file is empty: the first row must name the columns (%s)", l.names())
		return nil, nil
	}
	if err != nil {
		return nil, csvProblem(err, p)
	}
	cols := csvHeader(header, l, p)
	if len(p.list) > 0 {
		return nil, nil
	}
	given := make(map[string]bool, len(cols))
	for _, c := range cols {
		given[c.name] = true
	}
	var rows []T
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvProblem(err, p)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			if !p.add(line, "%d fields, but the header names %d columns", len(rec), len(cols)) {
				return nil, nil
			}
			continue
		}
		var row T
		*l.line(&row) = line
		if l.given != nil {
			*l.given(&row) = given
		}
		for i, v := range rec {
			if !utf8.ValidString(v) {
				if !p.add(line, "%s: not UTF-8 text", cols[i].name) {
					return nil, nil
				}
			}
			*cols[i].field(&row) = strings.TrimSpace(v)
		}
		if len(p.list) == 0 {
			rows = append(rows, row)
		}
	}
}

// csvHeader maps each column of the header to its column, reporting unknown, repeated and
// missing columns. Names are compared without case and surrounding spaces.
func csvHeader[T any](header []string, l *layout[T], p *problems) []*column[T] {
	cols := make([]*column[T], len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		c := l.column(name)
		switch {
		case name == "":
			p.add(1, "column %d of the header has no name", i+1)
		case c == nil:
			p.add(1, "unknown column %q (columns: %s)", h, l.names())
		case slices.Contains(cols[:i], c):
			p.add(1, "column %q is given twice", name)
		}
		cols[i] = c
	}
	for i := range l.columns {
		if c := &l.columns[i]; c.required && !slices.Contains(cols, c) {
			p.add(1, "no %s column: the header must name %s", c.name, requiredNames(l))
		}
	}
	return cols
}

func requiredNames[T any](l *layout[T]) string {
	var names []string
	for _, c := range l.columns {
		if c.required {
			names = append(names, c.name)
		}
	}
	return strings.Join(names, ", ")
}

// csvProblem records a CSV syntax error with its line; any other error is returned.
func csvProblem(err error, p *problems) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.add(pe.Line, "%v", pe.Err)
		return nil
	}
	return err
}
