package blt

import (
	"bytes"
	"errors"

	"github.com/govboard/govboard/pkg/tally"
)

// ballot reads "[(id)] weight pref pref … 0" starting at b[i].
func (p *parser) ballot(b []byte, i int) error {
	p.ballots = true
	if b[i] == '(' {
		k := bytes.IndexByte(b[i:], ')')
		if k < 0 {
			return p.errf("ballot id %q has no closing parenthesis", b[i:skipToken(b, i)])
		}
		i = skip(b, i+k+1)
		if i == len(b) {
			return p.errf("ballot id without a ballot")
		}
	}
	if b[i] == '-' {
		return p.errf("ballot weight %q is not positive", b[i:skipToken(b, i)])
	}
	w, i, err := p.number(b, i, "ballot weight", 0)
	if err != nil {
		return err
	}
	if w == 0 {
		return p.errf("ballot weight 0 is not positive")
	}
	if err := p.prefs(b, i); err != nil {
		return err
	}
	if err := p.bb.AddBallot(w, p.cands, p.levels); err != nil {
		// The builder's errors (a weight over tally.MaxTotalWeight, …) become this line's error,
		// in the builder's words without its "invalid count input" prefix: *Error matches
		// tally.ErrInvalid already.
		var ie *tally.InputError
		if errors.As(err, &ie) {
			return p.errf("%s", ie.Reason)
		}
		return p.errf("%v", err)
	}
	return nil
}

// digits reads at most 9 decimal digits at b[i:] (so the value fits any int) and reports
// whether they end the number.
func digits(b []byte, i int) (v int64, j int, ok bool) {
	for j = i; j < len(b) && j-i < 9; j++ {
		d := b[j] - '0'
		if d > 9 {
			break
		}
		v = v*10 + int64(d)
	}
	return v, j, j > i && (j == len(b) || b[j]-'0' > 9)
}

// prefs reads the preferences of a ballot line, up to and including the closing 0, into
// p.cands and p.levels. It is the reader's inner loop: plain digits take a fast path and
// anything unusual goes through number for its error message.
func (p *parser) prefs(b []byte, i int) error {
	n := int64(len(p.e.Candidates))
	p.cands, p.levels = p.cands[:0], p.levels[:0]
	p.serial++
	if p.serial == 0 {
		clear(p.stamp)
		p.serial = 1
	}
	level := int32(0)
	for {
		i = skip(b, i)
		if i == len(b) {
			return p.errf("ballot does not end with 0")
		}
		if b[i] == '-' && (i+1 == len(b) || isSpace(b[i+1])) {
			i++ // a skipped rank: the next preference follows on
			continue
		}
		level++
		for first := true; ; first = false {
			c, j, ok := digits(b, i)
			if !ok || (j < len(b) && !isSpace(b[j]) && b[j] != '=') {
				var err error
				if c, j, err = p.number(b, i, "candidate", '='); err != nil {
					return err
				}
			}
			if c == 0 && first && (j == len(b) || b[j] != '=') {
				if rest := skip(b, j); rest != len(b) {
					return p.errf("unexpected %q after the 0 that ends the ballot", bytes.TrimSpace(b[rest:]))
				}
				return nil
			}
			if c < 1 || c > n {
				return p.errf("candidate %d is not in 1..%d", c, n)
			}
			if p.stamp[c-1] == p.serial {
				return p.errf("candidate %d is ranked twice on one ballot", c)
			}
			p.stamp[c-1] = p.serial
			p.cands = append(p.cands, int32(c-1))
			p.levels = append(p.levels, level)
			if i = j; i == len(b) || b[i] != '=' {
				break
			}
			i++
		}
	}
}

// names reads the quoted candidate names and title after the ballots.
func (p *parser) names(b []byte) error {
	for i := skip(b, 0); i < len(b) && b[i] != '#'; i = skip(b, i) {
		n := len(p.e.Candidates)
		what := "candidate name"
		if len(p.strs) >= n {
			what = "title"
		}
		if len(p.strs) > n {
			return p.errf("unexpected text after the title")
		}
		if b[i] != '"' {
			return p.errf("expected a quoted %s, found %q", what, b[i:skipToken(b, i)])
		}
		s, j, err := p.quoted(b, i)
		if err != nil {
			return err
		}
		if len(p.strs) < n {
			if err := p.checkName(s); err != nil {
				return err
			}
		}
		p.strs = append(p.strs, s)
		i = j
	}
	return nil
}

// quoted reads the quoted string at b[i]; \" and \\ are escapes, any other backslash is kept.
func (p *parser) quoted(b []byte, i int) (string, int, error) {
	var sb []byte
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(sb), j + 1, nil
		case c == '\\' && j+1 < len(b) && (b[j+1] == '"' || b[j+1] == '\\'):
			sb = append(sb, b[j+1])
			j++
		case c == '\n' || c == '\r':
			j = len(b)
		default:
			sb = append(sb, c)
		}
	}
	return "", 0, p.errf("quoted text %s has no closing quote", bytes.TrimRight(b[i:], "\r\n"))
}

func (p *parser) checkName(s string) error {
	if s == "" {
		return p.errf("candidate %d has an empty name", len(p.strs)+1)
	}
	if p.seen == nil {
		p.seen = make(map[string]int)
	}
	if k, dup := p.seen[s]; dup {
		return p.errf("candidate %d has the same name %q as candidate %d", len(p.strs)+1, s, k)
	}
	p.seen[s] = len(p.strs) + 1
	return nil
}

// finish checks that the file was complete and returns the election.
func (p *parser) finish() (*tally.Election, error) {
	switch p.phase {
	case phaseHeader:
		return nil, &Error{Line: max(p.lineNo, 1), Msg: "no header line \"candidates seats\""}
	case phaseBallots:
		return nil, p.errf("missing the line 0 that ends the ballots")
	}
	n := len(p.e.Candidates)
	if len(p.strs) < n {
		return nil, p.errf("expected %d candidate names, found %d", n, len(p.strs))
	}
	for k, s := range p.strs[:n] {
		p.e.Candidates[k].Name = s
	}
	if len(p.strs) > n {
		p.e.Title = p.strs[n]
	}
	p.e.Ballots = p.bb.Ballots()
	p.e.Kind = tally.KindRanking
	e := p.e
	return &e, nil
}
