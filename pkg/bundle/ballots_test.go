package bundle

import (
	"bytes"
	"testing"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
)

// samplePublished returns published ballots of kind: a counted ballot, an abstention, and a
// superseded ballot, receipts in order.
func samplePublished(kind elections.BallotKind, method string, marks []tally.Mark) *elections.PublishedBallots {
	return &elections.PublishedBallots{ContestID: 3, RoundID: 9, Round: 2, Runoff: true, Title: `Board "2026": <Individual> & Co`,
		Method: method, Kind: kind, Seats: 2, Candidates: []string{"Ann", `Bo "B" \ Brand`, "Cy & Co"},
		Ballots: []elections.PublishedBallot{
			{Receipt: "aa", Nonce: "n1", Marks: marks},
			{Receipt: "bb", Nonce: "n2"},
			{Receipt: "cc", Nonce: "n3", Superseded: true, Marks: marks[:1]},
		}}
}

func TestWriteBallots(t *testing.T) {
	head := `{"title":"Board \"2026\": <Individual> & Co","seats":2,"candidates":["Ann","Bo \"B\" \\ Brand","Cy & Co"],` +
		`"contest_id":3,"round_id":9,"round":2,"runoff":true,`
	tests := []struct {
		name      string
		pb        *elections.PublishedBallots
		json, blt string
	}{
		{"ranking", samplePublished(elections.BallotRanking, "schulze",
			[]tally.Mark{{Candidate: 2, Value: 1}, {Candidate: 0, Value: 2}, {Candidate: 1, Value: 2}}),
			head + `"method":"schulze","kind":"ranking","ballots":[` + "\n" +
				`{"receipt":"aa","nonce":"n1","ranking":["Cy & Co",["Ann","Bo \"B\" \\ Brand"]]}` + "\n,\n" +
				`{"receipt":"bb","nonce":"n2","ranking":[]}` + "\n\n" +
				`],"superseded":[` + "\n" + `{"receipt":"cc","nonce":"n3","ranking":["Cy & Co"]}` + "\n\n]}\n",
			"3 2\n(aa) 1 3 1=2 0\n(bb) 1 0\n0\n\"Ann\"\n\"Bo \\\"B\\\" \\\\ Brand\"\n\"Cy & Co\"\n\"Board \\\"2026\\\": <Individual> & Co\"\n"},
		{"approval", samplePublished(elections.BallotApproval, "approval",
			[]tally.Mark{{Candidate: 2, Value: 1}, {Candidate: 0, Value: 1}}),
			head + `"method":"approval","kind":"approval","ballots":[` + "\n" +
				`{"receipt":"aa","nonce":"n1","approve":["Ann","Cy & Co"]}` + "\n,\n" +
				`{"receipt":"bb","nonce":"n2","approve":[]}` + "\n\n" +
				`],"superseded":[` + "\n" + `{"receipt":"cc","nonce":"n3","approve":["Cy & Co"]}` + "\n\n]}\n",
			"3 2\n(aa) 1 1=3 0\n(bb) 1 0\n0\n\"Ann\"\n\"Bo \\\"B\\\" \\\\ Brand\"\n\"Cy & Co\"\n\"Board \\\"2026\\\": <Individual> & Co\"\n"},
		{"points", samplePublished(elections.BallotPoints, "cumulative",
			[]tally.Mark{{Candidate: 2, Value: 1}, {Candidate: 0, Value: 3}}),
			head + `"method":"cumulative","kind":"points","ballots":[` + "\n" +
				`{"receipt":"aa","nonce":"n1","points":{"Ann":3,"Cy & Co":1}}` + "\n,\n" +
				`{"receipt":"bb","nonce":"n2","points":{}}` + "\n\n" +
				`],"superseded":[` + "\n" + `{"receipt":"cc","nonce":"n3","points":{"Cy & Co":1}}` + "\n\n]}\n", ""},
		{"confidence", samplePublished(elections.BallotConfidence, "confidence",
			[]tally.Mark{{Candidate: 1, Value: -1}, {Candidate: 2, Value: 1}}),
			head + `"method":"confidence","kind":"confidence","ballots":[` + "\n" +
				`{"receipt":"aa","nonce":"n1","confidence":{"Bo \"B\" \\ Brand":"no","Cy & Co":"yes"}}` + "\n,\n" +
				`{"receipt":"bb","nonce":"n2","confidence":{}}` + "\n\n" +
				`],"superseded":[` + "\n" + `{"receipt":"cc","nonce":"n3","confidence":{"Bo \"B\" \\ Brand":"no"}}` + "\n\n]}\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var j bytes.Buffer
			if err := WriteBallotsJSON(&j, tt.pb); err != nil {
				t.Fatal(err)
			}
			if j.String() != tt.json {
				t.Errorf("JSON:\n%s\nwant:\n%s", j.String(), tt.json)
			}
			if tt.blt != "" {
				var b bytes.Buffer
				if err := WriteBallotsBLT(&b, tt.pb); err != nil {
					t.Fatal(err)
				}
				if b.String() != tt.blt {
					t.Errorf("BLT:\n%s\nwant:\n%s", b.String(), tt.blt)
				}
			}
			// Read back, the ballots are the same, with their canonical contents.
			back, err := ReadBallotsJSON(bytes.NewReader(j.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if again := ballotsBytes(back, WriteBallotsJSON); !bytes.Equal(again, j.Bytes()) {
				t.Errorf("written again:\n%s", again)
			}
			for i, b := range back.Ballots {
				want := tt.pb.Ballots[i]
				if b.Receipt != want.Receipt || b.Superseded != want.Superseded ||
					b.Content != elections.CanonicalContent(tt.pb.Kind, want.Marks) {
					t.Errorf("ballot %d read back as %+v", i, b)
				}
			}
		})
	}
}
