package elections

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The nominations of an election (DESIGN.md §4): a member nominates a member of their own
// constituency, the nominee consents, an officer accepts or rejects. The rules that need no
// transaction are in nomination_rules.go; access codes in accesscode_service.go.

// NominationInput is a member's nomination of a member of their constituency.
type NominationInput struct {
	// Nominee is the nominated member's external id (the nominator's own for a
	// self-nomination).
	Nominee string
	// Profile is the candidate's profile; DisplayName defaults to the nominee's name (for
	// an organisation, the name of its representative), Affiliation to the organisation's
	// name when an organisation is nominated.
	Profile CandidateProfile
}

// Nominate records actor's nomination in an election (member role, nominations phase). The
// nominator and the nominee must be members of the same constituency with a contest in the
// election, both eligible on the cut-off day; a self-nomination is consented at once.
func (s *Service) Nominate(ctx context.Context, actor Actor, electionID int64, in NominationInput) (*Nomination, error) {
	switch {
	case actor.Kind != ActorMember:
		return nil, Errorf(EFORBIDDEN, "only members nominate, with their access code")
	case actor.Election != electionID:
		return nil, Errorf(EFORBIDDEN, "your access code is for another election")
	}
	if in.Nominee = strings.TrimSpace(in.Nominee); in.Nominee == "" {
		return nil, &Error{Code: EINVALID, Message: "nominee: required", Details: []string{"nominee: required"}}
	}
	var out *Nomination
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		e, err := tx.ElectionByID(ctx, electionID)
		if err != nil {
			return err
		}
		if err := requireNominationsPhase(e, e.Phase(now), "nominations are accepted"); err != nil {
			return err
		}
		n, err := planNomination(ctx, tx, e, actor.Member, in)
		if err != nil {
			return err
		}
		n.CreatedAt = now
		if n.Status == NominationConsented {
			n.ConsentedAt = now
		}
		if err := tx.CreateNomination(ctx, n); err != nil {
			return err
		}
		out = n
		return record(ctx, tx, now, actor, n.ElectionID, EventNominationCreated, map[string]any{
			"nomination": n.ID, "contest": n.ContestID, "constituency": n.Constituency,
			"nominee": n.Nominee, "nominated_by": n.NominatedBy, "status": n.Status,
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// nominationParties are the nominator and the nominee of a nomination, with the election's
// charter and the nominator's constituency and contest.
type nominationParties struct {
	nominator, nominee *Member
	charter            *Charter
	constituency       *Constituency
	contest            *Contest
}

// planNomination checks a nomination by member nominator in e and returns it, not stored.
func planNomination(ctx context.Context, tx Store, e *Election, nominator string, in NominationInput) (*Nomination, error) {
	p, err := nominationPartiesOf(ctx, tx, e, nominator, in.Nominee)
	if err != nil {
		return nil, err
	}
	profile := completeProfile(in.Profile, p.nominee, p.nominator)
	problems, err := p.problems(ctx, tx, e.Cutoff)
	if err != nil {
		return nil, err
	}
	if problems = append(problems, profileProblems(profile, p.nominee, p.nominator)...); len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	n := &Nomination{
		ElectionID: e.ID, ContestID: p.contest.ID, Constituency: p.contest.Constituency,
		Nominee: p.nominee.ExternalID, NominatedBy: p.nominator.ExternalID, PersonKey: personKey(p.nominee),
		Status: NominationAwaitingConsent, Profile: profile,
	}
	if n.Nominee == n.NominatedBy {
		n.Status = NominationConsented
	}
	if err := p.conflicts(ctx, tx, n); err != nil {
		return nil, err
	}
	return n, nil
}

// nominationPartiesOf loads the nominator and the nominee and checks that they are members
// of one constituency that has a contest in e.
func nominationPartiesOf(ctx context.Context, tx Store, e *Election, nominator, nominee string) (*nominationParties, error) {
	ms, err := tx.MembersByExternalID(ctx, []string{nominator, nominee})
	if err != nil {
		return nil, err
	}
	p := &nominationParties{nominator: ms[nominator], nominee: ms[nominee]}
	switch {
	case p.nominator == nil:
		return nil, Errorf(EFORBIDDEN, "member %s is not on the member roll", nominator)
	case p.nominee == nil:
		return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("nominee: no member %q", nominee),
			Details: []string{fmt.Sprintf("nominee: no member %q", nominee)}}
	}
	if p.charter, err = charterOfElection(ctx, tx, e); err != nil {
		return nil, err
	}
	own := p.nominator.Constituency
	if p.nominee.Constituency != own {
		return nil, Errorf(EINVALID, "%s is a member of %s, not %s; members nominate within their own constituency",
			nominee, constituencyName(p.charter, p.nominee.Constituency), constituencyName(p.charter, own))
	}
	if i := slices.IndexFunc(e.Contests, func(c Contest) bool { return c.Constituency == own }); i >= 0 {
		p.contest = &e.Contests[i]
	}
	p.constituency = rollConstituency(p.charter, own)
	if p.contest == nil || p.constituency == nil {
		return nil, Errorf(EINVALID, "the election has no contest for %s: none of its seats is up",
			constituencyName(p.charter, own))
	}
	return p, nil
}

// problems returns the reasons the nominator or the nominee is not eligible on cutoff, and
// the nominee's term limit.
func (p *nominationParties) problems(ctx context.Context, tx Store, cutoff Date) ([]string, error) {
	var problems []string
	roles := []struct {
		role string
		m    *Member
	}{{"nominator", p.nominator}, {"nominee", p.nominee}}
	if p.nominee.ExternalID == p.nominator.ExternalID {
		roles = roles[1:]
	}
	for _, r := range roles {
		var donated Amount
		if from, to := DonationWindow(p.constituency, cutoff); !from.IsZero() {
			var err error
			if donated, err = tx.DonationTotal(ctx, r.m.ID, from, to); err != nil {
				return nil, err
			}
		}
		el := CheckEligibility(r.m, p.constituency, p.charter.Currency, cutoff, donated)
		switch {
		case el.Eligible:
		case r.m.ExternalID != p.nominator.ExternalID:
			// Another member's reason may name their donations: the nominator learns only
			// that the nominee is not eligible.
			problems = append(problems, fmt.Sprintf("%s %s is not eligible on %s (an officer can tell the nominee why)",
				r.role, r.m.ExternalID, cutoff))
		default:
			problems = append(problems, fmt.Sprintf("%s %s is not eligible on %s: %s", r.role, r.m.ExternalID, cutoff, el.Reason))
		}
	}
	limit, err := termLimitProblem(ctx, tx, p.charter, p.nominee, p.constituency.Key, cutoff)
	if err != nil {
		return nil, err
	}
	if limit != "" {
		problems = append(problems, limit)
	}
	return problems, nil
}

// conflicts refuses n when its nominee already stands in its contest or, under the rule of
// one constituency per nominee, the same person stands in another contest of the election.
func (p *nominationParties) conflicts(ctx context.Context, tx Store, n *Nomination) error {
	same, err := tx.Nominations(ctx, NominationFilter{ContestID: n.ContestID, Nominee: n.Nominee})
	if err != nil {
		return err
	}
	if slices.ContainsFunc(same, func(o Nomination) bool { return o.Status.Active() }) {
		return Errorf(ECONFLICT, "%s is already nominated in %s", n.Nominee, constituencyName(p.charter, n.Constituency))
	}
	if !p.charter.Rules.OneConstituencyPerNominee {
		return nil
	}
	others, err := tx.Nominations(ctx, NominationFilter{ElectionID: n.ElectionID, PersonKey: n.PersonKey})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.Status.Active() && o.ContestID != n.ContestID {
			return Errorf(ECONFLICT, "%s is already nominated in %s in this election; the charter allows one constituency per nominee",
				n.Nominee, constituencyName(p.charter, o.Constituency))
		}
	}
	return nil
}

// nominationChange is one change of a nomination by its nominee or by an officer.
type nominationChange struct {
	// byNominee says only the nominee may make it; otherwise only a reviewer (an officer).
	byNominee bool
	// forbidden is the refusal for anyone else.
	forbidden string
	// phase refuses the change in the election's phase.
	phase func(e *Election, phase Phase) error
	// apply checks the nomination's status and changes it, returning the events to record.
	apply func(ctx context.Context, tx Store, n *Nomination, now time.Time) ([]pendingEvent, error)
}

// changeNomination makes change c to nomination id in one transaction.
func (s *Service) changeNomination(ctx context.Context, actor Actor, id int64, c nominationChange) (*Nomination, error) {
	var out *Nomination
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		n, err := nominationByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.byNominee && !isMemberOf(actor, n.Nominee, n.ElectionID) || !c.byNominee && !isReviewer(actor) {
			return Errorf(EFORBIDDEN, "%s", c.forbidden)
		}
		e, err := tx.ElectionByID(ctx, n.ElectionID)
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		if err := c.phase(e, e.Phase(now)); err != nil {
			return err
		}
		events, err := c.apply(ctx, tx, n, now)
		if err != nil {
			return err
		}
		if err := tx.UpdateNomination(ctx, n); err != nil {
			return err
		}
		out = n
		return recordAll(ctx, tx, now, actor, n.ElectionID, events)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// nominationByID returns nomination id (ENOTFOUND "no nomination N" when none).
func nominationByID(ctx context.Context, st Store, id int64) (*Nomination, error) {
	n, err := st.NominationByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "no nomination %d", id)
	}
	return n, err
}

