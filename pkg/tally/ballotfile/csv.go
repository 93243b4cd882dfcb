package ballotfile

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/govboard/govboard/pkg/tally"
)

// weightColumn is the header of the optional weight column (compared case-insensitively).
const weightColumn = "weight"

type csvReader struct {
	r      *csv.Reader
	kind   Kind
	cols   []int // candidate index of each column, -1 for the weight column
	bb     *tally.BallotBuilder
	ranked []rankedCell
	ranks  bool // an approval file ranked some candidate below another
}

type rankedCell struct{ rank, cand int }

// ReadCSV reads a CSV ballot file whose cells mean what kind says (see the package comment;
// "" means Ranking). Ballots are kept one entry per row, in file order; the election has no
// seats (0) and the given Kind, except that an Approval file whose cells rank candidates below
// others is a Ranking.
func ReadCSV(r io.Reader, kind Kind) (*tally.Election, error) {
	switch kind {
	case "":
		kind = Ranking
	case Ranking, Approval, Points, Confidence:
	default:
		return nil, fmt.Errorf("ballotfile: unknown ballot kind %q", kind)
	}
	cr := &csvReader{r: csv.NewReader(r), kind: kind}
	cr.r.FieldsPerRecord = -1
	cr.r.ReuseRecord = true
	header, err := cr.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Line: 1, Msg: "empty file: no header row of candidate names"}
		}
		return nil, csvErr(err)
	}
	e := &tally.Election{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if strings.EqualFold(h, weightColumn) && !slices.Contains(cr.cols, -1) {
			cr.cols = append(cr.cols, -1)
			continue
		}
		if h == "" {
			return nil, &Error{Line: 1, Msg: fmt.Sprintf("column %d of the header has no candidate name", i+1)}
		}
		cr.cols = append(cr.cols, len(e.Candidates))
		e.Candidates = append(e.Candidates, tally.Candidate{Name: h})
	}
	if msg := checkCandidates(e.Candidates); msg != "" {
		return nil, &Error{Line: 1, Msg: msg}
	}
	cr.bb = tally.NewBallotBuilder(len(e.Candidates), tally.MergeNone)
	for n := 1; ; n++ {
		rec, err := cr.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.r.FieldPos(0)
		if err := cr.row(rec); err != nil {
			cr.bb.Discard()
			return nil, &Error{Line: line, Ballot: n, Msg: reason(err)}
		}
	}
	e.Ballots = cr.bb.Ballots()
	e.Kind = kind
	if kind == Approval && cr.ranks {
		e.Kind = Ranking
	}
	return e, nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Line, Msg: "CSV: " + pe.Err.Error()}
	}
	return err
}

// row marks one ballot row.
func (cr *csvReader) row(rec []string) error {
	if len(rec) != len(cr.cols) {
		return fmt.Errorf("the row has %d cells, the header %d", len(rec), len(cr.cols))
	}
	weight := int64(1)
	cr.ranked = cr.ranked[:0]
	for i, cell := range rec {
		cell = strings.TrimSpace(cell)
		c := cr.cols[i]
		if c < 0 {
			if cell != "" {
				w, err := strconv.ParseInt(cell, 10, 64)
				if err != nil || w < 1 {
					return fmt.Errorf("weight %q is not a positive whole number", cell)
				}
				weight = w
			}
			continue
		}
		if err := cr.cell(c, cell); err != nil {
			return err
		}
	}
	if cr.kind == Ranking || cr.kind == Approval {
		// Ranks may skip numbers or start anywhere: only their order counts.
		slices.SortStableFunc(cr.ranked, func(a, b rankedCell) int { return cmp.Compare(a.rank, b.rank) })
		level := 0
		for k, rc := range cr.ranked {
			if k == 0 || rc.rank != cr.ranked[k-1].rank {
				level++
			}
			cr.ranks = cr.ranks || level > 1
			if err := cr.bb.Mark(rc.cand, level); err != nil {
				return err
			}
		}
	}
	return cr.bb.End(weight)
}

// cell reads the cell of candidate c.
func (cr *csvReader) cell(c int, cell string) error {
	if cell == "" {
		return nil
	}
	low := strings.ToLower(cell)
	switch cr.kind {
	case Approval:
		// x or yes approves; a number is a rank, so that ranked files count too (approval
		// counts every ranked candidate, plurality the first preferences).
		switch low {
		case "x", "yes", "y", "true":
			cr.ranked = append(cr.ranked, rankedCell{1, c})
			return nil
		case "0", "no", "n", "false":
			return nil
		}
		r, err := strconv.Atoi(cell)
		if err != nil || r < 1 {
			return fmt.Errorf("approval %q is not x, yes, no or a rank ≥ 1", cell)
		}
		cr.ranked = append(cr.ranked, rankedCell{r, c})
		return nil
	case Points:
		p, err := strconv.ParseInt(cell, 10, 32)
		if err != nil || p < 0 {
			return fmt.Errorf("points %q are not a whole number ≥ 0", cell)
		}
		if p == 0 {
			return nil
		}
		return cr.bb.Mark(c, int(p))
	case Confidence:
		switch low {
		case "yes", "y", "1", "+1":
			return cr.bb.Mark(c, 1)
		case "no", "n", "-1":
			return cr.bb.Mark(c, -1)
		case "abstain", "0":
			return nil
		}
		return fmt.Errorf("confidence vote %q is not yes, no or abstain", cell)
	}
	r, err := strconv.Atoi(cell)
	if err != nil || r < 1 {
		return fmt.Errorf("rank %q is not a whole number ≥ 1", cell)
	}
	cr.ranked = append(cr.ranked, rankedCell{r, c})
	return nil
}

// WriteCSV writes e as a CSV ballot file of the given kind ("" for e.Kind): a header of the
// candidates that are not withdrawn and a "weight" column, then one row per ballot entry.
func WriteCSV(w io.Writer, e *tally.Election, kind Kind) error {
	if kind == "" {
		kind = e.Kind
	}
	if msg := checkCandidates(e.Candidates); msg != "" {
		return fmt.Errorf("ballotfile: %s", msg)
	}
	col := make([]int, len(e.Candidates)) // column of each candidate, -1 when withdrawn
	var header []string
	for i, c := range e.Candidates {
		col[i] = -1
		if c.Withdrawn {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(c.Name), weightColumn) {
			return fmt.Errorf("ballotfile: a candidate named %q cannot be written to CSV", c.Name)
		}
		col[i] = len(header)
		header = append(header, c.Name)
	}
	header = append(header, weightColumn)
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for i := range e.Ballots.Len() {
		clear(row)
		cands, values := e.Ballots.Marks(i)
		for k, c := range cands {
			if col[c] >= 0 {
				row[col[c]] = csvCell(kind, values[k])
			}
		}
		row[len(row)-1] = strconv.FormatInt(e.Ballots.Weight(i), 10)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(kind Kind, v int32) string {
	switch kind {
	case Approval:
		return "1"
	case Confidence:
		switch {
		case v > 0:
			return "yes"
		case v < 0:
			return "no"
		}
		return "abstain"
	}
	return strconv.Itoa(int(v))
}
