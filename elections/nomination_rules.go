package elections

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// The rules of nominations that need no transaction of their own: who may act, the phases,
// the candidate profile, the person behind a member record and the term limit. The use cases
// are in nomination_service.go.

// The longest values of a candidate profile, in characters.
const (
	maxDisplayName = 100
	maxPronouns    = 40
	maxAffiliation = 200
	maxBio         = 500
	maxStatement   = 5000
	maxLink        = 500
)

// isReviewer reports whether actor may review nominations and issue access codes: anyone but
// a member or an auditor (the API admits officers; the command line and the service itself
// act as officers).
func isReviewer(actor Actor) bool {
	return actor.Kind != ActorMember && actor.Role != RoleMember && actor.Role != RoleAuditor
}

// isMemberOf reports whether actor is member signed in for election.
func isMemberOf(actor Actor, member string, election int64) bool {
	return actor.Kind == ActorMember && actor.Member == member && actor.Election == election
}

// nominationsWindow describes the nominations phase for messages, e.g. "2026-05-02 to
// 2026-05-15, utc".
func nominationsWindow(e *Election) string {
	return fmt.Sprintf("%s to %s, %s", e.Schedule.NominationsOpen, e.Schedule.NominationsClose, e.Deadlines)
}

// requireNominationsPhase refuses action (e.g. "nominations are accepted") outside the
// nominations phase.
func requireNominationsPhase(e *Election, phase Phase, action string) error {
	if phase == PhaseNominations {
		return nil
	}
	return electionPhaseConflict(phase, "%s only in the nominations phase (%s)", action, nominationsWindow(e))
}

// requireBeforeVoting refuses action (e.g. "a nomination can be withdrawn") once voting has
// opened.
func requireBeforeVoting(e *Election, phase Phase, action string) error {
	switch phase {
	case PhaseAnnounced, PhaseNominations, PhaseCampaigning:
		return nil
	}
	return electionPhaseConflict(phase, "%s only before voting opens (%s)", action, e.Schedule.VotingOpen)
}

// requireStatus refuses action on n unless its status is one of allowed.
func requireStatus(n *Nomination, action string, allowed ...NominationStatus) error {
	if slices.Contains(allowed, n.Status) {
		return nil
	}
	return Errorf(ECONFLICT, "the nomination is %s; %s", strings.ReplaceAll(string(n.Status), "_", " "), action)
}

// constituencyName names constituency key of ch in messages: its quoted display name, or the
// quoted key when ch does not have it.
func constituencyName(ch *Charter, key string) string {
	if k := rollConstituency(ch, key); k != nil {
		return fmt.Sprintf("%q", k.Name)
	}
	return fmt.Sprintf("%q", key)
}

// personKey returns what recognises the person behind member m across member records: the
// e-mail address of a person, or of an organisation's current representative, in lower case;
// "member:<external id>" when there is none.
func personKey(m *Member) string {
	email := m.Email
	if m.Kind == MemberOrganisation {
		email = ""
		if m.Representative != nil {
			email = m.Representative.Email
		}
	}
	if email = strings.ToLower(strings.TrimSpace(email)); email != "" {
		return email
	}
	return "member:" + m.ExternalID
}

// mergeProfile returns cur with the non-empty fields of p.
func mergeProfile(cur, p CandidateProfile) CandidateProfile {
	set := func(dst *string, v string) {
		if strings.TrimSpace(v) != "" {
			*dst = v
		}
	}
	set(&cur.DisplayName, p.DisplayName)
	set(&cur.Pronouns, p.Pronouns)
	set(&cur.Affiliation, p.Affiliation)
	set(&cur.Bio, p.Bio)
	set(&cur.Statement, p.Statement)
	set(&cur.Link, p.Link)
	return cur
}

