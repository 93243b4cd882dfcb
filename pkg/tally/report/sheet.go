package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// table is the count sheet: one row per candidate, one column per round, then a status.
type table struct {
	header []string   // "Candidate", round numbers…, "Status"
	rows   [][]string // candidates, then non-transferable
}

func (rep *Report) table() table {
	t := table{header: []string{"Candidate"}}
	for _, rd := range rep.Rounds {
		t.header = append(t.header, strconv.Itoa(rd.Number))
	}
	t.header = append(t.header, "Status")
	for _, name := range rep.Candidates {
		row := []string{name}
		for _, rd := range rep.Rounds {
			v, _ := rd.Votes.Get(name)
			row = append(row, v)
		}
		t.rows = append(t.rows, append(row, rep.status(name)))
	}
	nt := []string{"Non-transferable"}
	for _, rd := range rep.Rounds {
		nt = append(nt, rd.NonTransferable)
	}
	t.rows = append(t.rows, append(nt, ""))
	return t
}

// status says what became of a candidate, with the round when the rounds say it.
func (rep *Report) status(name string) string {
	round := func(in func(Round) []string) string {
		for _, rd := range rep.Rounds {
			if slices.Contains(in(rd), name) {
				return fmt.Sprintf(" (round %d)", rd.Number)
			}
		}
		return ""
	}
	switch {
	case slices.Contains(rep.Withdrawn, name):
		return "Withdrawn"
	case slices.Contains(rep.Elected, name):
		return "Elected" + round(func(r Round) []string { return r.Elected })
	case slices.ContainsFunc(rep.PassedOver, func(p PassOver) bool { return p.Candidate == name }):
		return "Passed over" + round(func(r Round) []string { return r.Excluded })
	case slices.Contains(rep.Excluded, name):
		return "Excluded" + round(func(r Round) []string { return r.Excluded })
	}
	return ""
}

// WriteText writes the count sheet as aligned text: a heading, the action of each round, the
// table of votes, then the elected, the excluded, the ties and any notes.
func (rep *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if rep.Title != "" {
		fmt.Fprintf(&b, "%s\n", rep.Title)
	}
	fmt.Fprintf(&b, "Method: %s    Seats: %d", rep.Method, rep.Seats)
	if rep.Quota != nil {
		fmt.Fprintf(&b, "    Quota: %s", *rep.Quota)
	}
	b.WriteString("\n")
	if rep.Seed != "" {
		fmt.Fprintf(&b, "Tie-break seed: %s\n", rep.Seed)
	}
	if len(rep.Rounds) > 0 {
		b.WriteString("\nRounds:\n")
		for _, rd := range rep.Rounds {
			fmt.Fprintf(&b, "  %3d  %s", rd.Number, rd.Action)
			if rd.Quota != "" && (rep.Quota == nil || rd.Quota != *rep.Quota) {
				fmt.Fprintf(&b, " (quota %s)", rd.Quota)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
		writeAligned(&b, rep.table())
	}
	rep.writeOutcome(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *Report) writeOutcome(b *strings.Builder) {
	fmt.Fprintf(b, "\nElected: %s\n", list(rep.Elected))
	for i, term := range rep.Terms {
		if i < len(rep.Elected) {
			fmt.Fprintf(b, "  %s: %s\n", rep.Elected[i], term)
		}
	}
	if len(rep.Excluded) > 0 {
		fmt.Fprintf(b, "Excluded: %s\n", list(rep.Excluded))
	}
	for _, p := range rep.PassedOver {
		fmt.Fprintf(b, "Passed over in round %d: %s (%s)\n", p.Round, p.Candidate, p.Reason)
	}
	if len(rep.Order) > 0 {
		groups := make([]string, len(rep.Order))
		for i, g := range rep.Order {
			groups[i] = strings.Join(g, " = ")
		}
		fmt.Fprintf(b, "Order: %s\n", strings.Join(groups, " > "))
	}
	if len(rep.Pairwise) > 0 {
		b.WriteString("\nPairwise (row preferred to column):\n")
		writeAligned(b, rep.pairwiseTable())
	}
	if len(rep.Confidence) > 0 {
		t := table{header: []string{"Candidate", "Yes", "No", "Abstain"}}
		for _, e := range rep.Confidence {
			c := e.Value
			t.rows = append(t.rows, []string{e.Key, itoa(c.Yes), itoa(c.No), itoa(c.Abstain)})
		}
		b.WriteString("\n")
		writeAligned(b, t)
	}
	if len(rep.Ties) > 0 {
		b.WriteString("Ties:\n")
		for _, t := range rep.Ties {
			purpose := ""
			if t.Purpose != "" {
				purpose = " to " + t.Purpose
			}
			fmt.Fprintf(b, "  Round %d: %s tied; chose %s%s by %s\n", t.Round, list(t.Tied), t.Chosen, purpose, t.Rule)
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(b, "Note: %s\n", n)
	}
}

func (rep *Report) pairwiseTable() table {
	t := table{header: []string{""}}
	for _, e := range rep.Pairwise {
		t.header = append(t.header, e.Key)
	}
	for _, e := range rep.Pairwise {
		row := []string{e.Key}
		for _, col := range rep.Pairwise {
			v, ok := e.Value.Get(col.Key)
			cell := "-"
			if ok {
				cell = itoa(v)
			}
			row = append(row, cell)
		}
		t.rows = append(t.rows, row)
	}
	return t
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func list(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// writeAligned writes t with the first column left-aligned and the others right-aligned,
// except a last "Status" column, left-aligned.
func writeAligned(b *strings.Builder, t table) {
	all := append([][]string{t.header}, t.rows...)
	width := make([]int, len(t.header))
	for _, row := range all {
		for i, cell := range row {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	last := len(t.header) - 1
	for _, row := range all {
		var line strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			switch {
			case i == 0:
				line.WriteString(cell + pad)
			case i == last && t.header[last] == "Status":
				line.WriteString("  " + cell)
			default:
				line.WriteString("  " + pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// WriteCSV writes the count sheet as CSV: a row of round numbers, a row of actions, one row
// per candidate, then the non-transferable votes; the last column is each candidate's status.
func (rep *Report) WriteCSV(w io.Writer) error {
	t := rep.table()
	cw := csv.NewWriter(w)
	header := append([]string{"round"}, t.header[1:len(t.header)-1]...)
	actions := []string{"action"}
	for _, rd := range rep.Rounds {
		actions = append(actions, rd.Action)
	}
	rows := [][]string{append(header, "status"), append(actions, "")}
	for _, row := range t.rows {
		rows = append(rows, row)
	}
	rows[len(rows)-1][0] = "non-transferable"
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
