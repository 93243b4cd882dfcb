package elections

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Roll is a contest's voter roll: computed from eligibility on the cut-off day until it is
// frozen, the stored frozen roll after.
type Roll struct {
	ContestID int64
	// Frozen says the roll is the stored frozen one; Fingerprint is then its recorded hash.
	Frozen      bool
	Fingerprint string
	// Entries are the voters ordered by member external id (byte order).
	Entries []RollEntry
	// Ineligible lists, for a preview, the constituency's members left off and why
	// (member external id → reason); nil for a frozen roll.
	Ineligible map[string]string
}

// RollFingerprint returns the hex SHA-256 of a roll: the UTF-8 text of one line
// "<member external id>\n" per entry, sorted in byte order. Auditors recompute it from a roll
// file.
func RollFingerprint(entries []RollEntry) string {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.Member
	}
	slices.Sort(ids)
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ContestRoll returns a contest's roll: the stored roll once frozen, else a preview computed
// from eligibility on the election's cut-off day, with the members left off and why.
func (s *Service) ContestRoll(ctx context.Context, contestID int64) (*Roll, error) {
	c, err := s.store.ContestByID(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if !c.RollFrozenAt.IsZero() {
		entries, err := s.store.RollEntries(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		return &Roll{ContestID: c.ID, Frozen: true, Fingerprint: c.RollFingerprint, Entries: entries}, nil
	}
	return previewRoll(ctx, s.store, c)
}

// previewRoll computes the roll of contest c (not frozen) from eligibility on its election's
// cut-off day, under the election's charter.
func previewRoll(ctx context.Context, st Store, c *Contest) (*Roll, error) {
	e, err := st.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	ch, err := charterOfElection(ctx, st, e)
	if err != nil {
		return nil, err
	}
	k := rollConstituency(ch, c.Constituency)
	if k == nil {
		return nil, fmt.Errorf("contest %d: no constituency %q in charter version %d", c.ID, c.Constituency, ch.Version)
	}
	var totals map[int64]Amount
	if from, to := DonationWindow(k, e.Cutoff); !from.IsZero() {
		if totals, err = st.DonationTotals(ctx, k.Key, from, to); err != nil {
			return nil, err
		}
	}
	r := &Roll{ContestID: c.ID, Entries: []RollEntry{}, Ineligible: map[string]string{}}
	for after := ""; ; {
		page, err := st.ListMembers(ctx, MemberFilter{Constituency: k.Key, After: after, Limit: MaxMemberPage})
		if err != nil {
			return nil, err
		}
		for i := range page {
			m := &page[i]
			if el := CheckEligibility(m, k, ch.Currency, e.Cutoff, totals[m.ID]); el.Eligible {
				r.Entries = append(r.Entries, rollEntryOf(m))
			} else {
				r.Ineligible[m.ExternalID] = el.Reason
			}
		}
		if len(page) < MaxMemberPage {
			break
		}
		after = page[len(page)-1].ExternalID
	}
	slices.SortFunc(r.Entries, func(a, b RollEntry) int { return cmp.Compare(a.Member, b.Member) })
	return r, nil
}

// rollEntryOf returns the roll entry of member m: a person reached at their own address, an
// organisation voting through its current representative.
func rollEntryOf(m *Member) RollEntry {
	e := RollEntry{Member: m.ExternalID, Name: m.Name, Kind: m.Kind, Email: m.Email}
	if m.Kind == MemberOrganisation {
		e.Email = ""
		if m.Representative != nil {
			e.Representative, e.Email = m.Representative.Name, m.Representative.Email
		}
	}
	return e
}

// FreezeRoll computes a contest's roll and stores it as frozen, records its fingerprint on
// the contest and in the audit trail (roll.frozen), within tx. Opening a voting round calls
// it. A roll frozen already is ECONFLICT.
func (s *Service) FreezeRoll(ctx context.Context, tx Store, actor Actor, contestID int64) (*Roll, error) {
	if err := tx.Lock(ctx, LockElections); err != nil {
		return nil, err
	}
	c, err := tx.ContestByID(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if !c.RollFrozenAt.IsZero() {
		return nil, Errorf(ECONFLICT, "the roll of the %s contest was frozen at %s", c.Name, c.RollFrozenAt.UTC().Format(instantLayout))
	}
	r, err := previewRoll(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	if err := tx.SaveRoll(ctx, c.ID, r.Entries); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	c.RollFrozenAt, c.RollFingerprint, c.RollSize = now, RollFingerprint(r.Entries), len(r.Entries)
	if err := tx.UpdateContest(ctx, c); err != nil {
		return nil, err
	}
	err = record(ctx, tx, now, actor, c.ElectionID, EventRollFrozen, map[string]any{
		"contest": c.ID, "fingerprint": c.RollFingerprint, "size": c.RollSize})
	if err != nil {
		return nil, err
	}
	return &Roll{ContestID: c.ID, Frozen: true, Fingerprint: c.RollFingerprint, Entries: r.Entries}, nil
}

// AddToRoll adds a member of the constituency to a frozen roll, where the charter allows
// additions after the freeze (ECONFLICT otherwise); reason is required and recorded. The
// fingerprint stays the one recorded at the freeze; the roll's size grows.
func (s *Service) AddToRoll(ctx context.Context, actor Actor, contestID int64, member, reason string) (*RollEntry, error) {
	member, reason = strings.TrimSpace(member), strings.TrimSpace(reason)
	now := s.clock.Now().UTC()
	var out *RollEntry
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		c, err := tx.ContestByID(ctx, contestID)
		if err != nil {
			return err
		}
		ch, err := checkRollAddition(ctx, tx, c, now)
		if err != nil {
			return err
		}
		m, err := rollAdditionMember(ctx, tx, ch, c, member, reason)
		if err != nil {
			return err
		}
		entry := rollEntryOf(m)
		entry.AddedAt, entry.AddedBy, entry.Reason = now, actor.String(), reason
		if err := tx.AddRollEntry(ctx, c.ID, entry); err != nil {
			return err
		}
		c.RollSize++
		if err := tx.UpdateContest(ctx, c); err != nil {
			return err
		}
		if out, err = storedRollEntry(ctx, tx, c.ID, m.ExternalID); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, c.ElectionID, EventRollEntryAdded, map[string]any{
			"contest": c.ID, "member": m.ExternalID, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// storedRollEntry returns member's entry on the roll of contest as the store keeps it (its
// AddedAt at the stored precision, as every later read shows it).
func storedRollEntry(ctx context.Context, tx Store, contestID int64, member string) (*RollEntry, error) {
	entries, err := tx.RollEntries(ctx, contestID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(entries, func(e RollEntry) bool { return e.Member == member })
	if i < 0 {
		return nil, fmt.Errorf("contest %d: %s is not on the roll just after its addition", contestID, member)
	}
	return &entries[i], nil
}

// checkRollAddition refuses an addition to contest c's roll at now unless it is frozen, the
// election is not counted yet (the count is over the roll as it stands) and the election's
// charter allows additions after the freeze; it returns that charter.
func checkRollAddition(ctx context.Context, tx Store, c *Contest, now time.Time) (*Charter, error) {
	if c.RollFrozenAt.IsZero() {
		return nil, Errorf(ECONFLICT, "the roll of the %s contest is not frozen; until voting opens it follows eligibility on the cut-off day", c.Name)
	}
	e, err := tx.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	if ph := e.Phase(now); ph == PhaseCounted || ph == PhaseCertified {
		return nil, electionPhaseConflict(ph, "voters can be added to a frozen roll only until the count")
	}
	ch, err := charterOfElection(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	if !ch.Rules.RollAdditionsAfterFreeze {
		return nil, Errorf(ECONFLICT, "the charter (version %d) does not allow additions to a frozen roll", ch.Version)
	}
	return ch, nil
}

// rollAdditionMember returns the member to add to contest c's frozen roll: one of its
// constituency, not on the roll yet; reason is required. ch is the election's charter.
func rollAdditionMember(ctx context.Context, tx Store, ch *Charter, c *Contest, member, reason string) (*Member, error) {
	var problems []string
	var m *Member
	switch {
	case member == "":
		problems = append(problems, "member is required")
	case hasNUL(member):
		problems = append(problems, "member "+nulProblem)
	default:
		found, err := tx.MembersByExternalID(ctx, []string{member})
		if err != nil {
			return nil, err
		}
		switch m = found[member]; {
		case m == nil:
			problems = append(problems, fmt.Sprintf("no member %s", member))
		case m.Constituency != c.Constituency:
			of := m.Constituency
			if k := rollConstituency(ch, of); k != nil {
				of = k.Name
			}
			problems = append(problems, fmt.Sprintf("%s is a member of %q, not %q", member, of, c.Name))
		}
	}
	if reason == "" {
		problems = append(problems, "reason is required for an addition to a frozen roll")
	} else if hasNUL(reason) {
		problems = append(problems, "reason "+nulProblem)
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	entries, err := tx.RollEntries(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(entries, func(e RollEntry) bool { return e.Member == m.ExternalID }) {
		return nil, Errorf(ECONFLICT, "%s is on the roll of the %s contest already", m.ExternalID, c.Name)
	}
	return m, nil
}
