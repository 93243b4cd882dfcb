package tally

import (
	"fmt"
	"slices"
)

// scotScale is the number of decimals of Scottish STV: transfer values are calculated "to five
// decimal places (any remainder being ignored)" (rule 48(3)).
const scotScale = 5

// countScottish counts by the Scottish Local Government Elections Order 2007, schedule 1
// rules 45–52:
//   - quota = floor(valid papers / (seats+1)) + 1 (rule 46); a candidate with at least the quota
//     is elected (rule 47);
//   - surpluses are transferred largest first (rule 49) by the Weighted Inclusive Gregory
//     Method: every paper of the elected candidate passes on at the value
//     floor5(surplus × its value / candidate's votes) (rule 48(3)); a candidate is credited
//     with the sum of the values of the papers received, so the count sheet shows papers ×
//     value per parcel. What truncation loses is not part of Round.NonTransferable, which is
//     the value of the papers without a next preference as on the councils' count sheets (and
//     in the Droop and OpenSTV references): each stage's loss is given in Result.Notes, and
//     votes + non-transferable + loss always equals the valid poll;
//   - with no surplus left, the candidate with the fewest votes is excluded and all their
//     papers pass on at their current value in one stage (rule 50);
//   - ties (equal surpluses, equal lowest votes) are decided by the votes at the end of the
//     most recent preceding stage at which the tied candidates differed, then by lot, here the
//     seeded TieBreaker (rules 49(2)–(3), 51);
//   - when the continuing candidates are no more than the vacancies left, they are all elected,
//     whatever their votes (none, with no valid paper), and no further transfer is made
//     (rule 52); when all vacancies are filled, the others are excluded formally. Equal votes
//     in these last elections and exclusions are put in order by the rule 51 tie rule, then by
//     lot, and recorded as ties of purpose "order".
//
// Papers without a valid first preference (empty, or naming only withdrawn candidates) are not
// valid papers. A paper whose next preference names two continuing candidates at the same
// level is non-transferable, its preference being uncertain.
//
// Affiliation cap: a candidate who reaches the quota when their affiliation already holds its
// share of seats is passed over: excluded at once, their papers transferred at their current
// value at the next stage, before any surplus. The cap is applied only then, and when rule 52
// elects the last candidates; a continuing candidate whose affiliation is full does not count
// for rule 52, since they can never take a seat (see stvCanStop).
func countScottish(e *Election, opts Options) (*Result, error) {
	g, err := newGregory(e, scotScale, true)
	if err != nil {
		return nil, err
	}
	s := &scottish{
		gregory: g,
		seats:   e.Seats,
		guard:   newCapGuard(e, opts),
		ties:    tieRule{tb: NewTieBreaker(e, opts.Seed), backward: true, name: "earlier-stage"},
		res:     &Result{},
	}
	s.quota = (s.valid/int64(e.Seats+1) + 1) * s.unit
	q := Decimal{Units: s.quota, Scale: scotScale}
	s.res.Quota = &q
	s.run()
	return s.res, nil
}

// scottish is the state of a Scottish STV count.
type scottish struct {
	*gregory
	seats   int
	quota   int64
	guard   *capGuard
	ties    tieRule
	res     *Result
	history [][]int64 // votes at the end of each stage
	pending []int     // elected candidates whose surplus is not yet transferred
	passed  []int     // passed-over candidates whose papers are not yet transferred
	lost    int64     // value lost to truncation so far
}

func (s *scottish) run() {
	s.record(Round{Kind: RoundFirst, Action: "Begin Count"})
	for {
		s.electWithQuota()
		if stvCanStop(s.guard, s.hopeful(), s.seatsLeft()) {
			s.finish()
			return
		}
		switch {
		case len(s.passed) > 0:
			c := s.passed[0]
			s.passed = s.passed[1:]
			s.transferAll(c, "Transfer passed over: ")
		case len(s.pending) > 0:
			s.transferSurplus()
		default:
			c := s.lowest()
			s.state[c] = stvExcluded
			s.res.Excluded = append(s.res.Excluded, c)
			s.transferAll(c, "Transfer defeated: ")
			s.last().Excluded = []int{c}
		}
	}
}

// stage is the number of the stage being completed or, before record, the next one.
func (s *scottish) stage() int { return len(s.res.Rounds) }

// last returns the latest recorded stage.
func (s *scottish) last() *Round { return &s.res.Rounds[len(s.res.Rounds)-1] }

// record closes a stage: it snapshots every candidate's votes and the non-transferable value.
func (s *scottish) record(r Round) {
	r.Number = len(s.res.Rounds) + 1
	r.Votes = gregDecimals(s.votes, scotScale)
	r.NonTransferable = Decimal{Units: s.exhausted, Scale: scotScale}
	s.res.Rounds = append(s.res.Rounds, r)
	s.history = append(s.history, slices.Clone(s.votes))
}

