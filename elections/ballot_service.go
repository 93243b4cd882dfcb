package elections

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govboard/govboard/pkg/tally"
)

// BallotForm is a voter's ballot in a contest.
type BallotForm struct {
	ContestID int64
	RoundID   int64
	// Contest is the contest's name.
	Contest string
	Method  string
	Kind    BallotKind
	Seats   int
	// Candidates in an order shuffled for this voter (the same order each time they ask).
	Candidates []BallotCandidate
	// MaxMarks, Points, AllowsTies and Revoting: see RoundBallot.
	MaxMarks   int
	Points     int
	AllowsTies bool
	Revoting   bool
	// ClosesAt is when the round closes.
	ClosesAt string
	// Instructions say in one sentence how to fill the ballot.
	Instructions string
	// Voted says whether the caller has voted in this contest in this round already.
	Voted bool
}

// BallotInput is a ballot as a voter casts it; exactly one of the fields is used, by the
// contest's ballot kind, or Abstain alone.
type BallotInput struct {
	// RoundID is the round whose ballot form the voter filled in (BallotForm.RoundID); 0
	// means the round open when the ballot arrives. A ballot for a round that is no longer
	// open is refused rather than cast in another round, whose ballot may differ (a runoff
	// has fewer candidates).
	RoundID int64
	// Abstain casts an explicit abstention (no marks).
	Abstain bool
	// Ranking lists candidate ids best first; a group of several ids ranks them equally
	// (only where RoundBallot.AllowsTies).
	Ranking [][]int64
	// Marks are the candidates marked (plurality, approval).
	Marks []int64
	// Points gives points to candidates (cumulative); at most the budget in all.
	Points map[int64]int
	// Votes says "yes", "no" or "abstain" per candidate (confidence); a candidate left out
	// abstains.
	Votes map[int64]string
}

// CastResult is what a voter gets back for a ballot.
type CastResult struct {
	// Receipt lets the voter find the ballot among the published ballots.
	Receipt   string
	ContestID int64
	RoundID   int64
	// Replaced says that the ballot replaced the voter's earlier one in this round.
	Replaced bool
}

// ParticipationView says whether the caller has voted in a contest's open (or latest) round.
type ParticipationView struct {
	ContestID int64
	RoundID   int64
	Voted     bool
	// Revoting says whether a new ballot would replace the counted one.
	Revoting bool
	// RoundOpen says whether the round still takes ballots.
	RoundOpen bool
	// Message says all this to the voter in a sentence or two.
	Message string
}

// ballotCache keeps what casting reads that never changes once written, so that a cast costs
// one store read (the roll) besides its share of a commit. Its zero value is ready.
type ballotCache struct {
	// contests maps a contest id to its *contestBrief.
	contests sync.Map
	// open maps a contest id to the *openBallot of its open round, as last seen. An entry
	// may be stale (the round has closed since): the store's CastBallots checks the round
	// again, and CastBallot then drops the entry and looks again.
	open sync.Map
	// secrets maps an election id to its HMAC secret ([]byte).
	secrets sync.Map
	// rolls maps a contest id to the *rollSnapshot of its frozen roll.
	rolls sync.Map
}

// rollSnapshot is a contest's frozen roll in memory, loaded in the background by the first
// ballot cast in the contest: every ballot checks its voter against the roll, and a map
// lookup costs a fraction of a database read. A frozen roll only ever grows (officers' later
// additions, where the charter allows them), and its entries never change, so an entry found
// here is as good as one read from the store; a member not found (an addition made after the
// load, or on another replica) is looked up in the store.
type rollSnapshot struct {
	ready atomic.Bool
	// voters maps a member's external id to whether they can vote (false: an organisation
	// without a representative when the roll was frozen). Written once, before ready.
	voters map[string]bool
}

// maxRollSnapshot is the largest roll kept in memory (about 60 bytes a voter); larger rolls
// are read from the store ballot by ballot.
const maxRollSnapshot = 1_000_000

// rollSnapshotOf returns the contest's roll snapshot, starting its load the first time.
func (s *Service) rollSnapshotOf(contestID int64) *rollSnapshot {
	if v, ok := s.ballots.rolls.Load(contestID); ok {
		return v.(*rollSnapshot)
	}
	v, loaded := s.ballots.rolls.LoadOrStore(contestID, &rollSnapshot{})
	snap := v.(*rollSnapshot)
	if !loaded {
		go s.loadRollSnapshot(contestID, snap)
	}
	return snap
}