// completeProfile trims p and fills its defaults from the nominee and the nominator: the
// display name is the person's name or the organisation's representative's; the affiliation
// is the nominee's organisation, else the nominating organisation.
func completeProfile(p CandidateProfile, nominee, nominator *Member) CandidateProfile {
	for _, f := range []*string{&p.DisplayName, &p.Pronouns, &p.Affiliation, &p.Bio, &p.Statement, &p.Link} {
		*f = strings.TrimSpace(*f)
	}
	if p.DisplayName == "" {
		switch {
		case nominee.Kind == MemberPerson:
			p.DisplayName = nominee.Name
		case nominee.Representative != nil:
			p.DisplayName = nominee.Representative.Name
		}
	}
	if p.Affiliation == "" {
		switch {
		case nominee.Kind == MemberOrganisation:
			p.Affiliation = nominee.Name
		case nominator.Kind == MemberOrganisation:
			p.Affiliation = nominator.Name
		}
	}
	return p
}

// profileProblems returns every problem of a completed profile; the affiliation is required
// when an organisation is nominated or nominates.
func profileProblems(p CandidateProfile, nominee, nominator *Member) []string {
	var problems rowProblems
	if p.DisplayName == "" {
		problems.add(0, "display_name", "required (the organisation has no representative to default to)")
	}
	if p.Affiliation == "" && (nominee.Kind == MemberOrganisation || nominator.Kind == MemberOrganisation) {
		problems.add(0, "affiliation", "required when an organisation is nominated or nominates")
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{
		{"display_name", p.DisplayName, maxDisplayName}, {"pronouns", p.Pronouns, maxPronouns},
		{"affiliation", p.Affiliation, maxAffiliation}, {"bio", p.Bio, maxBio},
		{"statement", p.Statement, maxStatement}, {"link", p.Link, maxLink},
	} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			problems.add(0, f.field, "at most %d characters (%d given)", f.max, n)
		}
		if hasNUL(f.value) {
			problems.add(0, f.field, nulProblem)
		}
	}
	if p.Link != "" && !isWebLink(p.Link) {
		problems.add(0, "link", "%q is not an http:// or https:// URL", p.Link)
	}
	return problems
}

// isWebLink reports whether s is an absolute http or https URL with a host.
func isWebLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// termChainGap is how long after a term's end the next may start and still be consecutive.
const termChainGap = 366

// consecutiveTerms counts the nominee's consecutive terms in a constituency that reach the
// election: terms held by member, chained when each starts within 366 days of the previous
// one's end, the last ending on or after cutoff minus 366 days. terms are the
// constituency's terms.
func consecutiveTerms(terms []Term, member string, cutoff Date) int {
	var held []Term
	for _, t := range terms {
		if t.MemberExternalID == member && t.Start.Before(cutoff) {
			held = append(held, t)
		}
	}
	slices.SortFunc(held, func(a, b Term) int { return cmp.Or(a.Start.Compare(b.Start), a.Until().Compare(b.Until())) })
	n := len(held)
	if n == 0 || held[n-1].Until().Before(cutoff.AddDays(-termChainGap)) {
		return 0
	}
	count := 1
	for i := n - 1; i > 0; i-- {
		if held[i].Start.After(held[i-1].Until().AddDays(termChainGap)) {
			break
		}
		count++
	}
	return count
}

// termLimitProblem returns the refusal of a nominee over the charter's term limit, or "".
func termLimitProblem(ctx context.Context, st Store, ch *Charter, nominee *Member, constituency string,
	cutoff Date) (string, error) {
	if ch.Rules.TermLimit == nil {
		return "", nil
	}
	terms, err := st.Terms(ctx, TermFilter{Constituency: constituency})
	if err != nil {
		return "", err
	}
	n, limit := consecutiveTerms(terms, nominee.ExternalID, cutoff), ch.Rules.TermLimit.MaxConsecutiveTerms
	if n < limit {
		return "", nil
	}
	return fmt.Sprintf("%s has served %d consecutive terms; the charter allows at most %d", nominee.ExternalID, n, limit), nil
}
