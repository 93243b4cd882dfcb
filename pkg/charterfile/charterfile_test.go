package charterfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
)

func elected(key, name, category string, seats, cohort int) elections.Constituency {
	return elections.Constituency{
		Key: key, Name: name, Category: category, Seats: seats, Seating: elections.SeatingElected,
		Cohort: cohort, Method: "meek", Uncontested: elections.Acclamation,
		Eligibility: elections.Eligibility{Rule: elections.EligibleByMembership},
	}
}

// TestMatrix checks that the shipped Matrix board reads as DESIGN.md §2's table gives it.
func TestMatrix(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "boards", "matrix.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := charterfile.Parse(data, "matrix.yaml")
	if err != nil {
		t.Fatalf("Parse: %v %v", err, details(err))
	}
	individual := elected("individual", "Individual Members", "Community", 4, 1)
	individual.Eligibility = elections.Eligibility{Rule: elections.EligibleByDonation,
		MinDonation: 6000, WindowStart: elections.MonthDay{Month: 4, Day: 20}}
	platinum := elected("platinum", "Platinum Members", "Funder", 4, 0)
	platinum.MembersPerSeat = 1
	gold := elected("gold", "Gold Members", "Funder", 3, 1)
	gold.MembersPerSeat = 4
	want := &elections.Charter{
		Name:          "The Matrix.org Foundation Governing Board",
		EffectiveFrom: elections.MustDate("2024-01-01"),
		Currency:      "USD",
		TermYears:     2,
		FirstElection: 2024,
		Rules:         elections.CharterRules{OneConstituencyPerNominee: true},
		Constituencies: []elections.Constituency{
			individual,
			elected("ecosystem", "Ecosystem Members", "Community", 3, 0),
			elected("associate", "Associate Members", "Community", 2, 1),
			platinum,
			gold,
			elected("silver", "Silver Members", "Funder", 2, 1),
			elected("guardians", "Guardians", "Foundation", 3, 0),
			elected("spec-core-team", "Spec Core Team", "Foundation", 2, 0),
			{Key: "managing-director", Name: "Managing Director", Category: "Foundation", Seats: 1,
				Seating: elections.SeatingExOfficio},
		},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(elections.Date{})); diff != "" {
		t.Errorf("matrix.yaml (-want +got):\n%s", diff)
	}
	seats := 0
	for _, c := range got.Constituencies {
		seats += c.Seats
	}
	if seats != 24 {
		t.Errorf("matrix.yaml has %d seats, want 24", seats)
	}
}

const minimal = `name: Board
effective_from: 2026-01-01
currency: EUR
term_years: 3
first_election: 2026
`

