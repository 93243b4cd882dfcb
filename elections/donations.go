package elections

import (
	"context"
	"strings"
	"time"
)

// donationPlan checks donation rows against the stored members and donations and collects
// the writes and events of an import, so that nothing is written unless every row is good.
type donationPlan struct {
	// currency is the latest charter's currency.
	currency string
	today    Date
	now      time.Time
	members  map[string]*Member
	stored   map[string]*Donation
	problems rowProblems
	seen     map[string]int
	create   []*Donation
	update   []*Donation
	events   []pendingEvent
	result   ImportResult
}

// newDonationPlan reads the charter's currency and the members and donations the rows name.
func newDonationPlan(ctx context.Context, st Store, now time.Time, rows []DonationInput) (*donationPlan, error) {
	c, err := latestCharterFor(ctx, st, "importing donations")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rows))
	memberIDs := make([]string, 0, len(rows))
	for _, in := range rows {
		ids = append(ids, strings.TrimSpace(in.ExternalID))
		memberIDs = append(memberIDs, strings.TrimSpace(in.Member))
	}
	p := &donationPlan{currency: c.Currency, today: DateOf(now), now: now, seen: make(map[string]int, len(rows))}
	if p.members, err = st.MembersByExternalID(ctx, memberIDs); err != nil {
		return nil, err
	}
	if p.stored, err = st.DonationsByExternalID(ctx, ids); err != nil {
		return nil, err
	}
	return p, nil
}

// trimDonationInput trims the spaces around every field.
func trimDonationInput(in DonationInput) DonationInput {
	for _, f := range []*string{&in.ExternalID, &in.Member, &in.Amount, &in.Currency, &in.Value, &in.Date, &in.Source} {
		*f = strings.TrimSpace(*f)
	}
	return in
}

// add checks one row and plans what it changes.
func (p *donationPlan) add(in DonationInput, line int) {
	p.result.Rows++
	in = trimDonationInput(in)
	d := Donation{ExternalID: in.ExternalID, Currency: in.Currency, Source: in.Source}
	if p.problems.checkExternalID(line, "external_id", in.ExternalID) {
		if first, dup := p.seen[in.ExternalID]; dup {
			p.problems.add(line, "external_id", "%s is also on line %d", in.ExternalID, first)
		} else {
			p.seen[in.ExternalID] = line
		}
	}
	donor := p.donor(in.Member, line)
	if donor != nil {
		d.MemberID, d.MemberExternalID = donor.ID, donor.ExternalID
	}
	p.parseMoney(in, line, &d)
	if hasNUL(in.Source) {
		p.problems.add(line, "source", nulProblem)
	}
	d.Date = p.problems.parseDateField(line, "date", in.Date, true)
	if d.Date.After(p.today) {
		p.problems.add(line, "date", "%s is in the future", d.Date)
	}
	old := p.stored[d.ExternalID]
	if old != nil && donor != nil && old.MemberID != donor.ID {
		p.problems.add(line, "external_id", "donation %s belongs to another member", d.ExternalID)
	}
	if len(p.problems) > 0 {
		return // nothing will be written: only check the other rows
	}
	if old == nil {
		p.planCreate(d, line)
		return
	}
	p.planCorrection(old, d, line)
}

// donor returns the member who made a donation, or nil after recording why there is none.
func (p *donationPlan) donor(id string, line int) *Member {
	if !p.problems.checkExternalID(line, "member", id) {
		return nil
	}
	m := p.members[id]
	switch {
	case m == nil:
		p.problems.add(line, "member", "no member %s", id)
	case m.Kind != MemberPerson:
		p.problems.add(line, "member", "%s is an organisation; only persons have a donation ledger", id)
	default:
		return m
	}
	return nil
}

// parseMoney checks the amount, currency and value of a row and sets them on d.
func (p *donationPlan) parseMoney(in DonationInput, line int, d *Donation) {
	currencyOK := false
	switch {
	case in.Currency == "":
		p.problems.add(line, "currency", "required (e.g. %s)", p.currency)
	case !isoCurrencyPattern.MatchString(in.Currency):
		p.problems.add(line, "currency", "%q is not a currency code such as %s", in.Currency, p.currency)
	default:
		currencyOK = true
	}
	if in.Amount == "" {
		p.problems.add(line, "amount", "required")
		return
	}
	if !currencyOK {
		if !IsDecimal(in.Amount) {
			p.problems.add(line, "amount", "%q is not a decimal number such as 50.00", in.Amount)
		}
		return
	}
	if in.Currency == p.currency {
		p.parseCharterMoney(in, line, d)
		return
	}
	p.parseForeignMoney(in, line, d)
}

