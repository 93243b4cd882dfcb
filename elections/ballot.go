package elections

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strconv"

	"github.com/govboard/govboard/pkg/tally"
)

// A ballot's life: BallotInput (as the voter casts it) → validated against the contest's
// RoundBallot and written as canonical content (ballotSpec.canonical) → stored with a nonce
// and a receipt (StoredBallot) → decoded again, strictly, for the count and the published
// ballots (ballotDecoder).
//
// The canonical content names candidates by their 1-based position in RoundBallot.Candidates
// (the canonical order, the same for every voter), so that it is short, and so that two
// ballots with the same choices have the same content whatever order the voter saw:
//
//	ranking:    "ranking:3>1=2"       groups best first, equal candidates ascending
//	approval:   "approval:1,4"        ascending
//	points:     "points:1=2,3=1"      ascending, zero points left out
//	confidence: "confidence:1=yes,2=no" ascending, abstentions left out
//
// and "<kind>:" alone is an explicit abstention.
//
// Validation messages name no candidate a voter chose: an error may end up in a log line
// beside the voter's identity, and must not tell how they voted.

// ballotSpec is a RoundBallot prepared for validating ballots: it maps nomination ids to
// positions. It is immutable once built, so the service caches it per round and contest.
type ballotSpec struct {
	rb RoundBallot
	// pos maps a candidate's nomination id to its 1-based position in rb.Candidates.
	pos map[int64]int
}

// newBallotSpec prepares rb for validation.
func newBallotSpec(rb *RoundBallot) *ballotSpec {
	sp := &ballotSpec{rb: *rb, pos: make(map[int64]int, len(rb.Candidates))}
	for i, c := range rb.Candidates {
		sp.pos[c.ID] = i + 1
	}
	return sp
}

// ballotField names the BallotInput field each kind takes, for messages.
var ballotField = map[BallotKind]string{
	BallotRanking: "a ranking", BallotApproval: "marks", BallotPoints: "points", BallotConfidence: "votes",
}

// ballotEmpty is the message for a ballot of each kind that marks nothing and does not
// abstain.
var ballotEmpty = map[BallotKind]string{
	BallotRanking:    "rank at least one candidate, or abstain explicitly",
	BallotApproval:   "mark at least one candidate, or abstain explicitly",
	BallotPoints:     "give points to at least one candidate, or abstain explicitly",
	BallotConfidence: "vote yes or no on at least one candidate, or abstain explicitly",
}

// invalidBallot returns the EINVALID error of a ballot.
func invalidBallot(format string, args ...any) *Error { return Errorf(EINVALID, format, args...) }

// canonical validates a ballot against the spec and returns its canonical content. Nothing
// of the input is kept.
func (sp *ballotSpec) canonical(in BallotInput) (string, error) {
	kind := sp.rb.Kind
	given := func(k BallotKind) bool {
		switch k {
		case BallotRanking:
			return len(in.Ranking) > 0
		case BallotApproval:
			return len(in.Marks) > 0
		case BallotPoints:
			return len(in.Points) > 0
		}
		return len(in.Votes) > 0
	}
	for _, k := range [...]BallotKind{BallotRanking, BallotApproval, BallotPoints, BallotConfidence} {
		if k != kind && given(k) {
			return "", invalidBallot("this contest's ballot takes %s, not %s", ballotField[kind], ballotField[k])
		}
	}
	switch {
	case in.Abstain && given(kind):
		return "", invalidBallot("an abstention cannot also give %s", ballotField[kind])
	case in.Abstain:
		return string(kind) + ":", nil
	case !given(kind):
		return "", invalidBallot("%s", ballotEmpty[kind])
	}
	buf := make([]byte, 0, 16+4*len(sp.rb.Candidates))
	buf = append(buf, kind...)
	buf = append(buf, ':')
	var err error
	switch kind {
	case BallotRanking:
		buf, err = sp.ranking(buf, in.Ranking)
	case BallotApproval:
		buf, err = sp.approval(buf, in.Marks)
	case BallotPoints:
		buf, err = sp.points(buf, in.Points)
	case BallotConfidence:
		buf, err = sp.confidence(buf, in.Votes)
	default:
		return "", fmt.Errorf("round %d, contest %d: unknown ballot kind %q", sp.rb.RoundID, sp.rb.ContestID, kind)
	}
	if err != nil {
		return "", err
	}
	return string(buf), nil
}

