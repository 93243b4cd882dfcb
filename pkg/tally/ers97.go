package tally

import (
	"cmp"
	"fmt"
	"slices"
)

// ersScale is the number of decimals of ERS97: quota and transfer values to two places.
const ersScale = 2

// countERS97 counts by the Electoral Reform Society's 1997 STV rules as OpenSTV 1.7 (ERS97STV,
// validated against eSTV) applies them, round for round:
//   - quota = total valid vote / (seats+1) to two decimals, rounded up (5.1.6), recalculated
//     without the non-transferable vote while nobody is elected (5.4.8); a candidate is deemed
//     elected on reaching the election threshold: the total active vote / (vacancies + 1),
//     rounded up, which is at most the quota (5.1.7(b), 5.3.13, 5.4.9);
//   - the largest surplus is transferred, unless deferred because candidates can be excluded
//     safely (5.2.2); only the last batch of papers received is examined (5.3.2), at the
//     transfer value surplus / transferable papers truncated to two decimals when they are
//     worth more than the surplus, at their own value otherwise (5.3.7);
//   - exclusion takes together every candidate who could not overtake the candidate next above
//     (5.2.5), and their papers are transferred in substages, one per transfer value, highest
//     first, each a round of the count (5.4); candidates reaching the threshold in a substage
//     receive no more papers (5.4.10);
//   - ties are decided by the votes at the earliest round where the candidates differed, then by
//     the seeded TieBreaker (5.2.3, 5.2.5, 5.6.2);
//   - when the continuing candidates are no more than the vacancies remaining, they are all
//     elected, whatever their votes, even none (5.2.7), and when every seat is filled the
//     others are excluded (5.5.2); equal votes in these last elections and exclusions are put
//     in order by the tie rule and recorded as ties of purpose "order". (OpenSTV excludes
//     candidates without votes instead of electing them; no conformance case depends on it.)
//
// Each round of Result.Rounds is one OpenSTV round: a stage, or a substage of an exclusion;
// the action says which. NonTransferable is the total valid vote minus the candidates' votes,
// the non-transferable difference from truncation included (5.3.9).
//
// Affiliation cap: a candidate who reaches the threshold when their affiliation already holds
// its share of seats is passed over: excluded at once, their papers transferred at the next
// stage as in an exclusion, before any surplus. The cap is applied only then, and when 5.2.7
// elects the last candidates; a continuing candidate whose affiliation is full does not count
// for 5.2.7, since they can never take a seat (see stvCanStop).
func countERS97(e *Election, opts Options) (*Result, error) {
	g, err := newGregory(e, ersScale, false)
	if err != nil {
		return nil, err
	}
	c := &ers97{
		gregory: g,
		seats:   e.Seats,
		guard:   newCapGuard(e, opts),
		ties:    tieRule{tb: NewTieBreaker(e, opts.Seed), name: "earliest-difference"},
		res:     &Result{},
		first:   true,
	}
	c.total = c.valid * c.unit
	c.run()
	q := Decimal{Units: c.quota[0], Scale: ersScale}
	c.res.Quota = &q
	return c.res, nil
}

// ers97 is the state of an ERS97 count. Slices indexed by round hold the value at its end.
type ers97 struct {
	*gregory
	seats   int
	guard   *capGuard
	ties    tieRule
	res     *Result
	total   int64     // total valid vote, in units
	history [][]int64 // votes at the end of each round
	quota   []int64
	thresh  []int64
	surplus []int64
	over    []int // elected candidates whose surplus is not yet transferred, in order of election
	passed  []int // passed-over candidates whose papers are not yet transferred
	first   bool  // no exclusion yet (OpenSTV treats the first one apart)
	stage   int   // ERS97 stage number (1 = first count)
	round   Round // the round being counted
}

func (c *ers97) run() {
	c.begin(RoundFirst, "First count", nil)
	c.update()
	c.end()
	for !c.finished() {
		c.stage++
		switch {
		case len(c.passed) > 0:
			list := c.passed
			c.passed = nil
			c.exclude(list, "Passed over")
		case c.surplusToTransfer():
			c.transferSurplus()
		default:
			verb := "Excluded"
			if s := c.surplus[c.r()-1]; s > 0 {
				verb = fmt.Sprintf("Excluded (surpluses of %s deferred, 5.2.2)", Decimal{Units: s, Scale: ersScale})
			}
			c.exclude(c.losers(), verb)
		}
	}
	c.finish()
}