// parseCharterMoney reads the amount of a donation in the charter's currency: its Value is
// its Amount.
func (p *donationPlan) parseCharterMoney(in DonationInput, line int, d *Donation) {
	a, err := ParseAmount(in.Amount)
	if err != nil {
		p.problems.add(line, "amount", "%s", ErrorMessage(err))
		return
	}
	if v, err := ParseAmount(in.Value); in.Value != "" && (err != nil || v != a) {
		p.problems.add(line, "value", "must be empty or equal to amount when the currency is the charter's (%s)", p.currency)
	}
	if a == 0 {
		p.problems.add(line, "amount", "must be more than 0")
	}
	d.Amount, d.Value = a.String(), a
}

// parseForeignMoney reads the amount of a donation in another currency, kept as given, and
// its value in the charter's currency, given by the row (govboard converts nothing).
func (p *donationPlan) parseForeignMoney(in DonationInput, line int, d *Donation) {
	d.Amount = in.Amount
	if !IsDecimal(in.Amount) {
		p.problems.add(line, "amount", "%q is not a decimal number such as 50.00", in.Amount)
	} else if strings.Trim(in.Amount, "0.") == "" {
		p.problems.add(line, "amount", "must be more than 0")
	}
	if in.Value == "" {
		p.problems.add(line, "value", "required when the currency is not the charter's (%s): the amount in %s", p.currency, p.currency)
		return
	}
	v, err := ParseAmount(in.Value)
	switch {
	case err != nil:
		p.problems.add(line, "value", "%s", ErrorMessage(err))
	case v == 0:
		p.problems.add(line, "value", "must be more than 0")
	}
	d.Value = v
}

// donationPayload is a donation as events show it.
func donationPayload(d *Donation) map[string]any {
	return map[string]any{"donation": d.ExternalID, "member": d.MemberExternalID, "amount": d.Amount,
		"currency": d.Currency, "value": d.Value.String(), "date": d.Date, "source": d.Source}
}

// planCreate plans a new donation.
func (p *donationPlan) planCreate(d Donation, line int) {
	d.CreatedAt, d.UpdatedAt = p.now, p.now
	p.create = append(p.create, &d)
	p.result.Created++
	p.result.Changes = append(p.result.Changes, ImportChange{Line: line, ExternalID: d.ExternalID, Action: ImportCreated})
	p.events = append(p.events, pendingEvent{Kind: EventDonationRecorded, Payload: donationPayload(&d)})
}

// planCorrection plans the correction of a stored donation, if the row differs from it.
func (p *donationPlan) planCorrection(old *Donation, d Donation, line int) {
	var diff fieldDiff
	diff.compare("amount", old.Amount, d.Amount)
	diff.compare("currency", old.Currency, d.Currency)
	diff.compare("value", old.Value.String(), d.Value.String())
	diff.compare("date", old.Date.String(), d.Date.String())
	diff.compare("source", old.Source, d.Source)
	if len(diff.names) == 0 {
		p.result.Unchanged++
		return
	}
	c := *old
	c.Amount, c.Currency, c.Value, c.Date, c.Source, c.UpdatedAt = d.Amount, d.Currency, d.Value, d.Date, d.Source, p.now
	p.update = append(p.update, &c)
	p.result.Updated++
	p.result.Changes = append(p.result.Changes, ImportChange{Line: line, ExternalID: d.ExternalID,
		Action: ImportUpdated, Fields: diff.names})
	p.events = append(p.events, pendingEvent{Kind: EventDonationCorrected, Payload: map[string]any{
		"donation": d.ExternalID, "member": old.MemberExternalID, "changes": diff.changes}})
}

// write stores the planned donations and their events.
func (p *donationPlan) write(ctx context.Context, tx Store, actor Actor) error {
	if len(p.create) > 0 {
		if err := tx.CreateDonations(ctx, p.create); err != nil {
			return err
		}
	}
	for _, d := range p.update {
		if err := tx.UpdateDonation(ctx, d); err != nil {
			return err
		}
	}
	return recordAll(ctx, tx, p.now, actor, 0, p.events)
}

// ImportDonations creates and corrects donations from rows, all or nothing, like
// ImportMembers. Donors must be members already.
func (s *Service) ImportDonations(ctx context.Context, actor Actor, rows []DonationInput, src ImportSource) (*ImportResult, error) {
	if len(rows) == 0 {
		return nil, Errorf(EINVALID, "no donations to import")
	}
	now := s.clock.Now()
	var res *ImportResult
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockMembers); err != nil {
			return err
		}
		p, err := newDonationPlan(ctx, tx, now, rows)
		if err != nil {
			return err
		}
		for i, in := range rows {
			p.add(in, rowLine(in.Line, i))
		}
		if err := p.problems.err(); err != nil {
			return err
		}
		res = &p.result
		if res.Created+res.Updated == 0 {
			return nil
		}
		p.events = append(p.events, importSummary(EventDonationsImported, src, res))
		return p.write(ctx, tx, actor)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Donations returns a member's donations by date.
func (s *Service) Donations(ctx context.Context, externalID string) ([]Donation, error) {
	m, err := s.Member(ctx, externalID)
	if err != nil {
		return nil, err
	}
	return s.store.DonationsOf(ctx, m.ID)
}
