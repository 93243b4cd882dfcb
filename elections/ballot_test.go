package elections

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/govboard/govboard/pkg/tally"
)

// The ballot's validation, canonical content, decoding, receipt and voter key, without a
// store. The service's use of them is tested in cast_test.go.

// testCandidates are four candidates whose ids are not their positions, so that a mix-up
// shows: Ann (11) is 1, Bob (12) is 2, Cy (13) is 3, Dee (14) is 4.
var testCandidates = []BallotCandidate{{ID: 11, Name: "Ann"}, {ID: 12, Name: "Bob"}, {ID: 13, Name: "Cy"}, {ID: 14, Name: "Dee"}}

// testBallots are the RoundBallots of these tests by name.
var testBallots = map[string]RoundBallot{
	"meek":       {RoundID: 3, ContestID: 7, Method: "meek", Kind: BallotRanking, Seats: 2, Candidates: testCandidates, MaxMarks: 4},
	"schulze":    {RoundID: 3, ContestID: 7, Method: "schulze", Kind: BallotRanking, Seats: 1, Candidates: testCandidates, MaxMarks: 4, AllowsTies: true},
	"short":      {RoundID: 3, ContestID: 7, Method: "meek", Kind: BallotRanking, Seats: 1, Candidates: testCandidates, MaxMarks: 2},
	"plurality":  {RoundID: 3, ContestID: 7, Method: "plurality", Kind: BallotApproval, Seats: 1, Candidates: testCandidates, MaxMarks: 1},
	"plurality2": {RoundID: 3, ContestID: 7, Method: "plurality", Kind: BallotApproval, Seats: 2, Candidates: testCandidates, MaxMarks: 2},
	"approval":   {RoundID: 3, ContestID: 7, Method: "approval", Kind: BallotApproval, Seats: 2, Candidates: testCandidates, MaxMarks: 4},
	"cumulative": {RoundID: 3, ContestID: 7, Method: "cumulative", Kind: BallotPoints, Seats: 3, Candidates: testCandidates, MaxMarks: 4, Points: 3},
	"confidence": {RoundID: 3, ContestID: 7, Method: "confidence", Kind: BallotConfidence, Seats: 2, Candidates: testCandidates, MaxMarks: 4},
}

// ballotCase is one ballot cast on one of testBallots: the content it is stored as, or the
// start of the EINVALID message it is refused with.
type ballotCase struct {
	ballot  string
	in      BallotInput
	content string
	refused string
}

