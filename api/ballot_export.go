package api

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
)

// The published ballots of a contest, in three formats, each ballot with its receipt so that a
// voter can find theirs and anyone can recount:
//
//   - BLT: the counted ballots as "(<receipt>) 1 <prefs> 0", readable by `govboard tally`
//     and other STV counters (pkg/tally/blt reads ballot ids in parentheses and ignores them).
//     Approval ballots are written as rankings of all marked candidates equally; points and
//     confidence ballots do not fit BLT.
//   - JSON: the pkg/tally/ballotfile JSON shape, readable by `govboard tally`, with "receipt"
//     and "nonce" on each ballot and the superseded ballots apart under "superseded", which
//     the reader skips.
//   - CSV: one row per ballot, superseded ones included and marked, with the canonical content
//     (from which the receipt is computed) and one column per candidate.
//
// Ballots come in receipt order, which says nothing about when they were cast.

// ballotFormats are the formats of GET /contests/{id}/ballots, the default first.
var ballotFormats = []string{"json", "blt", "csv"}

// getContestBallots returns a contest's published ballots, to whom the service shows them.
// round=N picks the ballots of the election's round number N, as for the report (a contest
// with a runoff was voted on in two rounds); default the contest's latest closed round.
func (s *Server) getContestBallots(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	format, err := exportFormat(c, ballotFormats...)
	if err != nil {
		return err
	}
	number, err := roundParam(c)
	if err != nil {
		return err
	}
	actor, err := s.viewer(c)
	if err != nil {
		return err
	}
	pb, err := s.svc.ContestBallots(c.Request().Context(), actor, id, number)
	if err != nil {
		return err
	}
	if err := checkMarks(pb); err != nil {
		return err
	}
	var (
		write       func(io.Writer, *elections.PublishedBallots) error
		contentType string
	)
	file := fmt.Sprintf("contest-%d-ballots", id)
	if number > 0 {
		file = fmt.Sprintf("contest-%d-round-%d-ballots", id, number)
	}
	switch format {
	case "blt":
		if pb.Kind == elections.BallotPoints || pb.Kind == elections.BallotConfidence {
			return errorf(elections.EINVALID, "a BLT file holds rankings, not %s ballots: use format json or csv", pb.Kind)
		}
		write, contentType = writeBallotsBLT, "text/plain; charset=utf-8"
		attachment(c, file+".blt")
	case "csv":
		write, contentType = writeBallotsCSV, "text/csv; charset=utf-8"
		attachment(c, file+".csv")
	default:
		write, contentType = writeBallotsJSON, echo.MIMEApplicationJSON
	}
	// The ballots can be many: they are written straight to the client. The writers cannot
	// fail on the ballots themselves, only on the connection, once the answer has started.
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, contentType)
	res.WriteHeader(http.StatusOK)
	return write(res, pb)
}

// checkMarks makes sure that every mark names a candidate of the ballot before the answer
// starts: a fault found halfway through could no longer be reported.
func checkMarks(pb *elections.PublishedBallots) error {
	for i := range pb.Ballots {
		for _, m := range pb.Ballots[i].Marks {
			if m.Candidate < 0 || m.Candidate >= len(pb.Candidates) {
				return fmt.Errorf("published ballot %s of contest %d names candidate index %d of %d",
					pb.Ballots[i].Receipt, pb.ContestID, m.Candidate, len(pb.Candidates))
			}
		}
	}
	return nil
}

// sortedMarks returns a ballot's marks by value, then candidate: the preference order of a
// ranking. Marks come in that order from the service as a rule, and are then returned as they
// are, without a copy per ballot.
func sortedMarks(marks []tally.Mark) []tally.Mark {
	if slices.IsSortedFunc(marks, compareMarks) {
		return marks
	}
	out := slices.Clone(marks)
	slices.SortFunc(out, compareMarks)
	return out
}

// compareMarks orders marks by value, then candidate.
func compareMarks(a, b tally.Mark) int {
	if a.Value != b.Value {
		return a.Value - b.Value
	}
	return a.Candidate - b.Candidate
}

