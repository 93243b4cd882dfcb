// Package charterfile reads a board charter written in YAML (or JSON, which YAML includes)
// into an elections.Charter. It checks the file's shape — keys, types, dates, amounts — and
// reports every problem with its line; whether the charter makes sense (seat counts, methods,
// cohorts) is the domain's to decide when the charter is applied.
//
// The format:
//
//	name: The Matrix.org Foundation Governing Board
//	effective_from: 2024-01-01
//	currency: USD
//	term_years: 2
//	first_election: 2024
//	rules:                                  # all optional
//	  one_constituency_per_nominee: true    # default true when omitted
//	  affiliation_cap: {max: 2, scope: board}
//	  term_limit: {max_consecutive_terms: 2}
//	  quorum: {min_turnout_percent: 10}
//	  roll_additions_after_freeze: false
//	  runoff_on_tie: false                  # a tie the seed would break goes to a runoff round
//	constituencies:
//	  - key: individual
//	    name: Individual Members
//	    category: Community
//	    seats: 4
//	    members_per_seat: 50          # optional: ratio seats
//	    seating: elected              # elected | ex_officio | appointed
//	    elected_in: odd               # even | odd (needs term_years 2), or cohort: 1
//	    method: meek
//	    uncontested: acclamation      # acclamation | confidence
//	    eligibility: {rule: donation, min_donation: "60.00", window_start: "04-20"}
//	    quorum: {min_turnout_percent: 10}
package charterfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/govboard/govboard/elections"
)

// Parse reads the charter in data; name (a file name, or "request") prefixes each problem.
// The error is an *elections.Error with code EINVALID whose Details hold every problem as
// "NAME:LINE: problem" and whose Message is the first. The charter has no Version,
// AppliedAt or Fingerprint: applying it sets them.
func Parse(data []byte, name string) (*elections.Charter, error) {
	p := &parser{name: name}
	root, ok := p.document(data)
	if !ok {
		return nil, p.err()
	}
	c := p.charter(root)
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	return c, nil
}

func (p *parser) err() error {
	return &elections.Error{Code: elections.EINVALID, Message: p.problems[0], Details: p.problems}
}

// yamlLine finds the line in the YAML library's syntax errors ("yaml: line 3: …").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document returns the root node of the single YAML document in data.
func (p *parser) document(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		p.problemAt(1, "the file is empty: a charter is a mapping with name, effective_from, … and constituencies")
		return nil, false
	}
	if err != nil {
		p.syntax(err)
		return nil, false
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		p.problemAt(next.Line, "a second YAML document (after ---): a charter file holds one")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		p.syntax(err)
		return nil, false
	}
	return doc.Content[0], true
}

// syntax records a YAML syntax error, with its line when the library gives one.
func (p *parser) syntax(err error) {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.problemAt(line, "%s", m[2])
		return
	}
	p.problems = append(p.problems, fmt.Sprintf("%s: %s", p.name, err.Error()))
}

// constituencyCycle keeps where a constituency's elected_in and cohort were given, resolved
// once term_years is known.
type constituencyCycle struct {
	node      *yaml.Node // the constituency's mapping
	label     string
	electedIn *yaml.Node
	cohortSet bool
}

// charter decodes the top-level mapping.
func (p *parser) charter(n *yaml.Node) *elections.Charter {
	c := &elections.Charter{Rules: elections.CharterRules{OneConstituencyPerNominee: true}}
	termYearsOK := true
	var cycles []constituencyCycle
	p.mapping(n, "charter", []field{
		{"name", p.text("name", &c.Name)},
		{"effective_from", p.date("effective_from", &c.EffectiveFrom)},
		{"currency", p.text("currency", &c.Currency)},
		{"term_years", func(v *yaml.Node) {
			c.TermYears, termYearsOK = p.intValue(v, "term_years")
		}},
		{"first_election", p.integer("first_election", &c.FirstElection)},
		{"rules", func(v *yaml.Node) { p.rules(v, &c.Rules) }},
		{"constituencies", func(v *yaml.Node) { c.Constituencies, cycles = p.constituencies(v) }},
	})
	if termYearsOK {
		for i, cy := range cycles {
			p.cycle(cy, c.TermYears, &c.Constituencies[i])
		}
	}
	return c
}

// cycle sets the cohort of a constituency from elected_in, or reports why it cannot.
func (p *parser) cycle(cy constituencyCycle, termYears int, c *elections.Constituency) {
	switch {
	case cy.electedIn != nil && cy.cohortSet:
		p.problem(cy.electedIn, "%s: give elected_in or cohort, not both", cy.label)
	case cy.electedIn != nil:
		v := cy.electedIn
		if v.Kind != yaml.ScalarNode || (v.Value != "even" && v.Value != "odd") {
			p.problem(v, "%s: elected_in: must be even or odd, not %s", cy.label, describe(v))
			return
		}
		if termYears != 2 {
			p.problem(v, "%s: elected_in (even or odd) needs term_years: 2%s; use cohort instead: "+
				"the seats are elected in the years y where y %% term_years is the cohort", cy.label, given(termYears))
			return
		}
		if v.Value == "odd" {
			c.Cohort = 1
		}
	case !cy.cohortSet && c.Seating == elections.SeatingElected:
		p.problem(cy.node, "%s: an elected constituency needs elected_in (even or odd) or cohort", cy.label)
	}
}

