package electionstest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/govboard/govboard/elections"
)

// The in-memory rounds, ballots, participation and results. Rounds are dense (rounds[i] has
// ID i+1). Ballots are kept in a slice in insertion order, which the real stores must not
// keep: Ballots returns them by receipt, as they do.

// votingState is the part of the store's state that voting.go keeps.
type votingState struct {
	secrets map[int64][]byte
	rounds  []elections.Round
	// roundBallots holds every round's contest ballots (RoundID set).
	roundBallots []elections.RoundBallot
	ballots      []elections.StoredBallot
	// participation holds who voted where; the key is participationKey's.
	participation map[participationKey]bool
	results       []elections.ContestResult
}

// participationKey is one participation record.
type participationKey struct {
	round, contest int64
	member         string
}

// clone returns a copy of the state that shares nothing mutable with s. Byte slices that the
// store only ever replaces, never writes into (secrets, seeds, voter keys, reports), are
// shared.
func (s votingState) clone() votingState {
	rounds := slices.Clone(s.rounds)
	for i := range rounds {
		rounds[i].ContestIDs = slices.Clone(rounds[i].ContestIDs)
	}
	rbs := slices.Clone(s.roundBallots)
	for i := range rbs {
		rbs[i].Candidates = slices.Clone(rbs[i].Candidates)
	}
	results := slices.Clone(s.results)
	for i := range results {
		results[i] = cloneResult(results[i])
	}
	return votingState{
		secrets: maps.Clone(s.secrets), rounds: rounds, roundBallots: rbs,
		ballots: slices.Clone(s.ballots), participation: maps.Clone(s.participation), results: results,
	}
}

// cloneRound returns a copy of r that shares no slice with it.
func cloneRound(r elections.Round) elections.Round {
	r.ContestIDs = slices.Clone(r.ContestIDs)
	r.Seed = slices.Clone(r.Seed)
	return r
}

// cloneRoundBallot returns a copy of rb that shares no slice with it.
func cloneRoundBallot(rb elections.RoundBallot) elections.RoundBallot {
	rb.Candidates = slices.Clone(rb.Candidates)
	return rb
}

// cloneResult returns a copy of r that shares no slice or pointer with it.
func cloneResult(r elections.ContestResult) elections.ContestResult {
	r.Elected = slices.Clone(r.Elected)
	r.VacantSeats = slices.Clone(r.VacantSeats)
	r.Report = slices.Clone(r.Report)
	if r.Runoff != nil {
		n := *r.Runoff
		n.Candidates = slices.Clone(n.Candidates)
		r.Runoff = &n
	}
	return r
}

// ElectionSecret returns the election's HMAC secret.
func (s *Store) ElectionSecret(_ context.Context, electionID int64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.state.voting.secrets[electionID]
	if !ok {
		return nil, elections.Errorf(elections.ENOTFOUND, "election %d has no secret", electionID)
	}
	return slices.Clone(secret), nil
}

// CreateElectionSecret stores the election's secret, once.
func (s *Store) CreateElectionSecret(_ context.Context, electionID int64, secret []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.voting
	if _, ok := st.secrets[electionID]; ok {
		return elections.Errorf(elections.ECONFLICT, "election %d has a secret", electionID)
	}
	if st.secrets == nil {
		st.secrets = make(map[int64][]byte)
	}
	st.secrets[electionID] = slices.Clone(secret)
	return nil
}

// CreateRound stores r with the next ID and its contests' ballots, setting r.ID and the
// RoundID of each of ballots.
func (s *Store) CreateRound(_ context.Context, r *elections.Round, ballots []elections.RoundBallot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.voting
	for _, o := range st.rounds {
		if o.ElectionID == r.ElectionID && o.Number == r.Number {
			return elections.Errorf(elections.ECONFLICT, "election %d has a round %d", r.ElectionID, r.Number)
		}
	}
	r.ID = int64(len(st.rounds) + 1)
	st.rounds = append(st.rounds, cloneRound(*r))
	for i := range ballots {
		ballots[i].RoundID = r.ID
		st.roundBallots = append(st.roundBallots, cloneRoundBallot(ballots[i]))
	}
	return nil
}

// RoundByID returns round id.
func (s *Store) RoundByID(_ context.Context, id int64) (*elections.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.round(id)
	if !ok {
		return nil, elections.Errorf(elections.ENOTFOUND, "no round %d", id)
	}
	c := cloneRound(*r)
	return &c, nil
}

