package elections

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// externalIDPattern is the form of member and donation external ids.
var externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,63}$`)

// isoCurrencyPattern is the form of an ISO 4217 currency code.
var isoCurrencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// rowProblems collects the problems of input rows, all of them, in row order.
type rowProblems []string

// add records a problem of the row on line (0: a single request, no line) about field ("":
// the row as a whole), formatted "line N: field: problem".
func (p *rowProblems) add(line int, field, format string, args ...any) {
	var b strings.Builder
	if line > 0 {
		fmt.Fprintf(&b, "line %d: ", line)
	}
	if field != "" {
		b.WriteString(field + ": ")
	}
	fmt.Fprintf(&b, format, args...)
	*p = append(*p, b.String())
}

// err returns the problems as one EINVALID error (Message: the first), or nil.
func (p rowProblems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: p[0], Details: p}
}

// checkExternalID reports a missing or malformed external id in field.
func (p *rowProblems) checkExternalID(line int, field, id string) bool {
	switch {
	case id == "":
		p.add(line, field, "required")
	case !externalIDPattern.MatchString(id):
		p.add(line, field, "%q is not an external id (1 to 64 letters, digits and . _ : @ + -, starting with a letter or digit)", id)
	default:
		return true
	}
	return false
}

// parseDateField reads a date of field; required says whether it may be empty.
func (p *rowProblems) parseDateField(line int, field, s string, required bool) Date {
	if s == "" {
		if required {
			p.add(line, field, "required (YYYY-MM-DD)")
		}
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		p.add(line, field, "%s", ErrorMessage(err))
	}
	return d
}

// parseEmailField reads an optional e-mail address of field.
func (p *rowProblems) parseEmailField(line int, field, s string) string {
	if s == "" {
		return ""
	}
	e, err := NormalizeEmail(s)
	if err != nil {
		p.add(line, field, "%s", ErrorMessage(err))
	}
	return e
}

// latestCharterFor returns the latest charter version, or EINVALID "apply a charter before
// <what>" when none was applied. The roll is always checked against the latest version: a
// member belongs to a constituency of the board as it is now.
func latestCharterFor(ctx context.Context, st Store, what string) (*Charter, error) {
	cs, err := st.Charters(ctx)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, Errorf(EINVALID, "apply a charter before %s", what)
	}
	return &cs[len(cs)-1], nil
}

// rollCharterOn returns the charter version in force on d: the last one whose
// EffectiveFrom is on or before d; nil when none is.
func rollCharterOn(cs []Charter, d Date) *Charter {
	for i := len(cs) - 1; i >= 0; i-- {
		if !cs[i].EffectiveFrom.After(d) {
			return &cs[i]
		}
	}
	return nil
}

// rollConstituency returns the constituency of c with key, or nil.
func rollConstituency(c *Charter, key string) *Constituency {
	for i := range c.Constituencies {
		if c.Constituencies[i].Key == key {
			return &c.Constituencies[i]
		}
	}
	return nil
}

// fieldChange is one changed field in an event payload.
type fieldChange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// fieldDiff collects the fields that differ, in the order they are compared.
type fieldDiff struct {
	names   []string
	changes map[string]fieldChange
}

// compare records field when from and to differ.
func (d *fieldDiff) compare(field, from, to string) {
	if from == to {
		return
	}
	if d.changes == nil {
		d.changes = make(map[string]fieldChange)
	}
	d.names = append(d.names, field)
	d.changes[field] = fieldChange{From: from, To: to}
}
