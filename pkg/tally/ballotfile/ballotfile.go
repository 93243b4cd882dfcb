// Package ballotfile reads and writes ballot files in JSON and CSV (DESIGN.md §5: "plus JSON
// and CSV"), and picks the reader of any ballot file, BLT included, by its extension.
//
// JSON, one object:
//
//	{"title": "Board 2026", "seats": 2,
//	 "candidates": ["Ann", "Bo"] or [{"name": "Ann", "withdrawn": false, "affiliation": "Org"}],
//	 "ballots": [
//	   {"weight": 2, "ranking": ["Ann", ["Bo", "Cy"], "Di"]},   ranked; an inner list ranks equally
//	   {"approve": ["Ann", "Bo"]},                             approval or plurality
//	   {"points": {"Ann": 3, "Bo": 1}},                        cumulative
//	   {"confidence": {"Ann": "yes", "Bo": "no"}}              yes / no / abstain
//	 ]}
//
// "weight" defaults to 1, and the total weight may not exceed tally.MaxTotalWeight. Candidates
// are named on ballots by name. All ballots of a file have the same form, which sets
// Election.Kind (ranking, approval, points or confidence); a file that mixes them is refused.
//
// CSV: a header row of candidate names, with an optional "weight" column, then one row per
// ballot. What a cell means depends on the Kind, which also sets Election.Kind: a rank (1, 2,
// 2, …; equal numbers rank equally; blank is unranked), an approval (x or yes, or a rank as in
// a ranking: a file with ranks below the first is then a ranking), points, or
// yes/no/abstain. CSV has
// no title, seat count or withdrawn candidates: the writer leaves withdrawn candidates out,
// which changes no count since they are skipped on every ballot.
//
// Errors name the line (and the ballot for JSON), are *Error values, and match ErrFormat and
// tally.ErrInvalid with errors.Is.
package ballotfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
)

// ErrFormat is matched (errors.Is) by every error caused by the content of a JSON or CSV
// ballot file.
var ErrFormat = errors.New("ballotfile: bad ballot file")

// Error is a problem in a ballot file.
type Error struct {
	Path string
	// Line is the 1-based line, 0 when unknown.
	Line int
	// Ballot is the 1-based ballot number in the file, 0 when the problem is not in a ballot.
	Ballot int
	Msg    string
}

// Error returns "path: line N: ballot K: msg", leaving out the parts that are unknown.
func (e *Error) Error() string {
	var parts []string
	if e.Path != "" {
		parts = append(parts, e.Path)
	}
	if e.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", e.Line))
	}
	if e.Ballot > 0 {
		parts = append(parts, fmt.Sprintf("ballot %d", e.Ballot))
	}
	return strings.Join(append(parts, e.Msg), ": ")
}

// Unwrap lets errors.Is match ErrFormat and tally.ErrInvalid: a bad file is bad input.
func (e *Error) Unwrap() []error { return []error{ErrFormat, tally.ErrInvalid} }

// Kind is what the marks of a ballot mean: tally.BallotKind under the names this package used
// first.
type Kind = tally.BallotKind

// The ballot kinds.
const (
	// Ranking: preference levels, 1 first; equal levels rank equally.
	Ranking = tally.KindRanking
	// Approval: every marked candidate is approved (also plurality ballots).
	Approval = tally.KindApproval
	// Points: the points given to each candidate (cumulative voting).
	Points = tally.KindPoints
	// Confidence: +1 yes, -1 no, 0 or no mark abstain.
	Confidence = tally.KindConfidence
)

// KindFor returns the ballot kind of a counting method (DESIGN.md §8 names).
func KindFor(method string) Kind {
	switch method {
	case "approval", "plurality":
		return Approval
	case "cumulative":
		return Points
	case "confidence":
		return Confidence
	}
	return Ranking
}

// ReadAny reads the ballot file at path, choosing the format by extension: .blt, .json or
// .csv (case-insensitive). kind says what CSV cells mean; BLT holds rankings and JSON says
// itself. Errors name the file.
func ReadAny(path string, kind Kind) (*tally.Election, error) {
	var read func(*os.File) (*tally.Election, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".blt":
		return blt.ReadFile(path)
	case ".json":
		read = func(f *os.File) (*tally.Election, error) { return ReadJSON(f) }
	case ".csv":
		read = func(f *os.File) (*tally.Election, error) { return ReadCSV(f, kind) }
	default:
		return nil, &Error{Path: path, Msg: "unknown ballot file type: the name must end in .blt, .json or .csv"}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e, err := read(f)
	var fe *Error
	if errors.As(err, &fe) {
		fe.Path = path
	}
	return e, err
}

// indexOf maps candidate names to indices.
func indexOf(cands []tally.Candidate) map[string]int {
	m := make(map[string]int, len(cands))
	for i, c := range cands {
		m[c.Name] = i
	}
	return m
}

// checkCandidates refuses empty and repeated names.
func checkCandidates(cands []tally.Candidate) string {
	if len(cands) == 0 {
		return "no candidates"
	}
	seen := make(map[string]int, len(cands))
	for i, c := range cands {
		if strings.TrimSpace(c.Name) == "" {
			return fmt.Sprintf("candidate %d has an empty name", i+1)
		}
		if j, dup := seen[c.Name]; dup {
			return fmt.Sprintf("candidate %d has the same name %q as candidate %d", i+1, c.Name, j+1)
		}
		seen[c.Name] = i
	}
	return ""
}

// reason returns the message of err for an *Error: the reason of a *tally.InputError (a *Error
// matches tally.ErrInvalid itself, so the "invalid count input" prefix would say it twice).
func reason(err error) string {
	var ie *tally.InputError
	if errors.As(err, &ie) {
		return ie.Reason
	}
	return err.Error()
}