// round returns round id of the state.
func (s *Store) round(id int64) (*elections.Round, bool) {
	rounds := s.state.voting.rounds
	if id < 1 || id > int64(len(rounds)) {
		return nil, false
	}
	return &rounds[id-1], true
}

// Rounds returns the rounds of an election by Number.
func (s *Store) Rounds(_ context.Context, electionID int64) ([]elections.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Round
	for _, r := range s.state.voting.rounds {
		if r.ElectionID == electionID {
			out = append(out, cloneRound(r))
		}
	}
	slices.SortFunc(out, func(a, b elections.Round) int { return cmp.Compare(a.Number, b.Number) })
	return out, nil
}

// UpdateRound stores State, ClosesAt, ClosedAt and ClosedBy of r, by r.ID.
func (s *Store) UpdateRound(_ context.Context, r *elections.Round) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.round(r.ID)
	if !ok {
		return elections.Errorf(elections.ENOTFOUND, "no round %d", r.ID)
	}
	o.State, o.ClosesAt, o.ClosedAt, o.ClosedBy = r.State, r.ClosesAt, r.ClosedAt, r.ClosedBy
	return nil
}

// RoundBallots returns the ballots of a round's contests, by ContestID.
func (s *Store) RoundBallots(_ context.Context, roundID int64) ([]elections.RoundBallot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.RoundBallot
	for _, rb := range s.state.voting.roundBallots {
		if rb.RoundID == roundID {
			out = append(out, cloneRoundBallot(rb))
		}
	}
	slices.SortFunc(out, func(a, b elections.RoundBallot) int { return cmp.Compare(a.ContestID, b.ContestID) })
	return out, nil
}

// ContestRounds returns the rounds that held a contest, by Number, each with the contest's
// ballot in it.
func (s *Store) ContestRounds(_ context.Context, contestID int64) ([]elections.Round, []elections.RoundBallot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type held struct {
		r  elections.Round
		rb elections.RoundBallot
	}
	var hs []held
	for _, rb := range s.state.voting.roundBallots {
		if rb.ContestID == contestID {
			r, _ := s.round(rb.RoundID)
			hs = append(hs, held{cloneRound(*r), cloneRoundBallot(rb)})
		}
	}
	slices.SortFunc(hs, func(a, b held) int { return cmp.Compare(a.r.Number, b.r.Number) })
	var rounds []elections.Round
	var rbs []elections.RoundBallot
	for _, h := range hs {
		rounds, rbs = append(rounds, h.r), append(rbs, h.rb)
	}
	return rounds, rbs, nil
}

// DueRounds returns the open rounds whose ClosesAt is at or before now, by ID.
func (s *Store) DueRounds(_ context.Context, now time.Time) ([]elections.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.Round
	for _, r := range s.state.voting.rounds {
		if r.State == elections.RoundOpen && !r.ClosesAt.After(now) {
			out = append(out, cloneRound(r))
		}
	}
	return out, nil
}

// RollEntry returns member's entry on a contest's frozen roll.
func (s *Store) RollEntry(_ context.Context, contestID int64, member string) (*elections.RollEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.state.elections.rolls[contestID] {
		if e.Member == member {
			return &e, nil
		}
	}
	return nil, elections.Errorf(elections.ENOTFOUND, "not on the roll of contest %d", contestID)
}

// CastBallots stores a batch of ballots in order, as elections.VotingStore says. It holds
// the transaction lock, so that a Tx closing the round runs wholly before or wholly after
// the batch, as a database transaction would.
func (s *Store) CastBallots(_ context.Context, now time.Time, casts []*elections.BallotCast) error {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.voting
	// A receipt stored twice is a failure of the store (the receipt is the key), which
	// stores nothing of the batch: check before changing anything.
	receipts := make(map[string]bool, len(st.ballots)+len(casts))
	for _, b := range st.ballots {
		receipts[b.Receipt] = true
	}
	for _, c := range casts {
		if receipts[c.Ballot.Receipt] {
			return fmt.Errorf("electionstest: receipt %s stored twice", c.Ballot.Receipt)
		}
		receipts[c.Ballot.Receipt] = true
	}
	for _, c := range casts {
		c.Err, c.Replaced, c.Election = s.castBallot(now, c), false, 0
		if c.Err != nil {
			continue
		}
		r, _ := s.round(c.Ballot.RoundID)
		c.Election = r.ElectionID
		b := c.Ballot
		b.Superseded = false
		b.VoterKey = slices.Clone(c.Ballot.VoterKey)
		if c.Revoting && b.VoterKey != nil {
			for i := range st.ballots {
				o := &st.ballots[i]
				if !o.Superseded && o.RoundID == b.RoundID && o.ContestID == b.ContestID && bytes.Equal(o.VoterKey, b.VoterKey) {
					o.Superseded, c.Replaced = true, true
				}
			}
		}
		if !c.Revoting {
			b.VoterKey = nil
		}
		st.ballots = append(st.ballots, b)
		if st.participation == nil {
			st.participation = make(map[participationKey]bool)
		}
		st.participation[participationKey{b.RoundID, b.ContestID, c.Member}] = true
	}
	for _, e := range elections.BallotsAcceptedEvents(now, casts) {
		s.appendEventLocked(e)
	}
	return nil
}

