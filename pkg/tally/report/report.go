// Package report turns a count (tally.Result) into what people and programs read: the JSON
// object of the `govboard tally --format json` contract (DESIGN.md §8), a text count sheet
// with one row per candidate and one column per round, and the same table as CSV.
//
// Output is byte-identical for the same count: objects keyed by candidate keep candidate
// order (see Ordered), never map order.
package report

import (
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/govboard/govboard/pkg/tally"
)

// Report is the JSON report of a count. The fields up to Ties are the DESIGN.md §8 contract
// and never change; the others are additions.
type Report struct {
	Method string `json:"method"`
	Seats  int    `json:"seats"`
	// Quota is the quota as a decimal string, null for methods without one.
	Quota    *string  `json:"quota"`
	Elected  []string `json:"elected"`
	Excluded []string `json:"excluded"`
	Rounds   []Round  `json:"rounds"`
	Ties     []Tie    `json:"ties"`

	Title      string   `json:"title,omitempty"`
	Candidates []string `json:"candidates"`
	Withdrawn  []string `json:"withdrawn,omitempty"`
	// Seed is the revealed tie-break seed in hex (DESIGN.md §5), when one was given.
	Seed       string                   `json:"seed,omitempty"`
	Terms      []string                 `json:"terms,omitempty"`
	PassedOver []PassOver               `json:"passed_over,omitempty"`
	Order      [][]string               `json:"order,omitempty"`
	Pairwise   Ordered[Ordered[int64]]  `json:"pairwise,omitempty"`
	Confidence Ordered[ConfidenceCount] `json:"confidence,omitempty"`
	Notes      []string                 `json:"notes,omitempty"`
}

// Round is one round or stage.
type Round struct {
	Number          int             `json:"number"`
	Action          string          `json:"action"`
	Votes           Ordered[string] `json:"votes"`
	NonTransferable string          `json:"non_transferable"`

	Kind     string   `json:"kind,omitempty"`
	Subjects []string `json:"subjects,omitempty"`
	Elected  []string `json:"elected,omitempty"`
	Excluded []string `json:"excluded,omitempty"`
	Quota    string   `json:"quota,omitempty"`
}

// Tie is a tie that the count had to break.
type Tie struct {
	Round   int      `json:"round"`
	Tied    []string `json:"tied"`
	Rule    string   `json:"rule"`
	Chosen  string   `json:"chosen"`
	Purpose string   `json:"purpose,omitempty"`
}

// PassOver is a candidate passed over by the affiliation cap.
type PassOver struct {
	Round     int    `json:"round"`
	Candidate string `json:"candidate"`
	Reason    string `json:"reason"`
}

// ConfidenceCount is the yes/no/abstain tally of one candidate.
type ConfidenceCount struct {
	Yes     int64 `json:"yes"`
	No      int64 `json:"no"`
	Abstain int64 `json:"abstain"`
}

// New builds the report of count r of election e. seed is the tie-break seed used (nil when
// none was given).
func New(r *tally.Result, e *tally.Election, seed []byte) *Report {
	names := func(ids []int) []string {
		out := make([]string, len(ids))
		for i, c := range ids {
			out[i] = e.Candidates[c].Name
		}
		return out
	}
	rep := &Report{
		Method: r.Method, Seats: r.Seats, Elected: names(r.Elected), Excluded: names(r.Excluded),
		Rounds: []Round{}, Ties: []Tie{}, Title: e.Title, Terms: r.Terms, Notes: r.Notes,
	}
	if r.Quota != nil {
		q := r.Quota.String()
		rep.Quota = &q
	}
	if seed != nil {
		rep.Seed = hex.EncodeToString(seed)
	}
	for _, c := range e.Candidates {
		rep.Candidates = append(rep.Candidates, c.Name)
		if c.Withdrawn {
			rep.Withdrawn = append(rep.Withdrawn, c.Name)
		}
	}
	for _, rd := range r.Rounds {
		rep.Rounds = append(rep.Rounds, newRound(rd, e, names))
	}
	for _, t := range r.Ties {
		rep.Ties = append(rep.Ties, Tie{Round: t.Round, Tied: names(t.Tied), Rule: t.Rule,
			Chosen: e.Candidates[t.Chosen].Name, Purpose: t.Purpose})
	}
	for _, p := range r.PassedOver {
		rep.PassedOver = append(rep.PassedOver, PassOver{p.Round, e.Candidates[p.Candidate].Name, p.Reason})
	}
	for _, g := range r.Order {
		rep.Order = append(rep.Order, names(g))
	}
	addMatrix(rep, r, e)
	return rep
}

func newRound(rd tally.Round, e *tally.Election, names func([]int) []string) Round {
	out := Round{Number: rd.Number, Action: rd.Action, Votes: Ordered[string]{},
		NonTransferable: rd.NonTransferable.String(), Kind: string(rd.Kind),
		Subjects: names(rd.Subjects), Elected: names(rd.Elected), Excluded: names(rd.Excluded)}
	for c, v := range rd.Votes {
		if c < len(e.Candidates) {
			out.Votes = append(out.Votes, Entry[string]{e.Candidates[c].Name, v.String()})
		}
	}
	if rd.Quota != nil {
		out.Quota = rd.Quota.String()
	}
	if len(out.Subjects) == 0 {
		out.Subjects = nil
	}
	if len(out.Elected) == 0 {
		out.Elected = nil
	}
	if len(out.Excluded) == 0 {
		out.Excluded = nil
	}
	return out
}

// addMatrix adds the pairwise matrix and confidence counts, keyed by candidate name.
func addMatrix(rep *Report, r *tally.Result, e *tally.Election) {
	for i, row := range r.Pairwise {
		if i >= len(e.Candidates) {
			break
		}
		o := Ordered[int64]{}
		for j, v := range row {
			if j != i && j < len(e.Candidates) {
				o = append(o, Entry[int64]{e.Candidates[j].Name, v})
			}
		}
		rep.Pairwise = append(rep.Pairwise, Entry[Ordered[int64]]{e.Candidates[i].Name, o})
	}
	for c, cc := range r.Confidence {
		if c < len(e.Candidates) {
			rep.Confidence = append(rep.Confidence, Entry[ConfidenceCount]{e.Candidates[c].Name, ConfidenceCount(cc)})
		}
	}
}

// WriteJSON writes the report as indented JSON followed by a newline. Names are written as
// they are ("&" stays "&").
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
