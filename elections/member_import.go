package elections

import (
	"context"
	"strings"
	"time"
)

// memberRules is what a member row is checked against: the latest charter's elected
// constituencies and today.
type memberRules struct {
	elected map[string]bool
	// keys lists the elected constituencies for messages, in charter order.
	keys  string
	today Date
}

// memberRulesOf reads the rules from the latest charter version.
func memberRulesOf(ctx context.Context, st Store, now time.Time) (*memberRules, error) {
	c, err := latestCharterFor(ctx, st, "importing members")
	if err != nil {
		return nil, err
	}
	r := &memberRules{elected: make(map[string]bool), today: DateOf(now)}
	var keys []string
	for _, k := range c.Constituencies {
		if k.Seating == SeatingElected {
			r.elected[k.Key] = true
			keys = append(keys, k.Key)
		}
	}
	r.keys = strings.Join(keys, ", ")
	return r, nil
}

// memberRow is a checked MemberInput: the member as the row gives it (without its
// representative) and the representative it names, if any.
type memberRow struct {
	line int
	m    Member
	rep  *Representative
	// repSince is whether the row gave the representative's Since (else: today).
	repSince bool
	// given is MemberInput.Given.
	given map[string]bool
}

// trimMemberInput trims the spaces around every field.
func trimMemberInput(in MemberInput) MemberInput {
	for _, f := range []*string{&in.ExternalID, &in.Kind, &in.Name, &in.Email, &in.Constituency,
		&in.Joined, &in.PaidThrough, &in.Standing, &in.RepresentativeName, &in.RepresentativeEmail,
		&in.RepresentativeSince} {
		*f = strings.TrimSpace(*f)
	}
	return in
}

// parse checks one row, recording every problem in p.
func (r *memberRules) parse(in MemberInput, line int, p *rowProblems) memberRow {
	in = trimMemberInput(in)
	row := memberRow{line: line, given: in.Given, m: Member{ExternalID: in.ExternalID, Kind: MemberKind(in.Kind), Name: in.Name,
		Constituency: in.Constituency, Standing: Standing(in.Standing)}}
	p.checkExternalID(line, "external_id", in.ExternalID)
	switch row.m.Kind {
	case MemberPerson, MemberOrganisation:
	case "":
		p.add(line, "kind", "required (person or organisation)")
	default:
		p.add(line, "kind", "%q is not person or organisation", in.Kind)
	}
	if in.Name == "" {
		p.add(line, "name", "required")
	} else if hasNUL(in.Name) {
		p.add(line, "name", nulProblem)
	}
	row.m.Email = p.parseEmailField(line, "email", in.Email)
	switch {
	case in.Constituency == "":
		p.add(line, "constituency", "required")
	case !r.elected[in.Constituency]:
		p.add(line, "constituency", "%q is not an elected constituency of the charter (%s)", in.Constituency, r.keys)
	}
	row.m.Joined = p.parseDateField(line, "joined", in.Joined, true)
	row.m.PaidThrough = p.parseDateField(line, "paid_through", in.PaidThrough, false)
	if !row.m.Joined.IsZero() && !row.m.PaidThrough.IsZero() && row.m.PaidThrough.Before(row.m.Joined) {
		p.add(line, "paid_through", "%s is before joined %s", row.m.PaidThrough, row.m.Joined)
	}
	switch row.m.Standing {
	case "":
		row.m.Standing = StandingGood
	case StandingGood, StandingSuspended:
	default:
		p.add(line, "standing", "%q is not good or suspended", in.Standing)
	}
	r.parseRepresentative(in, &row, p)
	return row
}

// parseRepresentative checks the representative fields of a row.
func (r *memberRules) parseRepresentative(in MemberInput, row *memberRow, p *rowProblems) {
	if in.RepresentativeName == "" && in.RepresentativeEmail == "" && in.RepresentativeSince == "" {
		return
	}
	if row.m.Kind == MemberPerson {
		p.add(row.line, "", "a person has no representative (representative_name, representative_email and representative_since must be empty)")
		return
	}
	if in.RepresentativeName == "" {
		p.add(row.line, "representative_name", "required with representative_email or representative_since")
	} else if hasNUL(in.RepresentativeName) {
		p.add(row.line, "representative_name", nulProblem)
	}
	rep := &Representative{Name: in.RepresentativeName, Since: r.today}
	rep.Email = p.parseEmailField(row.line, "representative_email", in.RepresentativeEmail)
	if in.RepresentativeSince != "" {
		rep.Since = p.parseDateField(row.line, "representative_since", in.RepresentativeSince, false)
		row.repSince = true
	}
	row.rep = rep
}

