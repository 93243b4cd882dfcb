package api

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/bundle"
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
// Ballots come in receipt order, which says nothing about when they were cast. The JSON and
// BLT writers are pkg/bundle's, so that the results bundle holds the same files.

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
		write, contentType = bundle.WriteBallotsBLT, "text/plain; charset=utf-8"
		attachment(c, file+".blt")
	case "csv":
		write, contentType = writeBallotsCSV, "text/csv; charset=utf-8"
		attachment(c, file+".csv")
	default:
		write, contentType = bundle.WriteBallotsJSON, echo.MIMEApplicationJSON
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
		return bundle.ConfidenceWord(v)
	}
	return strconv.Itoa(v)
}
