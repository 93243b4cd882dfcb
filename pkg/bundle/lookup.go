package bundle

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"strings"

	"github.com/govboard/govboard/elections"
)

// Lookup is where a receipt is in a bundle.
type Lookup struct {
	Receipt string
	// Found says whether a ballot of the bundle has the receipt; the other fields describe it.
	Found bool
	// ContestID and Contest (the ballots' title, "<election>: <contest>") name the contest;
	// RoundID, Round and Runoff the round.
	ContestID int64
	Contest   string
	RoundID   int64
	Round     int
	Runoff    bool
	// Superseded says that the voter cast again later: this ballot was not counted.
	Superseded bool
	// Kind is the ballot's kind, Choices its marks by candidate name, best first for a
	// ranking ("1. Ann", "2. Bob = Cy"), else in candidate order ("Ann", "Ann: 3 points",
	// "Ann: yes"); none for an abstention.
	Kind    elections.BallotKind
	Choices []string
	// Checks are the signature and manifest checks of the bundle, and Trusted is true when
	// both passed: only then does the answer say what the service published.
	Checks  []Check
	Trusted bool
}

// FindReceipt reads the bundle from r, checks its signature (against trusted; nil fails the
// check, see Options) and manifest, and looks receipt up among the ballots of every round.
func FindReceipt(r io.Reader, receipt string, trusted ed25519.PublicKey) (*Lookup, error) {
	b, err := Open(r)
	if err != nil {
		return nil, err
	}
	return b.FindReceipt(receipt, trusted), nil
}

// FindReceipt looks receipt up in b; see the package function FindReceipt.
func (b *Bundle) FindReceipt(receipt string, trusted ed25519.PublicKey) *Lookup {
	return b.FindReceiptWith(receipt, Options{Trusted: trusted})
}

// FindReceiptWith looks receipt up in b, checking the signature with the keys of opts.
func (b *Bundle) FindReceiptWith(receipt string, opts Options) *Lookup {
	rep := &Report{}
	b.checkIntegrity(rep, opts)
	out := &Lookup{Receipt: receipt, Checks: rep.Checks, Trusted: len(rep.Failed()) == 0}
	want := strings.ToLower(strings.TrimSpace(receipt))
	ids, rounds := b.contests()
	for _, id := range ids {
		for _, rd := range rounds[id] {
			if rd.ballots == nil {
				continue
			}
			for i := range rd.ballots.Ballots {
				bl := &rd.ballots.Ballots[i]
				if bl.Receipt != want {
					continue
				}
				pb := rd.ballots
				out.Found, out.ContestID, out.Contest, out.RoundID, out.Round, out.Runoff = true, id, pb.Title, pb.RoundID, pb.Round, pb.Runoff
				out.Superseded, out.Kind, out.Choices = bl.Superseded, pb.Kind, choices(pb, bl)
				return out
			}
		}
	}
	return out
}

// choices describes the marks of bl by candidate name.
func choices(pb *elections.PublishedBallots, bl *elections.PublishedBallot) []string {
	var out []string
	marks := sortedMarks(bl.Marks)
	switch pb.Kind {
	case elections.BallotRanking:
		for k := 0; k < len(marks); {
			j := k
			var group []string
			for ; j < len(marks) && marks[j].Value == marks[k].Value; j++ {
				group = append(group, pb.Candidates[marks[j].Candidate])
			}
			out = append(out, fmt.Sprintf("%d. %s", len(out)+1, strings.Join(group, " = ")))
			k = j
		}
	case elections.BallotApproval:
		for _, m := range marks {
			out = append(out, pb.Candidates[m.Candidate])
		}
	case elections.BallotPoints:
		for _, m := range bl.Marks {
			out = append(out, fmt.Sprintf("%s: %d points", pb.Candidates[m.Candidate], m.Value))
		}
	default:
		for _, m := range bl.Marks {
			out = append(out, fmt.Sprintf("%s: %s", pb.Candidates[m.Candidate], ConfidenceWord(m.Value)))
		}
	}
	return out
}
