package tally

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// meekNote is the rule summary every Meek result carries.
const meekNote = "Meek STV, New Zealand fixed-point style as in Droop (fixed, precision 9, omega 6): " +
	"9-decimal arithmetic rounded down, keep values rounded up, quota = votes held/(seats+1) + 0.000000001 " +
	"recomputed each iteration, surplus tolerance 0.000001, certain losers excluded in batches; " +
	"candidates within the surplus of the lowest are tied for exclusion and the tie-break seed decides."

const (
	meekScale       = 9
	meekOne   int64 = 1_000_000_000 // 1 in units of 10^-9
	meekOmega int64 = 1_000         // 10^-6
)

type meekStatus uint8

// The order matters: statuses from meekExcluded on are skipped on strict ballots.
const (
	meekHopeful meekStatus = iota
	meekElected
	meekExcluded
	meekWithdrawn
)

// Why an iteration (a stage) stopped.
const (
	meekStopElected = "elected"
	meekStopOmega   = "omega"
	meekStopStable  = "stable"
	meekStopBatch   = "batch"
)

// meekCount is the state of one Meek count.
type meekCount struct {
	e      *Election
	ties   tieRule // Meek has no rule of its own for ties: the seed decides (nil history)
	cap    *capGuard
	seats  int
	total  int64 // total ballot weight in units
	status []meekStatus
	kf     []int64
	votes  []int64
	trie   *meekTrie
	res    *Result

	quota   int64
	surplus int64
	elected int
	hopeful int
	iters   int // iterations in the current stage
	stages  int
}

// countMeek counts by Meek STV (Hill, Wichmann & Woodall 1987, Algorithm 123) in the New
// Zealand fixed-point style that Droop (rule "meek", arithmetic=fixed, precision=9, omega=6)
// and stv-rs call fixed9:
//
//   - every value is an integer number of units of 10^-9; products and quotients round down,
//     except the keep value update kf ← ⌈⌈kf·quota⌉ / votes⌉, which rounds up twice;
//   - the quota is recomputed at every iteration from the votes held by hopeful and elected
//     candidates: ⌊votes / (seats+1)⌋ + 10^-9, and a candidate is elected when votes ≥ quota;
//   - a stage iterates until someone is elected, the total surplus is ≤ 10^-6 (omega), the
//     surplus stops decreasing (fixed-point arithmetic can keep it from reaching omega), or a
//     batch of certain losers appears (Droop's defeat_batch=safe: the lowest candidates whose
//     votes together with the surplus stay below the next candidate, leaving enough hopefuls);
//   - otherwise the lowest hopeful is excluded. Candidates whose votes are within the total
//     surplus of the lowest count as tied with it (the surplus says how far the votes may
//     still move), as in Droop; such a tie is decided by the TieBreaker (Droop takes the first
//     in ballot order, which would favour candidates by their position on the ballot paper);
//   - when the hopefuls are no more than the seats left, they are all elected, whatever their
//     votes, even none, and when every seat is filled the others are excluded, as in the other
//     STV methods (stvCanStop); exactly equal votes, when candidates are elected together or
//     excluded at the end, are put in order by the TieBreaker (ties of purpose "order").
//
// Equal rankings follow Droop and stv-rs exactly, quirks included: at a level of equally
// ranked candidates the value is split equally among those not excluded, each keeps its share
// times its keep value, and what each passes on goes down the rest of the ballot separately; a
// level whose candidates are all excluded stops the ballot. Strict ballots skip excluded
// candidates as usual.
//
// Affiliation cap: a candidate who reaches the quota (or is left to fill a seat) while the cap
// for their affiliation is full is excluded instead, their votes go on, and the pass-over is
// recorded. A hopeful whose affiliation is full does not keep the count going (stvCanStop).
func countMeek(e *Election, opts Options) (*Result, error) {
	// Election.Validate bounds the total weight by MaxTotalWeight (2^32), so that total
	// votes in units of 10^-9 stay below 2^62.
	total := e.Ballots.TotalWeight()
	n := len(e.Candidates)
	m := &meekCount{
		e: e, ties: tieRule{tb: NewTieBreaker(e, opts.Seed)}, cap: newCapGuard(e, opts), seats: e.Seats,
		total: total * meekOne, status: make([]meekStatus, n), kf: make([]int64, n),
		votes: make([]int64, n), res: &Result{},
	}
	for c, cand := range e.Candidates {
		if cand.Withdrawn {
			m.status[c] = meekWithdrawn
			continue
		}
		m.kf[c] = meekOne
		m.hopeful++
	}
	trie, err := newMeekTrie(&e.Ballots, m.status)
	if err != nil {
		return nil, err
	}
	m.trie = trie
	m.run()
	m.res.Notes = append(m.res.Notes, meekNote)
	return m.res, nil
}

