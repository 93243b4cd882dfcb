package elections

import (
	"context"
	"encoding/json"
	"fmt"
)

// ElectionBundle gathers the results bundle of an election (DESIGN.md §6): per contest its
// final result and, per round that voted on it, the roll fingerprint, the seed and its
// commitment, what the count ran with, the stored report and the anonymised ballots; the
// charter; the audit chain up to its head and the election's entries. It is public once the
// election is certified, and open to officers and auditors once it is counted (as the
// results are).
//
// The count options are those the last election.counted entry recorded with the stored
// results (a bundle, public once certified, never counts again). The stored reports are
// bundled as they are, so that a verifier compares its recount with what was actually
// counted and certified.
func (s *Service) ElectionBundle(ctx context.Context, actor Actor, electionID int64) (*BundleData, error) {
	e, err := s.store.ElectionByID(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if err := countVisible(actor, e); err != nil {
		return nil, err
	}
	if err := bundleReady(ctx, s.store, e); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	ch, err := charterOfElection(ctx, s.store, e)
	if err != nil {
		return nil, err
	}
	d := &BundleData{ElectionID: e.ID, Title: e.Title, Year: e.Year, Status: e.Status,
		CharterVersion: e.CharterVersion, CharterDoc: ch, GeneratedAt: now}
	results, err := s.store.Results(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	options, err := countedOptions(ctx, s.store, e.ID)
	if err != nil {
		return nil, err
	}
	for i := range e.Contests {
		bc, err := s.bundleContest(ctx, actor, options, &e.Contests[i], results)
		if err != nil {
			return nil, err
		}
		d.Contests = append(d.Contests, *bc)
	}
	if d.Audit, err = s.bundleAudit(ctx, e.ID); err != nil {
		return nil, err
	}
	return d, nil
}

// countedOptions returns the count options of each contest and round (by their ids) that the
// last election.counted entry of election electionID recorded.
func countedOptions(ctx context.Context, st Store, electionID int64) (map[[2]int64]CountOptions, error) {
	var last *Event
	for after := int64(0); ; {
		page, err := st.ListEvents(ctx, EventFilter{Kind: EventElectionCounted, Election: electionID, AfterID: after, Limit: MaxEventPage})
		if err != nil {
			return nil, err
		}
		if len(page) > 0 {
			last, after = &page[len(page)-1], page[len(page)-1].ID
		}
		if len(page) < MaxEventPage {
			break
		}
	}
	if last == nil {
		return nil, fmt.Errorf("bundle of election %d: no %s entry in the audit log", electionID, EventElectionCounted)
	}
	var p struct {
		Rounds []CountedRound `json:"rounds"`
	}
	if err := json.Unmarshal(last.Payload, &p); err != nil {
		return nil, fmt.Errorf("bundle of election %d: %s entry %d: %w", electionID, EventElectionCounted, last.ID, err)
	}
	options := make(map[[2]int64]CountOptions, len(p.Rounds))
	for _, r := range p.Rounds {
		if r.Count != nil {
			options[[2]int64{r.Contest, r.Round}] = *r.Count
		}
	}
	return options, nil
}

// bundleReady refuses the bundle of e while one of its rounds is open or has closed since the
// count (a runoff): the bundle holds every round's count, and the log already holds the
// ballots of such a round.
func bundleReady(ctx context.Context, st Store, e *Election) error {
	rounds, err := st.Rounds(ctx, e.ID)
	if err != nil {
		return err
	}
	results, err := st.Results(ctx, e.ID)
	if err != nil {
		return err
	}
	counted := map[int64]bool{}
	for _, r := range results {
		counted[r.RoundID] = true
	}
	for _, r := range rounds {
		switch {
		case r.State == RoundOpen:
			return Errorf(ECONFLICT, "round %d of %q is open; its results bundle is made once the round is closed and counted", r.Number, e.Title)
		case !counted[r.ID]:
			return Errorf(ECONFLICT, "round %d of %q has closed since the count; count the election again for its results bundle", r.Number, e.Title)
		}
	}
	return nil
}

// bundleContest gathers one contest of a bundle from the stored results (by contest, then
// round) and the options of counter k, which has counted it again.
func (s *Service) bundleContest(ctx context.Context, actor Actor, options map[[2]int64]CountOptions, c *Contest, results []ContestResult) (*BundleContest, error) {
	bc := &BundleContest{ContestID: c.ID, Constituency: c.Constituency, Name: c.Name}
	byRound := map[int64]*ContestResult{}
	found := false
	for i := range results {
		if results[i].ContestID == c.ID {
			bc.Result, found = results[i], true
			byRound[results[i].RoundID] = &results[i]
		}
	}
	if !found {
		return nil, fmt.Errorf("bundle: the %s contest has no stored result", c.Name)
	}
	rounds, _, err := s.store.ContestRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for i := range rounds {
		r := &rounds[i]
		res := byRound[r.ID]
		if res == nil || r.State != RoundClosed {
			continue // a round not counted (yet): a runoff opened after the count
		}
		br := BundleRound{RoundID: r.ID, Number: r.Number, Runoff: r.Runoff, RollFingerprint: c.RollFingerprint,
			RollSize: c.RollSize, Seed: r.Seed, SeedCommitment: r.SeedCommitment, Report: res.Report,
			Void: res.Void, VoidReason: res.VoidReason, Count: options[[2]int64{c.ID, r.ID}]}
		if br.Ballots, err = s.ContestBallots(ctx, actor, c.ID, r.Number); err != nil {
			return nil, err
		}
		bc.Rounds = append(bc.Rounds, br)
	}
	return bc, nil
}

// bundleAudit reads the audit chain up to its head: every entry's record (its fields and the
// SHA-256 of its payload, from which anyone recomputes its hash), and the entries of election
// electionID whose payload the bundle publishes (BundlePayloadPublished): those that name
// members (access codes, nominations, roll additions) stay records only.
func (s *Service) bundleAudit(ctx context.Context, electionID int64) (BundleAudit, error) {
	var a BundleAudit
	err := s.store.AuditChain(ctx, 0, func(ev *Event) error {
		a.Chain = append(a.Chain, ev.Record())
		if ev.Election == electionID && BundlePayloadPublished(ev.Kind) {
			a.Entries = append(a.Entries, *ev)
		}
		a.Head = ChainLink{ID: ev.ID, PrevHash: ev.PrevHash, Hash: ev.Hash}
		return nil
	})
	return a, err
}
