package rollfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonReader walks a JSON file token by token, so that each row's line is known.
type jsonReader[T any] struct {
	data []byte
	dec  *json.Decoder
	l    *layout[T]
	p    *problems
	// pos and line: the line of byte offset pos, advanced as the decoder moves on.
	pos, line int
}

// errStop ends the reading: a syntax error, or too many problems.
var errStop = errors.New("stop")

func readJSON[T any](r io.Reader, l *layout[T], p *problems) ([]T, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, bom) // as in CSV files: some editors write one before JSON too
	jr := &jsonReader[T]{data: data, dec: json.NewDecoder(bytes.NewReader(data)), l: l, p: p, line: 1}
	jr.dec.UseNumber()
	rows, err := jr.file()
	if errors.Is(err, errStop) {
		return nil, nil
	}
	return rows, err
}

// lineAt returns the line of byte offset off; offsets must not go backwards.
func (jr *jsonReader[T]) lineAt(off int64) int {
	end := min(int(off), len(jr.data))
	if end > jr.pos {
		jr.line += bytes.Count(jr.data[jr.pos:end], []byte{'\n'})
		jr.pos = end
	}
	return jr.line
}

// here is the line of the token just read.
func (jr *jsonReader[T]) here() int { return jr.lineAt(jr.dec.InputOffset() - 1) }

// token reads the next token; a syntax error is recorded and stops the reading.
func (jr *jsonReader[T]) token() (json.Token, error) {
	tok, err := jr.dec.Token()
	if err == nil {
		return tok, nil
	}
	return nil, jr.fail(err)
}

// fail records a syntax error or an early end of the file and returns errStop; other errors
// (reading) are returned as they are.
func (jr *jsonReader[T]) fail(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		jr.p.add(jr.lineAt(se.Offset), "not valid JSON: %v", se)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		jr.p.add(jr.lineAt(int64(len(jr.data))), "the file ends before the JSON value does")
	default:
		return err
	}
	return errStop
}

// problem records a problem; it stops the reading when there are too many.
func (jr *jsonReader[T]) problem(line int, format string, args ...any) error {
	if !jr.p.add(line, format, args...) {
		return errStop
	}
	return nil
}

// file reads the top-level value: an array of rows, or {"<plural>": [rows]}.
func (jr *jsonReader[T]) file() ([]T, error) {
	tok, err := jr.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, jr.problem(1, "the file is empty: want a JSON array of %s", jr.l.plural)
	}
	if err != nil {
		return nil, jr.fail(err)
	}
	var rows []T
	switch tok {
	case json.Delim('['):
		rows, err = jr.rows()
	case json.Delim('{'):
		rows, err = jr.wrapper()
	default:
		return nil, jr.problem(jr.here(), "the file must be a JSON array of %s, or an object {%q: [...]}", jr.l.plural, jr.l.plural)
	}
	if err != nil {
		return nil, err
	}
	if _, err := jr.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, jr.problem(jr.lineAt(jr.dec.InputOffset()), "more after the end of the JSON value")
	}
	return rows, nil
}

// wrapper reads the object {"<plural>": [rows]}, after its "{".
func (jr *jsonReader[T]) wrapper() ([]T, error) {
	var rows []T
	found := false
	for jr.dec.More() {
		key, err := jr.token()
		if err != nil {
			return nil, err
		}
		line := jr.here()
		if key != jr.l.plural || found {
			what := fmt.Sprintf("unknown key %q: the object holds one key, %q", key, jr.l.plural)
			if found && key == jr.l.plural {
				what = fmt.Sprintf("key %q is given twice", key)
			}
			if err := jr.problem(line, "%s", what); err != nil {
				return nil, err
			}
			if err := jr.skip(); err != nil {
				return nil, err
			}
			continue
		}
		found = true
		tok, err := jr.token()
		if err != nil {
			return nil, err
		}
		if tok != json.Delim('[') {
			_ = jr.problem(jr.here(), "%q must be an array", jr.l.plural)
			return nil, errStop
		}
		if rows, err = jr.rows(); err != nil {
			return nil, err
		}
	}
	if _, err := jr.token(); err != nil { // "}"
		return nil, err
	}
	if !found {
		return nil, jr.problem(jr.here(), "no %q array in the object", jr.l.plural)
	}
	return rows, nil
}

// rows reads the rows of an array, after its "[", up to and including its "]".
func (jr *jsonReader[T]) rows() ([]T, error) {
	var rows []T
	for jr.dec.More() {
		tok, err := jr.token()
		if err != nil {
			return nil, err
		}
		line := jr.here()
		if tok != json.Delim('{') {
			if err := jr.problem(line, "each of the %s must be a JSON object, not %s", jr.l.plural, kindOf(tok)); err != nil {
				return nil, err
			}
			if err := jr.skipRest(tok); err != nil {
				return nil, err
			}
			continue
		}
		row, err := jr.row(line)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	_, err := jr.token() // "]"
	return rows, err
}

// row reads one object, after its "{" on line, up to and including its "}".
func (jr *jsonReader[T]) row(line int) (T, error) {
	var row T
	*jr.l.line(&row) = line
	seen := make(map[string]bool, len(jr.l.columns))
	for jr.dec.More() {
		tok, err := jr.token()
		if err != nil {
			return row, err
		}
		key, _ := tok.(string)
		c := jr.l.column(key)
		if c == nil || seen[key] {
			what := fmt.Sprintf("unknown key %q (keys: %s)", key, jr.l.names())
			if c != nil {
				what = fmt.Sprintf("key %q is given twice", key)
			}
			if err := jr.problem(line, "%s", what); err != nil {
				return row, err
			}
			if err := jr.skip(); err != nil {
				return row, err
			}
			continue
		}
		seen[key] = true
		if err := jr.value(line, c, &row); err != nil {
			return row, err
		}
	}
	if jr.l.given != nil {
		*jr.l.given(&row) = seen
	}
	_, err := jr.token() // "}"
	return row, err
}

// value reads the value of column c into row: a string, or a number where c allows one.
func (jr *jsonReader[T]) value(line int, c *column[T], row *T) error {
	tok, err := jr.token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case string:
		*c.field(row) = strings.TrimSpace(v)
		return nil
	case json.Number:
		if c.number {
			*c.field(row) = v.String()
			return nil
		}
	}
	want := "a string"
	if c.number {
		want = "a string or a number"
	}
	if err := jr.problem(line, "%s: must be %s, not %s", c.name, want, kindOf(tok)); err != nil {
		return err
	}
	return jr.skipRest(tok)
}

// skip reads and drops the next value.
func (jr *jsonReader[T]) skip() error {
	tok, err := jr.token()
	if err != nil {
		return err
	}
	return jr.skipRest(tok)
}

// skipRest drops the rest of a value whose first token was tok.
func (jr *jsonReader[T]) skipRest(tok json.Token) error {
	depth := 0
	for {
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = jr.token(); err != nil {
			return err
		}
	}
}

// kindOf names the JSON type of a value by its first token.
func kindOf(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprint(v)
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", v)
	}
	return fmt.Sprint(tok)
}
