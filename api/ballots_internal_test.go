package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// A cast's body becomes the service's input: rankings with groups, marks, points and votes by
// candidate id; fields left out stay nil so that the service can tell them from empty ones.
func TestBindBallot(t *testing.T) {
	tests := []struct {
		body string
		want elections.BallotInput
	}{
		{`{"abstain":true}`, elections.BallotInput{Abstain: true}},
		{`{"ranking":[12, [14,15] ,13]}`, elections.BallotInput{Ranking: [][]int64{{12}, {14, 15}, {13}}}},
		{"{\"ranking\":[\n 12,\n [ 14 ,\t15 ]\n]}", elections.BallotInput{Ranking: [][]int64{{12}, {14, 15}}}},
		{`{"ranking":[]}`, elections.BallotInput{Ranking: [][]int64{}}},
		{`{"marks":[12,14]}`, elections.BallotInput{Marks: []int64{12, 14}}},
		{`{"marks":[]}`, elections.BallotInput{Marks: []int64{}}},
		{`{"points":{"12":2,"14":0}}`, elections.BallotInput{Points: map[int64]int{12: 2, 14: 0}}},
		{`{"votes":{"12":"yes","13":"no"}}`, elections.BallotInput{Votes: map[int64]string{12: "yes", 13: "no"}}},
		{`{"points":{}}`, elections.BallotInput{Points: map[int64]int{}}},
		{`{"points":null,"votes":null}`, elections.BallotInput{}},
		{`{"round_id":7,"marks":[12]}`, elections.BallotInput{RoundID: 7, Marks: []int64{12}}},
		{`{"points":{"0":1,"10":2}}`, elections.BallotInput{Points: map[int64]int{0: 1, 10: 2}}},
		{`null`, elections.BallotInput{}},
	}
	for _, tt := range tests {
		in, err := bindBody(t, tt.body)
		if err != nil {
			t.Errorf("%s: %v", tt.body, err)
			continue
		}
		if diff := cmp.Diff(tt.want, in); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.body, diff)
		}
	}
}

// Bodies that are not ballots are refused with invalid (400) and a reason.
func TestBindBallotRefuses(t *testing.T) {
	for body, reason := range map[string]string{
		`{"ranking":["12"]}`:                "candidate id or a list",
		`{"ranking":[[]]}`:                  "candidate id or a list",
		`{"ranking":[[12,[13]]]}`:           "candidate id or a list",
		`{"ranking":[-12]}`:                 "candidate id or a list",
		`{"ranking":[1.5]}`:                 "candidate id or a list",
		`{"ranking":[1e3]}`:                 "candidate id or a list",
		`{"ranking":[null]}`:                "candidate id or a list",
		`{"ranking":[1234567890123456789]}`: "candidate id or a list",
		`{"ranking":12}`:                    "ranking",
		`{"marks":["12"]}`:                  "marks",
		`{"points":{"12":1.5}}`:             "points",
		`{"points":{"twelve":1}}`:           "keys of points",
		`{"votes":{"-1":"yes"}}`:            "keys of votes",
		`{"votes":{"12":true}}`:             "votes",
		`{"points":{"012":1}}`:              `the keys of points must be candidate ids, not "012"`,
		`{"points":{"12":2,"012":1}}`:       `the keys of points must be candidate ids, not "012"`,
		`{"votes":{"+12":"yes"}}`:           `the keys of votes must be candidate ids, not "+12"`,
		`{"votes":{"00":"yes"}}`:            `the keys of votes must be candidate ids, not "00"`,
		`{"points":{"12":2,"12":1}}`:        "candidate 12 is given twice in points",
		`{"votes":{"13":"yes","13":"no"}}`:  "candidate 13 is given twice in votes",
		`{"points":12}`:                     `field "points" must be an object, not number`,
		`{"votes":["12"]}`:                  `field "votes" must be an object, not array`,
		`{"points":{"12":"2"}}`:             `field "points`,
		`{"round_id":0,"abstain":true}`:     "round_id must be the id of a round",
		`{"round_id":-3,"abstain":true}`:    "round_id must be the id of a round",
		`{"round_id":"3","abstain":true}`:   `field "round_id" must be an integer`,
		`{"abstain":"yes"}`:                 "abstain",
		`{"ballot":{}}`:                     `unknown field "ballot"`,
		`{"abstain":true} x`:                "nothing after it",
		`[]`:                                "JSON object",
		``:                                  "empty",
	} {
		_, err := bindBody(t, body)
		ae, ok := err.(*apiError)
		if !ok || ae.code != elections.EINVALID || !strings.Contains(ae.detail, reason) {
			t.Errorf("%s: %v, want invalid with %q", body, err, reason)
		}
	}
}

// bindBody decodes body as the cast handler does.
func bindBody(t *testing.T, body string) (elections.BallotInput, error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c := echo.New().NewContext(req, httptest.NewRecorder())
	var r ballotRequest
	if err := bindBallot(c, &r); err != nil {
		return elections.BallotInput{}, err
	}
	return r.toBallotInput()
}

// BenchmarkBindBallot decodes a typical ranking ballot as the cast handler does.
func BenchmarkBindBallot(b *testing.B) {
	const body = `{"ranking":[12,[14,15],13,16,17]}`
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c := echo.New().NewContext(req, httptest.NewRecorder())
	b.ReportAllocs()
	for b.Loop() {
		req.Body = io.NopCloser(strings.NewReader(body))
		var r ballotRequest
		if err := bindBallot(c, &r); err != nil {
			b.Fatal(err)
		}
		if _, err := r.toBallotInput(); err != nil {
			b.Fatal(err)
		}
	}
}