// bltQuote quotes s for a BLT file as pkg/tally/blt reads it: quotes and backslashes escaped,
// line breaks (which no ballot name has) made spaces.
func bltQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", " ", "\n", " ").Replace(s) + `"`
}

// writeBallotsBLT writes the counted ballots as a BLT file, one line per ballot with its
// receipt as the ballot id.
func writeBallotsBLT(w io.Writer, pb *elections.PublishedBallots) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%d %d\n", len(pb.Candidates), pb.Seats)
	buf := make([]byte, 0, 256)
	for i := range pb.Ballots {
		b := &pb.Ballots[i]
		if b.Superseded {
			continue
		}
		buf = append(buf[:0], '(')
		buf = append(buf, b.Receipt...)
		buf = append(buf, ") 1"...)
		marks := sortedMarks(b.Marks)
		for k, m := range marks {
			if k > 0 && m.Value == marks[k-1].Value {
				buf = append(buf, '=')
			} else {
				buf = append(buf, ' ')
			}
			buf = strconv.AppendInt(buf, int64(m.Candidate)+1, 10)
		}
		buf = append(buf, " 0\n"...)
		bw.Write(buf)
	}
	bw.WriteString("0\n")
	for _, name := range pb.Candidates {
		bw.WriteString(bltQuote(name))
		bw.WriteByte('\n')
	}
	bw.WriteString(bltQuote(pb.Title))
	bw.WriteByte('\n')
	return bw.Flush()
}

// exportBallot is one ballot of the JSON export: its receipt and nonce, and the one field of
// its kind (pkg/tally/ballotfile's names), candidates named by name.
type exportBallot struct {
	Receipt    string             `json:"receipt"`
	Nonce      string             `json:"nonce"`
	Ranking    *[]any             `json:"ranking,omitempty"`
	Approve    *[]string          `json:"approve,omitempty"`
	Points     *map[string]int    `json:"points,omitempty"`
	Confidence *map[string]string `json:"confidence,omitempty"`
}

// toExportBallot builds the JSON export of b; an abstention has its kind's field empty.
func toExportBallot(pb *elections.PublishedBallots, b *elections.PublishedBallot) exportBallot {
	out := exportBallot{Receipt: b.Receipt, Nonce: b.Nonce}
	name := func(m tally.Mark) string { return pb.Candidates[m.Candidate] }
	switch pb.Kind {
	case elections.BallotApproval:
		list := make([]string, 0, len(b.Marks))
		for _, m := range sortedMarks(b.Marks) {
			list = append(list, name(m))
		}
		out.Approve = &list
	case elections.BallotPoints:
		points := make(map[string]int, len(b.Marks))
		for _, m := range b.Marks {
			points[name(m)] = m.Value
		}
		out.Points = &points
	case elections.BallotConfidence:
		votes := make(map[string]string, len(b.Marks))
		for _, m := range b.Marks {
			votes[name(m)] = confidenceWord(m.Value)
		}
		out.Confidence = &votes
	default:
		out.Ranking = rankingGroups(sortedMarks(b.Marks), name)
	}
	return out
}

// rankingGroups writes sorted ranking marks as ballotfile's ranking: a name per level, or a
// list of the names ranked equally.
func rankingGroups(marks []tally.Mark, name func(tally.Mark) string) *[]any {
	groups := make([]any, 0, len(marks))
	for k := 0; k < len(marks); {
		j := k + 1
		for j < len(marks) && marks[j].Value == marks[k].Value {
			j++
		}
		if j == k+1 {
			groups = append(groups, name(marks[k]))
		} else {
			names := make([]string, 0, j-k)
			for _, m := range marks[k:j] {
				names = append(names, name(m))
			}
			groups = append(groups, names)
		}
		k = j
	}
	return &groups
}

// confidenceWord is the word of a confidence mark: +1 yes, -1 no, else abstain.
func confidenceWord(v int) string {
	switch {
	case v > 0:
		return "yes"
	case v < 0:
		return "no"
	}
	return "abstain"
}

// writeBallotsJSON writes the ballots as a pkg/tally/ballotfile JSON file with receipts, one
// ballot per line: the counted ones under "ballots", the superseded ones under "superseded".
func writeBallotsJSON(w io.Writer, pb *elections.PublishedBallots) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	// The round is named by its number and whether it was a runoff, besides its id: a contest
	// with a runoff has two sets of ballots, of different candidates and seats.
	head := struct {
		Title      string   `json:"title"`
		Seats      int      `json:"seats"`
		Candidates []string `json:"candidates"`
		ContestID  int64    `json:"contest_id"`
		RoundID    int64    `json:"round_id"`
		Round      int      `json:"round"`
		Runoff     bool     `json:"runoff"`
		Method     string   `json:"method"`
		Kind       string   `json:"kind"`
	}{pb.Title, pb.Seats, append([]string{}, pb.Candidates...), pb.ContestID, pb.RoundID, pb.Round, pb.Runoff, pb.Method,
		string(pb.Kind)}
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var hb strings.Builder
	henc := json.NewEncoder(&hb)
	henc.SetEscapeHTML(false)
	if err := henc.Encode(head); err != nil {
		return err
	}
	bw.WriteString(strings.TrimSuffix(strings.TrimSpace(hb.String()), "}"))
	for _, superseded := range []bool{false, true} {
		if superseded {
			bw.WriteString("\n],\"superseded\":[")
		} else {
			bw.WriteString(",\"ballots\":[")
		}
		first := true
		for i := range pb.Ballots {
			b := &pb.Ballots[i]
			if b.Superseded != superseded {
				continue
			}
			if !first {
				bw.WriteByte(',')
			}
			first = false
			bw.WriteByte('\n')
			// Encode ends each ballot with a newline; the separator goes after it, which
			// keeps one ballot per line all the same.
			if err := enc.Encode(toExportBallot(pb, b)); err != nil {
				return err
			}
		}
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// writeBallotsCSV writes every ballot, superseded ones marked, as CSV: receipt, nonce, status
// (counted or superseded), the canonical content, then one column per candidate holding the
// preference level, 1 for an approval, the points, or yes/no/abstain.
func writeBallotsCSV(w io.Writer, pb *elections.PublishedBallots) error {
	cw := csv.NewWriter(w)
	header := []string{"receipt", "nonce", "status", "content"}
	for _, name := range pb.Candidates {
		header = append(header, spreadsheetSafe(name))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for i := range pb.Ballots {
		b := &pb.Ballots[i]
		clear(row)
		row[0], row[1], row[3] = b.Receipt, b.Nonce, b.Content
		row[2] = "counted"
		if b.Superseded {
			row[2] = "superseded"
		}
		for _, m := range b.Marks {
			row[4+m.Candidate] = csvMark(pb.Kind, m.Value)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvMark is the cell of one mark in the CSV export.
func csvMark(kind elections.BallotKind, v int) string {
	switch kind {
	case elections.BallotApproval:
		return "1"
	case elections.BallotConfidence:
		return confidenceWord(v)
	}
	return strconv.Itoa(v)
}
