package elections

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/report"
)

// The count (DESIGN.md §4, §5): every contest of an election from the ballots of its rounds
// with pkg/tally, acclaimed contests seated without a vote, results kept until certification.
// A count is a pure function of what is stored (ballots ordered by receipt, the revealed
// seeds, the charter, the contests' seats), so counting again gives byte-identical reports.

// CountElection counts every contest of an election (officer), once no round of it is open
// and every contest that goes to a vote has had a round: each voted contest from the ballots
// of its latest round with pkg/tally (its method, seats, affiliation cap, term labels, the
// revealed seed), void below the quorum; acclaimed contests seat their candidates; contests
// without candidates leave their seats vacant. It stores the results, sets the election's
// status to counted and records election.counted. Counting again (before certification)
// gives byte-identical reports.
//
// A contest with a runoff is counted round by round: the first round's count names the tie
// (ContestResult.Runoff), and each runoff round's count keeps the earlier winners outside the
// tie in their places and fills the tied places with its own winners. While a runoff is
// pending, the tied candidates are neither in Elected nor in VacantSeats.
func (s *Service) CountElection(ctx context.Context, actor Actor, electionID int64) ([]ContestResult, error) {
	if !isReviewer(actor) {
		return nil, Errorf(EFORBIDDEN, "only an election officer can count an election")
	}
	now := s.clock.Now().UTC()
	var out []ContestResult
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		e, err := tx.ElectionByID(ctx, electionID)
		if err != nil {
			return err
		}
		if err := checkCountable(ctx, tx, e, now); err != nil {
			return err
		}
		k, err := newCounter(ctx, tx, e, now)
		if err != nil {
			return err
		}
		var finals, all []ContestResult
		for i := range e.Contests {
			rs, err := k.contest(ctx, &e.Contests[i])
			if err != nil {
				return err
			}
			for j := range rs {
				if err := tx.SaveResult(ctx, &rs[j]); err != nil {
					return err
				}
			}
			finals = append(finals, rs[len(rs)-1])
			all = append(all, rs...)
		}
		e.Status = StatusCounted
		if err := tx.UpdateElection(ctx, e); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, e.ID, EventElectionCounted, countedPayload(e, finals, all, k.options)); err != nil {
			return err
		}
		out, err = tx.Results(ctx, e.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkCountable refuses the count of e at now unless voting has opened, the election is not
// certified and none of its rounds is open.
func checkCountable(ctx context.Context, tx Store, e *Election, now time.Time) error {
	switch ph := e.Phase(now); ph {
	case PhaseCertified:
		return electionPhaseConflict(ph, "its count is final")
	case PhaseVoting, PhaseCounted:
	default:
		return electionPhaseConflict(ph, "the count runs once voting has opened (%s) and its rounds have closed", e.Schedule.VotingOpen)
	}
	rounds, err := tx.Rounds(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, r := range rounds {
		if r.State == RoundOpen {
			return Errorf(ECONFLICT, "round %d is open until %s; close it before the count",
				r.Number, r.ClosesAt.UTC().Format(instantLayout))
		}
	}
	return nil
}

// counter counts the contests of one election, in charter order.
type counter struct {
	tx  Store
	e   *Election
	ch  *Charter
	ns  []Nomination
	now time.Time
	// held counts the seats won by each affiliation in the contests counted so far: an
	// affiliation cap of scope board counts them against the later contests.
	held map[string]int
	// options are the inputs of each count besides the ballots, by contest and round id,
	// for the results bundle (ElectionBundle).
	options map[[2]int64]CountOptions
}

// newCounter returns the counter of election e at now, within tx.
func newCounter(ctx context.Context, tx Store, e *Election, now time.Time) (*counter, error) {
	ch, err := charterOfElection(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	ns, err := tx.Nominations(ctx, NominationFilter{ElectionID: e.ID})
	if err != nil {
		return nil, err
	}
	return &counter{tx: tx, e: e, ch: ch, ns: ns, now: now, held: map[string]int{},
		options: map[[2]int64]CountOptions{}}, nil
}

// place is a seat of a contest in the order the winners take them, and its winner (nil while
// vacant).
type place struct {
	seat   ContestSeat
	winner *BallotCandidate
}

// contest returns the results of contest c: one per round (the last is the final result), or
// one without a round for a contest decided without a vote.
func (k *counter) contest(ctx context.Context, c *Contest) ([]ContestResult, error) {
	rounds, ballots, err := k.tx.ContestRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if len(rounds) == 0 {
		return k.unvoted(c)
	}
	var results []ContestResult
	var places []place
	for i := range rounds {
		ballots[i].RoundID = rounds[i].ID
		var res *ContestResult
		if i == 0 {
			res, places, err = k.first(ctx, c, &rounds[0], &ballots[0])
		} else if need := results[i-1].Runoff; need != nil {
			res, places, err = k.runoff(ctx, c, &rounds[i], &ballots[i], places, need)
		} else {
			err = fmt.Errorf("contest %d: round %d follows a count that needs no runoff", c.ID, rounds[i].Number)
		}
		if err != nil {
			return nil, err
		}
		results = append(results, *res)
	}
	k.hold(places, results[len(results)-1].Runoff)
	return results, nil
}

// unvoted returns the result of contest c, which had no round: acclaimed candidates take the
// seats (full terms first, in ballot order), and a contest without candidates leaves them
// vacant. A contest that goes to a vote cannot be counted without a round.
func (k *counter) unvoted(c *Contest) ([]ContestResult, error) {
	v := contestView(k.e, c, k.ns, k.now)
	if v.Outcome != OutcomeAcclamation && v.Outcome != OutcomeNoCandidates {
		return nil, Errorf(ECONFLICT, "the %s contest goes to a vote, but no round has been held for it", c.Name)
	}
	cands := ballotCandidates(acceptedIn(k.ns, c.ID))
	places := emptyPlaces(c)
	for i := range min(len(cands), len(places)) {
		places[i].winner = &cands[i]
	}
	res := ContestResult{ContestID: c.ID, Outcome: v.Outcome, RollSize: c.RollSize, CountedAt: k.now}
	setWinners(&res, places, nil)
	k.hold(places, nil)
	return []ContestResult{res}, nil
}

// first counts the first (regular) round r of contest c, whose ballot is rb, over the
// contest's seats at the count; it returns the result and the places filled.
func (k *counter) first(ctx context.Context, c *Contest, r *Round, rb *RoundBallot) (*ContestResult, []place, error) {
	res := &ContestResult{ContestID: c.ID, RoundID: r.ID, Outcome: votedOutcome(contestView(k.e, c, k.ns, k.now)),
		RollSize: c.RollSize, CountedAt: k.now}
	te, err := k.ballots(ctx, res, c, r, rb)
	if err != nil {
		return nil, nil, err
	}
	places := emptyPlaces(c)
	if reason := quorumShortfall(k.ch, c, res.Voters, res.RollSize); reason != "" {
		res.Void, res.VoidReason = true, reason
		setWinners(res, places, nil)
		return res, places, nil
	}
	te.Seats = len(places)
	result, err := k.count(c, r, rb, te, termLabels(places), k.heldWith(nil))
	if err != nil {
		return nil, nil, err
	}
	for i, w := range result.Elected {
		places[i].winner = &rb.Candidates[w]
	}
	if err := k.finish(res, result, te, r, rb, places); err != nil {
		return nil, nil, err
	}
	return res, places, nil
}

// runoff counts runoff round r of contest c, whose ballot is rb, for the places of prev
// taken by the candidates of need: the other winners keep their places.
func (k *counter) runoff(ctx context.Context, c *Contest, r *Round, rb *RoundBallot, prev []place, need *RunoffNeed) (*ContestResult, []place, error) {
	res := &ContestResult{ContestID: c.ID, RoundID: r.ID, Outcome: votedOutcome(contestView(k.e, c, k.ns, k.now)),
		RollSize: c.RollSize, CountedAt: k.now}
	te, err := k.ballots(ctx, res, c, r, rb)
	if err != nil {
		return nil, nil, err
	}
	places := slices.Clone(prev)
	var open []place
	var at []int
	var kept []*BallotCandidate
	for i, p := range places {
		switch {
		case p.winner != nil && slices.Contains(need.Candidates, p.winner.ID):
			places[i].winner = nil
			open, at = append(open, places[i]), append(at, i)
		case p.winner != nil:
			kept = append(kept, p.winner)
		}
	}
	if len(open) != rb.Seats {
		return nil, nil, fmt.Errorf("contest %d: the runoff of round %d decides %d seat(s), the count finds %d tied", c.ID, r.Number, rb.Seats, len(open))
	}
	te.Seats = len(open)
	result, err := k.count(c, r, rb, te, termLabels(open), k.heldWith(kept))
	if err != nil {
		return nil, nil, err
	}
	for j, w := range result.Elected {
		places[at[j]].winner = &rb.Candidates[w]
	}
	if err := k.finish(res, result, te, r, rb, places); err != nil {
		return nil, nil, err
	}
	return res, places, nil
}

// ballots reads the counted ballots of contest c in round r as a pkg/tally election and sets
// res's voter and ballot numbers.
func (k *counter) ballots(ctx context.Context, res *ContestResult, c *Contest, r *Round, rb *RoundBallot) (*tally.Election, error) {
	te, counted, superseded, err := countedBallots(ctx, k.tx, rb, k.e.Title+": "+c.Name)
	if err != nil {
		return nil, err
	}
	voters, err := k.tx.Participation(ctx, r.ID, c.ID)
	if err != nil {
		return nil, err
	}
	res.Voters, res.Ballots, res.Superseded = voters, counted, superseded
	return te, nil
}

// count runs pkg/tally on te with the round's revealed seed, the ballot's points budget, the
// term labels and the charter's affiliation cap (held: the seats that count against it).
func (k *counter) count(c *Contest, r *Round, rb *RoundBallot, te *tally.Election, labels []string, held map[string]int) (*tally.Result, error) {
	opts := tally.Options{Seed: r.Seed, TermLabels: labels, Points: rb.Points}
	if cp := k.ch.Rules.AffiliationCap; cp != nil {
		opts.AffiliationCap, opts.AffiliationHeld = cp.Max, held
	}
	result, err := tally.Count(rb.Method, te, opts)
	if err != nil {
		return nil, fmt.Errorf("counting the %s contest, round %d: %w", c.Name, r.Number, err)
	}
	k.options[[2]int64{c.ID, r.ID}] = countOptions(rb.Method, te, opts)
	return result, nil
}

// countOptions describes a count of te with opts, so that anyone can run it again.
func countOptions(method string, te *tally.Election, opts tally.Options) CountOptions {
	o := CountOptions{Method: method, Seats: te.Seats, Seed: hex.EncodeToString(opts.Seed), Points: opts.Points,
		TermLabels: opts.TermLabels, AffiliationCap: opts.AffiliationCap}
	if o.AffiliationCap > 0 {
		o.AffiliationHeld = maps.Clone(opts.AffiliationHeld)
		o.Affiliations = map[string]string{}
		for _, c := range te.Candidates {
			if c.Affiliation != "" {
				o.Affiliations[c.Name] = c.Affiliation
			}
		}
	}
	return o
}

// finish completes res from the count result of round r: the runoff the charter asks for,
// the report and the winners of places.
func (k *counter) finish(res *ContestResult, result *tally.Result, te *tally.Election, r *Round, rb *RoundBallot, places []place) error {
	if k.ch.Rules.RunoffOnTie {
		res.Runoff = runoffNeed(result, rb)
	}
	var buf bytes.Buffer
	if err := report.New(result, te, r.Seed).WriteJSON(&buf); err != nil {
		return err
	}
	res.Report = json.RawMessage(buf.Bytes())
	setWinners(res, places, res.Runoff)
	return nil
}

// heldWith returns the seats that count against the affiliation cap in a count of the
// current contest where kept have won already: with scope board, also those won in the
// contests counted before it.
func (k *counter) heldWith(kept []*BallotCandidate) map[string]int {
	held := map[string]int{}
	if cp := k.ch.Rules.AffiliationCap; cp != nil && cp.Scope == CapBoard {
		maps.Copy(held, k.held)
	}
	for _, w := range kept {
		if w.Affiliation != "" {
			held[w.Affiliation]++
		}
	}
	return held
}

// hold adds the affiliations of the winners of places to the seats held, except those that a
// pending runoff still decides.
func (k *counter) hold(places []place, pending *RunoffNeed) {
	for _, p := range places {
		if p.winner != nil && p.winner.Affiliation != "" && !inRunoff(pending, p.winner) {
			k.held[p.winner.Affiliation]++
		}
	}
}

// inRunoff reports whether candidate w is one of the tie that need sends to a runoff.
func inRunoff(need *RunoffNeed, w *BallotCandidate) bool {
	return need != nil && slices.Contains(need.Candidates, w.ID)
}

// votedOutcome is the outcome of a contest that was voted on: confidence for an uncontested
// contest under the confidence policy, contested otherwise (also when seats were added after
// the vote, which the count fills from the same ballots).
func votedOutcome(v ContestView) ContestOutcome {
	if v.Outcome == OutcomeConfidence {
		return OutcomeConfidence
	}
	return OutcomeContested
}

// emptyPlaces returns contest c's seats in the order winners take them, all vacant: full
// terms first (longest term, then latest end), then by seat number, so that the
// earliest-elected winners get the longest terms.
func emptyPlaces(c *Contest) []place {
	places := make([]place, len(c.Seats))
	for i, s := range c.Seats {
		places[i] = place{seat: s}
	}
	slices.SortStableFunc(places, func(a, b place) int {
		return cmp.Or(cmp.Compare(b.seat.TermYears, a.seat.TermYears), cmp.Compare(b.seat.TermEndsYear, a.seat.TermEndsYear),
			cmp.Compare(seatNumber(a.seat.Seat), seatNumber(b.seat.Seat)))
	})
	return places
}

// seatNumber returns the number at the end of a seat key ("individual-2" → 2), or 0.
func seatNumber(key string) int {
	n, _ := strconv.Atoi(key[strings.LastIndexByte(key, '-')+1:])
	return n
}

// termLabels returns the pkg/tally term label of each place: "individual-2 (2 years, to 2028)".
func termLabels(places []place) []string {
	labels := make([]string, len(places))
	for i, p := range places {
		years := "years"
		if p.seat.TermYears == 1 {
			years = "year"
		}
		labels[i] = fmt.Sprintf("%s (%d %s, to %d)", p.seat.Seat, p.seat.TermYears, years, p.seat.TermEndsYear)
	}
	return labels
}

// setWinners sets res's winners and vacant seats from places; the candidates of a pending
// runoff are neither.
func setWinners(res *ContestResult, places []place, pending *RunoffNeed) {
	res.Elected, res.VacantSeats = nil, nil
	for _, p := range places {
		switch {
		case p.winner == nil:
			res.VacantSeats = append(res.VacantSeats, p.seat.Seat)
		case !inRunoff(pending, p.winner):
			res.Elected = append(res.Elected, Winner{Candidate: p.winner.ID, Name: p.winner.Name, Member: p.winner.Member,
				Seat: p.seat.Seat, TermYears: p.seat.TermYears, TermEndsYear: p.seat.TermEndsYear})
		}
	}
}

// quorumShortfall returns why a contest with voters of roll on its roll is void under the
// quorum of its constituency (else the charter's), or "" when it is not.
func quorumShortfall(ch *Charter, c *Contest, voters, roll int) string {
	q := ch.Rules.Quorum
	if k := rollConstituency(ch, c.Constituency); k != nil && k.Quorum != nil {
		q = k.Quorum
	}
	if q == nil || voters*100 >= q.MinTurnoutPercent*roll {
		return ""
	}
	return fmt.Sprintf("turnout %d of %d (%d%%) is below the quorum of %d%%", voters, roll, voters*100/roll, q.MinTurnoutPercent)
}

// runoffNeed returns the runoff that count result asks for under the charter rule
// RunoffOnTie: the candidates of every tie that the seed broke between a candidate who was
// elected and one who was not, for as many seats as the seed gave them; nil when the seed
// decided no seat.
func runoffNeed(result *tally.Result, rb *RoundBallot) *RunoffNeed {
	elected := make(map[int]bool, len(result.Elected))
	for _, c := range result.Elected {
		elected[c] = true
	}
	tied := map[int]bool{}
	var ties []string
	for _, t := range result.Ties {
		in := slices.ContainsFunc(t.Tied, func(c int) bool { return elected[c] })
		out := slices.ContainsFunc(t.Tied, func(c int) bool { return !elected[c] })
		if t.Rule != "seed" || !in || !out {
			continue
		}
		names := make([]string, len(t.Tied))
		for i, c := range t.Tied {
			tied[c], names[i] = true, rb.Candidates[c].Name
		}
		ties = append(ties, fmt.Sprintf("round %d: %s tied; the seed chose %s (%s)",
			t.Round, strings.Join(names, ", "), rb.Candidates[t.Chosen].Name, t.Purpose))
	}
	if len(tied) == 0 {
		return nil
	}
	need := &RunoffNeed{Tie: strings.Join(ties, "; ")}
	for _, c := range slices.Sorted(maps.Keys(tied)) {
		need.Candidates = append(need.Candidates, rb.Candidates[c].ID)
		if elected[c] {
			need.Seats++
		}
	}
	slices.Sort(need.Candidates)
	return need
}

// countedPayload is the payload of election.counted: each contest's final result
// ("results", with its winners in order of election: CountedWinner), and every stored result
// ("rounds": each contest and round counted, by contest id then round id, as Results lists
// them) with the SHA-256 of its report and the options of its count (from options, by contest
// and round; none when the round was not counted), so that a verifier can check a bundle's
// results and recount against the log. When an election is counted again, its last
// election.counted entry holds.
func countedPayload(e *Election, finals, all []ContestResult, options map[[2]int64]CountOptions) map[string]any {
	results := make([]map[string]any, len(finals))
	for i, r := range finals {
		results[i] = map[string]any{"contest": r.ContestID, "round": r.RoundID, "outcome": r.Outcome,
			"elected": winnerNames(r.Elected), "vacant_seats": r.VacantSeats, "void": r.Void, "runoff": r.Runoff != nil,
			"winners": countedWinners(r.Elected)}
	}
	all = slices.Clone(all)
	slices.SortStableFunc(all, func(a, b ContestResult) int {
		return cmp.Or(cmp.Compare(a.ContestID, b.ContestID), cmp.Compare(a.RoundID, b.RoundID))
	})
	rounds := make([]CountedRound, len(all))
	for i, r := range all {
		rounds[i] = CountedRound{Contest: r.ContestID, Round: r.RoundID, Outcome: r.Outcome, Void: r.Void, VoidReason: r.VoidReason,
			Voters: r.Voters, Ballots: r.Ballots, Superseded: r.Superseded, RollSize: r.RollSize, Elected: winnerNames(r.Elected),
			VacantSeats: r.VacantSeats, ReportSHA256: reportSHA256(r.Report)}
		if rounds[i].VacantSeats == nil {
			rounds[i].VacantSeats = []string{}
		}
		if o, ok := options[[2]int64{r.ContestID, r.RoundID}]; ok {
			rounds[i].Count = &o
		}
	}
	return map[string]any{"election": e.ID, "results": results, "rounds": rounds}
}

// CountedRound is one stored result in election.counted's "rounds": what a verifier checks a
// bundle's count against (pkg/bundle reads it back).
type CountedRound struct {
	Contest int64          `json:"contest"`
	Round   int64          `json:"round"`
	Outcome ContestOutcome `json:"outcome"`
	Void    bool           `json:"void"`
	// VoidReason is "" unless Void.
	VoidReason string   `json:"void_reason"`
	Voters     int      `json:"voters"`
	Ballots    int      `json:"ballots"`
	Superseded int      `json:"superseded"`
	RollSize   int      `json:"roll_size"`
	Elected    []string `json:"elected"`
	// VacantSeats are the seat keys left unfilled.
	VacantSeats []string `json:"vacant_seats"`
	// ReportSHA256 is the lower-case hex SHA-256 of the stored report's bytes; "" without one.
	ReportSHA256 string `json:"report_sha256"`
	// Count is what the count ran with; absent when the round was not counted (void, no vote).
	Count *CountOptions `json:"count,omitempty"`
}

// CountedWinner is one winner in election.counted's "results"[i]."winners", in order of
// election: the nomination id, ballot name, seat key and term (never the member).
type CountedWinner struct {
	Candidate    int64  `json:"candidate"`
	Name         string `json:"name"`
	Seat         string `json:"seat"`
	TermYears    int    `json:"term_years"`
	TermEndsYear int    `json:"term_ends_year"`
}

// countedWinners returns ws as election.counted records them, in order (never nil).
func countedWinners(ws []Winner) []CountedWinner {
	out := make([]CountedWinner, len(ws))
	for i, w := range ws {
		out[i] = CountedWinner{Candidate: w.Candidate, Name: w.Name, Seat: w.Seat, TermYears: w.TermYears, TermEndsYear: w.TermEndsYear}
	}
	return out
}

// winnerNames returns the ballot names of ws, in order (never nil).
func winnerNames(ws []Winner) []string {
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.Name
	}
	return names
}

// reportSHA256 returns the lower-case hex SHA-256 of a stored report's bytes; "" without one.
func reportSHA256(report json.RawMessage) string {
	if len(report) == 0 {
		return ""
	}
	sum := sha256.Sum256(report)
	return hex.EncodeToString(sum[:])
}

// countVisible refuses actor the results of e unless e is certified, or counted and actor may
// read the count: the public learns nothing of a count before certification, not even that
// it exists (ENOTFOUND); officers and auditors are told it has not run yet (ECONFLICT).
func countVisible(actor Actor, e *Election) error {
	switch {
	case e.Status == StatusCertified:
		return nil
	case !readsUncertified(actor):
		return Errorf(ENOTFOUND, "the results of %q are not published", e.Title)
	case e.Status == StatusCounted:
		return nil
	}
	return Errorf(ECONFLICT, "%q has not been counted yet", e.Title)
}

// Results returns the results of an election's contests: to officers and auditors once
// counted, to everyone once certified (ENOTFOUND before that for others, ECONFLICT for
// officers and auditors before the count). They are ordered by contest, then round: the last
// of a contest is its final result.
func (s *Service) Results(ctx context.Context, actor Actor, electionID int64) ([]ContestResult, error) {
	e, err := s.store.ElectionByID(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if err := countVisible(actor, e); err != nil {
		return nil, err
	}
	return s.store.Results(ctx, e.ID)
}

// ContestResult returns one contest's final result under the same rules as Results.
func (s *Service) ContestResult(ctx context.Context, actor Actor, contestID int64) (*ContestResult, error) {
	c, err := s.store.ContestByID(ctx, contestID)
	if err != nil {
		return nil, err
	}
	e, err := s.store.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	if err := countVisible(actor, e); err != nil {
		return nil, err
	}
	results, err := s.store.Results(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for i := len(results) - 1; i >= 0; i-- {
		if results[i].ContestID == c.ID {
			return &results[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "the %s contest has no result", c.Name)
}