var ballotCases = []ballotCase{
	{"meek", BallotInput{Ranking: [][]int64{{13}, {11}, {12}}}, "ranking:3>1>2", ""},
	{"meek", BallotInput{Ranking: [][]int64{{14}}}, "ranking:4", ""},
	{"meek", BallotInput{Abstain: true}, "ranking:", ""},
	{"meek", BallotInput{}, "", "rank at least one candidate, or abstain explicitly"},
	{"meek", BallotInput{Ranking: [][]int64{}}, "", "rank at least one candidate"},
	{"meek", BallotInput{Ranking: [][]int64{{11, 12}}}, "", "the meek method does not rank candidates equally"},
	{"meek", BallotInput{Ranking: [][]int64{{11}, {13}, {11}}}, "", "a candidate is ranked more than once"},
	{"meek", BallotInput{Ranking: [][]int64{{11}, {99}}}, "", "candidate 99 is not on this ballot"},
	{"meek", BallotInput{Ranking: [][]int64{{11}, {}}}, "", "rank 2 of the ranking is empty"},
	{"meek", BallotInput{Marks: []int64{11}}, "", "this contest's ballot takes a ranking, not marks"},
	{"meek", BallotInput{Votes: map[int64]string{11: "yes"}}, "", "this contest's ballot takes a ranking, not votes"},
	{"meek", BallotInput{Abstain: true, Ranking: [][]int64{{11}}}, "", "an abstention cannot also give a ranking"},
	{"meek", BallotInput{Abstain: true, Points: map[int64]int{11: 1}}, "", "this contest's ballot takes a ranking, not points"},
	{"schulze", BallotInput{Ranking: [][]int64{{13}, {12, 11}, {14}}}, "ranking:3>1=2>4", ""},
	{"schulze", BallotInput{Ranking: [][]int64{{14, 13, 12, 11}}}, "ranking:1=2=3=4", ""},
	{"schulze", BallotInput{Ranking: [][]int64{{14, 14}}}, "", "a candidate is ranked more than once"},
	{"short", BallotInput{Ranking: [][]int64{{12}, {11}}}, "ranking:2>1", ""},
	{"short", BallotInput{Ranking: [][]int64{{12}, {11}, {13}}}, "", "rank at most 2 candidates"},
	{"plurality", BallotInput{Marks: []int64{12}}, "approval:2", ""},
	{"plurality", BallotInput{Marks: []int64{12, 11}}, "", "mark at most 1 candidate"},
	{"plurality", BallotInput{Abstain: true}, "approval:", ""},
	{"plurality", BallotInput{Ranking: [][]int64{{12}}}, "", "this contest's ballot takes marks, not a ranking"},
	{"plurality2", BallotInput{Marks: []int64{14, 11}}, "approval:1,4", ""},
	{"plurality2", BallotInput{Marks: []int64{14, 11, 12}}, "", "mark at most 2 candidates"},
	{"approval", BallotInput{Marks: []int64{14, 11, 13, 12}}, "approval:1,2,3,4", ""},
	{"approval", BallotInput{Marks: []int64{11, 11}}, "", "a candidate is marked more than once"},
	{"approval", BallotInput{Marks: []int64{0}}, "", "candidate 0 is not on this ballot"},
	{"approval", BallotInput{}, "", "mark at least one candidate, or abstain explicitly"},
	{"cumulative", BallotInput{Points: map[int64]int{13: 1, 11: 2}}, "points:1=2,3=1", ""},
	{"cumulative", BallotInput{Points: map[int64]int{13: 1, 12: 0, 11: 2}}, "points:1=2,3=1", ""},
	{"cumulative", BallotInput{Points: map[int64]int{14: 3}}, "points:4=3", ""},
	{"cumulative", BallotInput{Points: map[int64]int{14: 4}}, "", "give at most 3 points in all"},
	{"cumulative", BallotInput{Points: map[int64]int{11: 2, 12: 2}}, "", "give at most 3 points in all"},
	{"cumulative", BallotInput{Points: map[int64]int{11: -1, 12: 2}}, "", "points cannot be negative"},
	{"cumulative", BallotInput{Points: map[int64]int{11: 0}}, "", "give points to at least one candidate, or abstain explicitly"},
	{"cumulative", BallotInput{Points: map[int64]int{11: 1, 99: 1}}, "", "candidate 99 is not on this ballot"},
	{"cumulative", BallotInput{Abstain: true}, "points:", ""},
	{"confidence", BallotInput{Votes: map[int64]string{13: "abstain", 12: "no", 11: "yes"}}, "confidence:1=yes,2=no", ""},
	{"confidence", BallotInput{Votes: map[int64]string{14: "no"}}, "confidence:4=no", ""},
	{"confidence", BallotInput{Votes: map[int64]string{11: "abstain"}}, "confidence:", ""},
	{"confidence", BallotInput{Abstain: true}, "confidence:", ""},
	{"confidence", BallotInput{Votes: map[int64]string{11: "maybe"}}, "", `a vote is "yes", "no" or "abstain"`},
	{"confidence", BallotInput{Votes: map[int64]string{12: "Yes"}}, "", `a vote is "yes", "no" or "abstain"`},
	{"confidence", BallotInput{Marks: []int64{11}}, "", "this contest's ballot takes votes, not marks"},
}