// r is the index of the round being counted (0 for the first count).
func (c *ers97) r() int { return len(c.res.Rounds) }

// begin opens a round, carrying over the quota and threshold of the previous one.
func (c *ers97) begin(kind RoundKind, action string, subjects []int) {
	if c.r() == 0 {
		c.stage = 1
		c.quota, c.thresh, c.surplus = append(c.quota, 0), append(c.thresh, 0), append(c.surplus, 0)
	} else {
		r := c.r() - 1
		c.quota = append(c.quota, c.quota[r])
		c.thresh = append(c.thresh, c.thresh[r])
		c.surplus = append(c.surplus, 0)
	}
	c.round = Round{Number: c.r() + 1, Kind: kind, Subjects: subjects,
		Action: fmt.Sprintf("Stage %d: %s", c.stage, action)}
}

// end records the round being counted.
func (c *ers97) end() {
	r := c.r()
	c.round.Votes = gregDecimals(c.votes, ersScale)
	c.round.NonTransferable = Decimal{Units: c.nonTransferable(), Scale: ersScale}
	q := Decimal{Units: c.quota[r], Scale: ersScale}
	c.round.Quota = &q
	c.round.Action += fmt.Sprintf("; quota %s, election threshold %s", q, Decimal{Units: c.thresh[r], Scale: ersScale})
	c.res.Rounds = append(c.res.Rounds, c.round)
	c.history = append(c.history, slices.Clone(c.votes))
}

// nonTransferable is what no candidate holds: papers set aside plus truncation differences.
func (c *ers97) nonTransferable() int64 {
	held := int64(0)
	for _, v := range c.votes {
		held += v
	}
	return c.total - held
}

// update recomputes quota, threshold and surplus after a transfer and deems elected the
// candidates who reached the threshold.
func (c *ers97) update() {
	c.updateThresh()
	c.updateSurplus()
	c.updateWinners()
}

func (c *ers97) updateThresh() {
	r := c.r()
	if len(c.res.Elected) == 0 {
		c.quota[r] = ersCeilDiv(c.total-c.nonTransferable(), int64(c.seats+1))
	}
	var active int64
	for k, s := range c.state {
		switch {
		case s == stvHopeful || s == stvExcluded:
			active += c.votes[k]
		case s == stvElected && slices.Contains(c.over, k) && c.votes[k] > c.quota[r]:
			active += c.votes[k] - c.quota[r]
		}
	}
	if left := c.seats - len(c.res.Elected); left > 0 {
		c.thresh[r] = ersCeilDiv(active, int64(left+1))
	}
}

func (c *ers97) updateSurplus() {
	r := c.r()
	c.surplus[r] = 0
	for k, s := range c.state {
		if (s == stvHopeful || (s == stvElected && slices.Contains(c.over, k))) && c.votes[k] > c.quota[r] {
			c.surplus[r] += c.votes[k] - c.quota[r]
		}
	}
}

// updateWinners deems elected the continuing candidates at or above the threshold (and above
// zero), largest vote first, passing over those the affiliation cap refuses; when they are one
// more than the vacancies, the one with the fewest votes waits (5.6.2). The lower threshold
// that follows may elect more.
func (c *ers97) updateWinners() {
	r := c.r()
	floor := max(c.thresh[r], 1)
	var reach []int
	for _, k := range c.hopeful() {
		if c.votes[k] >= floor {
			reach = append(reach, k)
		}
	}
	if len(reach) == 0 {
		return
	}
	ordered := c.guard.cap > 0 // the cap needs the order of election; order once (ties recorded once)
	if ordered {
		var refused []int
		reach, refused = capFilter(c.guard, c.ties.order(c.history, c.votes, reach, c.r()+1, c.res))
		for _, k := range refused {
			c.passOver(k)
		}
	}
	if len(reach)+len(c.res.Elected) == c.seats+1 {
		// One too many: the one with the fewest votes is not elected, and since the others
		// then fill every seat, it is in effect excluded.
		low := c.pickFewest(c.r()+1, reach, c.votes, "exclude")
		reach = slices.DeleteFunc(reach, func(k int) bool { return k == low })
	}
	if len(reach) == 0 {
		return
	}
	if !ordered {
		reach = c.ties.order(c.history, c.votes, reach, c.r()+1, c.res)
	}
	for _, k := range reach {
		c.elect(k)
	}
	c.updateThresh()
	c.updateSurplus()
	if len(c.res.Elected) < c.seats {
		c.updateWinners()
	}
}

