package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
)

// votingCharter is a small board whose 2026 election has a contest of each ballot kind:
//   - ranked (meek, 2 seats) with three candidates: a ranking ballot;
//   - approval (approval, 1 seat) with two: an approval ballot;
//   - points (cumulative, 2 seats) with three: a points ballot of 2 points;
//   - trust (1 seat, uncontested: confidence) with one: a confidence ballot;
//   - acclaimed (1 seat, uncontested: acclamation) with one: no vote.
const votingCharter = `name: Voting Test Board
effective_from: 2024-01-01
currency: USD
term_years: 2
first_election: 2024
constituencies:
  - {key: ranked, name: Ranked Members, category: Community, seats: 2, seating: elected, elected_in: even,
     method: meek, uncontested: acclamation, eligibility: {rule: membership}}
  - {key: approval, name: Approval Members, category: Community, seats: 1, seating: elected, elected_in: even,
     method: approval, uncontested: acclamation, eligibility: {rule: membership}}
  - {key: points, name: Points Members, category: Community, seats: 2, seating: elected, elected_in: even,
     method: cumulative, uncontested: acclamation, eligibility: {rule: membership}}
  - {key: trust, name: Trust Members, category: Community, seats: 1, seating: elected, elected_in: even,
     method: meek, uncontested: confidence, eligibility: {rule: membership}}
  - {key: acclaimed, name: Acclaimed Members, category: Community, seats: 1, seating: elected, elected_in: even,
     method: meek, uncontested: acclamation, eligibility: {rule: membership}}
`

// votingMembers are the members of the voting board by constituency; the first of each list
// stand as candidates (votingCandidates of them).
var votingMembers = []struct {
	constituency string
	members      []string
	candidates   int
}{
	{"ranked", []string{"rk-1", "rk-2", "rk-3", "rk-4", "rk-5", "rk-6"}, 3},
	{"approval", []string{"ap-1", "ap-2", "ap-3", "ap-4"}, 2},
	{"points", []string{"pt-1", "pt-2", "pt-3", "pt-4"}, 3},
	{"trust", []string{"tr-1", "tr-2", "tr-3"}, 1},
	{"acclaimed", []string{"ac-1", "ac-2"}, 1},
}

// votingNames are the members' names: candidates appear on ballots under them.
var votingNames = map[string]string{
	"rk-1": "Ann Ranked", "rk-2": "Bo Ranked", "rk-3": "Cy Ranked",
	"ap-1": "Ann Approval", "ap-2": "Bo Approval",
	"pt-1": "Ann Points", "pt-2": "Bo Points", "pt-3": "Cy Points",
	"tr-1": "Tess Trust", "ac-1": "Acker Claim",
}

// personInput is a person of a constituency who joined well before 2026.
func personInput(id, name, constituency string) elections.MemberInput {
	return elections.MemberInput{ExternalID: id, Kind: "person", Name: name, Constituency: constituency, Joined: "2024-01-01"}
}

// votingEnv is the voting board's 2026 election with its candidates accepted, the clock in the
// campaign (16 May): open a round with at(voting2026) and openRound.
type votingEnv struct {
	*electionEnv
	t *testing.T
	v *responseValidator
	// election is the 2026 election's id; contest the contest ids by constituency; candidate
	// the nomination ids by member.
	election  int64
	contest   map[string]int64
	candidate map[string]int64
}

func newVotingEnv(t *testing.T, onEngine func(*api.Options, *wrapStore)) *votingEnv {
	t.Helper()
	return newVotingEnvWith(t, votingCharter, onEngine)
}

// newVotingEnvWith is newVotingEnv with another charter of the same constituencies.
func newVotingEnvWith(t *testing.T, charter string, onEngine func(*api.Options, *wrapStore)) *votingEnv {
	t.Helper()
	ee := &electionEnv{}
	keep := func(_ *api.Options, s *wrapStore) { ee.store = s }
	ee.env = newBoardEnv(t, onEngine, keep)
	c, err := charterfile.Parse([]byte(charter), "charter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ee.svc.ApplyCharter(context.Background(), elections.CLIActor(), c); err != nil {
		t.Fatalf("apply the charter: %v", err)
	}
	ee.at(announced2026)
	e := &votingEnv{electionEnv: ee, t: t, v: newResponseValidator(t, ee.env),
		contest: map[string]int64{}, candidate: map[string]int64{}}
	for _, c := range votingMembers {
		for _, m := range c.members {
			name := votingNames[m]
			if name == "" {
				name = "Voter " + m
			}
			e.addMember(t, personInput(m, name, c.constituency))
		}
	}
	w := e.create2026()
	e.election = w.ID
	for _, c := range w.Contests {
		e.contest[c.Constituency] = c.ID
	}

	e.at(nominations2026)
	for _, c := range votingMembers {
		for _, m := range c.members[:c.candidates] {
			var n struct{ ID int64 }
			e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/nominations", e.election),
				token: e.member(m), body: `{"nominee":"` + m + `"}`}, http.StatusCreated, &n)
			e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/nominations/%d/accept", n.ID), token: e.officerToken},
				http.StatusOK, nil)
			e.candidate[m] = n.ID
		}
	}
	e.at(campaigning2026)
	return e
}

