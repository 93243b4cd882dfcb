package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// Casting a ballot is the hot path of the service (thousands of ballots a second while a round
// is open), and the one where secrecy matters most. Its handler therefore decodes the body
// without reflection where it can, makes no store reads of its own (the service checks the
// voter and the round), writes its answer without reflection, and never logs anything about
// the ballot: the access log has the route and status only, and a failure that the service
// does not explain is logged without its text (sealedError), since that text could carry the
// ballot's content.

// ballotFormResponse is the caller's ballot in a contest.
type ballotFormResponse struct {
	ContestID int64  `json:"contest_id"`
	RoundID   int64  `json:"round_id"`
	Contest   string `json:"contest"`
	Method    string `json:"method"`
	Kind      string `json:"kind"`
	Seats     int    `json:"seats"`
	// Candidates are in an order shuffled for this voter, the same each time they ask.
	Candidates   []ballotCandidateResponse `json:"candidates"`
	MaxMarks     int                       `json:"max_marks"`
	Points       int                       `json:"points"`
	AllowsTies   bool                      `json:"allows_ties"`
	Revoting     bool                      `json:"revoting"`
	ClosesAt     string                    `json:"closes_at"`
	Instructions string                    `json:"instructions"`
	Voted        bool                      `json:"voted"`
}

func toBallotFormResponse(f *elections.BallotForm) ballotFormResponse {
	return ballotFormResponse{
		ContestID: f.ContestID, RoundID: f.RoundID, Contest: f.Contest, Method: f.Method, Kind: string(f.Kind),
		Seats: f.Seats, Candidates: toBallotCandidates(f.Candidates), MaxMarks: f.MaxMarks, Points: f.Points,
		AllowsTies: f.AllowsTies, Revoting: f.Revoting, ClosesAt: f.ClosesAt, Instructions: f.Instructions,
		Voted: f.Voted,
	}
}

// participationResponse says whether the caller has voted in a contest, never how.
type participationResponse struct {
	ContestID int64 `json:"contest_id"`
	RoundID   int64 `json:"round_id"`
	Voted     bool  `json:"voted"`
	Revoting  bool  `json:"revoting"`
	RoundOpen bool  `json:"round_open"`
	// Message says the same in a sentence for the voter.
	Message string `json:"message"`
}

func toParticipationResponse(p *elections.ParticipationView) participationResponse {
	return participationResponse{ContestID: p.ContestID, RoundID: p.RoundID, Voted: p.Voted, Revoting: p.Revoting,
		RoundOpen: p.RoundOpen, Message: p.Message}
}

// ballotRequest is the body of POST /contests/{id}/ballots: Abstain alone, or the one field of
// the contest's ballot kind, and optionally the round. Fields left out stay nil, so that the
// service can tell a field of another kind from an absent one.
type ballotRequest struct {
	// RoundID is the round of the ballot form the voter filled in (its round_id); absent:
	// whatever round is open. A ballot for a round that has closed is refused (409) rather
	// than cast in a round opened since, whose ballot may differ.
	RoundID *int64 `json:"round_id"`
	Abstain bool   `json:"abstain"`
	// Ranking lists candidate ids best first; an element may be a list of ids ranked equally.
	Ranking []rankElement `json:"ranking"`
	// Marks are the candidates marked (approval, plurality).
	Marks []int64 `json:"marks"`
	// Points gives points to candidates by id (cumulative). JSON object keys are strings.
	Points keyedValues[int] `json:"points"`
	// Votes says yes, no or abstain per candidate id (confidence).
	Votes keyedValues[string] `json:"votes"`
}

// keyedValues is a JSON object read as its members in order, every key kept: decoded into a
// map, an object naming a candidate twice ({"12": 2, "12": 1}) would keep one of the two
// values, and the voter would not know which counted. A JSON null leaves it nil.
type keyedValues[V any] []keyedValue[V]

// keyedValue is one member of a JSON object.
type keyedValue[V any] struct {
	key   string
	value V
}

// UnmarshalJSON reads a JSON object member by member (the decoder has checked that data is
// valid JSON). Anything but an object is a type error, which the decoder reports with the
// field's name.
func (kv *keyedValues[V]) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return &json.UnmarshalTypeError{Value: jsonValueKind(data), Type: reflect.TypeFor[map[string]V]()}
	}
	out := make(keyedValues[V], 0, 4)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the key of an object member is a string
		var v V
		if err := dec.Decode(&v); err != nil {
			return err
		}
		out = append(out, keyedValue[V]{key: key, value: v})
	}
	*kv = out
	return nil
}

// jsonValueKind names the kind of the JSON value data, as encoding/json's type errors do.
func jsonValueKind(data []byte) string {
	switch data[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

// rankElement is one element of a ranking: a candidate id, or a list of ids ranked equally.
type rankElement []int64

// errRankElement is a ranking element that is neither an id nor a list of ids.
var errRankElement = errors.New("each element of ranking must be a candidate id or a list of candidate ids ranked equally")

// UnmarshalJSON reads 12 or [14, 15] by hand: a ranking is most of a ballot's body, and going
// through reflection for every element would cost more than the rest of the decoding.
func (r *rankElement) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] != '[' {
		id, ok := parseID(data)
		if !ok {
			return errRankElement
		}
		*r = rankElement{id}
		return nil
	}
	group, ok := parseIDList(data)
	if !ok {
		return errRankElement
	}
	*r = group
	return nil
}