// given says what term_years is when it is set.
func given(termYears int) string {
	if termYears == 0 {
		return ""
	}
	return fmt.Sprintf(" (it is %d)", termYears)
}

func (p *parser) rules(n *yaml.Node, r *elections.CharterRules) {
	p.mapping(n, "rules", []field{
		{"one_constituency_per_nominee", p.boolean("rules.one_constituency_per_nominee", &r.OneConstituencyPerNominee)},
		{"affiliation_cap", func(v *yaml.Node) {
			r.AffiliationCap = &elections.AffiliationCap{}
			p.mapping(v, "rules.affiliation_cap", []field{
				{"max", p.integer("rules.affiliation_cap.max", &r.AffiliationCap.Max)},
				{"scope", p.text("rules.affiliation_cap.scope", &r.AffiliationCap.Scope)},
			})
		}},
		{"term_limit", func(v *yaml.Node) {
			r.TermLimit = &elections.TermLimit{}
			p.mapping(v, "rules.term_limit", []field{
				{"max_consecutive_terms", p.integer("rules.term_limit.max_consecutive_terms", &r.TermLimit.MaxConsecutiveTerms)},
			})
		}},
		{"quorum", func(v *yaml.Node) { r.Quorum = p.quorum(v, "rules.quorum") }},
		{"roll_additions_after_freeze", p.boolean("rules.roll_additions_after_freeze", &r.RollAdditionsAfterFreeze)},
		{"runoff_on_tie", p.boolean("rules.runoff_on_tie", &r.RunoffOnTie)},
	})
}

func (p *parser) quorum(n *yaml.Node, path string) *elections.Quorum {
	q := &elections.Quorum{}
	p.mapping(n, path, []field{
		{"min_turnout_percent", p.integer(path+".min_turnout_percent", &q.MinTurnoutPercent)},
	})
	return q
}

// constituencies decodes the list of constituencies, in order.
func (p *parser) constituencies(n *yaml.Node) ([]elections.Constituency, []constituencyCycle) {
	if n.Kind != yaml.SequenceNode {
		p.problem(n, "constituencies: must be a list, not %s", describe(n))
		return nil, nil
	}
	cs := make([]elections.Constituency, len(n.Content))
	cycles := make([]constituencyCycle, len(n.Content))
	for i, item := range n.Content {
		cycles[i] = p.constituency(item, i+1, &cs[i])
	}
	return cs, cycles
}

// constituency decodes one constituency; problems name it by its key when it has one.
func (p *parser) constituency(n *yaml.Node, number int, c *elections.Constituency) constituencyCycle {
	label := fmt.Sprintf("constituency %d", number)
	if k := keyOf(n); k != "" {
		label = fmt.Sprintf("constituency %q", k)
	}
	cy := constituencyCycle{node: n, label: label}
	if n.Kind == yaml.AliasNode {
		p.problem(n, "%s: aliases (*name) are not supported in a charter; write the value out", label)
		return cy
	}
	at := func(key string) string { return label + ": " + key }
	p.mapping(n, label, []field{
		{"key", p.text(at("key"), &c.Key)},
		{"name", p.text(at("name"), &c.Name)},
		{"category", p.text(at("category"), &c.Category)},
		{"seats", p.integer(at("seats"), &c.Seats)},
		{"members_per_seat", p.integer(at("members_per_seat"), &c.MembersPerSeat)},
		{"seating", func(v *yaml.Node) {
			var s string
			p.text(at("seating"), &s)(v)
			c.Seating = elections.Seating(s)
		}},
		{"elected_in", func(v *yaml.Node) { cy.electedIn = v }},
		{"cohort", func(v *yaml.Node) {
			cy.cohortSet = true
			p.integer(at("cohort"), &c.Cohort)(v)
		}},
		{"method", p.text(at("method"), &c.Method)},
		{"uncontested", func(v *yaml.Node) {
			var s string
			p.text(at("uncontested"), &s)(v)
			c.Uncontested = elections.UncontestedPolicy(s)
		}},
		{"eligibility", func(v *yaml.Node) { p.eligibility(v, label, &c.Eligibility) }},
		{"quorum", func(v *yaml.Node) { c.Quorum = p.quorum(v, at("quorum")) }},
	})
	return cy
}

// keyOf returns the value of the key "key" of a mapping, if it is a scalar.
func keyOf(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "key" && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

func (p *parser) eligibility(n *yaml.Node, label string, e *elections.Eligibility) {
	at := func(key string) string { return label + ": eligibility." + key }
	p.mapping(n, label+": eligibility", []field{
		{"rule", func(v *yaml.Node) {
			var s string
			p.text(at("rule"), &s)(v)
			e.Rule = elections.EligibilityRule(s)
		}},
		{"min_donation", p.amount(at("min_donation"), &e.MinDonation)},
		{"window_start", p.monthDay(at("window_start"), &e.WindowStart)},
	})
}