// loadRollSnapshot reads a contest's frozen roll into snap. On failure the snapshot is
// dropped, so that a later ballot tries again; meanwhile ballots read the store.
func (s *Service) loadRollSnapshot(contestID int64, snap *rollSnapshot) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	entries, err := s.store.RollEntries(ctx, contestID)
	if err != nil || len(entries) > maxRollSnapshot {
		if err != nil {
			s.ballots.rolls.CompareAndDelete(contestID, snap)
		}
		return
	}
	voters := make(map[string]bool, len(entries))
	for _, e := range entries {
		voters[e.Member] = e.Kind != MemberOrganisation || e.Representative != ""
	}
	snap.voters = voters
	snap.ready.Store(true)
}

// contestBrief is what casting needs of a contest; neither changes after its creation.
type contestBrief struct {
	electionID int64
	name       string
}

// openBallot is a contest's open round and its ballot, prepared for validation.
type openBallot struct {
	round Round
	spec  *ballotSpec
}

// contestBrief returns contest id's election and name.
func (s *Service) contestBrief(ctx context.Context, id int64) (*contestBrief, error) {
	if v, ok := s.ballots.contests.Load(id); ok {
		return v.(*contestBrief), nil
	}
	c, err := s.store.ContestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	b := &contestBrief{electionID: c.ElectionID, name: c.Name}
	s.ballots.contests.Store(id, b)
	return b, nil
}

// electionSecret returns an election's HMAC secret, which exists once a round has opened.
func (s *Service) electionSecret(ctx context.Context, electionID int64) ([]byte, error) {
	if v, ok := s.ballots.secrets.Load(electionID); ok {
		return v.([]byte), nil
	}
	secret, err := s.store.ElectionSecret(ctx, electionID)
	if err != nil {
		// Not ENOTFOUND to the caller: a round is open, so a missing secret is our fault.
		return nil, fmt.Errorf("election %d: reading its secret: %v", electionID, err)
	}
	s.ballots.secrets.Store(electionID, secret)
	return secret, nil
}

// checkVoterActor refuses actor unless it is a member signed in for the contest's election.
func checkVoterActor(actor Actor, b *contestBrief) error {
	if actor.Kind != ActorMember || actor.Member == "" {
		return Errorf(EFORBIDDEN, "only members signed in with an access code vote")
	}
	if actor.Election != b.electionID {
		return Errorf(EFORBIDDEN, "this access code is for another election")
	}
	return nil
}

// checkRoll refuses member unless they are on the contest's frozen roll and can vote: an
// organisation votes through the representative it had when the roll was frozen.
func (s *Service) checkRoll(ctx context.Context, contestID int64, b *contestBrief, member string) error {
	if snap := s.rollSnapshotOf(contestID); snap.ready.Load() {
		if canVote, ok := snap.voters[member]; ok {
			if !canVote {
				return noRepresentative(b)
			}
			return nil
		}
	}
	e, err := s.store.RollEntry(ctx, contestID, member)
	if ErrorCode(err) == ENOTFOUND {
		return Errorf(EFORBIDDEN, "you are not on the roll of the %s contest", b.name)
	}
	if err != nil {
		return err
	}
	if e.Kind == MemberOrganisation && e.Representative == "" {
		return noRepresentative(b)
	}
	return nil
}

// noRepresentative refuses the ballot of an organisation that had no representative at the
// freeze.
func noRepresentative(b *contestBrief) error {
	return Errorf(EFORBIDDEN, "your organisation had no representative when the roll of the %s contest was frozen, so it cannot vote in it", b.name)
}

// openRoundOf returns the open round of a contest and its ballot there, read from the store:
// ECONFLICT when the contest has no round, or its latest round is closed or past its close.
func (s *Service) openRoundOf(ctx context.Context, contestID int64, b *contestBrief) (*Round, *RoundBallot, error) {
	rounds, rbs, err := s.store.ContestRounds(ctx, contestID)
	if err != nil {
		return nil, nil, err
	}
	if len(rounds) == 0 || len(rbs) != len(rounds) {
		return nil, nil, Errorf(ECONFLICT, "no voting round is open for the %s contest", b.name)
	}
	r, rb := &rounds[len(rounds)-1], &rbs[len(rbs)-1]
	if r.State != RoundOpen || !r.ClosesAt.After(s.clock.Now()) {
		return nil, nil, RoundClosedError(r)
	}
	rb.RoundID = r.ID
	return r, rb, nil
}