func (m *meekCount) run() {
	m.distribute()
	m.quota = m.total/int64(m.seats+1) + 1
	q := meekDec(m.quota)
	m.res.Quota = &q
	m.addRound(RoundFirst, "First preferences; quota "+q.String(), nil, nil, nil)
	for !m.complete() {
		m.stages++
		stop, batch, elected, passed := m.iterate()
		m.addRound(RoundIteration, m.stageAction(stop, elected, passed), elected, elected, nil)
		for _, c := range passed {
			m.exclude(c, "Passed over (affiliation cap): ", "")
		}
		switch stop {
		case meekStopBatch:
			for _, c := range batch {
				m.exclude(c, "Excluded (certain loser): ", "")
			}
		case meekStopOmega, meekStopStable:
			m.excludeLowest()
		}
	}
	m.finish()
}

// complete reports whether the hopeful candidates can no longer compete for the seats left
// (stvCanStop).
func (m *meekCount) complete() bool {
	return stvCanStop(m.cap, m.candidates(meekHopeful), m.seats-m.elected)
}

func (m *meekCount) distribute() { m.trie.distribute(m.kf, m.votes) }

// iterate runs one stage: Droop's iterate() with the D.3–D.8 steps of Algorithm 123.
func (m *meekCount) iterate() (stop string, batch, elected, passed []int) {
	last := m.total
	m.iters = 0
	for {
		m.iters++
		m.distribute()
		var sum int64
		for c, v := range m.votes {
			if m.status[c] <= meekElected {
				sum += v
			}
		}
		m.quota = sum/int64(m.seats+1) + 1
		var reached []int
		for c, v := range m.votes {
			if m.status[c] == meekHopeful && v >= m.quota {
				reached = append(reached, c)
			}
		}
		elected, passed = m.electReached(reached)
		m.surplus = 0
		for c, v := range m.votes {
			if m.status[c] == meekElected {
				m.surplus += v - m.quota
			}
		}
		switch {
		case len(reached) > 0:
			return meekStopElected, nil, elected, passed
		case m.surplus <= meekOmega:
			return meekStopOmega, nil, nil, nil
		case m.surplus >= last:
			return meekStopStable, nil, nil, nil
		}
		if batch = m.batchDefeat(); len(batch) > 0 {
			return meekStopBatch, batch, nil, nil
		}
		last = m.surplus
		m.updateKeepValues()
	}
}

// electReached elects the candidates who reached the quota, highest first, while seats are
// left; those the affiliation cap blocks are returned as passed over (excluded by the caller).
func (m *meekCount) electReached(reached []int) (elected, passed []int) {
	for _, c := range m.ties.order(nil, m.votes, reached, len(m.res.Rounds)+1, m.res) {
		switch {
		case m.elected >= m.seats:
			// Cannot happen with this quota (seats+1 quotas exceed the votes); kept hopeful.
		case !m.cap.allows(c):
			passed = append(passed, c)
			m.res.PassedOver = append(m.res.PassedOver, m.cap.passOver(len(m.res.Rounds)+1, c))
		default:
			m.setElected(c)
			elected = append(elected, c)
		}
	}
	for _, c := range elected {
		m.trie.elect(c)
	}
	return elected, passed
}

