package elections

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Planning a voting round: which contests it opens and the ballot each gets. OpenRound
// (round_service.go) stores what the plan says.

// methodKinds maps each counting method to the ballot kind it takes.
var methodKinds = map[string]BallotKind{
	"irv": BallotRanking, "meek": BallotRanking, "scottish": BallotRanking, "ers97": BallotRanking,
	"schulze": BallotRanking, "rankedpairs": BallotRanking,
	"plurality": BallotApproval, "approval": BallotApproval,
	"cumulative": BallotPoints,
	"confidence": BallotConfidence,
}

// roundPlan is what OpenRound is about to open: the contests with their candidates.
type roundPlan struct {
	runoff   bool
	closesAt time.Time
	contests []plannedContest
}

// plannedContest is one contest of a roundPlan.
type plannedContest struct {
	contest    *Contest
	method     string
	seats      int
	candidates []BallotCandidate
}

// planRound plans a regular round of election e at now: in the voting phase, for contests
// that go to a vote and have not been in a round.
func planRound(ctx context.Context, tx Store, e *Election, in RoundInput, now time.Time) (*roundPlan, error) {
	if ph := e.Phase(now); ph != PhaseVoting {
		return nil, electionPhaseConflict(ph, "a voting round opens only in the voting phase (from %s 00:00 UTC until the count)",
			e.Schedule.VotingOpen)
	}
	closesAt, err := roundClose(in.ClosesAt, e.DeadlineEnd(e.Schedule.VotingClose), now)
	if err != nil {
		return nil, err
	}
	ns, err := tx.Nominations(ctx, NominationFilter{ElectionID: e.ID})
	if err != nil {
		return nil, err
	}
	contests, err := roundContests(e, in.Contests)
	if err != nil {
		return nil, err
	}
	explicit := len(in.Contests) > 0
	plan := &roundPlan{closesAt: closesAt}
	var problems []string
	var conflict error
	for _, c := range contests {
		v := contestView(e, c, ns, now)
		if v.Outcome != OutcomeContested && v.Outcome != OutcomeConfidence {
			if explicit {
				problems = append(problems, nothingToVoteOn(&v))
			}
			continue
		}
		rounds, _, err := tx.ContestRounds(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if len(rounds) > 0 {
			if explicit && conflict == nil {
				conflict = Errorf(ECONFLICT, "the %s contest was voted on in round %d already", c.Name, rounds[0].Number)
			}
			continue
		}
		method := c.Method
		if v.Outcome == OutcomeConfidence {
			method = "confidence"
		}
		plan.contests = append(plan.contests, plannedContest{contest: c, method: method, seats: len(c.Seats),
			candidates: ballotCandidates(acceptedIn(ns, c.ID))})
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	if conflict != nil {
		return nil, conflict
	}
	if len(plan.contests) == 0 {
		return nil, Errorf(ECONFLICT, "no contest of the election is left to vote on")
	}
	return plan, nil
}

// nothingToVoteOn says why contest v cannot go to a vote.
func nothingToVoteOn(v *ContestView) string {
	if v.Outcome == OutcomeNoCandidates {
		return fmt.Sprintf("nothing to vote on: the %s contest has no candidates", v.Contest.Name)
	}
	return fmt.Sprintf("nothing to vote on: the %s contest has %d candidate(s) for %d seat(s) and is decided by acclamation",
		v.Contest.Name, v.Candidates, len(v.Contest.Seats))
}

// roundContests returns the contests of e that ids names (all of them, in charter order, when
// ids is empty), refusing ids that name no contest of e or name one twice.
func roundContests(e *Election, ids []int64) ([]*Contest, error) {
	if len(ids) == 0 {
		out := make([]*Contest, len(e.Contests))
		for i := range e.Contests {
			out[i] = &e.Contests[i]
		}
		return out, nil
	}
	var problems []string
	var out []*Contest
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		i := slices.IndexFunc(e.Contests, func(c Contest) bool { return c.ID == id })
		switch {
		case i < 0:
			problems = append(problems, fmt.Sprintf("contest %d is not a contest of the election %q", id, e.Title))
		case seen[id]:
			problems = append(problems, fmt.Sprintf("contest %d is given twice", id))
		default:
			seen[id] = true
			out = append(out, &e.Contests[i])
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	slices.SortFunc(out, func(a, b *Contest) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// planRunoff plans the runoff round of one contest of the counted election e whose final
// result needs one. The runoff reuses the contest's frozen roll and method.
func planRunoff(ctx context.Context, tx Store, e *Election, in RoundInput, now time.Time) (*roundPlan, error) {
	if e.Status != StatusCounted {
		return nil, electionPhaseConflict(e.Phase(now), "a runoff round opens only after a count that ended in a tie the charter sends to a runoff")
	}
	closesAt, err := roundClose(in.ClosesAt, now.Add(runoffDuration), now)
	if err != nil {
		return nil, err
	}
	results, err := tx.Results(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	pending := pendingRunoffs(results)
	c, res, err := runoffContest(e, in.Contests, pending)
	if err != nil {
		return nil, err
	}
	rounds, ballots, err := tx.ContestRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if n := len(rounds); n == 0 || rounds[n-1].ID != res.RoundID {
		return nil, Errorf(ECONFLICT, "the runoff of the %s contest has opened already", c.Name)
	}
	ns, err := tx.Nominations(ctx, NominationFilter{ContestID: c.ID})
	if err != nil {
		return nil, err
	}
	var tied []Nomination
	for _, n := range ns {
		if slices.Contains(res.Runoff.Candidates, n.ID) {
			tied = append(tied, n)
		}
	}
	last := ballots[len(ballots)-1]
	return &roundPlan{runoff: true, closesAt: closesAt, contests: []plannedContest{{
		contest: c, method: last.Method, seats: res.Runoff.Seats, candidates: ballotCandidates(tied)}}}, nil
}

// pendingRunoffs returns the final results (the last of each contest) that need a runoff.
func pendingRunoffs(results []ContestResult) []*ContestResult {
	var out []*ContestResult
	for i := range results {
		last := i == len(results)-1 || results[i+1].ContestID != results[i].ContestID
		if last && results[i].Runoff != nil {
			out = append(out, &results[i])
		}
	}
	return out
}

// runoffContest returns the contest of e that a runoff round is for, named by ids (one id,
// or none when exactly one contest needs a runoff), with its pending result.
func runoffContest(e *Election, ids []int64, pending []*ContestResult) (*Contest, *ContestResult, error) {
	switch {
	case len(ids) > 1:
		return nil, nil, Errorf(EINVALID, "a runoff round is for one contest, not %d", len(ids))
	case len(ids) == 0 && len(pending) == 0:
		return nil, nil, Errorf(ECONFLICT, "no contest of the election needs a runoff")
	case len(ids) == 0 && len(pending) > 1:
		var names []string
		for _, p := range pending {
			names = append(names, contestName(e, p.ContestID))
		}
		return nil, nil, Errorf(EINVALID, "name the contest of the runoff: %s need one", strings.Join(names, ", "))
	case len(ids) == 0:
		ids = []int64{pending[0].ContestID}
	}
	cs, err := roundContests(e, ids)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(pending, func(r *ContestResult) bool { return r.ContestID == cs[0].ID })
	if i < 0 {
		return nil, nil, Errorf(ECONFLICT, "the count of the %s contest needs no runoff", cs[0].Name)
	}
	return cs[0], pending[i], nil
}

// contestName returns the name of contest id of e, or its id when e has no such contest.
func contestName(e *Election, id int64) string {
	for _, c := range e.Contests {
		if c.ID == id {
			return c.Name
		}
	}
	return fmt.Sprintf("contest %d", id)
}

// roundClose returns the close of a new round: closesAt, or def when it is zero; it must be
// after now.
func roundClose(closesAt, def, now time.Time) (time.Time, error) {
	if closesAt.IsZero() {
		closesAt = def
	}
	closesAt = closesAt.UTC()
	if !closesAt.After(now) {
		return time.Time{}, Errorf(EINVALID, "closes_at %s is not after now (%s)",
			closesAt.Format(instantLayout), now.Format(instantLayout))
	}
	return closesAt, nil
}

// acceptedIn returns the accepted nominations of contest among ns.
func acceptedIn(ns []Nomination, contest int64) []Nomination {
	var out []Nomination
	for _, n := range ns {
		if n.ContestID == contest && n.Status == NominationAccepted {
			out = append(out, n)
		}
	}
	return out
}

// ballotCandidates returns the candidates of nominations ns in ballot order: by display
// name (ignoring case, then exactly), then by nomination id, as Candidates lists them. Names
// that two candidates share get " (#<id>)" appended, so that each name on the ballot, in the
// counts and in the published ballots is unique.
func ballotCandidates(ns []Nomination) []BallotCandidate {
	out := make([]BallotCandidate, len(ns))
	count := make(map[string]int, len(ns))
	for i, n := range ns {
		out[i] = BallotCandidate{ID: n.ID, Name: n.Profile.DisplayName, Pronouns: n.Profile.Pronouns,
			Affiliation: n.Profile.Affiliation, Member: n.Nominee}
		count[n.Profile.DisplayName]++
	}
	slices.SortFunc(out, func(a, b BallotCandidate) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	for i := range out {
		if count[out[i].Name] > 1 {
			out[i].Name = fmt.Sprintf("%s (#%d)", out[i].Name, out[i].ID)
		}
	}
	return out
}

// roundBallot returns contest c's ballot for a round counted by method for seats seats.
func roundBallot(c *Contest, method string, seats int, candidates []BallotCandidate) RoundBallot {
	rb := RoundBallot{ContestID: c.ID, Method: method, Kind: methodKinds[method], Seats: seats,
		Candidates: candidates, MaxMarks: len(candidates), Revoting: c.Revoting,
		AllowsTies: method == "schulze" || method == "rankedpairs"}
	switch method {
	case "plurality":
		rb.MaxMarks = min(seats, len(candidates))
	case "cumulative":
		rb.Points = seats
	}
	return rb
}
