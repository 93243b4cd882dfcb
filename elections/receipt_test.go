package elections

import (
	"testing"

	"github.com/govboard/govboard/pkg/tally"
)

// TestCanonicalContentRoundTrip checks that CanonicalContent writes back exactly what the
// service stored: for every ballot the service accepts, decoding its stored content and
// writing the marks again gives the same content, so that a verifier recomputes the same
// receipt from the published marks.
func TestCanonicalContentRoundTrip(t *testing.T) {
	cands := []BallotCandidate{{ID: 21, Name: "Ann"}, {ID: 22, Name: "Bob"}, {ID: 23, Name: "Cy"},
		{ID: 24, Name: "Dee"}, {ID: 25, Name: "Eve"}, {ID: 26, Name: "Fay"}, {ID: 27, Name: "Gus"},
		{ID: 28, Name: "Hal"}, {ID: 29, Name: "Ivy"}, {ID: 30, Name: "Jo"}, {ID: 31, Name: "Kim"}}
	ballots := map[string]*RoundBallot{
		"meek":       {RoundID: 5, ContestID: 9, Method: "meek", Kind: BallotRanking, Seats: 3, Candidates: cands, MaxMarks: len(cands)},
		"schulze":    {RoundID: 5, ContestID: 9, Method: "schulze", Kind: BallotRanking, Seats: 1, Candidates: cands, MaxMarks: len(cands), AllowsTies: true},
		"approval":   {RoundID: 5, ContestID: 9, Method: "approval", Kind: BallotApproval, Seats: 2, Candidates: cands, MaxMarks: len(cands)},
		"cumulative": {RoundID: 5, ContestID: 9, Method: "cumulative", Kind: BallotPoints, Seats: 3, Candidates: cands, MaxMarks: len(cands), Points: 9},
		"confidence": {RoundID: 5, ContestID: 9, Method: "confidence", Kind: BallotConfidence, Seats: 2, Candidates: cands, MaxMarks: len(cands)},
	}
	tests := []struct {
		name, ballot string
		in           BallotInput
		want         string
	}{
		{"ranking", "meek", BallotInput{Ranking: [][]int64{{23}, {21}, {31}, {22}}}, "ranking:3>1>11>2"},
		{"ranking one", "meek", BallotInput{Ranking: [][]int64{{30}}}, "ranking:10"},
		{"ranking ties", "schulze", BallotInput{Ranking: [][]int64{{31, 23}, {21}, {24, 22, 30}}}, "ranking:3=11>1>2=4=10"},
		{"ranking abstention", "meek", BallotInput{Abstain: true}, "ranking:"},
		{"approval", "approval", BallotInput{Marks: []int64{31, 22, 24}}, "approval:2,4,11"},
		{"approval abstention", "approval", BallotInput{Abstain: true}, "approval:"},
		{"points", "cumulative", BallotInput{Points: map[int64]int{31: 4, 21: 2, 22: 0, 25: 3}}, "points:1=2,5=3,11=4"},
		{"points abstention", "cumulative", BallotInput{Abstain: true}, "points:"},
		{"confidence", "confidence", BallotInput{Votes: map[int64]string{30: "yes", 22: "no", 23: "abstain", 21: "yes"}},
			"confidence:1=yes,2=no,10=yes"},
		{"confidence abstentions", "confidence", BallotInput{Votes: map[int64]string{30: "abstain"}}, "confidence:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rb := ballots[tt.ballot]
			content, err := newBallotSpec(rb).canonical(tt.in)
			if err != nil {
				t.Fatalf("canonical: %v", err)
			}
			if content != tt.want {
				t.Fatalf("stored content %q, the test expects %q", content, tt.want)
			}
			d := newBallotDecoder(rb)
			if err := d.decode(content); err != nil {
				t.Fatalf("decode %q: %v", content, err)
			}
			marks := d.marks()
			if got := CanonicalContent(rb.Kind, marks); got != content {
				t.Errorf("CanonicalContent(%v) = %q, stored %q", marks, got, content)
			}
			// The marks may come in any order: a verifier reads them from a file.
			rev := make([]tally.Mark, len(marks))
			for i, m := range marks {
				rev[len(marks)-1-i] = m
			}
			if got := CanonicalContent(rb.Kind, rev); got != content {
				t.Errorf("CanonicalContent(%v) = %q, stored %q", rev, got, content)
			}
			if got, want := BallotReceipt(9, 5, content, "00ff"), ballotReceipt(9, 5, content, "00ff"); got != want {
				t.Errorf("BallotReceipt = %s, ballotReceipt %s", got, want)
			}
		})
	}
}

// TestBallotReceiptKnown pins the receipt format, which voters and verifiers rely on.
func TestBallotReceiptKnown(t *testing.T) {
	// printf 'govboard-receipt-v1\n9\n5\nranking:3>1\nabcd' | sha256sum
	const want = "c283e197670d7af71ece8ff64ff3cad3a82db5d3c59768a77892e766448fba63"
	if got := BallotReceipt(9, 5, "ranking:3>1", "abcd"); got != want {
		t.Fatalf("BallotReceipt = %s, want %s", got, want)
	}
}