// memberPlan checks rows against the stored members and collects the writes and events of
// an import (or of a single create or update), so that nothing is written unless every row
// is good.
type memberPlan struct {
	rules    *memberRules
	stored   map[string]*Member
	now      time.Time
	problems rowProblems
	// seen maps each external id to the line it was first seen on.
	seen   map[string]int
	create []*Member
	update []*Member
	reps   []memberRepChange
	events []pendingEvent
	result ImportResult
}

// memberRepChange is a new representative of a stored member.
type memberRepChange struct {
	memberID int64
	member   string
	rep      Representative
}

// newMemberPlan reads the latest charter's rules and, in one call, the stored members the rows
// name.
func newMemberPlan(ctx context.Context, st Store, now time.Time, rows []MemberInput) (*memberPlan, error) {
	rules, err := memberRulesOf(ctx, st, now)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rows))
	for _, in := range rows {
		ids = append(ids, strings.TrimSpace(in.ExternalID))
	}
	stored, err := st.MembersByExternalID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &memberPlan{rules: rules, stored: stored, now: now, seen: make(map[string]int, len(rows))}, nil
}

// add checks one row and plans what it changes.
func (p *memberPlan) add(in MemberInput, line int) {
	p.result.Rows++
	row := p.rules.parse(in, line, &p.problems)
	id := row.m.ExternalID
	if first, dup := p.seen[id]; dup && id != "" {
		p.problems.add(line, "external_id", "%s is also on line %d", id, first)
	} else {
		p.seen[id] = line
	}
	old := p.stored[id]
	if old != nil {
		p.checkAgainst(old, &row)
	}
	if len(p.problems) > 0 {
		return // nothing will be written: only check the other rows
	}
	if old == nil {
		p.planCreate(row)
		return
	}
	p.planUpdate(old, row)
}

// checkAgainst reports what a row may not change in a stored member.
func (p *memberPlan) checkAgainst(old *Member, row *memberRow) {
	keepAbsent(old, row)
	if !row.given["paid_through"] && row.given != nil && !row.m.PaidThrough.IsZero() && !row.m.Joined.IsZero() &&
		row.m.PaidThrough.Before(row.m.Joined) {
		p.problems.add(row.line, "joined", "%s is after the recorded paid_through %s (give paid_through too)",
			row.m.Joined, row.m.PaidThrough)
	}
	if row.m.Kind != "" && row.m.Kind != old.Kind {
		p.problems.add(row.line, "kind", "%s is recorded with kind %s, which cannot change", old.ExternalID, old.Kind)
	}
	cur := old.Representative
	if row.rep == nil || cur == nil || sameRepresentative(cur, row.rep) || row.rep.Since.IsZero() {
		return
	}
	if !row.rep.Since.After(cur.Since) {
		field := ""
		if row.repSince {
			field = "representative_since"
		}
		p.problems.add(row.line, field, "a new representative must start after the current one (%s, since %s), not on %s",
			cur.Name, cur.Since, row.rep.Since)
	}
}

// sameRepresentative reports whether a and b are the same person (name and address).
func sameRepresentative(a, b *Representative) bool {
	return a.Name == b.Name && a.Email == b.Email
}

// planCreate plans a new member.
func (p *memberPlan) planCreate(row memberRow) {
	m := row.m
	m.Representative = row.rep
	if row.rep != nil && !row.repSince {
		// A new organisation's first representative has acted for it since it joined,
		// unless the row says otherwise.
		rep := *row.rep
		rep.Since = m.Joined
		m.Representative = &rep
	}
	m.CreatedAt, m.UpdatedAt = p.now, p.now
	p.create = append(p.create, &m)
	p.result.Created++
	p.result.Changes = append(p.result.Changes, ImportChange{Line: row.line, ExternalID: m.ExternalID, Action: ImportCreated})
	payload := map[string]any{"member": m.ExternalID, "kind": m.Kind, "name": m.Name, "email": m.Email,
		"constituency": m.Constituency, "joined": m.Joined, "paid_through": m.PaidThrough, "standing": m.Standing}
	if m.Representative != nil {
		payload["representative"] = representativePayload(m.Representative)
	}
	p.events = append(p.events, pendingEvent{Kind: EventMemberCreated, Payload: payload})
}

