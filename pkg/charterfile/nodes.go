package charterfile

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/govboard/govboard/elections"
)

// parser decodes one charter file and collects its problems.
type parser struct {
	name     string
	problems []string
}

// problem records a problem at the line of n.
func (p *parser) problem(n *yaml.Node, format string, args ...any) {
	p.problemAt(n.Line, format, args...)
}

func (p *parser) problemAt(line int, format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...)))
}

// field is one key a mapping may hold, with what to do with its value. Values that are null
// (an empty value, or ~) count as absent: decode is not called for them.
type field struct {
	key    string
	decode func(v *yaml.Node)
}

// mapping decodes the mapping n, reporting keys that are not scalars, given twice or unknown
// (with the known ones listed). It reports a problem and returns false when n is not a
// mapping.
func (p *parser) mapping(n *yaml.Node, path string, fields []field) bool {
	if n.Kind != yaml.MappingNode {
		p.problem(n, "%s: must be a mapping of keys to values, not %s", path, describe(n))
		return false
	}
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.problem(k, "%s: a key must be a plain word, not %s", path, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.problem(k, "%s: key %q is given twice (first on line %d)", path, k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		f := findField(fields, k.Value)
		if f == nil {
			p.problem(k, "%s: unknown key %q (known: %s)", path, k.Value, knownKeys(fields))
			continue
		}
		if v.Kind == yaml.AliasNode {
			p.problem(v, "%s: %s: aliases (*name) are not supported in a charter; write the value out", path, k.Value)
			continue
		}
		if isNull(v) {
			continue
		}
		f.decode(v)
	}
	return true
}

func findField(fields []field, key string) *field {
	for i := range fields {
		if fields[i].key == key {
			return &fields[i]
		}
	}
	return nil
}

func knownKeys(fields []field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return strings.Join(keys, ", ")
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what n is, for "must be X, not Y" problems.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the text %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// text decodes a string value into dst; numbers, booleans and collections are refused.
func (p *parser) text(path string, dst *string) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			p.problem(n, "%s: must be text, not %s", path, describe(n))
			return
		}
		*dst = n.Value
	}
}

// integer decodes a whole number into dst.
func (p *parser) integer(path string, dst *int) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if v, ok := p.intValue(n, path); ok {
			*dst = v
		}
	}
}

func (p *parser) intValue(n *yaml.Node, path string) (int, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 32)
		if err == nil {
			return int(v), true
		}
	}
	p.problem(n, "%s: must be a whole number, not %s", path, describe(n))
	return 0, false
}

// boolean decodes true or false into dst.
func (p *parser) boolean(path string, dst *bool) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			p.problem(n, "%s: must be true or false, not %s", path, describe(n))
			return
		}
		*dst = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	}
}

// date decodes a date written YYYY-MM-DD (quoted or not) into dst.
func (p *parser) date(path string, dst *elections.Date) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if !isScalarText(n) {
			p.problem(n, "%s: must be a date written YYYY-MM-DD, not %s", path, describe(n))
			return
		}
		d, err := elections.ParseDate(n.Value)
		if err != nil {
			p.problem(n, "%s: %s", path, elections.ErrorMessage(err))
			return
		}
		*dst = d
	}
}

// monthDay decodes a day of the year written MM-DD into dst.
func (p *parser) monthDay(path string, dst *elections.MonthDay) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if !isScalarText(n) {
			p.problem(n, "%s: must be a day of the year written MM-DD, not %s", path, describe(n))
			return
		}
		md, err := elections.ParseMonthDay(n.Value)
		if err != nil {
			p.problem(n, "%s: %s", path, elections.ErrorMessage(err))
			return
		}
		*dst = md
	}
}

// amount decodes an amount, written "60.00" or 60, into dst.
func (p *parser) amount(path string, dst *elections.Amount) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if !isScalarText(n) {
			p.problem(n, "%s: must be an amount such as \"60.00\", not %s", path, describe(n))
			return
		}
		a, err := elections.ParseAmount(n.Value)
		if err != nil {
			p.problem(n, "%s: %s", path, elections.ErrorMessage(err))
			return
		}
		*dst = a
	}
}

// isScalarText reports whether n is a scalar whose text is to be parsed: a string, an
// unquoted date (!!timestamp) or number.
func isScalarText(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!int", "!!float":
		return true
	}
	return false
}
