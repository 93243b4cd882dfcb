package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

var boardOfficer = elections.Actor{Kind: elections.ActorUser, ID: 7, Role: elections.RoleOfficer}

// boardDates lets cmp compare elections.Date, whose field is unexported.
var boardDates = cmp.Comparer(func(a, b elections.Date) bool { return a.Compare(b) == 0 })

// newBoardService returns a service on an empty in-memory store with a clock at now.
func newBoardService(t *testing.T, now time.Time) (*elections.Service, *electionstest.Store, *electionstest.Clock) {
	t.Helper()
	st, clock := electionstest.NewStore(), electionstest.NewClock(now)
	svc, err := elections.NewService(st, clock, &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, clock
}

// electedConstituency returns an elected constituency counted by meek, seated by acclamation
// when uncontested, open to its members.
func electedConstituency(key, name, category string, seats, cohort, membersPerSeat int) elections.Constituency {
	return elections.Constituency{
		Key: key, Name: name, Category: category, Seats: seats, MembersPerSeat: membersPerSeat,
		Seating: elections.SeatingElected, Cohort: cohort, Method: "meek", Uncontested: elections.Acclamation,
		Eligibility: elections.Eligibility{Rule: elections.EligibleByMembership},
	}
}

// matrixCharter returns the Matrix.org Foundation Governing Board of DESIGN.md §2, as
// testdata/boards/matrix.yaml describes it.
func matrixCharter() *elections.Charter {
	const odd, even = 1, 0
	individual := electedConstituency("individual", "Individual Members", "Community", 4, odd, 0)
	individual.Eligibility = elections.Eligibility{Rule: elections.EligibleByDonation, MinDonation: 60_00,
		WindowStart: elections.MonthDay{Month: time.April, Day: 20}}
	return &elections.Charter{
		Name:          "The Matrix.org Foundation Governing Board",
		EffectiveFrom: elections.MustDate("2024-01-01"),
		Currency:      "USD",
		TermYears:     2,
		FirstElection: 2024,
		Rules:         elections.CharterRules{OneConstituencyPerNominee: true},
		Constituencies: []elections.Constituency{
			individual,
			electedConstituency("ecosystem", "Ecosystem Members", "Community", 3, even, 0),
			electedConstituency("associate", "Associate Members", "Community", 2, odd, 0),
			electedConstituency("platinum", "Platinum Members", "Funder", 4, even, 1),
			electedConstituency("gold", "Gold Members", "Funder", 3, odd, 4),
			electedConstituency("silver", "Silver Members", "Funder", 2, odd, 0),
			electedConstituency("guardians", "Guardians", "Foundation", 3, even, 0),
			electedConstituency("spec-core-team", "Spec Core Team", "Foundation", 2, even, 0),
			{Key: "managing-director", Name: "Managing Director", Category: "Foundation", Seats: 1,
				Seating: elections.SeatingExOfficio},
		},
	}
}

// charterConstituency returns a pointer to the constituency key of c.
func charterConstituency(c *elections.Charter, key string) *elections.Constituency {
	for i := range c.Constituencies {
		if c.Constituencies[i].Key == key {
			return &c.Constituencies[i]
		}
	}
	panic("no constituency " + key)
}

// boardApplyCharter applies c and fails the test on an error.
func boardApplyCharter(t *testing.T, svc *elections.Service, c *elections.Charter) *elections.Charter {
	t.Helper()
	applied, _, err := svc.ApplyCharter(context.Background(), boardOfficer, c)
	if err != nil {
		t.Fatalf("ApplyCharter: %v", err)
	}
	return applied
}

// boardEvents returns every event of kind.
func boardEvents(t *testing.T, st *electionstest.Store, kind string) []elections.Event {
	t.Helper()
	es, err := st.ListEvents(context.Background(), elections.EventFilter{Kind: kind, Limit: elections.MaxEventPage})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestApplyCharterRefusesInvalid(t *testing.T) {
	methods := "approval, confidence, cumulative, ers97, irv, meek, plurality, rankedpairs, schulze, scottish"
	tests := []struct {
		name   string
		change func(c *elections.Charter)
		want   []string
	}{
		{"no name", func(c *elections.Charter) { c.Name = " " }, []string{"name is required"}},
		{"lower-case currency", func(c *elections.Charter) { c.Currency = "usd" },
			[]string{`currency "usd" is not a three-letter ISO 4217 code such as USD`}},
		{"no term years", func(c *elections.Charter) { c.TermYears = 0 },
			[]string{"term_years must be between 1 and 10, not 0"}},
		{"term years over 10", func(c *elections.Charter) { c.TermYears = 11 },
			[]string{"term_years must be between 1 and 10, not 11"}},
		{"first election too early", func(c *elections.Charter) { c.FirstElection = 1899 },
			[]string{"first_election must be a year between 1900 and 9999, not 1899"}},
		{"first election too late", func(c *elections.Charter) { c.FirstElection = 10000 },
			[]string{"first_election must be a year between 1900 and 9999, not 10000"}},
		{"no effective date", func(c *elections.Charter) { c.EffectiveFrom = elections.Date{} },
			[]string{"effective_from is required"}},
		{"no constituency", func(c *elections.Charter) { c.Constituencies = nil },
			[]string{"at least one constituency is required"}},
		{"bad key", func(c *elections.Charter) { c.Constituencies[1].Key = "Eco" },
			[]string{`constituency 2: key "Eco" must be 1 to 32 lower case letters, digits and hyphens, starting with a letter`}},
		{"key too long", func(c *elections.Charter) { c.Constituencies[1].Key = "e" + strings.Repeat("x", 32) },
			[]string{`constituency 2: key "e` + strings.Repeat("x", 32) + `" must be 1 to 32 lower case letters, digits and hyphens, starting with a letter`}},
		{"duplicate key", func(c *elections.Charter) { c.Constituencies[5].Key = "gold" },
			[]string{`constituency "gold": key is used twice (constituencies 5 and 6)`}},
		// PostgreSQL cannot store a NUL character; SQLite can: refused on every engine.
		{"NUL characters", func(c *elections.Charter) {
			c.Name, c.Constituencies[4].Name, c.Constituencies[4].Category = "Board\x00", "Gold\x00", "Funder\x00"
		}, []string{`name must not contain a NUL character (\u0000)`, `constituency "gold": name must not contain a NUL character (\u0000)`,
			`constituency "gold": category must not contain a NUL character (\u0000)`}},
		{"no name and category", func(c *elections.Charter) { c.Constituencies[4].Name, c.Constituencies[4].Category = "", "" },
			[]string{`constituency "gold": name is required`, `constituency "gold": category is required`}},
		{"no seats", func(c *elections.Charter) { charterConstituency(c, "silver").Seats = 0 },
			[]string{`constituency "silver": seats must be between 1 and 100, not 0`}},
		{"too many seats", func(c *elections.Charter) { charterConstituency(c, "silver").Seats = 101 },
			[]string{`constituency "silver": seats must be between 1 and 100, not 101`}},
		{"negative ratio", func(c *elections.Charter) { charterConstituency(c, "gold").MembersPerSeat = -1 },
			[]string{`constituency "gold": members_per_seat must not be negative, not -1`}},
		{"unknown seating", func(c *elections.Charter) { charterConstituency(c, "gold").Seating = "voted" },
			[]string{`constituency "gold": seating "voted" is not elected, ex_officio or appointed`}},
		{"cohort out of range", func(c *elections.Charter) { charterConstituency(c, "gold").Cohort = 2 },
			[]string{`constituency "gold": cohort must be between 0 and 1 (term_years 2), not 2`}},
		{"negative cohort", func(c *elections.Charter) { charterConstituency(c, "gold").Cohort = -1 },
			[]string{`constituency "gold": cohort must be between 0 and 1 (term_years 2), not -1`}},
		{"unknown method", func(c *elections.Charter) { charterConstituency(c, "gold").Method = "foo" },
			[]string{`constituency "gold": method "foo" is not a counting method (` + methods + `)`}},
		{"no uncontested policy", func(c *elections.Charter) { charterConstituency(c, "gold").Uncontested = "" },
			[]string{`constituency "gold": uncontested "" is not acclamation or confidence`}},
		{"unknown eligibility rule", func(c *elections.Charter) { charterConstituency(c, "gold").Eligibility.Rule = "lottery" },
			[]string{`constituency "gold": eligibility rule "lottery" is not membership or donation`}},
		{"donation rule without threshold and window", func(c *elections.Charter) {
			charterConstituency(c, "individual").Eligibility = elections.Eligibility{Rule: elections.EligibleByDonation}
		}, []string{
			`constituency "individual": eligibility min_donation must be more than 0.00 for the donation rule`,
			`constituency "individual": eligibility window_start is required for the donation rule`,
		}},
		{"donation window on 29 February", func(c *elections.Charter) {
			charterConstituency(c, "individual").Eligibility.WindowStart = elections.MonthDay{Month: time.February, Day: 29}
		}, []string{`constituency "individual": eligibility window_start 02-29 is not a day of the year (29 February is refused)`}},
		{"membership rule with donation settings", func(c *elections.Charter) {
			charterConstituency(c, "individual").Eligibility.Rule = elections.EligibleByMembership
		}, []string{
			`constituency "individual": eligibility min_donation is only for the donation rule`,
			`constituency "individual": eligibility window_start is only for the donation rule`,
		}},
		{"constituency quorum over 100", func(c *elections.Charter) {
			charterConstituency(c, "gold").Quorum = &elections.Quorum{MinTurnoutPercent: 101}
		}, []string{`constituency "gold": quorum min_turnout_percent must be between 1 and 100, not 101`}},
		{"ex officio with election settings", func(c *elections.Charter) {
			md := charterConstituency(c, "managing-director")
			md.MembersPerSeat, md.Cohort, md.Method, md.Uncontested = 1, 1, "meek", elections.Acclamation
			md.Eligibility.Rule, md.Quorum = elections.EligibleByMembership, &elections.Quorum{MinTurnoutPercent: 10}
		}, []string{
			`constituency "managing-director": members_per_seat is only for elected constituencies, not ex_officio`,
			`constituency "managing-director": cohort is only for elected constituencies, not ex_officio`,
			`constituency "managing-director": method is only for elected constituencies, not ex_officio`,
			`constituency "managing-director": uncontested is only for elected constituencies, not ex_officio`,
			`constituency "managing-director": eligibility is only for elected constituencies, not ex_officio`,
			`constituency "managing-director": quorum is only for elected constituencies, not ex_officio`,
		}},
		{"bad rules", func(c *elections.Charter) {
			c.Rules.AffiliationCap = &elections.AffiliationCap{Max: 0, Scope: "world"}
			c.Rules.TermLimit = &elections.TermLimit{}
			c.Rules.Quorum = &elections.Quorum{}
		}, []string{
			"rules: affiliation_cap max must be at least 1, not 0",
			`rules: affiliation_cap scope "world" is not board or contest`,
			"rules: term_limit max_consecutive_terms must be at least 1, not 0",
			"rules: quorum min_turnout_percent must be between 1 and 100, not 0",
		}},
		{"everything at once", func(c *elections.Charter) {
			c.Name, c.Currency, c.TermYears = "", "", 0
			charterConstituency(c, "gold").Method = ""
			charterConstituency(c, "silver").Seats = 0
		}, []string{
			"name is required",
			`currency "" is not a three-letter ISO 4217 code such as USD`,
			"term_years must be between 1 and 10, not 0",
			`constituency "gold": method "" is not a counting method (` + methods + `)`,
			`constituency "silver": seats must be between 1 and 100, not 0`,
		}},
	}
	ctx := context.Background()
	svc, st, _ := newBoardService(t, time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := matrixCharter()
			tt.change(c)
			_, _, err := svc.ApplyCharter(ctx, boardOfficer, c)
			var e *elections.Error
			if !errors.As(err, &e) || e.Code != elections.EINVALID {
				t.Fatalf("ApplyCharter error %v, want %s", err, elections.EINVALID)
			}
			if diff := cmp.Diff(tt.want, e.Details); diff != "" || e.Message != tt.want[0] {
				t.Errorf("problems (-want +got):\n%s\nmessage %q", diff, e.Message)
			}
		})
	}
	if _, _, err := svc.ApplyCharter(ctx, boardOfficer, nil); elections.ErrorCode(err) != elections.EINVALID {
		t.Errorf("ApplyCharter(nil): %v, want %s", err, elections.EINVALID)
	}
	if vs, _ := svc.Charters(ctx); len(vs) != 0 || len(boardEvents(t, st, "")) != 0 {
		t.Errorf("refused charters stored %d versions and %d events", len(vs), len(boardEvents(t, st, "")))
	}
}