// parseID parses a candidate id: decimal digits only, no sign, no fraction, no leading zero,
// at most 18 digits (so that it fits an int64). An id has one spelling, so that "12" and
// "012" cannot name one candidate twice as two keys of an object.
func parseID(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 || len(b) > 1 && b[0] == '0' {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseIDList parses a non-empty JSON array of ids, e.g. "[14, 15]" (the decoder has checked
// that data is valid JSON). An empty list ranks nobody: it is refused rather than read as a
// skipped rank, which a voter cannot mean.
func parseIDList(data []byte) (rankElement, bool) {
	inner := strings.TrimSpace(string(data[1 : len(data)-1]))
	if inner == "" {
		return nil, false
	}
	out := make(rankElement, 0, strings.Count(inner, ",")+1)
	for field := range strings.SplitSeq(inner, ",") {
		id, ok := parseID([]byte(strings.TrimSpace(field)))
		if !ok {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// toBallotInput maps the request to the service's input. round_id, when given, must be a
// positive id; keys of points and votes must be candidate ids, each candidate given once.
func (r *ballotRequest) toBallotInput() (elections.BallotInput, error) {
	in := elections.BallotInput{Abstain: r.Abstain, Marks: r.Marks}
	if r.RoundID != nil {
		if *r.RoundID < 1 {
			return in, errorf(elections.EINVALID, "round_id must be the id of a round (the round_id of the ballot form), not %d", *r.RoundID)
		}
		in.RoundID = *r.RoundID
	}
	if r.Ranking != nil {
		in.Ranking = make([][]int64, len(r.Ranking))
		for i, g := range r.Ranking {
			in.Ranking[i] = g
		}
	}
	var err error
	if in.Points, err = byCandidate(r.Points, "points"); err != nil {
		return in, err
	}
	if in.Votes, err = byCandidate(r.Votes, "votes"); err != nil {
		return in, err
	}
	return in, nil
}

// byCandidate maps the members of the object field to values by candidate id (nil when the
// field was left out), refusing a key that is not a candidate id and a candidate given twice.
func byCandidate[V any](kv keyedValues[V], field string) (map[int64]V, error) {
	if kv == nil {
		return nil, nil
	}
	out := make(map[int64]V, len(kv))
	for _, m := range kv {
		id, ok := parseID([]byte(m.key))
		if !ok {
			return nil, errorf(elections.EINVALID, "the keys of %s must be candidate ids, not %q", field, m.key)
		}
		if _, dup := out[id]; dup {
			return nil, errorf(elections.EINVALID, "candidate %d is given twice in %s", id, field)
		}
		out[id] = m.value
	}
	return out, nil
}

// bindBallot decodes the body of a cast like bind does (415, 413, 400 for malformed JSON, wrong
// types, unknown fields or anything after the object), with the usual content type checked
// without parsing it.
func bindBallot(c echo.Context, dst *ballotRequest) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != echo.MIMEApplicationJSON {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != echo.MIMEApplicationJSON {
			return &apiError{code: CodeUnsupportedMediaType, detail: detailOfCode[CodeUnsupportedMediaType]}
		}
	}
	dec := json.NewDecoder(req.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, errRankElement) {
			return errorf(elections.EINVALID, "%s", errRankElement.Error())
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if tooLarge(err) {
			return decodeError(err)
		}
		return errorf(elections.EINVALID, "the request body must hold one JSON object and nothing after it")
	}
	return nil
}

// sealedError stands for a failure of a cast that the service did not explain (a store
// failure): its text is withheld from the log, because it could quote the ballot, and the
// log line must not tie a ballot to a request whose token names the voter. errors.Is still
// sees through it, so that a timeout is reported as one.
type sealedError struct{ err error }

func (e *sealedError) Error() string {
	return "the ballot was not stored (the cause is withheld from the log to keep the ballot secret)"
}

func (e *sealedError) Unwrap() error { return e.err }

// sealCastError returns err when the service explained it (its message is for the voter, who
// sent the ballot), else a sealedError.
func sealCastError(err error) error {
	var de *elections.Error
	if errors.As(err, &de) && de.Code != elections.EINTERNAL {
		return err
	}
	return &sealedError{err: err}
}

// getBallotForm returns the caller's ballot form for a contest.
func (s *Server) getBallotForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.svc.BallotForm(c.Request().Context(), callerOf(c).actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toBallotFormResponse(f))
}

// castBallot stores the caller's ballot and answers with its receipt:
// {"receipt","contest_id","round_id","replaced"}, written by hand (see the note at the top).
func (s *Server) castBallot(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ballotRequest
	if err := bindBallot(c, &req); err != nil {
		return err
	}
	in, err := req.toBallotInput()
	if err != nil {
		return err
	}
	res, err := s.svc.CastBallot(c.Request().Context(), callerOf(c).actor, id, in)
	if err != nil {
		return sealCastError(err)
	}
	buf := make([]byte, 0, 160)
	buf = append(buf, `{"receipt":`...)
	buf = strconv.AppendQuote(buf, res.Receipt) // hex: Go's quoting is JSON's
	buf = append(buf, `,"contest_id":`...)
	buf = strconv.AppendInt(buf, res.ContestID, 10)
	buf = append(buf, `,"round_id":`...)
	buf = strconv.AppendInt(buf, res.RoundID, 10)
	buf = append(buf, `,"replaced":`...)
	buf = strconv.AppendBool(buf, res.Replaced)
	buf = append(buf, "}\n"...)
	return c.Blob(http.StatusCreated, echo.MIMEApplicationJSON, buf)
}

// getParticipation tells the caller whether they have voted in a contest.
func (s *Server) getParticipation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.svc.Participation(c.Request().Context(), callerOf(c).actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toParticipationResponse(p))
}