// nominationEvent is an event about n with the fields every nomination event has.
func nominationEvent(kind string, n *Nomination, more map[string]any) pendingEvent {
	p := map[string]any{"nomination": n.ID, "contest": n.ContestID, "nominee": n.Nominee}
	for k, v := range more {
		p[k] = v
	}
	return pendingEvent{Kind: kind, Payload: p}
}

// Consent records the nominee's consent (nominations phase), optionally with profile changes
// (zero fields keep the current ones).
func (s *Service) Consent(ctx context.Context, actor Actor, nominationID int64, profile CandidateProfile) (*Nomination, error) {
	return s.changeNomination(ctx, actor, nominationID, nominationChange{
		byNominee: true, forbidden: "only the nominee can consent to a nomination",
		phase: func(e *Election, ph Phase) error { return requireNominationsPhase(e, ph, "nominees consent") },
		apply: func(ctx context.Context, tx Store, n *Nomination, now time.Time) ([]pendingEvent, error) {
			if err := requireStatus(n, "only a nomination awaiting consent can be consented to", NominationAwaitingConsent); err != nil {
				return nil, err
			}
			ms, err := tx.MembersByExternalID(ctx, []string{n.Nominee, n.NominatedBy})
			if err != nil {
				return nil, err
			}
			nominee, nominator := ms[n.Nominee], ms[n.NominatedBy]
			if nominee == nil || nominator == nil {
				return nil, Errorf(EINTERNAL, "nomination %d: a member is missing", n.ID)
			}
			next := completeProfile(mergeProfile(n.Profile, profile), nominee, nominator)
			if problems := profileProblems(next, nominee, nominator); len(problems) > 0 {
				return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
			}
			events := []pendingEvent{nominationEvent(EventNominationConsented, n, nil)}
			if fields := profileChanges(n.Profile, next); len(fields) > 0 {
				events = append(events, nominationEvent(EventNominationProfileEdited, n, map[string]any{"fields": fields}))
			}
			n.Profile, n.Status, n.ConsentedAt = next, NominationConsented, now
			return events, nil
		},
	})
}