// planUpdate plans the changes of a stored member, if any.
func (p *memberPlan) planUpdate(old *Member, row memberRow) {
	var d fieldDiff
	d.compare("name", old.Name, row.m.Name)
	d.compare("email", old.Email, row.m.Email)
	d.compare("constituency", old.Constituency, row.m.Constituency)
	d.compare("joined", old.Joined.String(), row.m.Joined.String())
	d.compare("paid_through", old.PaidThrough.String(), row.m.PaidThrough.String())
	d.compare("standing", string(old.Standing), string(row.m.Standing))
	fields := d.names
	if len(d.names) > 0 {
		m := *old
		m.Name, m.Email, m.Constituency = row.m.Name, row.m.Email, row.m.Constituency
		m.Joined, m.PaidThrough, m.Standing, m.UpdatedAt = row.m.Joined, row.m.PaidThrough, row.m.Standing, p.now
		p.update = append(p.update, &m)
		p.events = append(p.events, pendingEvent{Kind: EventMemberUpdated,
			Payload: map[string]any{"member": old.ExternalID, "changes": d.changes}})
	}
	// A row without a representative never removes one.
	if row.rep != nil && (old.Representative == nil || !sameRepresentative(old.Representative, row.rep)) {
		p.reps = append(p.reps, memberRepChange{memberID: old.ID, member: old.ExternalID, rep: *row.rep})
		p.events = append(p.events, representativeEvent(old, row.rep))
		fields = append(fields, "representative")
	}
	if len(fields) == 0 {
		p.result.Unchanged++
		return
	}
	p.result.Updated++
	p.result.Changes = append(p.result.Changes, ImportChange{Line: row.line, ExternalID: old.ExternalID,
		Action: ImportUpdated, Fields: fields})
}

// keepAbsent gives the row the stored values of the optional fields its file does not have.
func keepAbsent(old *Member, row *memberRow) {
	if row.given == nil {
		return
	}
	if !row.given["email"] {
		row.m.Email = old.Email
	}
	if !row.given["paid_through"] {
		row.m.PaidThrough = old.PaidThrough
	}
	if !row.given["standing"] {
		row.m.Standing = old.Standing
	}
}

// representativePayload is a representative as events show it.
func representativePayload(r *Representative) map[string]any {
	if r == nil {
		return nil
	}
	return map[string]any{"name": r.Name, "email": r.Email, "since": r.Since}
}

// representativeEvent is the event of m's representative becoming rep.
func representativeEvent(m *Member, rep *Representative) pendingEvent {
	return pendingEvent{Kind: EventRepresentativeReplaced, Payload: map[string]any{
		"member": m.ExternalID, "from": representativePayload(m.Representative), "to": representativePayload(rep)}}
}

// write stores the planned changes and their events (no summary event).
func (p *memberPlan) write(ctx context.Context, tx Store, actor Actor) error {
	if len(p.create) > 0 {
		if err := tx.CreateMembers(ctx, p.create); err != nil {
			return err
		}
	}
	for _, m := range p.update {
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
	}
	leaving := make([]string, 0, len(p.reps))
	for _, r := range p.reps {
		if err := tx.AddRepresentative(ctx, r.memberID, r.rep); err != nil {
			return err
		}
		leaving = append(leaving, r.member)
	}
	// As replaceRepresentative does for one: the leaving representatives can no longer act for
	// their organisations. One call for them all, not one per row.
	if _, err := tx.RevokeAccessCodes(ctx, 0, leaving, p.now); err != nil {
		return err
	}
	return recordAll(ctx, tx, p.now, actor, 0, p.events)
}

// ImportMembers creates and updates members from rows, all or nothing: when any row is bad,
// nothing is written and the EINVALID error's Details hold one "line N: …" problem per bad
// row. External ids are the key; a row equal to the stored member changes nothing.
func (s *Service) ImportMembers(ctx context.Context, actor Actor, rows []MemberInput, src ImportSource) (*ImportResult, error) {
	if len(rows) == 0 {
		return nil, Errorf(EINVALID, "no members to import")
	}
	now := s.clock.Now()
	var res *ImportResult
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockMembers); err != nil {
			return err
		}
		p, err := newMemberPlan(ctx, tx, now, rows)
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
		p.events = append(p.events, importSummary(EventMembersImported, src, res))
		return p.write(ctx, tx, actor)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// rowLine is the line of row i: its Line, or its position (from 1) when it has none.
func rowLine(line, i int) int {
	if line > 0 {
		return line
	}
	return i + 1
}

// importSummary is the event summing up an import that changed something.
func importSummary(kind string, src ImportSource, res *ImportResult) pendingEvent {
	return pendingEvent{Kind: kind, Payload: map[string]any{
		"source": src.Name, "sha256": src.SHA256, "format": src.Format, "rows": res.Rows,
		"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged}}
}