// passOver excludes k, whom the affiliation cap does not let take a seat; their papers are
// transferred at the next stage.
func (c *ers97) passOver(k int) {
	c.state[k] = stvExcluded
	c.res.PassedOver = append(c.res.PassedOver, c.guard.passOver(c.r()+1, k))
	c.res.Excluded = append(c.res.Excluded, k)
	c.round.Excluded = append(c.round.Excluded, k)
	c.passed = append(c.passed, k)
}

func (c *ers97) elect(k int) {
	c.state[k] = stvElected
	c.guard.seat(k)
	c.over = append(c.over, k)
	c.res.Elected = append(c.res.Elected, k)
	c.round.Elected = append(c.round.Elected, k)
}

// pickFewest returns the candidate of cands with the fewest votes, ties decided by the earliest
// round where they differed, then by the seed.
func (c *ers97) pickFewest(round int, cands []int, votes []int64, purpose string) int {
	return c.ties.pick(c.history, extremes(votes, cands, false), false, round, purpose, c.res)
}

// finished reports whether the count is over: all seats filled, or no more continuing
// candidates than vacancies (stvCanStop; OpenSTV stop conditions "Know Winners" and "N").
func (c *ers97) finished() bool {
	return stvCanStop(c.guard, c.hopeful(), c.seats-len(c.res.Elected))
}

func ersCeilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

// surplusToTransfer reports whether this stage transfers a surplus: there is one, and it is
// not deferred because some candidates can be excluded safely (5.2.2).
func (c *ers97) surplusToTransfer() bool {
	r := c.r() - 1
	return c.surplus[r] > 0 && len(c.sureLosers(r)) == 0
}

// sureLosers returns the largest group of lowest continuing candidates whose votes together,
// with the surpluses, do not exceed the vote of the candidate next above, leaving enough
// candidates to fill the seats (5.2.2, 5.2.5). Candidates with equal votes go together.
func (c *ers97) sureLosers(r int) []int {
	h := c.history[r]
	hope := c.hopeful()
	most := len(hope) + len(c.res.Elected) - c.seats
	slices.SortStableFunc(hope, func(a, b int) int { return cmp.Compare(h[a], h[b]) })
	s := c.surplus[r]
	var losers []int
	for i := 0; i < len(hope); {
		j := i
		for j < len(hope) && h[hope[j]] == h[hope[i]] {
			j++
		}
		if j == len(hope) { // the highest group is never a sure loser
			break
		}
		s += int64(j-i) * h[hope[i]]
		if s <= h[hope[j]] && j <= most {
			losers = slices.Clone(hope[:j])
		}
		i = j
	}
	return losers
}

// losers chooses the candidates excluded at this stage (5.2.5). At the first exclusion,
// OpenSTV also excludes the lowest other candidate when the sure losers all have no vote.
func (c *ers97) losers() []int {
	r := c.r() - 1
	list := c.sureLosers(r)
	if c.first && len(list) > 0 && c.surplus[r] == 0 {
		rest := slices.DeleteFunc(c.hopeful(), func(k int) bool { return slices.Contains(list, k) })
		var held int64
		for _, k := range list {
			held += c.history[r][k]
		}
		if held == 0 && len(rest)+len(c.res.Elected) > c.seats {
			list = append(list, c.pickFewest(c.r()+1, rest, c.history[r], "exclude"))
		}
	}
	c.first = false
	if len(list) == 0 {
		list = []int{c.pickFewest(c.r()+1, c.hopeful(), c.history[r], "exclude")}
	}
	slices.Sort(list)
	return list
}

