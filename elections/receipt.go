package elections

import (
	"slices"
	"strconv"

	"github.com/govboard/govboard/pkg/tally"
)

// Receipts are recomputed outside the service: `govboard verify` (pkg/bundle) reads the
// published ballots of a bundle, writes each one's canonical content again from its marks and
// hashes it with the ballot's nonce. The two functions here are the service's own, so that the
// verifier and the service cannot drift apart.

// BallotReceipt returns the receipt of a ballot: the lower-case hex SHA-256 of
// "govboard-receipt-v1\n<contest id>\n<round id>\n<content>\n<nonce>", content being the
// ballot's canonical content (CanonicalContent).
func BallotReceipt(contestID, roundID int64, content, nonce string) string {
	return ballotReceipt(contestID, roundID, content, nonce)
}

// CanonicalContent returns the canonical content of a ballot of kind with marks (candidates
// 0-based in the ballot's canonical order, values as tally.Mark describes them), exactly as
// the service stored it when the ballot was cast (see ballot.go): positions are 1-based,
// ranking groups best first with equal candidates ascending, approvals, points and confidence
// votes by ascending position, zero points and abstentions left out, and "<kind>:" alone for
// an explicit abstention. It is the inverse of the service's ballot decoder.
func CanonicalContent(kind BallotKind, marks []tally.Mark) string {
	ms := slices.Clone(marks)
	buf := make([]byte, 0, 16+4*len(ms))
	buf = append(buf, kind...)
	buf = append(buf, ':')
	switch kind {
	case BallotRanking:
		slices.SortFunc(ms, func(a, b tally.Mark) int {
			if a.Value != b.Value {
				return a.Value - b.Value
			}
			return a.Candidate - b.Candidate
		})
		for k, m := range ms {
			switch {
			case k == 0:
			case m.Value == ms[k-1].Value:
				buf = append(buf, '=')
			default:
				buf = append(buf, '>')
			}
			buf = strconv.AppendInt(buf, int64(m.Candidate)+1, 10)
		}
		return string(buf)
	}
	slices.SortFunc(ms, func(a, b tally.Mark) int { return a.Candidate - b.Candidate })
	first := true
	for _, m := range ms {
		if kind != BallotApproval && m.Value == 0 {
			continue // no points, or an abstention on this candidate
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = strconv.AppendInt(buf, int64(m.Candidate)+1, 10)
		switch {
		case kind == BallotPoints:
			buf = append(buf, '=')
			buf = strconv.AppendInt(buf, int64(m.Value), 10)
		case kind == BallotConfidence && m.Value > 0:
			buf = append(buf, "=yes"...)
		case kind == BallotConfidence:
			buf = append(buf, "=no"...)
		}
	}
	return string(buf)
}