// castBallot returns why cast c is refused at now, or nil.
func (s *Store) castBallot(now time.Time, c *elections.BallotCast) error {
	r, ok := s.round(c.Ballot.RoundID)
	if !ok || !slices.Contains(r.ContestIDs, c.Ballot.ContestID) {
		return elections.Errorf(elections.ECONFLICT, "no voting round is open for contest %d", c.Ballot.ContestID)
	}
	if r.State != elections.RoundOpen || !r.ClosesAt.After(now) {
		return elections.RoundClosedError(r)
	}
	if !c.Revoting && s.state.voting.participation[participationKey{r.ID, c.Ballot.ContestID, c.Member}] {
		return elections.VotedAlreadyError()
	}
	return nil
}

// ClearVoterKeys sets VoterKey to nil on every ballot of a round.
func (s *Store) ClearVoterKeys(_ context.Context, roundID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.state.voting.ballots {
		if b := &s.state.voting.ballots[i]; b.RoundID == roundID {
			b.VoterKey = nil
		}
	}
	return nil
}

// Participated reports whether member has voted in a contest in a round.
func (s *Store) Participated(_ context.Context, roundID, contestID int64, member string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.voting.participation[participationKey{roundID, contestID, member}], nil
}

// Participation returns how many members voted in a contest in a round.
func (s *Store) Participation(_ context.Context, roundID, contestID int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k := range s.state.voting.participation {
		if k.round == roundID && k.contest == contestID {
			n++
		}
	}
	return n, nil
}

// Ballots calls fn with every ballot of a contest in a round, by Receipt. fn gets copies,
// and runs without the store's lock, so it may call the store.
func (s *Store) Ballots(_ context.Context, roundID, contestID int64, fn func(b *elections.StoredBallot) error) error {
	s.mu.Lock()
	var bs []elections.StoredBallot
	for _, b := range s.state.voting.ballots {
		if b.RoundID == roundID && b.ContestID == contestID {
			b.VoterKey = slices.Clone(b.VoterKey)
			bs = append(bs, b)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(bs, func(a, b elections.StoredBallot) int { return cmp.Compare(a.Receipt, b.Receipt) })
	for i := range bs {
		if err := fn(&bs[i]); err != nil {
			return err
		}
	}
	return nil
}

// SaveResult stores a contest's result, replacing the one of the same ContestID and RoundID.
func (s *Store) SaveResult(_ context.Context, r *elections.ContestResult) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state.voting
	c := cloneResult(*r)
	if i := slices.IndexFunc(st.results, func(o elections.ContestResult) bool {
		return o.ContestID == r.ContestID && o.RoundID == r.RoundID
	}); i >= 0 {
		st.results[i] = c
		return nil
	}
	st.results = append(st.results, c)
	return nil
}

// Results returns the results of an election's contests, by ContestID then RoundID.
func (s *Store) Results(_ context.Context, electionID int64) ([]elections.ContestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []elections.ContestResult
	for _, r := range s.state.voting.results {
		if i := s.contestIndex(r.ContestID); i >= 0 && s.state.elections.contests[i].ElectionID == electionID {
			out = append(out, cloneResult(r))
		}
	}
	slices.SortFunc(out, func(a, b elections.ContestResult) int {
		return cmp.Or(cmp.Compare(a.ContestID, b.ContestID), cmp.Compare(a.RoundID, b.RoundID))
	})
	return out, nil
}
