package elections

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// ApplyCharter validates c and stores it as the next charter version. Applying content equal
// to the latest version's (same Fingerprint) changes nothing and returns that version with
// changed false. Every problem is reported at once (EINVALID with Details). c itself is not
// changed: the version stored is a copy, with Version, AppliedAt and Fingerprint set.
func (s *Service) ApplyCharter(ctx context.Context, actor Actor, c *Charter) (_ *Charter, changed bool, _ error) {
	if c == nil {
		return nil, false, Errorf(EINVALID, "a charter is required")
	}
	nc := cloneCharter(c)
	problems := validateCharter(nc)
	fp, err := charterFingerprint(nc)
	if err != nil {
		return nil, false, err
	}
	nc.Fingerprint = fp
	var out *Charter
	err = s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockBoard); err != nil {
			return err
		}
		versions, err := tx.Charters(ctx)
		if err != nil {
			return err
		}
		problems := slices.Clone(problems)
		if n := len(versions); n > 0 {
			latest := versions[n-1]
			if len(problems) == 0 && latest.Fingerprint == fp {
				out = &latest
				return nil
			}
			if !nc.EffectiveFrom.IsZero() && !nc.EffectiveFrom.After(latest.EffectiveFrom) {
				problems = append(problems, fmt.Sprintf("effective_from %s must be after %s, when version %d took effect",
					nc.EffectiveFrom, latest.EffectiveFrom, latest.Version))
			}
			// A later version changes the board from now on, never its past (DESIGN.md §2
			// rule 1): the roster of a past day stays what it was. Only the first version may
			// start in the past, to record the board's history.
			if today := DateOf(s.clock.Now()); !nc.EffectiveFrom.IsZero() && nc.EffectiveFrom.Before(today) {
				problems = append(problems, fmt.Sprintf("effective_from %s is in the past: a new version takes effect today (%s) or later, so that the board's history does not change",
					nc.EffectiveFrom, today))
			}
		}
		if len(problems) > 0 {
			return &Error{Code: EINVALID, Message: problems[0], Details: problems}
		}
		now := s.clock.Now().UTC()
		nc.AppliedAt = now
		if err := tx.CreateCharter(ctx, nc); err != nil {
			return err
		}
		out, changed = nc, true
		return record(ctx, tx, now, actor, 0, EventCharterApplied, charterAppliedPayload(nc))
	})
	if err != nil {
		return nil, false, err
	}
	return out, changed, nil
}

// charterAppliedEvent is the payload of EventCharterApplied.
type charterAppliedEvent struct {
	Version        int                   `json:"version"`
	EffectiveFrom  Date                  `json:"effective_from"`
	Fingerprint    string                `json:"fingerprint"`
	Name           string                `json:"name"`
	Constituencies []charterAppliedSeats `json:"constituencies"`
}

type charterAppliedSeats struct {
	Key   string `json:"key"`
	Seats int    `json:"seats"`
}

func charterAppliedPayload(c *Charter) charterAppliedEvent {
	e := charterAppliedEvent{Version: c.Version, EffectiveFrom: c.EffectiveFrom, Fingerprint: c.Fingerprint, Name: c.Name}
	for _, k := range c.Constituencies {
		e.Constituencies = append(e.Constituencies, charterAppliedSeats{Key: k.Key, Seats: k.Seats})
	}
	return e
}

// CharterAt returns the charter version in force on d (ENOTFOUND when none is); a zero d is
// today.
func (s *Service) CharterAt(ctx context.Context, d Date) (*Charter, error) {
	versions, err := s.store.Charters(ctx)
	if err != nil {
		return nil, err
	}
	return charterAt(versions, s.dayOr(d))
}

