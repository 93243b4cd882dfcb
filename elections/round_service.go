package elections

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Voting rounds: a state machine of two states, open and closed (DESIGN.md §4). A round opens
// in the voting phase, or after a count that sent a tie to a runoff; it may be extended while
// open and is closed by an officer or by its schedule. Any other transition is ECONFLICT and
// changes nothing. Every transition takes LockElections, so that it is serialised with the
// count, the contest changes and the other transitions.

// RoundInput opens a voting round (OpenRound).
type RoundInput struct {
	// Contests are the contests to open; empty means every contest of the election that goes
	// to a vote (outcome contested or confidence) and has not been in a round yet. A runoff
	// round is for one contest; empty means the one contest whose count needs a runoff.
	Contests []int64
	// ClosesAt is when the round closes by itself; zero means the end of the election's
	// voting-close deadline day (DeadlineEnd(VotingClose)), or seven days from now for a
	// runoff. It must be after now.
	ClosesAt time.Time
	// Runoff opens a runoff round for one contest whose count needs one (ContestResult.Runoff).
	Runoff bool
}

// RoundView is a round as shown: the seed only once the round is closed.
type RoundView struct {
	Round Round
	// Ballots are the round's contest ballots.
	Ballots []RoundBallot
}

// Limits of round inputs.
const (
	// seedBytes is the length of a round's tie-break seed and of an election's secret.
	seedBytes = 32
	// maxExtendReason is the longest reason for an extension, in characters.
	maxExtendReason = 500
	// runoffDuration is how long a runoff round lasts when the officer gives no close.
	runoffDuration = 7 * 24 * time.Hour
)