// position returns the position of candidate id, or an EINVALID error naming the unknown id
// (an id not on the ballot is no choice of the voter).
func (sp *ballotSpec) position(id int64) (int, error) {
	if p, ok := sp.pos[id]; ok {
		return p, nil
	}
	return 0, invalidBallot("candidate %d is not on this ballot", id)
}

// ranking appends the canonical ranking of groups to buf.
func (sp *ballotSpec) ranking(buf []byte, groups [][]int64) ([]byte, error) {
	seen := make([]bool, len(sp.rb.Candidates)+1)
	ranked := 0
	var group []int
	for g, ids := range groups {
		switch {
		case len(ids) == 0:
			return nil, invalidBallot("rank %d of the ranking is empty", g+1)
		case len(ids) > 1 && !sp.rb.AllowsTies:
			return nil, invalidBallot("the %s method does not rank candidates equally: give one candidate per rank", sp.rb.Method)
		}
		group = group[:0]
		for _, id := range ids {
			p, err := sp.position(id)
			if err != nil {
				return nil, err
			}
			if seen[p] {
				return nil, invalidBallot("a candidate is ranked more than once")
			}
			seen[p] = true
			group = append(group, p)
		}
		if ranked += len(ids); ranked > sp.rb.MaxMarks {
			return nil, invalidBallot("rank at most %d candidates", sp.rb.MaxMarks)
		}
		slices.Sort(group)
		if g > 0 {
			buf = append(buf, '>')
		}
		for k, p := range group {
			if k > 0 {
				buf = append(buf, '=')
			}
			buf = strconv.AppendInt(buf, int64(p), 10)
		}
	}
	return buf, nil
}

// approval appends the canonical marks to buf.
func (sp *ballotSpec) approval(buf []byte, ids []int64) ([]byte, error) {
	ps := make([]int, 0, len(ids))
	for _, id := range ids {
		p, err := sp.position(id)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	slices.Sort(ps)
	for k := 1; k < len(ps); k++ {
		if ps[k] == ps[k-1] {
			return nil, invalidBallot("a candidate is marked more than once")
		}
	}
	if len(ps) > sp.rb.MaxMarks {
		if sp.rb.MaxMarks == 1 {
			return nil, invalidBallot("mark at most 1 candidate")
		}
		return nil, invalidBallot("mark at most %d candidates", sp.rb.MaxMarks)
	}
	for k, p := range ps {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(p), 10)
	}
	return buf, nil
}

// points appends the canonical points to buf.
func (sp *ballotSpec) points(buf []byte, points map[int64]int) ([]byte, error) {
	type given struct{ p, n int }
	gs := make([]given, 0, len(points))
	// Check in the order of the ids, so that a ballot with several problems always gets the
	// same message.
	ids := make([]int64, 0, len(points))
	for id := range points {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	total := 0
	for _, id := range ids {
		p, err := sp.position(id)
		if err != nil {
			return nil, err
		}
		n := points[id]
		if n < 0 {
			return nil, invalidBallot("points cannot be negative")
		}
		if n > sp.rb.Points || total+n > sp.rb.Points {
			return nil, invalidBallot("give at most %d points in all", sp.rb.Points)
		}
		total += n
		if n > 0 {
			gs = append(gs, given{p, n})
		}
	}
	if total == 0 {
		return nil, invalidBallot("%s", ballotEmpty[BallotPoints])
	}
	slices.SortFunc(gs, func(a, b given) int { return a.p - b.p })
	for k, g := range gs {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(g.p), 10)
		buf = append(buf, '=')
		buf = strconv.AppendInt(buf, int64(g.n), 10)
	}
	return buf, nil
}

