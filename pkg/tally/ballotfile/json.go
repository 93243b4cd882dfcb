package ballotfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/govboard/govboard/pkg/tally"
)

// candidateJSON is a candidate: a bare name or an object.
type candidateJSON struct {
	Name        string `json:"name"`
	Withdrawn   bool   `json:"withdrawn,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
}

// UnmarshalJSON accepts "name" or {"name", "withdrawn", "affiliation"}.
func (c *candidateJSON) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		*c = candidateJSON{}
		return json.Unmarshal(data, &c.Name)
	}
	type plain candidateJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(c))
}

// rankGroup is one preference level: a name, or a list of names ranked equally.
type rankGroup []string

// UnmarshalJSON accepts "name" or ["name", …].
func (g *rankGroup) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*g = rankGroup{s}
		return nil
	}
	return json.Unmarshal(data, (*[]string)(g))
}

// MarshalJSON writes a single name bare and a group as a list.
func (g rankGroup) MarshalJSON() ([]byte, error) {
	if len(g) == 1 {
		return json.Marshal(g[0])
	}
	return json.Marshal([]string(g))
}

// ballotJSON is one ballot; exactly one of the four forms is set.
type ballotJSON struct {
	Weight     json.Number             `json:"weight,omitempty"`
	Ranking    *[]rankGroup            `json:"ranking,omitempty"`
	Approve    *[]string               `json:"approve,omitempty"`
	Points     *map[string]json.Number `json:"points,omitempty"`
	Confidence *map[string]string      `json:"confidence,omitempty"`
	// ID and Receipt identify a published anonymised ballot, and Nonce is the random value
	// hashed into its receipt (govboard's published ballots); counting ignores them.
	ID      string `json:"id,omitempty"`
	Receipt string `json:"receipt,omitempty"`
	Nonce   string `json:"nonce,omitempty"`
}

type jsonReader struct {
	data  []byte
	dec   *json.Decoder
	e     tally.Election
	seats json.Number
	raw   []ballotJSON
	lines []int // line of each raw ballot
	start int64 // input offset where the value being decoded starts
}

// ReadJSON reads a JSON ballot file (see the package comment). Ballots are kept one entry
// each, in file order.
func ReadJSON(r io.Reader) (*tally.Election, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	jr := &jsonReader{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	jr.dec.UseNumber()
	jr.dec.DisallowUnknownFields()
	if err := jr.top(); err != nil {
		return nil, err
	}
	if msg := checkCandidates(jr.e.Candidates); msg != "" {
		return nil, &Error{Msg: msg}
	}
	if jr.seats != "" {
		s, err := strconv.Atoi(jr.seats.String())
		if err != nil || s < 1 {
			return nil, &Error{Msg: fmt.Sprintf("seats %s is not a positive whole number", jr.seats)}
		}
		jr.e.Seats = s
	}
	bb := tally.NewBallotBuilder(len(jr.e.Candidates), tally.MergeNone)
	names := indexOf(jr.e.Candidates)
	for i, b := range jr.raw {
		kind, err := addJSONBallot(bb, names, b)
		if err == nil && i > 0 && kind != jr.e.Kind {
			err = fmt.Errorf("%s ballot after %s ballots: all the ballots of a file must be of one kind",
				kind, jr.e.Kind)
		}
		if err != nil {
			bb.Discard()
			return nil, &Error{Line: jr.lines[i], Ballot: i + 1, Msg: reason(err)}
		}
		jr.e.Kind = kind
	}
	jr.e.Ballots = bb.Ballots()
	return &jr.e, nil
}

// top reads the top-level object field by field, so that each ballot's line is known.
func (jr *jsonReader) top() error {
	if err := jr.delim('{', "the file must be one JSON object"); err != nil {
		return err
	}
	for jr.dec.More() {
		tok, err := jr.dec.Token()
		if err != nil {
			return jr.jsonErr(err)
		}
		var dst any
		switch tok {
		case "title":
			dst = &jr.e.Title
		case "seats":
			dst = &jr.seats
		case "candidates":
			var cs []candidateJSON
			if err := jr.decode(&cs); err != nil {
				return jr.jsonErr(err)
			}
			for _, c := range cs {
				jr.e.Candidates = append(jr.e.Candidates, tally.Candidate(c))
			}
			continue
		case "ballots":
			if err := jr.ballots(); err != nil {
				return err
			}
			continue
		default:
			// Other fields (a method, a seed, receipts…) are for other readers: skip them.
			dst = new(json.RawMessage)
		}
		if err := jr.decode(dst); err != nil {
			return jr.jsonErr(err)
		}
	}
	return jr.delim('}', "the object is not closed")
}

func (jr *jsonReader) ballots() error {
	if err := jr.delim('[', `"ballots" must be a list`); err != nil {
		return err
	}
	for jr.dec.More() {
		line := jr.line(jr.dec.InputOffset())
		var b ballotJSON
		if err := jr.decode(&b); err != nil {
			var fe *Error
			if errors.As(jr.jsonErr(err), &fe) {
				fe.Ballot = len(jr.raw) + 1
				return fe
			}
			return err
		}
		jr.raw = append(jr.raw, b)
		jr.lines = append(jr.lines, line)
	}
	return jr.delim(']', `"ballots" list is not closed`)
}

// decode decodes the next value, noting where it starts: type errors count their offset
// from there.
func (jr *jsonReader) decode(v any) error {
	jr.start = jr.dec.InputOffset()
	return jr.dec.Decode(v)
}

func (jr *jsonReader) delim(want json.Delim, msg string) error {
	tok, err := jr.dec.Token()
	if err != nil {
		return jr.jsonErr(err)
	}
	if tok != want {
		return &Error{Line: jr.line(jr.dec.InputOffset()), Msg: msg}
	}
	return nil
}

// line returns the line of the first value at or after offset off.
func (jr *jsonReader) line(off int64) int {
	i := int(min(off, int64(len(jr.data))))
	for i < len(jr.data) && bytes.IndexByte([]byte(" \t\r\n,:"), jr.data[i]) >= 0 {
		i++
	}
	i = min(i, len(jr.data))
	return bytes.Count(jr.data[:i], []byte("\n")) + 1
}

// jsonErr turns a decoding error into an *Error with the line where it happened.
func (jr *jsonReader) jsonErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &Error{Line: jr.line(se.Offset - 1), Msg: "JSON: " + se.Error()}
	case errors.As(err, &te):
		return &Error{Line: jr.line(jr.start + te.Offset - 1), Msg: "JSON: " + te.Error()}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Line: jr.line(int64(len(jr.data))), Msg: "JSON: unexpected end of file"}
	}
	return &Error{Line: jr.line(jr.dec.InputOffset()), Msg: "JSON: " + err.Error()}
}

// addJSONBallot marks ballot b on bb and returns its kind.
func addJSONBallot(bb *tally.BallotBuilder, names map[string]int, b ballotJSON) (Kind, error) {
	weight := int64(1)
	if b.Weight != "" {
		w, err := strconv.ParseInt(b.Weight.String(), 10, 64)
		if err != nil || w < 1 {
			return "", fmt.Errorf("weight %s is not a positive whole number", b.Weight)
		}
		weight = w
	}
	forms := 0
	for _, set := range []bool{b.Ranking != nil, b.Approve != nil, b.Points != nil, b.Confidence != nil} {
		if set {
			forms++
		}
	}
	if forms != 1 {
		return "", fmt.Errorf(`a ballot needs exactly one of "ranking", "approve", "points" or "confidence", found %d`, forms)
	}
	var err error
	var kind Kind
	switch {
	case b.Ranking != nil:
		kind, err = Ranking, markRanking(bb, names, *b.Ranking)
	case b.Approve != nil:
		kind, err = Approval, markList(bb, names, *b.Approve)
	case b.Points != nil:
		kind, err = Points, markPoints(bb, names, *b.Points)
	default:
		kind, err = Confidence, markConfidence(bb, names, *b.Confidence)
	}
	if err != nil {
		return "", err
	}
	return kind, bb.End(weight)
}

func mark(bb *tally.BallotBuilder, names map[string]int, name string, value int) error {
	c, ok := names[name]
	if !ok {
		return fmt.Errorf("unknown candidate %q", name)
	}
	if bb.Marked(c) {
		return fmt.Errorf("candidate %q appears twice", name)
	}
	return bb.Mark(c, value)
}

func markRanking(bb *tally.BallotBuilder, names map[string]int, groups []rankGroup) error {
	level := 0
	for _, g := range groups {
		if len(g) == 0 {
			continue // an empty group is a skipped rank
		}
		level++
		for _, name := range g {
			if err := mark(bb, names, name, level); err != nil {
				return err
			}
		}
	}
	return nil
}

func markList(bb *tally.BallotBuilder, names map[string]int, list []string) error {
	for _, name := range list {
		if err := mark(bb, names, name, 1); err != nil {
			return err
		}
	}
	return nil
}

// markPoints marks in candidate order (a JSON object has no order); 0 points is no mark.
func markPoints(bb *tally.BallotBuilder, names map[string]int, points map[string]json.Number) error {
	return inCandidateOrder(names, points, func(name string, v json.Number) error {
		p, err := strconv.ParseInt(v.String(), 10, 32)
		if err != nil || p < 0 {
			return fmt.Errorf("points %s for %q are not a whole number ≥ 0", v, name)
		}
		if p == 0 {
			return nil
		}
		return mark(bb, names, name, int(p))
	})
}

// markConfidence marks yes as +1 and no as -1 in candidate order; abstain is no mark.
func markConfidence(bb *tally.BallotBuilder, names map[string]int, votes map[string]string) error {
	return inCandidateOrder(names, votes, func(name, v string) error {
		switch v {
		case "yes":
			return mark(bb, names, name, 1)
		case "no":
			return mark(bb, names, name, -1)
		case "abstain", "":
			_, ok := names[name]
			if !ok {
				return fmt.Errorf("unknown candidate %q", name)
			}
			return nil
		}
		return fmt.Errorf("confidence vote %q for %q is not yes, no or abstain", v, name)
	})
}

// inCandidateOrder calls f for each entry of m, candidates in ballot-file order first, then
// unknown names sorted (so that the error about them is deterministic).
func inCandidateOrder[V any](names map[string]int, m map[string]V, f func(string, V) error) error {
	order := make([]string, len(names))
	for name, i := range names {
		order[i] = name
	}
	for _, name := range order {
		if v, ok := m[name]; ok {
			if err := f(name, v); err != nil {
				return err
			}
		}
	}
	var unknown []string
	for name := range m {
		if _, ok := names[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("unknown candidate %q", unknown[0])
	}
	return nil
}

// WriteJSON writes e as a JSON ballot file whose ballots have the given kind ("" for e.Kind),
// one ballot per line. The output is the same bytes for the same election.
func WriteJSON(w io.Writer, e *tally.Election, kind Kind) error {
	if kind == "" {
		kind = e.Kind
	}
	if msg := checkCandidates(e.Candidates); msg != "" {
		return fmt.Errorf("ballotfile: %s", msg)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	head := struct {
		Title      string `json:"title"`
		Seats      int    `json:"seats,omitempty"`
		Candidates any    `json:"candidates"`
	}{e.Title, e.Seats, candidatesJSON(e.Candidates)}
	hb, err := json.Marshal(head)
	if err != nil {
		return err
	}
	bw.Write(hb[:len(hb)-1])
	bw.WriteString(`,"ballots":[`)
	for i := range e.Ballots.Len() {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		b, err := json.Marshal(toBallotJSON(e, i, kind))
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func candidatesJSON(cs []tally.Candidate) any {
	plain := true
	names := make([]string, len(cs))
	out := make([]candidateJSON, len(cs))
	for i, c := range cs {
		names[i], out[i] = c.Name, candidateJSON(c)
		plain = plain && !c.Withdrawn && c.Affiliation == ""
	}
	if plain {
		return names
	}
	return out
}

func toBallotJSON(e *tally.Election, i int, kind Kind) ballotJSON {
	var b ballotJSON
	if w := e.Ballots.Weight(i); w != 1 {
		b.Weight = json.Number(strconv.FormatInt(w, 10))
	}
	cands, values := e.Ballots.Marks(i)
	name := func(k int) string { return e.Candidates[cands[k]].Name }
	switch kind {
	case Approval:
		list := make([]string, len(cands))
		for k := range cands {
			list[k] = name(k)
		}
		b.Approve = &list
	case Points:
		m := make(map[string]json.Number, len(cands))
		for k := range cands {
			m[name(k)] = json.Number(strconv.Itoa(int(values[k])))
		}
		b.Points = &m
	case Confidence:
		m := make(map[string]string, len(cands))
		for k := range cands {
			m[name(k)] = map[int32]string{1: "yes", -1: "no"}[values[k]]
			if m[name(k)] == "" {
				m[name(k)] = "abstain"
			}
		}
		b.Confidence = &m
	default:
		groups := []rankGroup{}
		for k := range cands {
			if k == 0 || values[k] != values[k-1] {
				groups = append(groups, nil)
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], name(k))
		}
		b.Ranking = &groups
	}
	return b
}