// charterAt returns the version of versions (oldest first) in force on d.
func charterAt(versions []Charter, d Date) (*Charter, error) {
	for i := len(versions) - 1; i >= 0; i-- {
		if !versions[i].EffectiveFrom.After(d) {
			return &versions[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "no charter is in force on %s", d)
}

// dayOr returns d, or today when d is zero.
func (s *Service) dayOr(d Date) Date {
	if d.IsZero() {
		return DateOf(s.clock.Now())
	}
	return d
}

// CharterVersion returns one charter version (ENOTFOUND when there is no such version).
func (s *Service) CharterVersion(ctx context.Context, version int) (*Charter, error) {
	versions, err := s.store.Charters(ctx)
	if err != nil {
		return nil, err
	}
	for i := range versions {
		if versions[i].Version == version {
			return &versions[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "no charter version %d", version)
}

// Charters returns every charter version, oldest first.
func (s *Service) Charters(ctx context.Context) ([]Charter, error) {
	return s.store.Charters(ctx)
}

// cloneCharter returns a copy of c that shares nothing with it, without Version, AppliedAt
// and Fingerprint.
func cloneCharter(c *Charter) *Charter {
	nc := *c
	nc.Version, nc.AppliedAt, nc.Fingerprint = 0, time.Time{}, ""
	nc.Rules.AffiliationCap = clonePtr(c.Rules.AffiliationCap)
	nc.Rules.TermLimit = clonePtr(c.Rules.TermLimit)
	nc.Rules.Quorum = clonePtr(c.Rules.Quorum)
	nc.Constituencies = slices.Clone(c.Constituencies)
	for i := range nc.Constituencies {
		nc.Constituencies[i].Quorum = clonePtr(nc.Constituencies[i].Quorum)
	}
	return &nc
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// charterFingerprint returns the hex SHA-256 of c's canonical content: a JSON document of
// everything but Version, AppliedAt and Fingerprint, with fixed keys and order, so that equal
// content has equal fingerprints whatever file or request it came from.
func charterFingerprint(c *Charter) (string, error) {
	b, err := json.Marshal(canonicalOf(c))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// canonicalCharter is the content a Fingerprint covers. Its keys are the charter file's:
// renaming a Go field must not change fingerprints.
type canonicalCharter struct {
	EffectiveFrom  Date                    `json:"effective_from"`
	Name           string                  `json:"name"`
	Currency       string                  `json:"currency"`
	TermYears      int                     `json:"term_years"`
	FirstElection  int                     `json:"first_election"`
	Rules          canonicalRules          `json:"rules"`
	Constituencies []canonicalConstituency `json:"constituencies"`
}

type canonicalRules struct {
	OneConstituencyPerNominee bool    `json:"one_constituency_per_nominee"`
	AffiliationCapMax         *int    `json:"affiliation_cap_max"`
	AffiliationCapScope       *string `json:"affiliation_cap_scope"`
	TermLimit                 *int    `json:"term_limit_max_consecutive_terms"`
	Quorum                    *int    `json:"quorum_min_turnout_percent"`
	RollAdditionsAfterFreeze  bool    `json:"roll_additions_after_freeze"`
	// RunoffOnTie came after charters were first fingerprinted: omitted while off, so that
	// the fingerprints of the charters applied before it stay what they were.
	RunoffOnTie bool `json:"runoff_on_tie,omitempty"`
}

type canonicalConstituency struct {
	Key            string  `json:"key"`
	Name           string  `json:"name"`
	Category       string  `json:"category"`
	Seats          int     `json:"seats"`
	MembersPerSeat int     `json:"members_per_seat"`
	Seating        Seating `json:"seating"`
	Cohort         int     `json:"cohort"`
	Method         string  `json:"method"`
	Uncontested    string  `json:"uncontested"`
	Rule           string  `json:"eligibility_rule"`
	MinDonation    string  `json:"eligibility_min_donation"`
	WindowStart    string  `json:"eligibility_window_start"`
	Quorum         *int    `json:"quorum_min_turnout_percent"`
}

func canonicalOf(c *Charter) canonicalCharter {
	r := c.Rules
	cc := canonicalCharter{
		EffectiveFrom: c.EffectiveFrom, Name: c.Name, Currency: c.Currency, TermYears: c.TermYears,
		FirstElection: c.FirstElection,
		Rules: canonicalRules{OneConstituencyPerNominee: r.OneConstituencyPerNominee,
			RollAdditionsAfterFreeze: r.RollAdditionsAfterFreeze, Quorum: quorumPercent(r.Quorum),
			RunoffOnTie: r.RunoffOnTie},
		Constituencies: make([]canonicalConstituency, 0, len(c.Constituencies)),
	}
	if r.AffiliationCap != nil {
		cc.Rules.AffiliationCapMax, cc.Rules.AffiliationCapScope = &r.AffiliationCap.Max, &r.AffiliationCap.Scope
	}
	if r.TermLimit != nil {
		cc.Rules.TermLimit = &r.TermLimit.MaxConsecutiveTerms
	}
	for _, k := range c.Constituencies {
		e := k.Eligibility
		cc.Constituencies = append(cc.Constituencies, canonicalConstituency{
			Key: k.Key, Name: k.Name, Category: k.Category, Seats: k.Seats, MembersPerSeat: k.MembersPerSeat,
			Seating: k.Seating, Cohort: k.Cohort, Method: k.Method, Uncontested: string(k.Uncontested),
			Rule: string(e.Rule), MinDonation: e.MinDonation.String(), WindowStart: e.WindowStart.String(),
			Quorum: quorumPercent(k.Quorum),
		})
	}
	return cc
}

func quorumPercent(q *Quorum) *int {
	if q == nil {
		return nil
	}
	return &q.MinTurnoutPercent
}
