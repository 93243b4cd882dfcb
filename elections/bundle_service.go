package elections

import (
	"context"
	"fmt"
)

// ElectionBundle gathers the results bundle of an election (DESIGN.md §6): per contest its
// final result and, per round that voted on it, the roll fingerprint, the seed and its
// commitment, what the count ran with, the stored report and the anonymised ballots; the
// charter; the audit chain up to its head and the election's entries. It is public once the
// election is certified, and open to officers and auditors once it is counted (as the
// results are).
//
// The count options come from counting again: a count is a pure function of what is stored,
// so they are the options of the stored count. The stored reports are bundled as they are,
// so that a verifier compares its recount with what was actually counted and certified.
func (s *Service) ElectionBundle(ctx context.Context, actor Actor, electionID int64) (*BundleData, error) {
	e, err := s.store.ElectionByID(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if err := countVisible(actor, e); err != nil {
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
	k, err := newCounter(ctx, s.store, e, now)
	if err != nil {
		return nil, err
	}
	for i := range e.Contests {
		c := &e.Contests[i]
		if _, err := k.contest(ctx, c); err != nil {
			return nil, fmt.Errorf("bundle of election %d: counting the %s contest again: %w", e.ID, c.Name, err)
		}
		bc, err := s.bundleContest(ctx, actor, k, c, results)
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

// bundleContest gathers one contest of a bundle from the stored results (by contest, then
// round) and the options of counter k, which has counted it again.
func (s *Service) bundleContest(ctx context.Context, actor Actor, k *counter, c *Contest, results []ContestResult) (*BundleContest, error) {
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
			Void: res.Void, VoidReason: res.VoidReason, Count: k.options[[2]int64{c.ID, r.ID}]}
		if br.Ballots, err = s.ContestBallots(ctx, actor, c.ID, r.Number); err != nil {
			return nil, err
		}
		bc.Rounds = append(bc.Rounds, br)
	}
	return bc, nil
}

// bundleAudit reads the audit chain up to its head: every entry's link, and the entries of
// election electionID in full.
func (s *Service) bundleAudit(ctx context.Context, electionID int64) (BundleAudit, error) {
	var a BundleAudit
	err := s.store.AuditChain(ctx, 0, func(ev *Event) error {
		link := ChainLink{ID: ev.ID, PrevHash: ev.PrevHash, Hash: ev.Hash}
		a.Chain = append(a.Chain, link)
		if ev.Election == electionID {
			a.Entries = append(a.Entries, *ev)
		}
		a.Head = link
		return nil
	})
	return a, err
}