// TestFull reads every key, in JSON as well as YAML.
func TestFull(t *testing.T) {
	yamlText := minimal + `rules:
  one_constituency_per_nominee: false
  affiliation_cap: {max: 2, scope: board}
  term_limit: {max_consecutive_terms: 2}
  quorum: {min_turnout_percent: 10}
  roll_additions_after_freeze: true
  runoff_on_tie: true
constituencies:
  - key: members
    name: Members
    category: Community
    seats: 5
    members_per_seat: 50
    seating: elected
    cohort: 2
    method: scottish
    uncontested: confidence
    eligibility: {rule: donation, min_donation: 60.5, window_start: "01-01"}
    quorum: {min_turnout_percent: 20}
  - key: chair
    name: Chair
    category: Officers
    seats: 1
    seating: appointed
`
	jsonText := `{"name": "Board", "effective_from": "2026-01-01", "currency": "EUR", "term_years": 3,
 "first_election": 2026,
 "rules": {"one_constituency_per_nominee": false, "affiliation_cap": {"max": 2, "scope": "board"},
   "term_limit": {"max_consecutive_terms": 2}, "quorum": {"min_turnout_percent": 10},
   "roll_additions_after_freeze": true, "runoff_on_tie": true},
 "constituencies": [
  {"key": "members", "name": "Members", "category": "Community", "seats": 5, "members_per_seat": 50,
   "seating": "elected", "cohort": 2, "method": "scottish", "uncontested": "confidence",
   "eligibility": {"rule": "donation", "min_donation": "60.50", "window_start": "01-01"},
   "quorum": {"min_turnout_percent": 20}},
  {"key": "chair", "name": "Chair", "category": "Officers", "seats": 1, "seating": "appointed"}]}`
	want := &elections.Charter{
		Name: "Board", EffectiveFrom: elections.MustDate("2026-01-01"), Currency: "EUR", TermYears: 3,
		FirstElection: 2026,
		Rules: elections.CharterRules{
			AffiliationCap:           &elections.AffiliationCap{Max: 2, Scope: "board"},
			TermLimit:                &elections.TermLimit{MaxConsecutiveTerms: 2},
			Quorum:                   &elections.Quorum{MinTurnoutPercent: 10},
			RollAdditionsAfterFreeze: true,
			RunoffOnTie:              true,
		},
		Constituencies: []elections.Constituency{
			{Key: "members", Name: "Members", Category: "Community", Seats: 5, MembersPerSeat: 50,
				Seating: elections.SeatingElected, Cohort: 2, Method: "scottish", Uncontested: elections.ConfidenceVote,
				Eligibility: elections.Eligibility{Rule: elections.EligibleByDonation, MinDonation: 6050,
					WindowStart: elections.MonthDay{Month: 1, Day: 1}},
				Quorum: &elections.Quorum{MinTurnoutPercent: 20}},
			{Key: "chair", Name: "Chair", Category: "Officers", Seats: 1, Seating: elections.SeatingAppointed},
		},
	}
	for name, text := range map[string]string{"yaml": yamlText, "json": jsonText} {
		got, err := charterfile.Parse([]byte(text), name)
		if err != nil {
			t.Fatalf("%s: %v %v", name, err, details(err))
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(elections.Date{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

// TestDefaults checks what an omitted or empty key means.
func TestDefaults(t *testing.T) {
	got, err := charterfile.Parse([]byte(minimal+"rules:\nconstituencies: ~\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Rules.OneConstituencyPerNominee {
		t.Error("one_constituency_per_nominee is off by default; want on")
	}
	if got.Rules.RunoffOnTie {
		t.Error("runoff_on_tie is on by default; want off")
	}
	got, err = charterfile.Parse([]byte(minimal+"rules: {affiliation_cap: {max: 1, scope: contest}}\n"), "c.yaml")
	if err != nil || !got.Rules.OneConstituencyPerNominee {
		t.Errorf("rules without one_constituency_per_nominee: %+v, %v; want it on", got, err)
	}
}

func TestProblems(t *testing.T) {
	const two = "name: B\neffective_from: 2024-01-01\ncurrency: USD\nterm_years: 2\nfirst_election: 2024\n"
	const c = "constituencies:\n  - key: gold\n    seating: elected\n"
	tests := []struct {
		name, text string
		want       []string // "LINE: text the problem contains"
	}{
		{"empty", "", []string{"1: the file is empty"}},
		{"comment only", "# nothing\n", []string{"1: the file is empty"}},
		{"syntax", "name: B\nseats: [1,\n", []string{"2: did not find expected node content"}},
		{"two documents", "name: B\n---\nname: C\n", []string{"2: a second YAML document"}},
		{"not a mapping", "- a\n- b\n", []string{"1: charter: must be a mapping"}},
		{"unknown key", two + "seats: 4\n", []string{`6: charter: unknown key "seats" (known: name, effective_from,`}},
		{"duplicate key", two + "name: C\n", []string{`6: charter: key "name" is given twice (first on line 1)`}},
		{"wrong types", "name: [B]\neffective_from: 2024-01-01\ncurrency: 840\nterm_years: two\nfirst_election: 2024.5\n",
			[]string{"1: name: must be text, not a list", "3: currency: must be text, not the number 840",
				`4: term_years: must be a whole number, not the text "two"`,
				"5: first_election: must be a whole number, not the number 2024.5"}},
		{"bad date", "name: B\neffective_from: 2024-02-30\n", []string{`2: effective_from: "2024-02-30" is not a date`}},
		{"short date", "effective_from: 2024-1-1\n", []string{`1: effective_from: "2024-1-1" is not a date`}},
		{"date as a mapping", "effective_from: {y: 2024}\n", []string{"1: effective_from: must be a date written YYYY-MM-DD, not a mapping"}},
		{"rules", two + "rules:\n  quorum: 10\n  term_limit: {max: 2}\n  one_constituency_per_nominee: yes\n",
			[]string{"7: rules.quorum: must be a mapping of keys to values, not the number 10",
				`8: rules.term_limit: unknown key "max" (known: max_consecutive_terms)`,
				`9: rules.one_constituency_per_nominee: must be true or false, not the text "yes"`}},
		{"runoff_on_tie", two + "rules:\n  runoff_on_tie: 1\n",
			[]string{"7: rules.runoff_on_tie: must be true or false, not the number 1"}},
		{"constituencies not a list", two + "constituencies: {gold: 3}\n", []string{"6: constituencies: must be a list, not a mapping"}},
		{"constituency keys", two + c + "    elected_in: odd\n    seat: 3\n    seats: 3\n    seats: 4\n",
			[]string{`10: constituency "gold": unknown key "seat"`,
				`12: constituency "gold": key "seats" is given twice (first on line 11)`}},
		{"constituency without key", two + "constituencies:\n  - name: X\n    seats: three\n",
			[]string{`8: constituency 1: seats: must be a whole number`}},
		{"bad amount and window", two + c + "    elected_in: odd\n    eligibility:\n      rule: donation\n" +
			"      min_donation: 60.001\n      window_start: 02-29\n",
			[]string{`12: constituency "gold": eligibility.min_donation: "60.001" is not an amount`,
				`13: constituency "gold": eligibility.window_start: "02-29" is not a day of the year`}},
		{"amount with a sign", two + c + "    elected_in: odd\n    eligibility: {min_donation: -5}\n",
			[]string{`10: constituency "gold": eligibility.min_donation: "-5" is not an amount`}},
		{"elected_in and cohort", two + c + "    elected_in: odd\n    cohort: 1\n",
			[]string{`9: constituency "gold": give elected_in or cohort, not both`}},
		{"elected_in other", two + c + "    elected_in: leap\n",
			[]string{`9: constituency "gold": elected_in: must be even or odd, not the text "leap"`}},
		{"elected_in with 3-year terms", strings.Replace(two, "term_years: 2", "term_years: 3", 1) + c + "    elected_in: even\n",
			[]string{`9: constituency "gold": elected_in (even or odd) needs term_years: 2 (it is 3); use cohort`}},
		{"neither elected_in nor cohort", two + c,
			[]string{`7: constituency "gold": an elected constituency needs elected_in (even or odd) or cohort`}},
		{"alias", two + "constituencies:\n  - &g {key: gold, seating: elected, cohort: 1}\n  - *g\n",
			[]string{`8: constituency 2: aliases (*name) are not supported`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := charterfile.Parse([]byte(tt.text), "board.yaml")
			var e *elections.Error
			if !errors.As(err, &e) || e.Code != elections.EINVALID {
				t.Fatalf("Parse = %+v, %v; want an EINVALID *elections.Error", c, err)
			}
			if e.Message != e.Details[0] {
				t.Errorf("Message %q is not the first detail %q", e.Message, e.Details[0])
			}
			if len(e.Details) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant %d:\n%s", strings.Join(e.Details, "\n"), len(tt.want), strings.Join(tt.want, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(e.Details[i], "board.yaml:"+w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, e.Details[i], "board.yaml:"+w)
				}
			}
		})
	}
}

func details(err error) []string {
	var e *elections.Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
