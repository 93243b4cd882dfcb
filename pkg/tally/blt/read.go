package blt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/govboard/govboard/pkg/tally"
)

// ErrSyntax is matched (errors.Is) by every error caused by the content of a BLT file.
var ErrSyntax = errors.New("blt: bad ballot file")

// Error is a problem in a BLT file at a given line.
type Error struct {
	// Path is the file name when the file was read with ReadFile.
	Path string
	// Line is the 1-based line number.
	Line int
	// Msg says what is wrong, e.g. "candidate 9 is not in 1..7".
	Msg string
}

// Error returns "path: line N: msg", or "line N: msg" without a path.
func (e *Error) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s: line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Unwrap lets errors.Is match both ErrSyntax and tally.ErrInvalid: a bad file is bad input.
func (e *Error) Unwrap() []error { return []error{ErrSyntax, tally.ErrInvalid} }

// Limits that keep a hostile file from making the reader allocate without bound before any
// ballot is read.
const (
	maxCandidates = 1 << 16
	maxSeats      = 1 << 16
)

// Options tune reading.
type Options struct {
	// Merge says which identical ballots are merged into one entry by adding weights. The
	// zero value, tally.MergeNone, keeps one entry per line; Read uses tally.MergeShort.
	// Counts are the same whatever the mode.
	Merge tally.MergeMode
}

// Read reads a BLT file, merging identical short ballots (see tally.MergeShort).
func Read(r io.Reader) (*tally.Election, error) { return ReadWith(r, Options{Merge: tally.MergeShort}) }

// ReadFile reads the BLT file at path; errors name the file.
func ReadFile(path string) (*tally.Election, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e, err := Read(f)
	var be *Error
	if errors.As(err, &be) {
		be.Path = path
	}
	return e, err
}

// ReadWith reads a BLT file with the given options.
func ReadWith(r io.Reader, opts Options) (*tally.Election, error) {
	p := &parser{merge: opts.Merge, sizeHint: sizeOf(r)}
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte // a line longer than the buffer, assembled in pieces
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
		}
		if len(line) > 0 {
			p.lineNo++
			if perr := p.line(line); perr != nil {
				return nil, perr
			}
		}
		long = long[:0:0]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return p.finish()
}

type phase int

const (
	phaseHeader phase = iota
	phaseBallots
	phaseNames
)

// parser holds the state of one read; it is fed line by line.
type parser struct {
	merge tally.MergeMode
	// The ballot being read: candidates (0-based) and preference levels, and a stamp per
	// candidate (== serial when already on this ballot) to find repeats in O(1).
	cands, levels []int32
	stamp         []uint32
	serial        uint32
	sizeHint      int64 // the input size in bytes when known
	lineNo        int
	phase         phase
	ballots       bool // a ballot line has been read (withdrawn lines must come first)
	e             tally.Election
	bb            *tally.BallotBuilder
	strs          []string // names then title
	seen          map[string]int
}

func (p *parser) errf(format string, args ...any) error {
	return &Error{Line: p.lineNo, Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func skip(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// line handles one line, newline included.
func (p *parser) line(b []byte) error {
	if p.phase == phaseNames {
		return p.names(b)
	}
	if k := bytes.IndexByte(b, '#'); k >= 0 {
		b = b[:k]
	}
	i := skip(b, 0)
	if i == len(b) {
		return nil
	}
	if p.phase == phaseHeader {
		return p.header(b, i)
	}
	switch {
	case b[i] == '-' && i+1 < len(b) && isDigit(b[i+1]):
		return p.withdrawn(b, i)
	case b[i] == '0' && skip(b, i+1) == len(b):
		p.phase = phaseNames
		return nil
	}
	return p.ballot(b, i)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number parses the unsigned decimal number at b[i:], which must end at a space, the end of
// the line or one of the bytes in stop. It returns the number and the index after it.
func (p *parser) number(b []byte, i int, what string, stop byte) (int64, int, error) {
	j := i
	var v int64
	for j < len(b) && isDigit(b[j]) {
		if j-i >= 18 {
			return 0, 0, p.errf("%s %s… is too large", what, b[i:j])
		}
		v = v*10 + int64(b[j]-'0')
		j++
	}
	if j == i || (j < len(b) && !isSpace(b[j]) && (stop == 0 || b[j] != stop)) {
		end := j
		for end < len(b) && !isSpace(b[end]) {
			end++
		}
		return 0, 0, p.errf("%s %q is not a whole number", what, b[i:end])
	}
	return v, j, nil
}

// header reads "candidates seats".
func (p *parser) header(b []byte, i int) error {
	n, i, err := p.number(b, i, "number of candidates", 0)
	if err != nil {
		return err
	}
	i = skip(b, i)
	if i == len(b) {
		return p.errf("the first line must be \"candidates seats\"; the number of seats is missing")
	}
	s, i, err := p.number(b, i, "number of seats", 0)
	if err != nil {
		return err
	}
	if skip(b, i) != len(b) {
		return p.errf("the first line must be \"candidates seats\"; unexpected %q", bytes.TrimSpace(b[i:]))
	}
	switch {
	case n < 1 || n > maxCandidates:
		return p.errf("number of candidates %d is not in 1..%d", n, maxCandidates)
	case s < 1 || s > maxSeats:
		return p.errf("number of seats %d is not in 1..%d", s, maxSeats)
	}
	p.e.Seats = int(s)
	p.e.Candidates = make([]tally.Candidate, n)
	p.bb = tally.NewBallotBuilder(int(n), p.merge)
	p.stamp = make([]uint32, n)
	if p.sizeHint > 0 {
		// A line of one voter is a dozen bytes or more, with a mark every 2–3 bytes. Reserving
		// that much up front saves copying growing slices; memory never written is never
		// touched, so an overestimate costs address space, not RAM.
		p.bb.Grow(int(min(p.sizeHint/12, 1<<26)), int(min(p.sizeHint/3, 1<<28)))
	}
	p.phase = phaseBallots
	return nil
}

// withdrawn reads a line of negative candidate ids.
func (p *parser) withdrawn(b []byte, i int) error {
	if p.ballots {
		return p.errf("withdrawn candidates (negative ids) must come before the first ballot")
	}
	n := len(p.e.Candidates)
	for i = skip(b, i); i < len(b); i = skip(b, i) {
		if b[i] != '-' {
			return p.errf("withdrawn candidates are negative ids; found %q", b[i:skipToken(b, i)])
		}
		c, j, err := p.number(b, i+1, "withdrawn candidate", 0)
		if err != nil {
			return err
		}
		if c < 1 || c > int64(n) {
			return p.errf("withdrawn candidate %d is not in 1..%d", c, n)
		}
		p.e.Candidates[c-1].Withdrawn = true
		i = j
	}
	return nil
}

func skipToken(b []byte, i int) int {
	for i < len(b) && !isSpace(b[i]) {
		i++
	}
	return i
}

// sizeOf returns the number of bytes r will yield, when r can tell (a file, a bytes or strings
// reader), else 0.
func sizeOf(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}