func TestApplyCharterIsIdempotent(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)
	svc, st, clock := newBoardService(t, now)
	in := matrixCharter()
	first, changed, err := svc.ApplyCharter(ctx, boardOfficer, in)
	if err != nil || !changed {
		t.Fatalf("first ApplyCharter: changed %v, %v", changed, err)
	}
	if first.Version != 1 || !first.AppliedAt.Equal(now) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(first.Fingerprint) {
		t.Errorf("applied version %d at %v fingerprint %q, want version 1 at %v with a SHA-256", first.Version, first.AppliedAt, first.Fingerprint, now)
	}
	if in.Version != 0 || in.Fingerprint != "" {
		t.Errorf("ApplyCharter changed its argument: version %d, fingerprint %q", in.Version, in.Fingerprint)
	}
	clock.Advance(time.Hour)
	again, changed, err := svc.ApplyCharter(ctx, boardOfficer, matrixCharter())
	if err != nil || changed {
		t.Fatalf("second ApplyCharter: changed %v, %v; want unchanged", changed, err)
	}
	if diff := cmp.Diff(first, again, boardDates); diff != "" {
		t.Errorf("unchanged apply returned another version (-first +again):\n%s", diff)
	}
	applied := boardEvents(t, st, elections.EventCharterApplied)
	if len(applied) != 1 || len(boardEvents(t, st, "")) != 1 {
		t.Fatalf("events %+v, want one charter.applied", boardEvents(t, st, ""))
	}
	var payload map[string]any
	if err := json.Unmarshal(applied[0].Payload, &payload); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"version": 1.0, "effective_from": "2024-01-01", "fingerprint": first.Fingerprint,
		"name": "The Matrix.org Foundation Governing Board",
		"constituencies": []any{
			map[string]any{"key": "individual", "seats": 4.0}, map[string]any{"key": "ecosystem", "seats": 3.0},
			map[string]any{"key": "associate", "seats": 2.0}, map[string]any{"key": "platinum", "seats": 4.0},
			map[string]any{"key": "gold", "seats": 3.0}, map[string]any{"key": "silver", "seats": 2.0},
			map[string]any{"key": "guardians", "seats": 3.0}, map[string]any{"key": "spec-core-team", "seats": 2.0},
			map[string]any{"key": "managing-director", "seats": 1.0},
		},
	}
	if diff := cmp.Diff(want, payload); diff != "" || applied[0].Actor != "user:7" || !applied[0].At.Equal(now) {
		t.Errorf("charter.applied by %s at %v, payload (-want +got):\n%s", applied[0].Actor, applied[0].At, diff)
	}
}

