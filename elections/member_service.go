package elections

import (
	"context"
	"strings"
	"time"
)

// The inputs and results of the member roll's use cases, and the use cases on single members.
// Imports are in member_import.go and donations.go, eligibility in eligibility.go.

// MemberInput is one member as an import row or an API request gives it: text fields,
// checked and converted by the service, so that every problem is reported with its Line.
type MemberInput struct {
	// Line is the row's line in its file (0 for a single API request).
	Line int
	// ExternalID, Kind ("person" or "organisation"), Name and Constituency are required.
	ExternalID   string
	Kind         string
	Name         string
	Email        string
	Constituency string
	// Joined (required) and PaidThrough (optional) are dates YYYY-MM-DD.
	Joined      string
	PaidThrough string
	// Standing is "good" (default when empty) or "suspended".
	Standing string
	// RepresentativeName and RepresentativeEmail designate an organisation's representative;
	// RepresentativeSince is when they took over (default: the day the organisation joined
	// for its first representative, today for a replacement).
	RepresentativeName  string
	RepresentativeEmail string
	RepresentativeSince string
	// Given names the fields the row's file has (its CSV columns, its JSON object's keys);
	// nil means every field. When a stored member is updated, the optional fields email,
	// paid_through and standing that the file does not have are left as they are, so that a
	// file without them neither clears an address nor lifts a suspension.
	Given map[string]bool
}

// MemberPatch changes some fields of a member; nil fields stay as they are. Values are text,
// as for MemberInput.
type MemberPatch struct {
	Name         *string
	Email        *string
	Constituency *string
	PaidThrough  *string
	Standing     *string
}

// RepresentativeInput designates a new representative of an organisation.
type RepresentativeInput struct {
	Name  string
	Email string
	// Since is a date YYYY-MM-DD; default today.
	Since string
}

// DonationInput is one donation as an import row gives it.
type DonationInput struct {
	Line int
	// ExternalID is the donation's id in the payment records (required, the import key).
	ExternalID string
	// Member is the donor's member external id (required; a person).
	Member string
	// Amount and Currency are the donation as made, e.g. "50.00" "EUR".
	Amount   string
	Currency string
	// Value is the amount in the charter's currency; required when Currency is not the
	// charter's, must be empty or equal to Amount when it is.
	Value string
	// Date is YYYY-MM-DD, not in the future.
	Date string
	// Source is optional, e.g. "stripe".
	Source string
}

// ImportSource describes an imported file for the audit trail.
type ImportSource struct {
	// Name is the file name (or "request").
	Name string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string
	// Format is "csv" or "json".
	Format string
}

// The actions of an ImportChange.
const (
	ImportCreated = "created"
	ImportUpdated = "updated"
)

// ImportResult says what an import changed. Re-importing the same file gives Created and
// Updated 0.
type ImportResult struct {
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	// Changes lists the created and updated rows in file order.
	Changes []ImportChange
}

// ImportChange is one row that changed something.
type ImportChange struct {
	Line       int
	ExternalID string
	Action     string
	// Fields names the fields that changed (for updates), e.g. ["email", "representative"].
	Fields []string
}

// MemberEligibility is whether a member may vote and stand in a constituency on a day.
type MemberEligibility struct {
	Member       string
	Constituency string
	At           Date
	Eligible     bool
	// Reason says why not, e.g. "donations 45.00 USD since 2025-04-20, 60.00 required";
	// empty when eligible.
	Reason string
	// Rule is the constituency's eligibility rule.
	Rule EligibilityRule
	// For EligibleByDonation: the window's first day, the total donated in it, the threshold.
	WindowStart   Date
	DonationTotal Amount
	MinDonation   Amount
}