// call serves r, checks the response against the OpenAPI document and its status, and decodes
// it into out (when not nil).
func (e *votingEnv) call(r request, want int, out any) *httptest.ResponseRecorder {
	e.t.Helper()
	req, rec := e.serve(r)
	e.v.check(e.t, req, rec)
	if rec.Code != want {
		var internal []map[string]any
		if rec.Code == http.StatusInternalServerError {
			internal = logLines(e.t, e.logs.String(), "internal error")
		}
		e.t.Fatalf("%s %s: status %d, want %d: %s\n%v", r.method, r.url, rec.Code, want, rec.Body, internal)
	}
	if out != nil {
		decode(e.t, rec, out)
	}
	return rec
}

// member returns a token of member for the 2026 election, valid now (tokens live an hour,
// and the tests move the clock by days).
func (e *votingEnv) member(member string) string {
	e.t.Helper()
	return e.memberOf(member, e.election)
}

// roundWire is a round as the tests read it.
type roundWire struct {
	ID             int64
	ElectionID     int64 `json:"election_id"`
	Number         int
	Runoff         bool
	State          string
	OpenedAt       string `json:"opened_at"`
	ClosesAt       string `json:"closes_at"`
	ClosedAt       string `json:"closed_at"`
	ClosedBy       string `json:"closed_by"`
	SeedCommitment string `json:"seed_commitment"`
	Seed           string
	Contests       []struct {
		ContestID  int64 `json:"contest_id"`
		Contest    string
		Method     string
		Kind       string
		Seats      int
		Revoting   bool
		MaxMarks   int  `json:"max_marks"`
		Points     int  `json:"points"`
		AllowsTies bool `json:"allows_ties"`
		Candidates []candidateWire
	}
}

// candidateWire is a candidate on a ballot.
type candidateWire struct {
	ID   int64
	Name string
}

// openRound opens a round for every contest that goes to a vote, as the officer.
func (e *votingEnv) openRound() roundWire {
	e.t.Helper()
	var r roundWire
	e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/elections/%d/rounds", e.election), token: e.officerToken},
		http.StatusCreated, &r)
	return r
}

// closeRound closes round id as the officer.
func (e *votingEnv) closeRound(id int64) roundWire {
	e.t.Helper()
	var r roundWire
	e.call(request{method: "POST", url: fmt.Sprintf("/api/v1/rounds/%d/close", id), token: e.officerToken},
		http.StatusOK, &r)
	return r
}

// castWire is the answer to a cast.
type castWire struct {
	Receipt   string
	ContestID int64 `json:"contest_id"`
	RoundID   int64 `json:"round_id"`
	Replaced  bool
}

// cast casts body for member in the contest of constituency and returns the answer, failing
// the test unless its status is want.
func (e *votingEnv) cast(member, constituency, body string, want int) castWire {
	e.t.Helper()
	var out castWire
	rec := e.call(request{method: "POST", url: e.contestURL(constituency, "ballots"), token: e.member(member), body: body},
		want, nil)
	if want == http.StatusCreated {
		decode(e.t, rec, &out)
	}
	return out
}

// contestURL is the URL of a contest's sub-resource, e.g. contestURL("ranked", "ballots").
func (e *votingEnv) contestURL(constituency, what string) string {
	id, ok := e.contest[constituency]
	if !ok {
		e.t.Fatalf("no %s contest", constituency)
	}
	return fmt.Sprintf("/api/v1/contests/%d/%s", id, what)
}

// ids writes the nomination ids of members as a JSON list, e.g. "[4,5]".
func (e *votingEnv) ids(members ...string) string {
	out := "["
	for i, m := range members {
		if i > 0 {
			out += ","
		}
		out += fmt.Sprint(e.candidate[m])
	}
	return out + "]"
}