// OpenRound opens a voting round (officer): see RoundInput. In one transaction it freezes the
// rolls of the contests not frozen yet (FreezeRoll), fixes each contest's RoundBallot from its
// accepted candidates, creates the election's secret if it has none, draws a 32-byte seed and
// records round.opened with the seed commitment (never the seed).
func (s *Service) OpenRound(ctx context.Context, actor Actor, electionID int64, in RoundInput) (*RoundView, error) {
	if !isReviewer(actor) {
		return nil, Errorf(EFORBIDDEN, "only an election officer can open a voting round")
	}
	seed, err := randomBytes(seedBytes)
	if err != nil {
		return nil, err
	}
	secret, err := randomBytes(seedBytes)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	var out *RoundView
	err = s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		e, err := tx.ElectionByID(ctx, electionID)
		if err != nil {
			return err
		}
		var plan *roundPlan
		if in.Runoff {
			plan, err = planRunoff(ctx, tx, e, in, now)
		} else {
			plan, err = planRound(ctx, tx, e, in, now)
		}
		if err != nil {
			return err
		}
		out, err = s.openPlanned(ctx, tx, actor, e, plan, seed, secret, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openPlanned freezes the rolls of plan's contests, stores the round with its ballots and
// records round.opened, within tx.
func (s *Service) openPlanned(ctx context.Context, tx Store, actor Actor, e *Election, plan *roundPlan, seed, secret []byte, now time.Time) (*RoundView, error) {
	ch, err := charterOfElection(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	var rolls, logged []map[string]any
	ballots := make([]RoundBallot, 0, len(plan.contests))
	ids := make([]int64, 0, len(plan.contests))
	for _, pc := range plan.contests {
		c := pc.contest
		if c.RollFrozenAt.IsZero() {
			if _, err := s.FreezeRoll(ctx, tx, actor, c.ID); err != nil {
				return nil, err
			}
			fresh, err := tx.ContestByID(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			c = fresh
		}
		rolls = append(rolls, map[string]any{"contest": c.ID, "fingerprint": c.RollFingerprint, "size": c.RollSize})
		rb := roundBallot(c, pc.method, pc.seats, pc.candidates)
		ballots = append(ballots, rb)
		logged = append(logged, openedBallot(c, &rb, ch.Rules.AffiliationCap))
		ids = append(ids, c.ID)
	}
	if err := ensureElectionSecret(ctx, tx, e.ID, secret); err != nil {
		return nil, err
	}
	existing, err := tx.Rounds(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(seed)
	r := &Round{ElectionID: e.ID, Number: len(existing) + 1, Runoff: plan.runoff, ContestIDs: ids, State: RoundOpen,
		OpenedAt: now, ClosesAt: plan.closesAt, SeedCommitment: hex.EncodeToString(sum[:]), Seed: seed}
	if err := tx.CreateRound(ctx, r, ballots); err != nil {
		return nil, err
	}
	for i := range ballots {
		ballots[i].RoundID = r.ID
	}
	err = record(ctx, tx, now, actor, e.ID, EventRoundOpened, map[string]any{
		"round": r.ID, "election": e.ID, "number": r.Number, "runoff": r.Runoff, "contests": ids,
		"closes_at": r.ClosesAt, "seed_commitment": r.SeedCommitment, "seed_sha256": r.SeedCommitment, "rolls": rolls,
		"ballots": logged})
	if err != nil {
		return nil, err
	}
	return roundView(r, ballots), nil
}

// openedBallot is how round.opened records contest c's ballot rb, so that a verifier can check
// a bundle's ballots and counts against the log: the method, ballot kind and seats the round
// decides (a runoff's tied seats), the candidates' ballot names in ballot order (the canonical
// positions 1..n of the published ballots and counts), the frozen roll, whether revotes
// replace ballots, the points budget (0 but for a cumulative ballot), the charter's
// affiliation cap (cp; max 0 and scope "" without one) and the candidates' affiliations by
// ballot name (those with one), which the count's options repeat.
func openedBallot(c *Contest, rb *RoundBallot, cp *AffiliationCap) map[string]any {
	names := make([]string, len(rb.Candidates))
	affiliations := map[string]string{}
	for i, cand := range rb.Candidates {
		names[i] = cand.Name
		if cand.Affiliation != "" {
			affiliations[cand.Name] = cand.Affiliation
		}
	}
	capMax, capScope := 0, ""
	if cp != nil {
		capMax, capScope = cp.Max, cp.Scope
	}
	return map[string]any{"contest": c.ID, "method": rb.Method, "kind": rb.Kind, "seats": rb.Seats, "candidates": names,
		"roll_fingerprint": c.RollFingerprint, "roll_size": c.RollSize, "revoting": rb.Revoting,
		"points": rb.Points, "affiliation_cap": capMax, "affiliation_scope": capScope, "affiliations": affiliations}
}

// ensureElectionSecret stores secret as election id's HMAC secret unless it has one.
func ensureElectionSecret(ctx context.Context, tx Store, id int64, secret []byte) error {
	_, err := tx.ElectionSecret(ctx, id)
	if ErrorCode(err) != ENOTFOUND {
		return err
	}
	return tx.CreateElectionSecret(ctx, id, secret)
}

// randomBytes returns n bytes from the operating system's secure random source.
func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}

// ExtendRound moves an open round's close later (officer); reason is required. In the same
// transaction the election's unused access codes that would expire before the new close are
// extended to it (round.extended records how many).
func (s *Service) ExtendRound(ctx context.Context, actor Actor, roundID int64, closesAt time.Time, reason string) (*RoundView, error) {
	if !isReviewer(actor) {
		return nil, Errorf(EFORBIDDEN, "only an election officer can extend a voting round")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, Errorf(EINVALID, "reason is required to extend a round")
	case utf8.RuneCountInString(reason) > maxExtendReason:
		return nil, Errorf(EINVALID, "reason must have at most %d characters", maxExtendReason)
	case hasNUL(reason):
		return nil, Errorf(EINVALID, "reason %s", nulProblem)
	}
	closesAt = closesAt.UTC()
	now := s.clock.Now().UTC()
	var out *RoundView
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		// A round past its close takes no ballot even before the schedule job closes it:
		// extending it would reopen voting, which is no transition of the state machine.
		if r.State != RoundOpen || !r.ClosesAt.After(now) {
			return roundClosedConflict(r)
		}
		// The current close is after now, so a later close is too.
		if !closesAt.After(r.ClosesAt) {
			return Errorf(EINVALID, "closes_at %s must be after the round's current close, %s",
				closesAt.Format(instantLayout), r.ClosesAt.UTC().Format(instantLayout))
		}
		from := r.ClosesAt
		r.ClosesAt = closesAt
		if err := tx.UpdateRound(ctx, r); err != nil {
			return err
		}
		// The voters' access codes expire at the end of voting, or at the close of the round
		// they were issued in: those still good would run out before the voting does.
		codes, err := tx.ExtendAccessCodes(ctx, r.ElectionID, now, closesAt)
		if err != nil {
			return err
		}
		if out, err = roundViewOf(ctx, tx, r); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, r.ElectionID, EventRoundExtended, map[string]any{
			"round": r.ID, "election": r.ElectionID, "number": r.Number, "from": from, "to": closesAt, "reason": reason,
			"codes_extended": codes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// roundClosedConflict is the refusal of a transition of round r, which is closed or past its
// close: "round 1 closed at 2026-06-13 00:00 UTC".
func roundClosedConflict(r *Round) *Error {
	at := r.ClosesAt
	if r.State == RoundClosed {
		at = r.ClosedAt
	}
	return Errorf(ECONFLICT, "round %d closed at %s", r.Number, at.UTC().Format(instantLayout))
}

// CloseRound closes an open round now (officer): no ballot is accepted after it; the voter
// keys of its ballots are cleared and round.closed records the revealed seed.
func (s *Service) CloseRound(ctx context.Context, actor Actor, roundID int64) (*RoundView, error) {
	if !isReviewer(actor) {
		return nil, Errorf(EFORBIDDEN, "only an election officer can close a voting round")
	}
	now := s.clock.Now().UTC()
	var out *RoundView
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		if r.State != RoundOpen {
			return roundClosedConflict(r)
		}
		if err := closeRound(ctx, tx, actor, r, ClosedByOfficer, now); err != nil {
			return err
		}
		out, err = roundViewOf(ctx, tx, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// closeRound closes the open round r at now, within tx: the round first, so that the store
// refuses every later ballot, then the voter keys, which link a voter's ballots only while a
// revote can replace them, then round.closed with the revealed seed, and per contest the
// participation and the digest of the receipts of the ballots the count will count (those not
// superseded: CountedReceiptsDigest), which the ballots of a results bundle must match.
func closeRound(ctx context.Context, tx Store, actor Actor, r *Round, by string, now time.Time) error {
	r.State, r.ClosedAt, r.ClosedBy = RoundClosed, now, by
	if err := tx.UpdateRound(ctx, r); err != nil {
		return err
	}
	if err := tx.ClearVoterKeys(ctx, r.ID); err != nil {
		return err
	}
	voted := make([]map[string]any, 0, len(r.ContestIDs))
	for _, c := range r.ContestIDs {
		n, err := tx.Participation(ctx, r.ID, c)
		if err != nil {
			return err
		}
		var receipts []string
		err = tx.Ballots(ctx, r.ID, c, func(b *StoredBallot) error {
			if !b.Superseded {
				receipts = append(receipts, b.Receipt)
			}
			return nil
		})
		if err != nil {
			return err
		}
		voted = append(voted, map[string]any{"contest": c, "voters": n,
			"counted_receipts_sha256": CountedReceiptsDigest(receipts)})
	}
	return record(ctx, tx, now, actor, r.ElectionID, EventRoundClosed, map[string]any{
		"round": r.ID, "election": r.ElectionID, "number": r.Number, "closed_by": by,
		"seed": hex.EncodeToString(r.Seed), "seed_commitment": r.SeedCommitment, "ballots": voted})
}

// CloseDueRounds closes every open round whose ClosesAt has passed, as the system
// (ClosedBySchedule); it returns how many it closed. The serve command runs it at start and
// then periodically, so a close scheduled while the service was down happens at the restart.
func (s *Service) CloseDueRounds(ctx context.Context) (int, error) {
	now := s.clock.Now().UTC()
	due, err := s.store.DueRounds(ctx, now)
	if err != nil {
		return 0, err
	}
	closed := 0
	for _, d := range due {
		done := false
		err := s.store.Tx(ctx, func(tx Store) error {
			if err := tx.Lock(ctx, LockElections); err != nil {
				return err
			}
			// Read again under the lock: an officer may have closed or extended it since.
			r, err := tx.RoundByID(ctx, d.ID)
			if err != nil || r.State != RoundOpen || r.ClosesAt.After(now) {
				return err
			}
			done = true
			return closeRound(ctx, tx, SystemActor(), r, ClosedBySchedule, now)
		})
		if err != nil {
			return closed, err
		}
		if done {
			closed++
		}
	}
	return closed, nil
}

// Round returns a round; its Seed is nil while it is open.
func (s *Service) Round(ctx context.Context, roundID int64) (*RoundView, error) {
	r, err := s.store.RoundByID(ctx, roundID)
	if err != nil {
		return nil, err
	}
	return roundViewOf(ctx, s.store, r)
}

// Rounds returns the rounds of an election; the Seed of an open round is nil.
func (s *Service) Rounds(ctx context.Context, electionID int64) ([]RoundView, error) {
	if _, err := s.store.ElectionByID(ctx, electionID); err != nil {
		return nil, err
	}
	rounds, err := s.store.Rounds(ctx, electionID)
	if err != nil {
		return nil, err
	}
	out := make([]RoundView, 0, len(rounds))
	for i := range rounds {
		v, err := roundViewOf(ctx, s.store, &rounds[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}

// roundViewOf returns round r as shown, with its ballots read from st.
func roundViewOf(ctx context.Context, st Store, r *Round) (*RoundView, error) {
	ballots, err := st.RoundBallots(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return roundView(r, ballots), nil
}

// roundView returns round r as shown: the seed is a secret until the round closes, since
// whoever knew it could tell how a tie will be broken while votes can still be cast.
func roundView(r *Round, ballots []RoundBallot) *RoundView {
	v := &RoundView{Round: *r, Ballots: ballots}
	v.Round.ContestIDs = slices.Clone(r.ContestIDs)
	if r.State == RoundClosed {
		v.Round.Seed = slices.Clone(r.Seed)
	} else {
		v.Round.Seed = nil
	}
	return v
}