// confidence appends the canonical votes to buf. A ballot whose every vote is "abstain" is
// an explicit abstention.
func (sp *ballotSpec) confidence(buf []byte, votes map[int64]string) ([]byte, error) {
	type given struct {
		p   int
		yes bool
	}
	ids := make([]int64, 0, len(votes))
	for id := range votes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	gs := make([]given, 0, len(votes))
	for _, id := range ids {
		p, err := sp.position(id)
		if err != nil {
			return nil, err
		}
		switch votes[id] {
		case "yes":
			gs = append(gs, given{p, true})
		case "no":
			gs = append(gs, given{p, false})
		case "abstain":
		default:
			return nil, invalidBallot(`a vote is "yes", "no" or "abstain"`)
		}
	}
	slices.SortFunc(gs, func(a, b given) int { return a.p - b.p })
	for k, g := range gs {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(g.p), 10)
		if g.yes {
			buf = append(buf, "=yes"...)
		} else {
			buf = append(buf, "=no"...)
		}
	}
	return buf, nil
}

// tallyKind returns the pkg/tally ballot kind of k (the names are the same).
func tallyKind(k BallotKind) tally.BallotKind {
	switch k {
	case BallotApproval:
		return tally.KindApproval
	case BallotPoints:
		return tally.KindPoints
	case BallotConfidence:
		return tally.KindConfidence
	default:
		return tally.KindRanking
	}
}

// newNonce returns 16 random bytes in lower-case hex, the nonce hashed into a receipt: it
// makes receipts of equal ballots differ, so that a receipt tells nothing of the content to
// whoever has not seen the ballot.
func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// ballotReceipt returns the receipt of a ballot: the lower-case hex SHA-256 of
// "govboard-receipt-v1\n<contest id>\n<round id>\n<content>\n<nonce>". Anyone can recompute
// it from a published ballot.
func ballotReceipt(contestID, roundID int64, content, nonce string) string {
	b := make([]byte, 0, 64+len(content)+len(nonce))
	b = append(b, "govboard-receipt-v1\n"...)
	b = strconv.AppendInt(b, contestID, 10)
	b = append(b, '\n')
	b = strconv.AppendInt(b, roundID, 10)
	b = append(b, '\n')
	b = append(b, content...)
	b = append(b, '\n')
	b = append(b, nonce...)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// voterKey returns HMAC-SHA256(secret, "<round id>/<contest id>/<member>"): it links a
// voter's ballots in a round, so that a revote supersedes the earlier ballot, without the
// member id; without the election's secret it cannot be traced back to a member.
func voterKey(secret []byte, roundID, contestID int64, member string) []byte {
	m := hmac.New(sha256.New, secret)
	var b []byte
	b = strconv.AppendInt(b, roundID, 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, contestID, 10)
	b = append(b, '/')
	b = append(b, member...)
	m.Write(b)
	return m.Sum(nil)
}

// ballotOrder returns the order in which member sees the n candidates of a contest's ballot:
// a permutation of 0..n-1 (indices in the canonical order), shuffled with Fisher–Yates by a
// ChaCha8 generator seeded with HMAC-SHA256(secret, "order/<contest id>/<member>"). It is
// the same each time the member asks, differs between voters (no candidate profits from
// always being first) and cannot be predicted without the secret.
func ballotOrder(secret []byte, contestID int64, member string, n int) []int {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("order/" + strconv.FormatInt(contestID, 10) + "/" + member))
	var seed [32]byte
	copy(seed[:], m.Sum(nil))
	r := mrand.New(mrand.NewChaCha8(seed))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// RoundClosedError is the refusal of a ballot cast in round r once it no longer takes
// ballots: closed, or past its ClosesAt though the scheduled close has not run yet. It names
// the earlier of ClosedAt and ClosesAt: ballots are refused from ClosesAt on, although the
// scheduled close, which sets ClosedAt, may run later. The stores' CastBallots return it,
// so that the message is the same on every engine.
func RoundClosedError(r *Round) *Error {
	at := r.ClosesAt
	if r.State == RoundClosed && !r.ClosedAt.IsZero() && r.ClosedAt.Before(at) {
		at = r.ClosedAt
	}
	return Errorf(ECONFLICT, "voting in round %d closed at %s", r.Number, at.UTC().Format(instantLayout))
}

// VotedAlreadyError is the refusal of a second ballot of a voter in a contest that does not
// allow revoting (CastBallots returns it).
func VotedAlreadyError() *Error {
	return Errorf(ECONFLICT, "you have voted already in this contest, and its ballots cannot be changed")
}