// profileChanges names the fields that differ between two profiles.
func profileChanges(a, b CandidateProfile) []string {
	var d fieldDiff
	d.compare("display_name", a.DisplayName, b.DisplayName)
	d.compare("pronouns", a.Pronouns, b.Pronouns)
	d.compare("affiliation", a.Affiliation, b.Affiliation)
	d.compare("bio", a.Bio, b.Bio)
	d.compare("statement", a.Statement, b.Statement)
	d.compare("link", a.Link, b.Link)
	return d.names
}

// Decline records that the nominee refuses the nomination (before voting opens).
func (s *Service) Decline(ctx context.Context, actor Actor, nominationID int64) (*Nomination, error) {
	return s.changeNomination(ctx, actor, nominationID, nominationChange{
		byNominee: true, forbidden: "only the nominee can decline a nomination",
		phase: func(e *Election, ph Phase) error { return requireBeforeVoting(e, ph, "a nomination can be declined") },
		apply: func(_ context.Context, _ Store, n *Nomination, _ time.Time) ([]pendingEvent, error) {
			if err := requireStatus(n, "only a nomination awaiting consent or consented can be declined",
				NominationAwaitingConsent, NominationConsented); err != nil {
				return nil, err
			}
			n.Status = NominationDeclined
			return []pendingEvent{nominationEvent(EventNominationDeclined, n, nil)}, nil
		},
	})
}

// AcceptNomination is an officer's acceptance (consent required; before voting opens).
func (s *Service) AcceptNomination(ctx context.Context, actor Actor, nominationID int64, reason string) (*Nomination, error) {
	reason = strings.TrimSpace(reason)
	if hasNUL(reason) {
		return nil, &Error{Code: EINVALID, Message: "reason: " + nulProblem, Details: []string{"reason: " + nulProblem}}
	}
	return s.changeNomination(ctx, actor, nominationID, nominationChange{
		forbidden: "only an officer can accept a nomination",
		phase:     func(e *Election, ph Phase) error { return requireBeforeVoting(e, ph, "nominations can be accepted") },
		apply: func(_ context.Context, _ Store, n *Nomination, now time.Time) ([]pendingEvent, error) {
			if n.Status == NominationAwaitingConsent {
				return nil, Errorf(ECONFLICT, "the nominee has not consented; only a consented nomination can be accepted")
			}
			if err := requireStatus(n, "only a consented nomination can be accepted", NominationConsented); err != nil {
				return nil, err
			}
			n.Status, n.ReviewReason, n.ReviewedBy, n.ReviewedAt = NominationAccepted, reason, actor.String(), now
			return []pendingEvent{nominationEvent(EventNominationAccepted, n, map[string]any{"reason": reason})}, nil
		},
	})
}