// openBallotOf returns the open round of a contest, from the cache when cached is set and it
// has one; fromCache says where it came from.
func (s *Service) openBallotOf(ctx context.Context, contestID int64, b *contestBrief, cached bool) (ob *openBallot, fromCache bool, err error) {
	if cached {
		if v, ok := s.ballots.open.Load(contestID); ok {
			return v.(*openBallot), true, nil
		}
	}
	r, rb, err := s.openRoundOf(ctx, contestID, b)
	if err != nil {
		return nil, false, err
	}
	ob = &openBallot{round: *r, spec: newBallotSpec(rb)}
	s.ballots.open.Store(contestID, ob)
	return ob, false, nil
}

// BallotForm returns the caller's ballot form for a contest (member of the contest's frozen
// roll, with a token for its election; ECONFLICT when no round of the contest is open).
func (s *Service) BallotForm(ctx context.Context, actor Actor, contestID int64) (*BallotForm, error) {
	b, err := s.contestBrief(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if err := checkVoterActor(actor, b); err != nil {
		return nil, err
	}
	r, rb, err := s.openRoundOf(ctx, contestID, b)
	if err != nil {
		return nil, err
	}
	if err := s.checkRoll(ctx, contestID, b, actor.Member); err != nil {
		return nil, err
	}
	secret, err := s.electionSecret(ctx, b.electionID)
	if err != nil {
		return nil, err
	}
	voted, err := s.store.Participated(ctx, r.ID, contestID, actor.Member)
	if err != nil {
		return nil, err
	}
	candidates := make([]BallotCandidate, len(rb.Candidates))
	for i, k := range ballotOrder(secret, contestID, actor.Member, len(rb.Candidates)) {
		candidates[i] = rb.Candidates[k]
		candidates[i].Member = "" // the nominee's member id is no business of the voter's
	}
	return &BallotForm{
		ContestID: contestID, RoundID: r.ID, Contest: b.name, Method: rb.Method, Kind: rb.Kind,
		Seats: rb.Seats, Candidates: candidates, MaxMarks: rb.MaxMarks, Points: rb.Points,
		AllowsTies: rb.AllowsTies, Revoting: rb.Revoting, ClosesAt: r.ClosesAt.UTC().Format(time.RFC3339),
		Instructions: ballotInstructions(rb), Voted: voted,
	}, nil
}

// ballotInstructions says in one sentence how to fill rb.
func ballotInstructions(rb *RoundBallot) string {
	n := len(rb.Candidates)
	switch rb.Kind {
	case BallotRanking:
		if rb.AllowsTies {
			return "Rank the candidates in order of preference, your favourite first; candidates you like equally may share a rank, and those you leave out rank below all others."
		}
		if rb.MaxMarks < n {
			return fmt.Sprintf("Rank up to %d candidates in order of preference, your favourite first; leave out those you would not support.", rb.MaxMarks)
		}
		return "Rank the candidates you support in order of preference, your favourite first; leave out those you would not support."
	case BallotApproval:
		switch {
		case rb.MaxMarks == 1:
			return "Mark the one candidate you vote for."
		case rb.MaxMarks < n:
			return fmt.Sprintf("Mark up to %d candidates.", rb.MaxMarks)
		}
		return "Mark every candidate you approve of."
	case BallotPoints:
		if rb.Points == 1 {
			return "Give your one point to the candidate you vote for."
		}
		return fmt.Sprintf("Share up to %d points among the candidates; you may give one candidate several points.", rb.Points)
	case BallotConfidence:
		return "Vote yes or no on each candidate; a candidate you leave out counts as an abstention."
	}
	return ""
}

// CastBallot validates a ballot against the contest's RoundBallot and stores it with a
// receipt, through the service's group commit: it returns only once the ballot is committed.
//
// This is the hot path. It reads the roll entry and, the first time, the contest, its open
// round and the election's secret, which are then cached; the round from the cache may
// have closed since, which the store's check catches. A ballot for a given round
// (in.RoundID) is then refused; one for whatever round is open is tried once more with the
// round read again, in case another round (a runoff) has opened meanwhile.
func (s *Service) CastBallot(ctx context.Context, actor Actor, contestID int64, in BallotInput) (*CastResult, error) {
	res, again, err := s.castBallot(ctx, actor, contestID, in, true)
	if again {
		res, _, err = s.castBallot(ctx, actor, contestID, in, false)
	}
	return res, err
}

// castBallot is CastBallot with the cached round when cached is set; again says the cached
// round was stale and another round of the contest is open (only when in.RoundID is 0).
func (s *Service) castBallot(ctx context.Context, actor Actor, contestID int64, in BallotInput, cached bool) (res *CastResult, again bool, err error) {
	s.casts.arrive()
	submitted := false
	defer func() {
		if !submitted {
			s.casts.leave()
		}
	}()
	b, err := s.contestBrief(ctx, contestID)
	if err != nil {
		return nil, false, err
	}
	if err := checkVoterActor(actor, b); err != nil {
		return nil, false, err
	}
	ob, fromCache, err := s.openBallotOf(ctx, contestID, b, cached)
	if err == nil && fromCache && in.RoundID != 0 && in.RoundID != ob.round.ID {
		// The cache may be stale: the voter's round may have opened since it was filled.
		ob, fromCache, err = s.openBallotOf(ctx, contestID, b, false)
	}
	if err != nil {
		if in.RoundID != 0 && ErrorCode(err) == ECONFLICT {
			return nil, false, s.wrongRound(ctx, contestID, b, in.RoundID, nil, err)
		}
		return nil, false, err
	}
	if in.RoundID != 0 && in.RoundID != ob.round.ID {
		return nil, false, s.wrongRound(ctx, contestID, b, in.RoundID, &ob.round, nil)
	}
	if err := s.checkRoll(ctx, contestID, b, actor.Member); err != nil {
		return nil, false, err
	}
	content, err := ob.spec.canonical(in)
	if err != nil {
		return nil, false, err
	}
	bc, err := s.newCast(ctx, b, ob, actor.Member, content)
	if err != nil {
		return nil, false, err
	}
	submitted = true // submit calls leave
	if err := s.casts.submit(ctx, s.store, s.clock, bc); err != nil {
		return nil, false, err
	}
	if bc.Err != nil {
		if fromCache && ErrorCode(bc.Err) == ECONFLICT {
			r, _, ferr := s.openRoundOf(ctx, contestID, b)
			if ferr != nil || r.ID != ob.round.ID {
				s.ballots.open.CompareAndDelete(contestID, ob)
				if ferr == nil && in.RoundID != 0 {
					// The voter's round has closed and another has opened: the ballot is
					// not theirs to cast there.
					return nil, false, s.wrongRound(ctx, contestID, b, in.RoundID, r, nil)
				}
				return nil, ferr == nil, bc.Err
			}
		}
		return nil, false, bc.Err
	}
	return &CastResult{Receipt: bc.Ballot.Receipt, ContestID: contestID, RoundID: ob.round.ID, Replaced: bc.Replaced}, false, nil
}

// wrongRound is the refusal of a ballot for round roundID of a contest that is not the open
// round: open is the contest's open round, nil when none is open, in which case closedErr
// is why (returned as it is when it says all, e.g. "voting in round 1 closed at …"). A
// round id that is no round of the contest is EINVALID.
func (s *Service) wrongRound(ctx context.Context, contestID int64, b *contestBrief, roundID int64, open *Round, closedErr error) error {
	rounds, _, err := s.store.ContestRounds(ctx, contestID)
	if err != nil {
		return err
	}
	var mine *Round
	for i := range rounds {
		if rounds[i].ID == roundID {
			mine = &rounds[i]
		}
	}
	switch {
	case open == nil && (mine == nil || rounds[len(rounds)-1].ID == roundID):
		return closedErr
	case mine == nil:
		return Errorf(EINVALID, "round_id %d is not a round of the %s contest", roundID, b.name)
	case open == nil:
		return Errorf(ECONFLICT, "this ballot is for round %d, which is closed; no voting round is open", mine.Number)
	}
	return Errorf(ECONFLICT, "this ballot is for round %d, which is closed; round %d is open: fetch the ballot form again",
		mine.Number, open.Number)
}

// newCast builds the cast of member's ballot with content in ob's round: a fresh nonce, the
// receipt and, where revoting is allowed, the voter key.
func (s *Service) newCast(ctx context.Context, b *contestBrief, ob *openBallot, member, content string) (*BallotCast, error) {
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	roundID, contestID := ob.round.ID, ob.spec.rb.ContestID
	bc := &BallotCast{
		Ballot: StoredBallot{Receipt: ballotReceipt(contestID, roundID, content, nonce), RoundID: roundID,
			ContestID: contestID, Nonce: nonce, Content: content},
		Member: member, Revoting: ob.spec.rb.Revoting,
	}
	if bc.Revoting {
		secret, err := s.electionSecret(ctx, b.electionID)
		if err != nil {
			return nil, err
		}
		bc.Ballot.VoterKey = voterKey(secret, roundID, contestID, member)
	}
	return bc, nil
}

// Participation tells the caller whether they have voted in a contest, never how.
func (s *Service) Participation(ctx context.Context, actor Actor, contestID int64) (*ParticipationView, error) {
	b, err := s.contestBrief(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if err := checkVoterActor(actor, b); err != nil {
		return nil, err
	}
	rounds, rbs, err := s.store.ContestRounds(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if len(rounds) == 0 || len(rbs) != len(rounds) {
		return nil, Errorf(ECONFLICT, "no voting round has opened for the %s contest", b.name)
	}
	if err := s.checkRoll(ctx, contestID, b, actor.Member); err != nil {
		return nil, err
	}
	r, rb := &rounds[len(rounds)-1], &rbs[len(rbs)-1]
	voted, err := s.store.Participated(ctx, r.ID, contestID, actor.Member)
	if err != nil {
		return nil, err
	}
	v := &ParticipationView{ContestID: contestID, RoundID: r.ID, Voted: voted, Revoting: rb.Revoting,
		RoundOpen: r.State == RoundOpen && r.ClosesAt.After(s.clock.Now())}
	v.Message = participationMessage(v)
	return v, nil
}

// participationMessage says what v means to the voter.
func participationMessage(v *ParticipationView) string {
	switch {
	case v.Voted && v.RoundOpen && v.Revoting:
		return "You have voted. Until the round closes you may vote again; your new ballot would replace the one you cast."
	case v.Voted && v.RoundOpen:
		return "You have voted. Your ballot is final."
	case v.Voted:
		return "You voted in this round, which has closed."
	case v.RoundOpen:
		return "You have not voted yet."
	}
	return "You did not vote in this round, which has closed."
}

// PublishedBallot is one ballot as published.
type PublishedBallot struct {
	Receipt    string
	Nonce      string
	Content    string
	Superseded bool
	// Marks are the ballot's marks for pkg/tally (candidates 0-based in Candidates).
	Marks []tally.Mark
}

// PublishedBallots are the anonymised ballots of a contest in one closed round, in receipt
// order.
type PublishedBallots struct {
	ContestID int64
	RoundID   int64
	// Round is the round's number in the election; Runoff says it was a runoff.
	Round      int
	Runoff     bool
	Title      string
	Method     string
	Kind       BallotKind
	Seats      int
	Candidates []string
	// Ballots are every ballot of the round, superseded ones marked.
	Ballots []PublishedBallot
}

// Election returns the counted ballots (not superseded) as a pkg/tally election: what the
// count counted, for BLT, JSON and CSV export. Each counted ballot is its own entry of
// weight 1, in receipt order, so that entry i is the i-th counted ballot of p.Ballots.
func (p *PublishedBallots) Election() (*tally.Election, error) {
	e := &tally.Election{Title: p.Title, Seats: p.Seats, Kind: tallyKind(p.Kind)}
	for _, name := range p.Candidates {
		e.Candidates = append(e.Candidates, tally.Candidate{Name: name})
	}
	bb := tally.NewBallotBuilder(len(p.Candidates), tally.MergeNone)
	var cands, values []int32
	for i := range p.Ballots {
		b := &p.Ballots[i]
		if b.Superseded {
			continue
		}
		cands, values = cands[:0], values[:0]
		for _, m := range b.Marks {
			cands, values = append(cands, int32(m.Candidate)), append(values, int32(m.Value))
		}
		if err := bb.AddBallot(1, cands, values); err != nil {
			return nil, fmt.Errorf("ballot %s: %w", b.Receipt, err)
		}
	}
	e.Ballots = bb.Ballots()
	return e, nil
}

// ContestBallots returns a contest's published ballots in the election's round number round
// (0: the contest's latest closed round; a contest with a runoff was voted on in two
// rounds): to everyone once the election is certified, to officers and auditors once it is
// counted (ENOTFOUND before for others, ECONFLICT for officers and auditors). A round that
// did not hold the contest is ENOTFOUND; one still open ECONFLICT.
func (s *Service) ContestBallots(ctx context.Context, actor Actor, contestID int64, round int) (*PublishedBallots, error) {
	c, err := s.store.ContestByID(ctx, contestID)
	if err != nil {
		return nil, err
	}
	e, err := s.store.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	switch {
	case e.Status == StatusCertified:
	case !readsUncertified(actor):
		return nil, Errorf(ENOTFOUND, "no published ballots for contest %d", contestID)
	case e.Status != StatusCounted:
		return nil, Errorf(ECONFLICT, "the ballots of the %s contest are shown once the election is counted", c.Name)
	}
	rounds, rbs, err := s.store.ContestRounds(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if len(rbs) != len(rounds) {
		rounds = nil // as the ballot form does: without its ballots, a round is no vote
	}
	i := len(rounds) - 1
	if round == 0 {
		for i >= 0 && rounds[i].State != RoundClosed {
			i--
		}
		if i < 0 {
			return nil, Errorf(ENOTFOUND, "the %s contest had no vote, so it has no ballots", c.Name)
		}
	} else {
		for i >= 0 && rounds[i].Number != round {
			i--
		}
		switch {
		case i < 0:
			return nil, Errorf(ENOTFOUND, "the %s contest was not voted on in round %d", c.Name, round)
		case rounds[i].State != RoundClosed:
			return nil, Errorf(ECONFLICT, "round %d is open; the ballots of the %s contest in it are shown once it closes", round, c.Name)
		}
	}
	r, rb := &rounds[i], &rbs[i]
	rb.RoundID = r.ID
	p := &PublishedBallots{ContestID: c.ID, RoundID: r.ID, Round: r.Number, Runoff: r.Runoff, Title: e.Title + ": " + c.Name,
		Method: rb.Method, Kind: rb.Kind, Seats: len(c.Seats)}
	if r.Runoff {
		p.Seats = rb.Seats // a runoff decides the seats of the tie, not the contest's
	}
	for _, cand := range rb.Candidates {
		p.Candidates = append(p.Candidates, cand.Name)
	}
	d := newBallotDecoder(rb)
	err = s.store.Ballots(ctx, r.ID, c.ID, func(b *StoredBallot) error {
		if err := d.decode(b.Content); err != nil {
			return fmt.Errorf("stored ballot %s: %w", b.Receipt, err)
		}
		p.Ballots = append(p.Ballots, PublishedBallot{Receipt: b.Receipt, Nonce: b.Nonce, Content: b.Content,
			Superseded: b.Superseded, Marks: d.marks()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// readsUncertified reports whether actor sees results and ballots once the election is
// counted, before its certification: officers (and those acting as officers: admins, the
// command line, the service) and auditors. Members and the public wait for the
// certification.
func readsUncertified(actor Actor) bool {
	switch actor.Kind {
	case ActorCLI, ActorSystem:
		return true
	case ActorUser:
		return actor.Role == RoleOfficer || actor.Role == RoleAuditor || actor.Role == RoleAdmin
	}
	return false
}

// countedBallots reads the ballots of a contest in a round that count (not superseded) as a
// pkg/tally election over rb's candidates, with the numbers of counted and superseded
// ballots. CountElection uses it.
//
// rb.RoundID and rb.ContestID select the ballots; Seats is rb.Seats (the count sets the
// contest's seats where they apply). Every stored ballot, superseded or not, is decoded
// strictly: a content that is not canonical for rb fails the count, naming the receipt.
// Identical short rankings are merged as blt.Read merges them (tally.MergeShort), so the
// count sees the ballots as a recount of the published BLT does; counted is the number of
// ballots, not of entries.
func countedBallots(ctx context.Context, st Store, rb *RoundBallot, title string) (e *tally.Election, counted, superseded int, err error) {
	e = &tally.Election{Title: title, Seats: rb.Seats, Kind: tallyKind(rb.Kind)}
	e.Candidates = make([]tally.Candidate, len(rb.Candidates))
	for i, c := range rb.Candidates {
		e.Candidates[i] = tally.Candidate{Name: c.Name, Affiliation: c.Affiliation}
	}
	bb := tally.NewBallotBuilder(len(rb.Candidates), tally.MergeShort)
	d := newBallotDecoder(rb)
	err = st.Ballots(ctx, rb.RoundID, rb.ContestID, func(b *StoredBallot) error {
		if err := d.decode(b.Content); err != nil {
			return fmt.Errorf("stored ballot %s: %w", b.Receipt, err)
		}
		if b.Superseded {
			superseded++
			return nil
		}
		if err := bb.AddBallot(1, d.cands, d.values); err != nil {
			return fmt.Errorf("stored ballot %s: %w", b.Receipt, err)
		}
		counted++
		return nil
	})
	if err != nil {
		return nil, 0, 0, err
	}
	e.Ballots = bb.Ballots()
	return e, counted, superseded, nil
}
