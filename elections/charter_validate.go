package elections

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/govboard/govboard/pkg/tally"
)

var (
	currencyPattern        = regexp.MustCompile(`^[A-Z]{3}$`)
	constituencyKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
)

// Bounds of a charter's numbers.
const (
	maxTermYears     = 10
	minElectionYear  = 1900
	maxElectionYear  = 9999
	maxSeatsPerGroup = 100
)

// validateCharter returns every problem of c's content, in charter order; nil when there is
// none. Whether c may follow the latest version (its EffectiveFrom) is checked by ApplyCharter.
func validateCharter(c *Charter) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(c.Name) == "" {
		add("name is required")
	} else if hasNUL(c.Name) {
		add("name %s", nulProblem)
	}
	if !currencyPattern.MatchString(c.Currency) {
		add("currency %q is not a three-letter ISO 4217 code such as USD", c.Currency)
	}
	termYearsOK := c.TermYears >= 1 && c.TermYears <= maxTermYears
	if !termYearsOK {
		add("term_years must be between 1 and %d, not %d", maxTermYears, c.TermYears)
	}
	if c.FirstElection < minElectionYear || c.FirstElection > maxElectionYear {
		add("first_election must be a year between %d and %d, not %d", minElectionYear, maxElectionYear, c.FirstElection)
	}
	if c.EffectiveFrom.IsZero() {
		add("effective_from is required")
	}
	problems = append(problems, validateRules(&c.Rules)...)
	if len(c.Constituencies) == 0 {
		add("at least one constituency is required")
	}
	seen := make(map[string]int, len(c.Constituencies))
	for i := range c.Constituencies {
		k := &c.Constituencies[i]
		label := fmt.Sprintf("constituency %q", k.Key)
		if !constituencyKeyPattern.MatchString(k.Key) {
			label = fmt.Sprintf("constituency %d", i+1)
			add("%s: key %q must be 1 to 32 lower case letters, digits and hyphens, starting with a letter", label, k.Key)
		} else if first, dup := seen[k.Key]; dup {
			add("%s: key is used twice (constituencies %d and %d)", label, first, i+1)
		} else {
			seen[k.Key] = i + 1
		}
		for _, p := range validateConstituency(k, c.TermYears, termYearsOK) {
			add("%s: %s", label, p)
		}
	}
	return problems
}

// validateRules returns the problems of a charter's optional rules.
func validateRules(r *CharterRules) []string {
	var problems []string
	if r.AffiliationCap != nil {
		if r.AffiliationCap.Max < 1 {
			problems = append(problems, fmt.Sprintf("rules: affiliation_cap max must be at least 1, not %d", r.AffiliationCap.Max))
		}
		if s := r.AffiliationCap.Scope; s != CapBoard && s != CapContest {
			problems = append(problems, fmt.Sprintf("rules: affiliation_cap scope %q is not %s or %s", s, CapBoard, CapContest))
		}
	}
	if r.TermLimit != nil && r.TermLimit.MaxConsecutiveTerms < 1 {
		problems = append(problems, fmt.Sprintf("rules: term_limit max_consecutive_terms must be at least 1, not %d",
			r.TermLimit.MaxConsecutiveTerms))
	}
	if p := validateQuorum(r.Quorum); p != "" {
		problems = append(problems, "rules: "+p)
	}
	return problems
}

// validateQuorum returns the problem of a quorum, or "".
func validateQuorum(q *Quorum) string {
	if q != nil && (q.MinTurnoutPercent < 1 || q.MinTurnoutPercent > 100) {
		return fmt.Sprintf("quorum min_turnout_percent must be between 1 and 100, not %d", q.MinTurnoutPercent)
	}
	return ""
}

// validateConstituency returns the problems of one constituency, without its key. The cohort's
// upper bound is checked only when the charter's term_years is valid.
func validateConstituency(k *Constituency, termYears int, termYearsOK bool) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(k.Name) == "" {
		add("name is required")
	} else if hasNUL(k.Name) {
		add("name %s", nulProblem)
	}
	if strings.TrimSpace(k.Category) == "" {
		add("category is required")
	} else if hasNUL(k.Category) {
		add("category %s", nulProblem)
	}
	if k.Seats < 1 || k.Seats > maxSeatsPerGroup {
		add("seats must be between 1 and %d, not %d", maxSeatsPerGroup, k.Seats)
	}
	switch k.Seating {
	case SeatingElected:
		if k.MembersPerSeat < 0 {
			add("members_per_seat must not be negative, not %d", k.MembersPerSeat)
		}
		problems = append(problems, validateElected(k, termYears, termYearsOK)...)
	case SeatingExOfficio, SeatingAppointed:
		problems = append(problems, validateNotElected(k)...)
	default:
		add("seating %q is not %s, %s or %s", k.Seating, SeatingElected, SeatingExOfficio, SeatingAppointed)
	}
	return problems
}

// validateElected returns the problems of an elected constituency's election settings.
func validateElected(k *Constituency, termYears int, termYearsOK bool) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if k.Cohort < 0 || (termYearsOK && k.Cohort >= termYears) {
		add("cohort must be between 0 and %d (term_years %d), not %d", max(termYears-1, 0), termYears, k.Cohort)
	}
	if methods := tally.Methods(); !slices.Contains(methods, k.Method) {
		add("method %q is not a counting method (%s)", k.Method, strings.Join(methods, ", "))
	}
	if k.Uncontested != Acclamation && k.Uncontested != ConfidenceVote {
		add("uncontested %q is not %s or %s", k.Uncontested, Acclamation, ConfidenceVote)
	}
	e := k.Eligibility
	switch e.Rule {
	case EligibleByDonation:
		if e.MinDonation <= 0 {
			add("eligibility min_donation must be more than 0.00 for the donation rule")
		}
		if e.WindowStart.IsZero() {
			add("eligibility window_start is required for the donation rule")
		} else if _, err := ParseMonthDay(e.WindowStart.String()); err != nil {
			add("eligibility window_start %02d-%02d is not a day of the year (29 February is refused)",
				int(e.WindowStart.Month), e.WindowStart.Day)
		}
	case EligibleByMembership:
		if e.MinDonation != 0 {
			add("eligibility min_donation is only for the donation rule")
		}
		if !e.WindowStart.IsZero() {
			add("eligibility window_start is only for the donation rule")
		}
	default:
		add("eligibility rule %q is not %s or %s", e.Rule, EligibleByMembership, EligibleByDonation)
	}
	if p := validateQuorum(k.Quorum); p != "" {
		add("%s", p)
	}
	return problems
}

// validateNotElected returns the problems of an ex officio or appointed constituency: the
// election settings must be unset.
func validateNotElected(k *Constituency) []string {
	var unset []string
	if k.MembersPerSeat != 0 {
		unset = append(unset, "members_per_seat")
	}
	if k.Cohort != 0 {
		unset = append(unset, "cohort")
	}
	if k.Method != "" {
		unset = append(unset, "method")
	}
	if k.Uncontested != "" {
		unset = append(unset, "uncontested")
	}
	if k.Eligibility != (Eligibility{}) {
		unset = append(unset, "eligibility")
	}
	if k.Quorum != nil {
		unset = append(unset, "quorum")
	}
	problems := make([]string, len(unset))
	for i, f := range unset {
		problems[i] = fmt.Sprintf("%s is only for elected constituencies, not %s", f, k.Seating)
	}
	return problems
}