// earlier returns the votes of the stages before the latest one, for the tie rules.
func (s *scottish) earlier() [][]int64 { return s.history[:len(s.history)-1] }

// seatsLeft is the number of vacancies not yet filled.
func (s *scottish) seatsLeft() int { return s.seats - len(s.res.Elected) }

// electWithQuota deems elected every continuing candidate with at least the quota at the end of
// the latest stage, largest vote first, passing over those the affiliation cap refuses.
func (s *scottish) electWithQuota() {
	var reached []int
	for _, c := range s.hopeful() {
		if s.votes[c] >= s.quota {
			reached = append(reached, c)
		}
	}
	for _, c := range s.ties.order(s.earlier(), s.votes, reached, s.stage(), s.res) {
		if s.seatsLeft() == 0 {
			return
		}
		if !s.guard.allows(c) {
			s.passOver(c)
			s.passed = append(s.passed, c)
			continue
		}
		s.elect(c)
		if s.votes[c] > s.quota {
			s.pending = append(s.pending, c)
		}
	}
}

func (s *scottish) elect(c int) {
	s.state[c] = stvElected
	s.guard.seat(c)
	s.res.Elected = append(s.res.Elected, c)
	s.last().Elected = append(s.last().Elected, c)
}

// passOver excludes c, whom the affiliation cap does not let take a seat.
func (s *scottish) passOver(c int) {
	s.state[c] = stvExcluded
	s.res.PassedOver = append(s.res.PassedOver, s.guard.passOver(s.stage(), c))
	s.res.Excluded = append(s.res.Excluded, c)
	s.last().Excluded = append(s.last().Excluded, c)
}

// finish ends the count once stvCanStop allows (rule 52): the continuing candidates fill the
// vacancies left in order of votes, equal votes decided by rule 51 and recorded as "order"
// ties, whatever their votes; the others are excluded formally, fewest votes first.
func (s *scottish) finish() {
	ranked := s.ties.order(s.earlier(), s.votes, s.hopeful(), s.stage(), s.res)
	stvFinish(ranked, s.seatsLeft(), s.guard, s.elect, s.passOver, s.exclude)
}

// exclude excludes c without transferring their papers: the count is over.
func (s *scottish) exclude(c int) {
	s.state[c] = stvExcluded
	s.res.Excluded = append(s.res.Excluded, c)
	s.last().Excluded = append(s.last().Excluded, c)
}

// transferSurplus transfers the largest surplus (rules 48, 49): every paper of the candidate
// passes on at floor5(surplus × value / votes).
func (s *scottish) transferSurplus() {
	high := extremes(s.votes, s.pending, true)
	c := s.ties.pick(s.history, high, true, s.stage()+1, "surplus", s.res)
	s.pending = slices.DeleteFunc(s.pending, func(x int) bool { return x == c })
	total, surplus := s.votes[c], s.votes[c]-s.quota
	r := s.move(s.piles[c], int32(s.stage()+1), func(v int64) int64 { return gregMulDiv(v, surplus, total) })
	lost := surplus - r.transferred - r.exhausted
	s.votes[c], s.piles[c] = s.quota, nil
	s.record(Round{
		Kind:     RoundSurplus,
		Action:   fmt.Sprintf("Surplus transferred: %s (%s)", s.e.Candidates[c].Name, Decimal{Units: surplus, Scale: scotScale}),
		Subjects: []int{c},
	})
	if lost > 0 {
		s.lost += lost
		s.res.Notes = append(s.res.Notes, fmt.Sprintf(
			"stage %d: %s of the surplus lost to truncation of transfer values (%s in all so far); not counted as non-transferable",
			s.stage(), Decimal{Units: lost, Scale: scotScale}, Decimal{Units: s.lost, Scale: scotScale}))
	}
}

// transferAll transfers every paper of an excluded candidate at its current value (rule 50).
func (s *scottish) transferAll(c int, action string) {
	s.move(s.piles[c], int32(s.stage()+1), func(v int64) int64 { return v })
	s.votes[c], s.piles[c] = 0, nil
	s.record(Round{Kind: RoundExclusion, Action: action + s.e.Candidates[c].Name, Subjects: []int{c}})
}

// lowest chooses the continuing candidate to exclude: the fewest votes, ties decided by rule 51.
func (s *scottish) lowest() int {
	low := extremes(s.votes, s.hopeful(), false)
	return s.ties.pick(s.history, low, false, s.stage()+1, "exclude", s.res)
}