func TestCharterFingerprintCoversContent(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *elections.Charter)
		same   bool
	}{
		{"nothing", func(*elections.Charter) {}, true},
		{"version, applied at and fingerprint", func(c *elections.Charter) {
			c.Version, c.AppliedAt, c.Fingerprint = 9, time.Now(), "x"
		}, true},
		{"effective date", func(c *elections.Charter) { c.EffectiveFrom = elections.MustDate("2024-01-02") }, false},
		{"a seat count", func(c *elections.Charter) { charterConstituency(c, "gold").Seats = 4 }, false},
		{"the donation threshold", func(c *elections.Charter) { charterConstituency(c, "individual").Eligibility.MinDonation++ }, false},
		{"an optional rule", func(c *elections.Charter) { c.Rules.TermLimit = &elections.TermLimit{MaxConsecutiveTerms: 2} }, false},
		{"a constituency quorum", func(c *elections.Charter) {
			charterConstituency(c, "gold").Quorum = &elections.Quorum{MinTurnoutPercent: 5}
		}, false},
		{"the order of constituencies", func(c *elections.Charter) {
			c.Constituencies[0], c.Constituencies[1] = c.Constituencies[1], c.Constituencies[0]
		}, false},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _, _ := newBoardService(t, time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC))
			base := boardApplyCharter(t, svc, matrixCharter())
			svc2, _, _ := newBoardService(t, time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC))
			c := matrixCharter()
			tt.change(c)
			other, _, err := svc2.ApplyCharter(ctx, boardOfficer, c)
			if err != nil {
				t.Fatal(err)
			}
			if got := other.Fingerprint == base.Fingerprint; got != tt.same {
				t.Errorf("same fingerprint %v, want %v", got, tt.same)
			}
		})
	}
}

