package blt

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/govboard/govboard/pkg/tally"
)

// Write writes e in BLT format: the header, the withdrawn candidates, one line per ballot entry
// (candidates of equal value joined by "="), the closing 0, the quoted names and the title.
// Read(Write(e)) gives back e, up to merging of identical ballots and renumbering of preference
// levels to 1, 2, 3, …. Names may not contain a line break, and must be non-empty and unique,
// because Read would refuse them. Points and confidence ballots are refused: BLT holds rankings
// (approval ballots are written as all-equal rankings).
func Write(w io.Writer, e *tally.Election) error {
	if err := checkWritable(e); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 256)
	buf = strconv.AppendInt(buf, int64(len(e.Candidates)), 10)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, int64(e.Seats), 10)
	buf = append(buf, '\n')
	sep := byte(0)
	for k, c := range e.Candidates {
		if c.Withdrawn {
			if sep != 0 {
				buf = append(buf, sep)
			}
			buf = append(buf, '-')
			buf = strconv.AppendInt(buf, int64(k+1), 10)
			sep = ' '
		}
	}
	if sep != 0 {
		buf = append(buf, '\n')
	}
	bw.Write(buf)
	b := &e.Ballots
	for i := range b.Len() {
		buf = appendBallot(buf[:0], b.Weight(i), b, i)
		bw.Write(buf)
	}
	bw.WriteString("0\n")
	for _, c := range e.Candidates {
		bw.WriteString(quote(c.Name))
		bw.WriteByte('\n')
	}
	bw.WriteString(quote(e.Title))
	bw.WriteByte('\n')
	return bw.Flush()
}

func appendBallot(buf []byte, weight int64, b *tally.Ballots, i int) []byte {
	buf = strconv.AppendInt(buf, weight, 10)
	cands, values := b.Marks(i)
	for k, c := range cands {
		if k > 0 && values[k] == values[k-1] {
			buf = append(buf, '=')
		} else {
			buf = append(buf, ' ')
		}
		buf = strconv.AppendInt(buf, int64(c)+1, 10)
	}
	return append(buf, " 0\n"...)
}

// checkWritable refuses what Read would refuse, so that Write never produces a broken file.
func checkWritable(e *tally.Election) error {
	if len(e.Candidates) == 0 {
		return fmt.Errorf("blt: cannot write an election without candidates")
	}
	if e.Kind == tally.KindPoints || e.Kind == tally.KindConfidence {
		// Read would take the points or yes/no marks for preference levels.
		return fmt.Errorf("blt: a BLT file holds rankings, not %s ballots", e.Kind)
	}
	seen := make(map[string]bool, len(e.Candidates))
	for k, c := range e.Candidates {
		switch {
		case c.Name == "":
			return fmt.Errorf("blt: candidate %d has an empty name", k+1)
		case seen[c.Name]:
			return fmt.Errorf("blt: candidate name %q appears twice", c.Name)
		case strings.ContainsAny(c.Name, "\r\n"):
			return fmt.Errorf("blt: candidate name %q contains a line break", c.Name)
		}
		seen[c.Name] = true
	}
	if strings.ContainsAny(e.Title, "\r\n") {
		return fmt.Errorf("blt: title %q contains a line break", e.Title)
	}
	b := &e.Ballots
	for i := range b.Len() {
		cands, _ := b.Marks(i)
		for _, c := range cands {
			if int(c) >= len(e.Candidates) {
				return fmt.Errorf("blt: ballot %d names candidate index %d of %d", i+1, c, len(e.Candidates))
			}
		}
	}
	return nil
}

// quote quotes s for a BLT file, escaping quotes and backslashes.
func quote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