// TestBallotCanonical checks each case's content or refusal, and that no refusal names a
// candidate on the ballot: an error may reach a log beside the voter's identity.
func TestBallotCanonical(t *testing.T) {
	for _, c := range ballotCases {
		rb := testBallots[c.ballot]
		got, err := newBallotSpec(&rb).canonical(c.in)
		if c.refused == "" {
			if err != nil || got != c.content {
				t.Errorf("%s %+v: %q, %v; want %q", c.ballot, c.in, got, err, c.content)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID || !strings.HasPrefix(e.Message, c.refused) {
			t.Errorf("%s %+v: %q, %v; want EINVALID %q", c.ballot, c.in, got, err, c.refused)
			continue
		}
		for _, cand := range testCandidates {
			if strings.Contains(e.Message, cand.Name) || strings.Contains(e.Message, fmt.Sprint(cand.ID)) {
				t.Errorf("%s %+v: message %q names candidate %s", c.ballot, c.in, e.Message, cand.Name)
			}
		}
	}
}

// TestBallotDecode checks that every content canonical writes decodes to the marks of
// pkg/tally (candidates 0-based), and back to the same content.
func TestBallotDecode(t *testing.T) {
	want := map[string][][2]int{
		"ranking:3>1>2":         {{2, 1}, {0, 2}, {1, 3}},
		"ranking:4":             {{3, 1}},
		"ranking:3>1=2>4":       {{2, 1}, {0, 2}, {1, 2}, {3, 3}},
		"ranking:1=2=3=4":       {{0, 1}, {1, 1}, {2, 1}, {3, 1}},
		"ranking:2>1":           {{1, 1}, {0, 2}},
		"approval:2":            {{1, 1}},
		"approval:1,4":          {{0, 1}, {3, 1}},
		"approval:1,2,3,4":      {{0, 1}, {1, 1}, {2, 1}, {3, 1}},
		"points:1=2,3=1":        {{0, 2}, {2, 1}},
		"points:4=3":            {{3, 3}},
		"confidence:1=yes,2=no": {{0, 1}, {1, -1}},
		"confidence:4=no":       {{3, -1}},
	}
	for _, c := range ballotCases {
		if c.refused != "" {
			continue
		}
		rb := testBallots[c.ballot]
		d := newBallotDecoder(&rb)
		if err := d.decode(c.content); err != nil {
			t.Errorf("%s: decode(%q): %v", c.ballot, c.content, err)
			continue
		}
		var got [][2]int
		for _, m := range d.marks() {
			got = append(got, [2]int{m.Candidate, m.Value})
		}
		if !slices.Equal(got, want[c.content]) {
			t.Errorf("%s: decode(%q) = %v, want %v", c.ballot, c.content, got, want[c.content])
		}
		if again := encodeMarks(&rb, d.marks()); again != c.content {
			t.Errorf("%s: %q decodes to marks that encode as %q", c.ballot, c.content, again)
		}
	}
}

// encodeMarks writes marks back as a ballot input and through canonical.
func encodeMarks(rb *RoundBallot, marks []tally.Mark) string {
	var in BallotInput
	if len(marks) == 0 {
		in.Abstain = true
	}
	for _, m := range marks {
		id := rb.Candidates[m.Candidate].ID
		switch rb.Kind {
		case BallotRanking:
			for len(in.Ranking) < m.Value {
				in.Ranking = append(in.Ranking, nil)
			}
			in.Ranking[m.Value-1] = append(in.Ranking[m.Value-1], id)
		case BallotApproval:
			in.Marks = append(in.Marks, id)
		case BallotPoints:
			if in.Points == nil {
				in.Points = map[int64]int{}
			}
			in.Points[id] = m.Value
		case BallotConfidence:
			if in.Votes == nil {
				in.Votes = map[int64]string{}
			}
			in.Votes[id] = map[int]string{1: "yes", -1: "no"}[m.Value]
		}
	}
	s, err := newBallotSpec(rb).canonical(in)
	if err != nil {
		return err.Error()
	}
	return s
}

// TestBallotDecodeStrict checks that contents canonical could not have written for the
// ballot are refused: a damaged or forged row must fail the count, not be counted.
func TestBallotDecodeStrict(t *testing.T) {
	bad := map[string][]string{
		"meek": {"", "ranking", "approval:1", "Ranking:1", "ranking:0", "ranking:5", "ranking:01", "ranking:1>1",
			"ranking:1=2", "ranking:1>", "ranking:>1", "ranking:1>>2", "ranking:1,2", "ranking:1 ", " ranking:1",
			"ranking:+1", "ranking:-1", "ranking:1>2>3>4>1", "ranking:1234567890", "ranking:1\n"},
		"schulze":    {"ranking:2=1", "ranking:1=1", "ranking:1=", "ranking:1=>2"},
		"short":      {"ranking:1>2>3"},
		"plurality":  {"approval:1,2", "approval:0"},
		"approval":   {"approval:2,1", "approval:1,1", "approval:1,", "approval:1=1", "ranking:1"},
		"cumulative": {"points:1", "points:1=", "points:1=0", "points:1=01", "points:1=4", "points:1=2,2=2", "points:3=1,1=2", "points:1=1,1=1", "points:1=-1"},
		"confidence": {"confidence:1", "confidence:1=abstain", "confidence:1=Yes", "confidence:2=no,1=yes", "confidence:1=yes,", "confidence:1=yess"},
	}
	for name, contents := range bad {
		rb := testBallots[name]
		d := newBallotDecoder(&rb)
		for _, content := range contents {
			if err := d.decode(content); err == nil {
				t.Errorf("%s: decode(%q) = %v, want an error", name, content, d.marks())
			}
		}
		// A refusal leaves the decoder usable for the next ballot.
		good := map[BallotKind]string{BallotRanking: "ranking:1", BallotApproval: "approval:1",
			BallotPoints: "points:1=1", BallotConfidence: "confidence:1=yes"}[rb.Kind]
		if err := d.decode(good); err != nil || !slices.Equal(d.cands, []int32{0}) {
			t.Errorf("%s: after the refusals, decode(%s) = %v, %v", name, good, d.cands, err)
		}
	}
}

// TestBallotReceipt checks the receipt against its published definition, and that the nonce
// is 16 random bytes in hex.
func TestBallotReceipt(t *testing.T) {
	nonce := "00112233445566778899aabbccddeeff"
	sum := sha256.Sum256([]byte("govboard-receipt-v1\n7\n3\nranking:3>1=2\n" + nonce))
	if got, want := ballotReceipt(7, 3, "ranking:3>1=2", nonce), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("receipt %s, want %s", got, want)
	}
	a, err := newNonce()
	if err != nil {
		t.Fatal(err)
	}
	b, err := newNonce()
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := hex.DecodeString(a); err != nil || len(raw) != 16 || strings.ToLower(a) != a || a == b {
		t.Errorf("nonces %q and %q, want two different 32-digit lower-case hex strings", a, b)
	}
}

// TestVoterKey checks the voter key against its definition.
func TestVoterKey(t *testing.T) {
	secret := []byte("election secret")
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("3/7/ind-0001"))
	if got, want := voterKey(secret, 3, 7, "ind-0001"), m.Sum(nil); !hmac.Equal(got, want) {
		t.Errorf("voter key %x, want %x", got, want)
	}
	if hmac.Equal(voterKey(secret, 3, 7, "ind-0001"), voterKey(secret, 4, 7, "ind-0001")) {
		t.Error("the voter key is the same in two rounds")
	}
}