// CreateMember adds one member (ECONFLICT when the external id is taken).
func (s *Service) CreateMember(ctx context.Context, actor Actor, in MemberInput) (*Member, error) {
	now := s.clock.Now()
	var out *Member
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockMembers); err != nil {
			return err
		}
		p, err := newMemberPlan(ctx, tx, now, []MemberInput{in})
		if err != nil {
			return err
		}
		if id := strings.TrimSpace(in.ExternalID); p.stored[id] != nil {
			return Errorf(ECONFLICT, "member %s exists", id)
		}
		p.add(in, in.Line)
		if err := p.problems.err(); err != nil {
			return err
		}
		if err := p.write(ctx, tx, actor); err != nil {
			return err
		}
		out, err = memberByExternalID(ctx, tx, p.create[0].ExternalID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateMember changes some fields of a member.
func (s *Service) UpdateMember(ctx context.Context, actor Actor, externalID string, p MemberPatch) (*Member, error) {
	now := s.clock.Now()
	var out *Member
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockMembers); err != nil {
			return err
		}
		old, err := memberByExternalID(ctx, tx, externalID)
		if err != nil {
			return err
		}
		rules, err := memberRulesOf(ctx, tx, now)
		if err != nil {
			return err
		}
		plan := &memberPlan{rules: rules, stored: map[string]*Member{old.ExternalID: old}, now: now,
			seen: make(map[string]int)}
		plan.add(patchedInput(old, p), 0)
		if err := plan.problems.err(); err != nil {
			return err
		}
		if err := plan.write(ctx, tx, actor); err != nil {
			return err
		}
		out, err = memberByExternalID(ctx, tx, old.ExternalID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// patchedInput is m as an input row (without representative, which a patch never changes)
// with p's fields applied.
func patchedInput(m *Member, p MemberPatch) MemberInput {
	in := MemberInput{ExternalID: m.ExternalID, Kind: string(m.Kind), Name: m.Name, Email: m.Email,
		Constituency: m.Constituency, Joined: m.Joined.String(), PaidThrough: m.PaidThrough.String(),
		Standing: string(m.Standing)}
	for _, f := range []struct {
		to   *string
		from *string
	}{{&in.Name, p.Name}, {&in.Email, p.Email}, {&in.Constituency, p.Constituency},
		{&in.PaidThrough, p.PaidThrough}, {&in.Standing, p.Standing}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	return in
}

// ReplaceRepresentative designates a new representative of a member organisation; the old
// one stays in the history.
func (s *Service) ReplaceRepresentative(ctx context.Context, actor Actor, externalID string, in RepresentativeInput) (*Member, error) {
	now := s.clock.Now()
	var out *Member
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockMembers); err != nil {
			return err
		}
		m, err := memberByExternalID(ctx, tx, externalID)
		if err != nil {
			return err
		}
		if m.Kind != MemberOrganisation {
			return Errorf(ECONFLICT, "member %s is a %s: only an organisation has a representative", m.ExternalID, m.Kind)
		}
		rep, err := checkRepresentative(in, m.Representative, DateOf(now))
		if err != nil {
			return err
		}
		if m.Representative != nil && sameRepresentative(m.Representative, rep) {
			out = m
			return nil
		}
		if err := replaceRepresentative(ctx, tx, m.ID, m.ExternalID, *rep, now); err != nil {
			return err
		}
		ev := representativeEvent(m, rep)
		if err := record(ctx, tx, now, actor, 0, ev.Kind, ev.Payload); err != nil {
			return err
		}
		out, err = memberByExternalID(ctx, tx, m.ExternalID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkRepresentative checks a new representative against the current one (cur, if any).
func checkRepresentative(in RepresentativeInput, cur *Representative, today Date) (*Representative, error) {
	var p rowProblems
	rep := &Representative{Name: strings.TrimSpace(in.Name), Since: today}
	if rep.Name == "" {
		p.add(0, "name", "required")
	} else if hasNUL(rep.Name) {
		p.add(0, "name", nulProblem)
	}
	rep.Email = p.parseEmailField(0, "email", strings.TrimSpace(in.Email))
	if s := strings.TrimSpace(in.Since); s != "" {
		rep.Since = p.parseDateField(0, "since", s, false)
	}
	if cur != nil && !rep.Since.IsZero() && !rep.Since.After(cur.Since) && !sameRepresentative(cur, rep) {
		p.add(0, "since", "a new representative must start after the current one (%s, since %s), not on %s",
			cur.Name, cur.Since, rep.Since)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return rep, nil
}

// Member returns a member by external id (ENOTFOUND when there is none).
func (s *Service) Member(ctx context.Context, externalID string) (*Member, error) {
	return memberByExternalID(ctx, s.store, externalID)
}

// memberByExternalID returns a stored member with its current representative.
func memberByExternalID(ctx context.Context, st Store, externalID string) (*Member, error) {
	ms, err := st.MembersByExternalID(ctx, []string{externalID})
	if err != nil {
		return nil, err
	}
	m := ms[externalID]
	if m == nil {
		return nil, Errorf(ENOTFOUND, "no member %q", externalID)
	}
	return m, nil
}

// DefaultMemberPage is how many members ListMembers returns when the filter sets no limit.
const DefaultMemberPage = 100

// ListMembers returns a page of members ordered by external id.
func (s *Service) ListMembers(ctx context.Context, f MemberFilter) ([]Member, error) {
	switch {
	case f.Limit <= 0:
		f.Limit = DefaultMemberPage
	case f.Limit > MaxMemberPage:
		f.Limit = MaxMemberPage
	}
	return s.store.ListMembers(ctx, f)
}

// Representatives returns the representatives of a member organisation, oldest first.
func (s *Service) Representatives(ctx context.Context, externalID string) ([]Representative, error) {
	m, err := s.Member(ctx, externalID)
	if err != nil {
		return nil, err
	}
	return s.store.Representatives(ctx, m.ID)
}

// replaceRepresentative makes rep the representative of an organisation and revokes the
// organisation's unused access codes: they were issued for the representative who is leaving,
// who must not act for the organisation any more. Officers issue the new one a code.
func replaceRepresentative(ctx context.Context, tx Store, memberID int64, member string, rep Representative, now time.Time) error {
	if err := tx.AddRepresentative(ctx, memberID, rep); err != nil {
		return err
	}
	_, err := tx.RevokeAccessCodes(ctx, 0, []string{member}, now)
	return err
}