// RejectNomination is an officer's rejection with a required reason (before voting opens).
func (s *Service) RejectNomination(ctx context.Context, actor Actor, nominationID int64, reason string) (*Nomination, error) {
	if reason = strings.TrimSpace(reason); reason == "" {
		return nil, &Error{Code: EINVALID, Message: "reason: required", Details: []string{"reason: required"}}
	} else if hasNUL(reason) {
		return nil, &Error{Code: EINVALID, Message: "reason: " + nulProblem, Details: []string{"reason: " + nulProblem}}
	}
	return s.changeNomination(ctx, actor, nominationID, nominationChange{
		forbidden: "only an officer can reject a nomination",
		phase:     func(e *Election, ph Phase) error { return requireBeforeVoting(e, ph, "nominations can be rejected") },
		apply: func(_ context.Context, _ Store, n *Nomination, now time.Time) ([]pendingEvent, error) {
			if err := requireStatus(n, "only a nomination awaiting consent, consented or accepted can be rejected",
				NominationAwaitingConsent, NominationConsented, NominationAccepted); err != nil {
				return nil, err
			}
			n.Status, n.ReviewReason, n.ReviewedBy, n.ReviewedAt = NominationRejected, reason, actor.String(), now
			return []pendingEvent{nominationEvent(EventNominationRejected, n, map[string]any{"reason": reason})}, nil
		},
	})
}

// WithdrawNomination is the nominee withdrawing (before voting opens).
func (s *Service) WithdrawNomination(ctx context.Context, actor Actor, nominationID int64) (*Nomination, error) {
	return s.changeNomination(ctx, actor, nominationID, nominationChange{
		byNominee: true, forbidden: "only the nominee can withdraw a nomination",
		phase: func(e *Election, ph Phase) error { return requireBeforeVoting(e, ph, "a nomination can be withdrawn") },
		apply: func(_ context.Context, _ Store, n *Nomination, now time.Time) ([]pendingEvent, error) {
			if err := requireStatus(n, "only a nomination awaiting consent, consented or accepted can be withdrawn",
				NominationAwaitingConsent, NominationConsented, NominationAccepted); err != nil {
				return nil, err
			}
			n.Status, n.WithdrawnAt = NominationWithdrawn, now
			return []pendingEvent{nominationEvent(EventNominationWithdrawn, n, nil)}, nil
		},
	})
}

// NominationFor returns a nomination to an officer or auditor, or to the member who is its
// nominee or nominator (ENOTFOUND for anyone else).
func (s *Service) NominationFor(ctx context.Context, actor Actor, nominationID int64) (*Nomination, error) {
	n, err := nominationByID(ctx, s.store, nominationID)
	if err != nil {
		return nil, err
	}
	if actor.Kind == ActorMember || actor.Role == RoleMember {
		if !isMemberOf(actor, n.Nominee, n.ElectionID) && !isMemberOf(actor, n.NominatedBy, n.ElectionID) {
			return nil, Errorf(ENOTFOUND, "no nomination %d", nominationID)
		}
	}
	return n, nil
}

// ElectionNominations returns every nomination of an election (officers and auditors).
func (s *Service) ElectionNominations(ctx context.Context, electionID int64) ([]Nomination, error) {
	if _, err := s.store.ElectionByID(ctx, electionID); err != nil {
		return nil, err
	}
	return s.store.Nominations(ctx, NominationFilter{ElectionID: electionID})
}

// Candidates returns the accepted candidates of a contest, by display name, once nominations
// have closed (ECONFLICT naming the phase before). The list is public: PersonKey, which may
// be an e-mail address, is left empty.
func (s *Service) Candidates(ctx context.Context, contestID int64) ([]Nomination, error) {
	c, err := s.store.ContestByID(ctx, contestID)
	if err != nil {
		return nil, err
	}
	e, err := s.store.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	if ph := e.Phase(s.clock.Now()); ph == PhaseAnnounced || ph == PhaseNominations {
		return nil, electionPhaseConflict(ph, "candidates are published when nominations close (%s)",
			e.DeadlineEnd(e.Schedule.NominationsClose).Format(instantLayout))
	}
	ns, err := s.store.Nominations(ctx, NominationFilter{ContestID: contestID})
	if err != nil {
		return nil, err
	}
	out := []Nomination{}
	for _, n := range ns {
		if n.Status == NominationAccepted {
			n.PersonKey = ""
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b Nomination) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Profile.DisplayName), strings.ToLower(b.Profile.DisplayName)),
			cmp.Compare(a.Profile.DisplayName, b.Profile.DisplayName), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
