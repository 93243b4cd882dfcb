package elections

import (
	"fmt"

	"github.com/govboard/govboard/pkg/tally"
)

// ballotDecoder reads stored canonical contents back into marks, strictly: a content that
// canonical could not have written for its RoundBallot is an error, so that a damaged or
// forged row is found rather than counted. It reuses its buffers, so that decoding a million
// ballots allocates nothing per ballot.
type ballotDecoder struct {
	rb *RoundBallot
	// prefix is "<kind>:".
	prefix string
	// seen[p] == serial when position p is on the ballot being decoded.
	seen   []uint32
	serial uint32
	// cands (0-based) and values are the marks of the last ballot decoded, as tally.Mark
	// describes them.
	cands, values []int32
}

// newBallotDecoder returns a decoder for the ballots of rb.
func newBallotDecoder(rb *RoundBallot) *ballotDecoder {
	return &ballotDecoder{rb: rb, prefix: string(rb.Kind) + ":", seen: make([]uint32, len(rb.Candidates)+1)}
}

// decode reads content into d.cands and d.values (valid until the next call).
func (d *ballotDecoder) decode(content string) error {
	d.cands, d.values = d.cands[:0], d.values[:0]
	if d.serial++; d.serial == 0 {
		clear(d.seen)
		d.serial = 1
	}
	if len(content) < len(d.prefix) || content[:len(d.prefix)] != d.prefix {
		return fmt.Errorf("content %q is not a %s ballot", content, d.rb.Kind)
	}
	s := content[len(d.prefix):]
	if s == "" {
		return nil // an explicit abstention
	}
	var err error
	switch d.rb.Kind {
	case BallotRanking:
		err = d.ranking(s)
	case BallotApproval:
		err = d.approval(s)
	case BallotPoints:
		err = d.points(s)
	case BallotConfidence:
		err = d.confidence(s)
	default:
		err = fmt.Errorf("unknown ballot kind %q", d.rb.Kind)
	}
	if err != nil {
		return fmt.Errorf("content %q: %w", content, err)
	}
	return nil
}

// position reads a candidate position at the start of s: digits without a leading zero, in
// 1..n, not on the ballot yet. It returns the position and the rest of s.
func (d *ballotDecoder) position(s string) (int, string, error) {
	p, rest, ok := leadingNumber(s)
	switch {
	case !ok:
		return 0, "", fmt.Errorf("expected a candidate number at %q", s)
	case p > len(d.rb.Candidates):
		return 0, "", fmt.Errorf("candidate %d is not in 1..%d", p, len(d.rb.Candidates))
	case d.seen[p] == d.serial:
		return 0, "", fmt.Errorf("candidate %d appears twice", p)
	}
	d.seen[p] = d.serial
	return p, rest, nil
}

// leadingNumber reads a number ≥ 1 written without a leading zero at the start of s.
func leadingNumber(s string) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if i == 9 {
			return 0, "", false // more than the largest count or position we store
		}
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 || s[0] == '0' {
		return 0, "", false
	}
	return n, s[i:], true
}

// add appends a mark of position p.
func (d *ballotDecoder) add(p, value int) {
	d.cands = append(d.cands, int32(p-1))
	d.values = append(d.values, int32(value))
}

// ranking reads "3>1=2": candidates within a group ascending.
func (d *ballotDecoder) ranking(s string) error {
	level, prev := 1, 0
	for {
		p, rest, err := d.position(s)
		if err != nil {
			return err
		}
		if p < prev {
			return fmt.Errorf("equally ranked candidates are not in ascending order")
		}
		d.add(p, level)
		if len(d.cands) > d.rb.MaxMarks {
			return fmt.Errorf("more than %d candidates ranked", d.rb.MaxMarks)
		}
		if rest == "" {
			return nil
		}
		switch rest[0] {
		case '=':
			if !d.rb.AllowsTies {
				return fmt.Errorf("equal ranks under %s", d.rb.Method)
			}
			prev = p
		case '>':
			level, prev = level+1, 0
		default:
			return fmt.Errorf("unexpected %q", rest)
		}
		s = rest[1:]
	}
}

// approval reads "1,4": ascending.
func (d *ballotDecoder) approval(s string) error {
	prev := 0
	for {
		p, rest, err := d.position(s)
		if err != nil {
			return err
		}
		if p < prev {
			return fmt.Errorf("candidates are not in ascending order")
		}
		d.add(p, 1)
		if len(d.cands) > d.rb.MaxMarks {
			return fmt.Errorf("more than %d candidates marked", d.rb.MaxMarks)
		}
		if rest == "" {
			return nil
		}
		if rest[0] != ',' {
			return fmt.Errorf("unexpected %q", rest)
		}
		prev, s = p, rest[1:]
	}
}

// points reads "1=2,3=1": ascending, each ≥ 1, at most the budget in all.
func (d *ballotDecoder) points(s string) error {
	prev, total := 0, 0
	for {
		p, rest, err := d.position(s)
		if err != nil {
			return err
		}
		if p < prev {
			return fmt.Errorf("candidates are not in ascending order")
		}
		if rest == "" || rest[0] != '=' {
			return fmt.Errorf("candidate %d has no points", p)
		}
		n, rest, ok := leadingNumber(rest[1:])
		if !ok {
			return fmt.Errorf("candidate %d: points are not a number ≥ 1", p)
		}
		if total += n; total > d.rb.Points {
			return fmt.Errorf("more than %d points", d.rb.Points)
		}
		d.add(p, n)
		if rest == "" {
			return nil
		}
		if rest[0] != ',' {
			return fmt.Errorf("unexpected %q", rest)
		}
		prev, s = p, rest[1:]
	}
}

// confidence reads "1=yes,2=no": ascending.
func (d *ballotDecoder) confidence(s string) error {
	prev := 0
	for {
		p, rest, err := d.position(s)
		if err != nil {
			return err
		}
		if p < prev {
			return fmt.Errorf("candidates are not in ascending order")
		}
		switch {
		case len(rest) >= 4 && rest[:4] == "=yes":
			d.add(p, 1)
			rest = rest[4:]
		case len(rest) >= 3 && rest[:3] == "=no":
			d.add(p, -1)
			rest = rest[3:]
		default:
			return fmt.Errorf("candidate %d has no yes or no", p)
		}
		if rest == "" {
			return nil
		}
		if rest[0] != ',' {
			return fmt.Errorf("unexpected %q", rest)
		}
		prev, s = p, rest[1:]
	}
}

// marks returns the marks of the last ballot decoded as pkg/tally marks.
func (d *ballotDecoder) marks() []tally.Mark {
	out := make([]tally.Mark, len(d.cands))
	for k, c := range d.cands {
		out[k] = tally.Mark{Candidate: int(c), Value: int(d.values[k])}
	}
	return out
}