func (m *meekCount) setElected(c int) {
	m.status[c] = meekElected
	m.elected++
	m.hopeful--
	m.cap.seat(c)
	m.res.Elected = append(m.res.Elected, c)
}

// updateKeepValues is step D.8 as in New Zealand's calculator: kf ← ⌈⌈kf·quota⌉ / votes⌉.
func (m *meekCount) updateKeepValues() {
	for c, v := range m.votes {
		if m.status[c] == meekElected && v > 0 {
			m.kf[c] = mulDivUp(mulDivUp(m.kf[c], m.quota, meekOne), meekOne, v)
		}
	}
}

// mulDivUp returns ⌈a·b/d⌉ for non-negative a, b and positive d, with a 128-bit product.
func mulDivUp(a, b, d int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(d) {
		return math.MaxInt64
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if r != 0 {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// batchDefeat finds Droop's batch of certain losers: the lowest groups of hopefuls (candidates
// within the surplus of each other form a group that is never split) whose votes together
// with the surplus stay below the next group, leaving enough hopefuls for the seats.
func (m *meekCount) batchDefeat() []int {
	sorted := m.candidates(meekHopeful)
	slices.SortStableFunc(sorted, func(a, b int) int { return cmp.Compare(m.votes[a], m.votes[b]) })
	var groups [][]int
	var group []int
	lead := int64(0)
	for _, c := range sorted {
		if lead+m.surplus >= m.votes[c] {
			group = append(group, c)
			continue
		}
		if len(group) > 0 {
			groups = append(groups, group)
		}
		group, lead = []int{c}, m.votes[c]
	}
	if len(group) > 0 {
		groups = append(groups, group)
	}
	maxDefeat := m.hopeful - (m.seats - m.elected)
	sum, ncand, best := int64(0), 0, -1
	for g := 0; g < len(groups)-1; g++ {
		if ncand += len(groups[g]); ncand > maxDefeat {
			break
		}
		for _, c := range groups[g] {
			sum += m.votes[c]
		}
		if sum+m.surplus < m.votes[groups[g+1][0]] {
			best = g
		}
	}
	var batch []int
	for g := 0; g <= best; g++ {
		batch = append(batch, groups[g]...)
	}
	slices.Sort(batch)
	return batch
}

// excludeLowest excludes the hopeful with the fewest votes; candidates within the surplus of
// the lowest are tied with it and the TieBreaker decides.
func (m *meekCount) excludeLowest() {
	hopeful := m.candidates(meekHopeful)
	low := m.votes[hopeful[0]]
	for _, c := range hopeful {
		low = min(low, m.votes[c])
	}
	var tied []int
	for _, c := range hopeful {
		if m.votes[c] <= low+max(m.surplus, 0) {
			tied = append(tied, c)
		}
	}
	c := tied[0]
	note := ""
	if len(tied) > 1 {
		var tie Tie
		c, tie = m.ties.tb.Choose(len(m.res.Rounds)+1, "exclude", tied)
		m.res.Ties = append(m.res.Ties, tie)
		note = fmt.Sprintf("; tied within the surplus with %s, chosen by the tie-break seed", joinNames(m.e, tied))
	}
	m.exclude(c, "Excluded (lowest): ", note)
}

// exclude excludes c (keep value 0), hands their ballots on and records a round showing the
// votes after the transfer.
func (m *meekCount) exclude(c int, action, note string) {
	v := m.votes[c]
	m.status[c] = meekExcluded
	m.kf[c] = 0
	m.hopeful--
	m.trie.exclude(c)
	m.distribute()
	m.res.Excluded = append(m.res.Excluded, c)
	text := fmt.Sprintf("%s%s (%s)%s", action, m.e.Candidates[c].Name, meekDec(v), note)
	m.addRound(RoundExclusion, text, []int{c}, nil, []int{c})
}

// finish elects the remaining hopefuls, whatever their votes, when they are no more than the
// seats left, or excludes them when the seats are filled (stvFinish), and records the final
// distribution.
func (m *meekCount) finish() {
	rest := m.candidates(meekHopeful)
	if len(rest) == 0 {
		return
	}
	round := len(m.res.Rounds) + 1
	var elected, excluded []int
	exclude := func(c int) {
		m.status[c], m.kf[c] = meekExcluded, 0
		m.hopeful--
		m.res.Excluded = append(m.res.Excluded, c)
		excluded = append(excluded, c)
	}
	elect := func(c int) {
		m.setElected(c)
		elected = append(elected, c)
	}
	passOver := func(c int) {
		m.res.PassedOver = append(m.res.PassedOver, m.cap.passOver(round, c))
		exclude(c)
	}
	// The order decides who is elected first, and who is excluded first.
	ranked := m.ties.order(nil, m.votes, rest, round, m.res)
	stvFinish(ranked, m.seats-m.elected, m.cap, elect, passOver, exclude)
	for _, c := range excluded {
		m.trie.exclude(c)
	}
	// The candidates elected here keep their whole value (keep value 1), so their ballots need
	// not be extended past them for this last distribution.
	m.distribute()
	var parts []string
	if len(elected) > 0 {
		parts = append(parts, "Elected remaining: "+joinNames(m.e, elected))
	}
	if len(excluded) > 0 {
		parts = append(parts, "Excluded remaining: "+joinNames(m.e, excluded))
	}
	subjects := slices.Concat(elected, excluded)
	m.addRound(RoundElection, strings.Join(parts, "; "), subjects, elected, excluded)
}

func (m *meekCount) candidates(s meekStatus) []int {
	var out []int
	for c, st := range m.status {
		if st == s {
			out = append(out, c)
		}
	}
	return out
}

// stageAction describes a stage for the report, with the keep values that produced its totals
// so that an auditor can recompute them.
func (m *meekCount) stageAction(stop string, elected, passed []int) string {
	s := fmt.Sprintf("Stage %d, %d iteration(s), quota %s, surplus %s",
		m.stages, m.iters, meekDec(m.quota), meekDec(m.surplus))
	var keep []string
	for c, st := range m.status {
		if st == meekElected && !slices.Contains(elected, c) {
			keep = append(keep, m.e.Candidates[c].Name+" "+meekDec(m.kf[c]).String())
		}
	}
	if len(keep) > 0 {
		s += ", keep values " + strings.Join(keep, ", ")
	}
	switch stop {
	case meekStopElected:
		var parts []string
		if len(elected) > 0 {
			parts = append(parts, "elected "+joinNames(m.e, elected))
		}
		if len(passed) > 0 {
			parts = append(parts, "reached the quota but passed over (affiliation cap): "+joinNames(m.e, passed))
		}
		return s + ": " + strings.Join(parts, "; ")
	case meekStopOmega:
		return s + ": surplus within the tolerance 0.000001000"
	case meekStopStable:
		return s + ": surplus no longer decreasing"
	}
	return s + ": certain losers found"
}

func (m *meekCount) addRound(kind RoundKind, action string, subjects, elected, excluded []int) {
	votes := make([]Decimal, len(m.votes))
	held := int64(0)
	for c, v := range m.votes {
		votes[c] = meekDec(v)
		held += v
	}
	q := meekDec(m.quota)
	m.res.Rounds = append(m.res.Rounds, Round{
		Number: len(m.res.Rounds) + 1, Kind: kind, Action: action, Subjects: subjects,
		Votes: votes, NonTransferable: meekDec(m.total - held),
		Elected: elected, Excluded: excluded, Quota: &q,
	})
}

func meekDec(units int64) Decimal { return Decimal{Units: units, Scale: meekScale} }
