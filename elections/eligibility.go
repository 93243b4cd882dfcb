package elections

import (
	"context"
	"fmt"
)

// DonationWindow returns the days whose donations count for c's donation rule on at: from
// the rule's WindowStart in the year before at's year through at, both included (Matrix: on
// 2026-05-15, from 2025-04-20 through 2026-05-15). Both are zero when c has no donation rule.
func DonationWindow(c *Constituency, at Date) (from, to Date) {
	if c.Eligibility.Rule != EligibleByDonation || c.Eligibility.WindowStart.IsZero() {
		return Date{}, Date{}
	}
	return c.Eligibility.WindowStart.In(at.Year() - 1), at
}

// CheckEligibility tells whether m may vote and stand in constituency c on at, given donated,
// the total of m's donations in DonationWindow(c, at) (ignored unless c's rule is
// EligibleByDonation), and currency, the charter's, for the reason. It reads nothing, so an
// election can check a whole roll with one sum per member. The first rule m fails gives the
// Reason. A member of another constituency is named by that constituency's key: only the
// charter knows its name (Service.Eligibility gives the name).
func CheckEligibility(m *Member, c *Constituency, currency string, at Date, donated Amount) MemberEligibility {
	return checkEligibility(m, fmt.Sprintf("%q", m.Constituency), c, currency, at, donated)
}

// checkEligibility is CheckEligibility with memberOf, how the reason names m's constituency.
func checkEligibility(m *Member, memberOf string, c *Constituency, currency string, at Date, donated Amount) MemberEligibility {
	e := MemberEligibility{Member: m.ExternalID, Constituency: c.Key, At: at, Rule: c.Eligibility.Rule}
	if e.Rule == EligibleByDonation {
		e.WindowStart, _ = DonationWindow(c, at)
		e.DonationTotal, e.MinDonation = donated, c.Eligibility.MinDonation
	}
	switch {
	case m.Constituency != c.Key:
		e.Reason = fmt.Sprintf("member of %s, not %q", memberOf, c.Name)
	case m.Standing == StandingSuspended:
		e.Reason = "membership suspended"
	case m.Joined.After(at):
		e.Reason = fmt.Sprintf("joined %s, after %s", m.Joined, at)
	case !m.PaidThrough.IsZero() && m.PaidThrough.Before(at):
		e.Reason = fmt.Sprintf("membership lapsed: paid through %s", m.PaidThrough)
	case m.Standing != StandingGood:
		e.Reason = fmt.Sprintf("standing %q is not good", m.Standing)
	case e.Rule == EligibleByDonation && donated < e.MinDonation:
		e.Reason = fmt.Sprintf("donations %s %s since %s, %s required", donated, currency, e.WindowStart, e.MinDonation)
	}
	e.Eligible = e.Reason == ""
	return e
}

// Eligibility tells whether a member may vote and stand in constituency (the member's own
// when empty) on at (today when zero), under the charter in force on at, and why not.
func (s *Service) Eligibility(ctx context.Context, externalID, constituency string, at Date) (*MemberEligibility, error) {
	if at.IsZero() {
		at = DateOf(s.clock.Now())
	}
	m, err := memberByExternalID(ctx, s.store, externalID)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.Charters(ctx)
	if err != nil {
		return nil, err
	}
	ch := rollCharterOn(cs, at)
	if ch == nil {
		return nil, Errorf(ENOTFOUND, "no charter is in force on %s", at)
	}
	if constituency == "" {
		constituency = m.Constituency
	}
	c := rollConstituency(ch, constituency)
	switch {
	case c == nil:
		return nil, Errorf(EINVALID, "no constituency %q in the charter in force on %s", constituency, at)
	case c.Seating != SeatingElected:
		return nil, Errorf(EINVALID, "constituency %q is not elected: nobody votes in it", constituency)
	}
	var donated Amount
	if from, to := DonationWindow(c, at); !from.IsZero() {
		if donated, err = s.store.DonationTotal(ctx, m.ID, from, to); err != nil {
			return nil, err
		}
	}
	memberOf := fmt.Sprintf("%q", m.Constituency)
	if own := rollConstituency(ch, m.Constituency); own != nil {
		memberOf = fmt.Sprintf("%q", own.Name)
	}
	e := checkEligibility(m, memberOf, c, ch.Currency, at, donated)
	return &e, nil
}