// transferSurplus transfers the largest surplus: only the last batch of papers the candidate
// received, at surplus / transferable papers (truncated) when they are worth more (5.3).
func (c *ers97) transferSurplus() {
	r := c.r() - 1
	k := c.ties.pick(c.history, extremes(c.history[r], c.over, true), true, c.r()+1, "surplus", c.res)
	c.over = slices.DeleteFunc(c.over, func(x int) bool { return x == k })
	surplus := c.history[r][k] - c.quota[r]
	batch := lastBatch(c.piles[k])
	var papers, value int64
	for _, p := range batch {
		for _, at := range p.papers {
			if to, _, w := c.next(at); to >= 0 {
				papers, value = papers+w, value+w*p.value
			}
		}
	}
	nv := func(v int64) int64 { return v }
	desc := "at their present value"
	if value > surplus {
		tv := surplus / papers
		nv = func(int64) int64 { return tv }
		desc = "transfer value " + Decimal{Units: tv, Scale: ersScale}.String()
	}
	c.begin(RoundSurplus, fmt.Sprintf("Surplus transferred: %s (%s, %s)", c.e.Candidates[k].Name,
		Decimal{Units: surplus, Scale: ersScale}, desc), []int{k})
	c.move(batch, int32(c.r()), nv)
	c.votes[k], c.piles[k] = c.quota[r], nil
	c.update()
	c.end()
}

// lastBatch returns the parcels received in the latest transfer to a candidate.
func lastBatch(pile []gregParcel) []gregParcel {
	k := len(pile)
	for k > 0 && pile[k-1].batch == pile[len(pile)-1].batch {
		k--
	}
	return pile[k:]
}

// exclude excludes list and transfers their papers in substages, one per transfer value,
// highest first (5.4); the count may end in the middle, when the last seat is filled.
func (c *ers97) exclude(list []int, verb string) {
	var fresh []int // excluded now; passed-over candidates were excluded when passed over
	for _, k := range list {
		if c.state[k] != stvExcluded {
			c.state[k] = stvExcluded
			c.res.Excluded = append(c.res.Excluded, k)
			fresh = append(fresh, k)
		}
	}
	var values []int64
	for _, k := range list {
		for _, p := range c.piles[k] {
			if p.weight > 0 && !slices.Contains(values, p.value) {
				values = append(values, p.value)
			}
		}
	}
	slices.SortFunc(values, func(a, b int64) int { return cmp.Compare(b, a) })
	what := fmt.Sprintf("%s: %s", verb, joinNames(c.e, list))
	if len(values) == 0 {
		c.begin(RoundExclusion, what+" (no papers to transfer)", list)
		c.round.Excluded = fresh
		c.update()
		c.end()
		return
	}
	for n, v := range values {
		c.begin(RoundExclusion, fmt.Sprintf("%s, substage %d of %d: papers of value %s", what,
			n+1, len(values), Decimal{Units: v, Scale: ersScale}), list)
		if n == 0 {
			c.round.Excluded = fresh
		}
		c.transferValue(list, v)
		c.update()
		c.end()
		if c.finished() {
			return
		}
	}
}

// transferValue moves the papers of value v held by the excluded candidates in list, as one
// batch, at their value.
func (c *ers97) transferValue(list []int, v int64) {
	var move []gregParcel
	for _, k := range list {
		keep := c.piles[k][:0]
		for _, p := range c.piles[k] {
			if p.value == v {
				move = append(move, p)
				c.votes[k] -= p.weight * v
			} else {
				keep = append(keep, p)
			}
		}
		c.piles[k] = keep
	}
	c.move(move, int32(c.r()), func(v int64) int64 { return v })
}

// finish ends the count (5.2.7, 5.5): the continuing candidates fill the vacancies left in
// order of votes, whatever their votes, those the affiliation cap refuses being passed over;
// once all seats are filled the others are excluded (5.5.2), fewest votes first.
func (c *ers97) finish() {
	last := &c.res.Rounds[len(c.res.Rounds)-1]
	round := len(c.res.Rounds)
	ranked := c.ties.order(c.history, c.votes, c.hopeful(), round, c.res)
	exclude := func(k int) {
		c.state[k] = stvExcluded
		c.res.Excluded = append(c.res.Excluded, k)
		last.Excluded = append(last.Excluded, k)
	}
	elect := func(k int) {
		c.state[k] = stvElected
		c.guard.seat(k)
		c.res.Elected = append(c.res.Elected, k)
		last.Elected = append(last.Elected, k)
	}
	passOver := func(k int) {
		c.res.PassedOver = append(c.res.PassedOver, c.guard.passOver(round, k))
		exclude(k)
	}
	stvFinish(ranked, c.seats-len(c.res.Elected), c.guard, elect, passOver, exclude)
}