func TestCharterVersions(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newBoardService(t, time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC))
	v1 := boardApplyCharter(t, svc, matrixCharter())
	next := matrixCharter()
	next.EffectiveFrom = elections.MustDate("2027-01-01")
	charterConstituency(next, "gold").Seats = 5
	next.Constituencies = next.Constituencies[:len(next.Constituencies)-1] // no Managing Director
	v2, changed, err := svc.ApplyCharter(ctx, boardOfficer, next)
	if err != nil || !changed || v2.Version != 2 {
		t.Fatalf("second version: %+v changed %v, %v", v2, changed, err)
	}

	t.Run("not after the latest version", func(t *testing.T) {
		for _, from := range []string{"2027-01-01", "2024-01-01", "2026-12-31"} {
			c := matrixCharter()
			c.EffectiveFrom = elections.MustDate(from)
			_, _, err := svc.ApplyCharter(ctx, boardOfficer, c)
			var e *elections.Error
			want := "effective_from " + from + " must be after 2027-01-01, when version 2 took effect"
			if !errors.As(err, &e) || e.Code != elections.EINVALID || !slices.Contains(e.Details, want) {
				t.Errorf("effective from %s: %v %v, want %v", from, err, e, want)
			}
		}
		c := matrixCharter()
		c.EffectiveFrom, c.Name = elections.MustDate("2020-01-01"), ""
		_, _, err := svc.ApplyCharter(ctx, boardOfficer, c)
		var e *elections.Error
		if !errors.As(err, &e) || len(e.Details) < 2 {
			t.Errorf("content and date problems: %v, want both reported", err)
		}
	})

	tests := []struct {
		day         string
		wantVersion int
		wantGold    int
	}{
		{"2023-12-31", 0, 0},
		{"2024-01-01", 1, 3},
		{"2026-12-31", 1, 3},
		{"2027-01-01", 2, 5},
		{"2030-06-01", 2, 5},
	}
	for _, tt := range tests {
		t.Run("in force on "+tt.day, func(t *testing.T) {
			d := elections.MustDate(tt.day)
			c, err := svc.CharterAt(ctx, d)
			if tt.wantVersion == 0 {
				if elections.ErrorCode(err) != elections.ENOTFOUND {
					t.Fatalf("CharterAt: %v, want %s", err, elections.ENOTFOUND)
				}
				return
			}
			if err != nil || c.Version != tt.wantVersion || charterConstituency(c, "gold").Seats != tt.wantGold {
				t.Fatalf("CharterAt: %+v, %v; want version %d", c, err, tt.wantVersion)
			}
			seats, err := svc.Seats(ctx, d)
			gold := 0
			for _, s := range seats {
				if s.Constituency == "gold" {
					gold++
				}
			}
			if err != nil || gold != tt.wantGold {
				t.Errorf("Seats: %d gold seats, %v; want %d", gold, err, tt.wantGold)
			}
		})
	}

	t.Run("lookups", func(t *testing.T) {
		all, err := svc.Charters(ctx)
		if err != nil || len(all) != 2 || all[0].Version != 1 || all[1].Version != 2 {
			t.Errorf("Charters: %+v, %v", all, err)
		}
		got, err := svc.CharterVersion(ctx, 1)
		if diff := cmp.Diff(v1, got, boardDates); err != nil || diff != "" {
			t.Errorf("CharterVersion(1): %v (-applied +got):\n%s", err, diff)
		}
		if _, err := svc.CharterVersion(ctx, 3); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("CharterVersion(3): %v, want %s", err, elections.ENOTFOUND)
		}
		today, err := svc.CharterAt(ctx, elections.Date{})
		if err != nil || today.Version != 1 {
			t.Errorf("CharterAt(today = 2026-07-01): %+v, %v; want version 1", today, err)
		}
		if n := len(boardEvents(t, st, elections.EventCharterApplied)); n != 2 {
			t.Errorf("%d charter.applied events, want 2", n)
		}
	})
}