// TestBallotOrder checks that a voter's order is a permutation, the same at every call, and
// that voters do not all get the same order.
func TestBallotOrder(t *testing.T) {
	secret := []byte("election secret")
	orders := map[string]bool{}
	for i := range 20 {
		member := fmt.Sprintf("ind-%04d", i)
		o := ballotOrder(secret, 7, member, 6)
		if again := ballotOrder(secret, 7, member, 6); !slices.Equal(o, again) {
			t.Errorf("%s: order %v, then %v", member, o, again)
		}
		if sorted := slices.Sorted(slices.Values(o)); !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5}) {
			t.Errorf("%s: order %v is not a permutation of 0..5", member, o)
		}
		orders[fmt.Sprint(o)] = true
	}
	if len(orders) < 10 {
		t.Errorf("20 voters got only %d different orders of 6 candidates", len(orders))
	}
	if len(ballotOrder(secret, 7, "x", 0)) != 0 || !slices.Equal(ballotOrder(secret, 7, "x", 1), []int{0}) {
		t.Error("orders of 0 and 1 candidates are wrong")
	}
}

// ballotsStore is a Store that has only ballots (the rest panics: countedBallots must not
// use it).
type ballotsStore struct {
	Store
	ballots []StoredBallot
}

func (s *ballotsStore) Ballots(_ context.Context, roundID, contestID int64, fn func(*StoredBallot) error) error {
	for i := range s.ballots {
		if b := &s.ballots[i]; b.RoundID == roundID && b.ContestID == contestID {
			if err := fn(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestCountedBallots checks that the count reads the ballots that count as a pkg/tally
// election over the round's candidates, and that a malformed ballot fails it, naming its
// receipt.
func TestCountedBallots(t *testing.T) {
	rb := testBallots["meek"]
	st := &ballotsStore{ballots: []StoredBallot{
		{Receipt: "a1", RoundID: 3, ContestID: 7, Content: "ranking:3>1>2"},
		{Receipt: "b2", RoundID: 3, ContestID: 7, Content: "ranking:4", Superseded: true},
		{Receipt: "c3", RoundID: 3, ContestID: 7, Content: "ranking:"},
		{Receipt: "d4", RoundID: 3, ContestID: 7, Content: "ranking:3>1>2"},
		{Receipt: "e5", RoundID: 3, ContestID: 7, Content: "ranking:2"},
		{Receipt: "f6", RoundID: 2, ContestID: 7, Content: "ranking:4"},
		{Receipt: "g7", RoundID: 3, ContestID: 8, Content: "ranking:4"},
	}}
	e, counted, superseded, err := countedBallots(context.Background(), st, &rb, "2026: Individual")
	if err != nil {
		t.Fatal(err)
	}
	if counted != 4 || superseded != 1 || e.Title != "2026: Individual" || e.Seats != 2 || e.Kind != tally.KindRanking {
		t.Errorf("counted %d, superseded %d, election %q seats %d kind %s; want 4, 1, 2, ranking", counted, superseded, e.Title, e.Seats, e.Kind)
	}
	var names []string
	for _, c := range e.Candidates {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"Ann", "Bob", "Cy", "Dee"}) {
		t.Errorf("candidates %v", names)
	}
	var got []string
	for i := range e.Ballots.Len() {
		got = append(got, fmt.Sprintf("%d×%v", e.Ballots.Weight(i), e.Ballots.Ranking(i)))
	}
	// The two identical short rankings are merged, as blt.Read merges them.
	if want := []string{"2×[[2] [0] [1]]", "1×[]", "1×[[1]]"}; !slices.Equal(got, want) {
		t.Errorf("ballots %v, want %v", got, want)
	}
	if err := e.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}

	st.ballots[1].Content = "ranking:4>4"
	if _, _, _, err := countedBallots(context.Background(), st, &rb, "x"); err == nil || !strings.Contains(err.Error(), "b2") {
		t.Errorf("a malformed superseded ballot: error %v, want one naming b2", err)
	}
}

// BenchmarkCountedBallots reads a million stored ranking ballots of 10 candidates into a
// pkg/tally election, the first step of counting a large contest. It must stay well under a
// second (the whole count of a million ballots has two).
func BenchmarkCountedBallots(b *testing.B) {
	cands := make([]BallotCandidate, 10)
	for i := range cands {
		cands[i] = BallotCandidate{ID: int64(100 + i), Name: fmt.Sprintf("C%d", i)}
	}
	rb := RoundBallot{RoundID: 1, ContestID: 1, Method: "meek", Kind: BallotRanking, Seats: 3, Candidates: cands, MaxMarks: 10}
	st := &ballotsStore{ballots: make([]StoredBallot, 1_000_000)}
	for i := range st.ballots {
		// Rankings of 1 to 6 candidates, mostly different from one another.
		var sb strings.Builder
		sb.WriteString("ranking:")
		perm := ballotOrder([]byte("bench"), int64(i%5000), "", 10)
		for k := range 1 + i%6 {
			if k > 0 {
				sb.WriteByte('>')
			}
			fmt.Fprint(&sb, perm[k]+1)
		}
		st.ballots[i] = StoredBallot{Receipt: fmt.Sprintf("%064x", i), RoundID: 1, ContestID: 1, Content: sb.String()}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e, counted, _, err := countedBallots(context.Background(), st, &rb, "bench")
		if err != nil || counted != len(st.ballots) || e.Ballots.Len() == 0 {
			b.Fatalf("counted %d, %v", counted, err)
		}
	}
}
