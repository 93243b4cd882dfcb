package bundle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
)

// The published ballots of a round, each with its receipt so that a voter can find theirs
// and anyone can recount, in the formats of the API's GET /contests/{id}/ballots:
//
//   - BLT: the counted ballots as "(<receipt>) 1 <prefs> 0", readable by `govboard tally`
//     and other STV counters (pkg/tally/blt reads ballot ids in parentheses and ignores them).
//     Approval ballots are written as rankings of all marked candidates equally; points and
//     confidence ballots do not fit BLT.
//   - JSON: the pkg/tally/ballotfile JSON shape, readable by `govboard tally`, with "receipt"
//     and "nonce" on each ballot and the superseded ballots apart under "superseded", which
//     the reader skips.
//
// Ballots come in receipt order, which says nothing about when they were cast.

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

// WriteBallotsBLT writes the counted ballots of pb as a BLT file, one line per ballot with
// its receipt as the ballot id. It is meant for ranking and approval ballots.
func WriteBallotsBLT(w io.Writer, pb *elections.PublishedBallots) error {
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
			votes[name(m)] = ConfidenceWord(m.Value)
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

// ConfidenceWord is the word of a confidence mark in the published ballots: +1 yes, -1 no,
// else abstain.
func ConfidenceWord(v int) string {
	switch {
	case v > 0:
		return "yes"
	case v < 0:
		return "no"
	}
	return "abstain"
}

// ballotsHead is the head of the JSON export.
type ballotsHead struct {
	Title      string   `json:"title"`
	Seats      int      `json:"seats"`
	Candidates []string `json:"candidates"`
	ContestID  int64    `json:"contest_id"`
	RoundID    int64    `json:"round_id"`
	Round      int      `json:"round"`
	Runoff     bool     `json:"runoff"`
	Method     string   `json:"method"`
	Kind       string   `json:"kind"`
}

// WriteBallotsJSON writes the ballots of pb as a pkg/tally/ballotfile JSON file with receipts,
// one ballot per line: the counted ones under "ballots", the superseded ones under
// "superseded".
func WriteBallotsJSON(w io.Writer, pb *elections.PublishedBallots) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	// The round is named by its number and whether it was a runoff, besides its id: a contest
	// with a runoff has two sets of ballots, of different candidates and seats.
	head := ballotsHead{pb.Title, pb.Seats, append([]string{}, pb.Candidates...), pb.ContestID, pb.RoundID, pb.Round,
		pb.Runoff, pb.Method, string(pb.Kind)}
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

// importBallot is one ballot of the JSON export as read back.
type importBallot struct {
	Receipt    string             `json:"receipt"`
	Nonce      string             `json:"nonce"`
	Ranking    *[]json.RawMessage `json:"ranking"`
	Approve    *[]string          `json:"approve"`
	Points     *map[string]int    `json:"points"`
	Confidence *map[string]string `json:"confidence"`
}

// ReadBallotsJSON reads a file that WriteBallotsJSON wrote back into published ballots:
// counted ballots first, then the superseded ones, each with its marks and its canonical
// content (elections.CanonicalContent). Errors name the ballot.
func ReadBallotsJSON(r io.Reader) (*elections.PublishedBallots, error) {
	var f struct {
		ballotsHead
		Ballots    []importBallot `json:"ballots"`
		Superseded []importBallot `json:"superseded"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	pb := &elections.PublishedBallots{ContestID: f.ContestID, RoundID: f.RoundID, Round: f.Round, Runoff: f.Runoff,
		Title: f.Title, Method: f.Method, Kind: elections.BallotKind(f.Kind), Seats: f.Seats, Candidates: f.Candidates}
	index := make(map[string]int, len(f.Candidates))
	for i, name := range f.Candidates {
		index[name] = i
	}
	for _, superseded := range []bool{false, true} {
		list, where := f.Ballots, "ballots"
		if superseded {
			list, where = f.Superseded, "superseded"
		}
		for i := range list {
			marks, err := importMarks(pb.Kind, index, &list[i])
			if err != nil {
				return nil, fmt.Errorf("%s[%d] (receipt %s): %w", where, i, list[i].Receipt, err)
			}
			pb.Ballots = append(pb.Ballots, elections.PublishedBallot{Receipt: list[i].Receipt, Nonce: list[i].Nonce,
				Superseded: superseded, Marks: marks, Content: elections.CanonicalContent(pb.Kind, marks)})
		}
	}
	return pb, nil
}

// importMarks returns the marks of b, a ballot of kind.
func importMarks(kind elections.BallotKind, index map[string]int, b *importBallot) ([]tally.Mark, error) {
	var marks []tally.Mark
	seen := map[int]bool{}
	add := func(name string, value int) error {
		c, ok := index[name]
		switch {
		case !ok:
			return fmt.Errorf("unknown candidate %q", name)
		case seen[c]:
			return fmt.Errorf("candidate %q appears twice", name)
		}
		seen[c] = true
		marks = append(marks, tally.Mark{Candidate: c, Value: value})
		return nil
	}
	var err error
	switch {
	case kind == elections.BallotRanking && b.Ranking != nil:
		for level, g := range *b.Ranking {
			var names []string
			if len(g) > 0 && g[0] == '"' {
				names = []string{""}
				err = json.Unmarshal(g, &names[0])
			} else {
				err = json.Unmarshal(g, &names)
			}
			for _, name := range names {
				if err == nil {
					err = add(name, level+1)
				}
			}
		}
	case kind == elections.BallotApproval && b.Approve != nil:
		for _, name := range *b.Approve {
			if err == nil {
				err = add(name, 1)
			}
		}
	case kind == elections.BallotPoints && b.Points != nil:
		for _, name := range slices.Sorted(maps.Keys(*b.Points)) {
			if err == nil && (*b.Points)[name] != 0 {
				err = add(name, (*b.Points)[name])
			}
		}
	case kind == elections.BallotConfidence && b.Confidence != nil:
		for _, name := range slices.Sorted(maps.Keys(*b.Confidence)) {
			switch v := (*b.Confidence)[name]; {
			case err != nil:
			case v == "yes":
				err = add(name, 1)
			case v == "no":
				err = add(name, -1)
			case v != "abstain":
				err = fmt.Errorf("confidence vote %q is not yes, no or abstain", v)
			}
		}
	default:
		return nil, fmt.Errorf("not a %s ballot", kind)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(marks, compareMarks)
	return marks, nil
}

// ballotsBytes writes pb with write and returns the bytes.
func ballotsBytes(pb *elections.PublishedBallots, write func(io.Writer, *elections.PublishedBallots) error) []byte {
	var b bytes.Buffer
	if err := write(&b, pb); err != nil {
		return nil
	}
	return b.Bytes()
}