func TestSeatKeys(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newBoardService(t, time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC))
	boardApplyCharter(t, svc, matrixCharter())
	seats, err := svc.Seats(ctx, elections.MustDate("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	if len(seats) != 24 {
		t.Errorf("%d seats, want 24", len(seats))
	}
	want := []elections.Seat{
		{Key: "individual-1", Constituency: "individual", Number: 1, Cohort: 1},
		{Key: "spec-core-team-2", Constituency: "spec-core-team", Number: 2, Cohort: 0},
		{Key: "managing-director-1", Constituency: "managing-director", Number: 1, Cohort: 0},
	}
	got := []elections.Seat{seats[0], seats[22], seats[23]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seats (-want +got):\n%s", diff)
	}
	for _, key := range []string{"gold-4", "gold-0", "gold-01", "gold", "-1", "spec-core-team-3", "nope-1"} {
		if _, _, err := svc.SeatHistory(ctx, key); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("SeatHistory(%q): %v, want %s", key, err, elections.ENOTFOUND)
		}
	}
	seat, terms, err := svc.SeatHistory(ctx, "spec-core-team-2")
	if err != nil || seat.Key != "spec-core-team-2" || seat.Number != 2 || len(terms) != 0 {
		t.Errorf("SeatHistory(spec-core-team-2): %+v %v %v", seat, terms, err)
	}
}

// The first version may start in the past, to record the board's history; a later version
// takes effect from today or later, so that the roster of a past day never changes.
func TestCharterNewVersionNotInThePast(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newBoardService(t, time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	first := matrixCharter() // in force from 2024-01-01
	if _, _, err := svc.ApplyCharter(ctx, boardOfficer, first); err != nil {
		t.Fatalf("first version in the past: %v", err)
	}
	for _, tt := range []struct {
		from    string
		wantErr bool
	}{{"2026-03-09", true}, {"2026-03-10", false}} {
		from, wantErr := tt.from, tt.wantErr
		next := matrixCharter()
		next.EffectiveFrom = elections.MustDate(from)
		charterConstituency(next, "gold").Seats = 4
		_, _, err := svc.ApplyCharter(ctx, boardOfficer, next)
		want := "effective_from 2026-03-09 is in the past: a new version takes effect today (2026-03-10) or later, so that the board's history does not change"
		var e *elections.Error
		switch {
		case wantErr && (!errors.As(err, &e) || !cmp.Equal(e.Details, []string{want})):
			t.Errorf("from %s: %v, want %q", from, err, want)
		case !wantErr && err != nil:
			t.Errorf("from %s (today): %v", from, err)
		}
	}
}
