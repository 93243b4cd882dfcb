package elections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// newEligibilityService returns a roll with one member failing each rule, Ada's donations,
// and a second charter version from 2026-06-01 that raises the donation threshold to 80.00.
func newEligibilityService(t *testing.T) *elections.Service {
	t.Helper()
	svc, st := newRollService(t, true)
	v2 := rollCharter()
	v2.EffectiveFrom = elections.MustDate("2026-06-01")
	v2.Constituencies[0].Eligibility.MinDonation = 80_00
	if err := st.CreateCharter(context.Background(), v2); err != nil {
		t.Fatal(err)
	}
	cy := elections.MemberInput{Line: 5, ExternalID: "ind-0003", Kind: "person", Name: "Cy", Constituency: "individual", Joined: "2026-05-20"}
	dee := elections.MemberInput{Line: 6, ExternalID: "ind-0004", Kind: "person", Name: "Dee", Constituency: "individual",
		Joined: "2024-01-01", PaidThrough: "2025-12-31"}
	rollImport(t, svc, rollAda, rollAcme, rollBob, cy, dee)
	rollImportDonations(t, svc,
		elections.DonationInput{ExternalID: "pay-0", Member: "ind-0001", Amount: "100", Currency: "USD", Date: "2025-04-19"},
		rollUSD, rollEUR, // 25.00 on 2025-04-20, 20.00 (18.5 EUR) on 2026-01-10
		elections.DonationInput{ExternalID: "pay-3", Member: "ind-0001", Amount: "15", Currency: "USD", Date: "2026-05-16"},
	)
	return svc
}

func TestEligibility(t *testing.T) {
	d := elections.MustDate
	matrix := func(member string, at, from string, total elections.Amount, min elections.Amount, reason string) *elections.MemberEligibility {
		return &elections.MemberEligibility{Member: member, Constituency: "individual", At: d(at), Eligible: reason == "",
			Reason: reason, Rule: elections.EligibleByDonation, WindowStart: d(from), DonationTotal: total, MinDonation: min}
	}
	membership := func(member, constituency, at, reason string) *elections.MemberEligibility {
		return &elections.MemberEligibility{Member: member, Constituency: constituency, At: d(at), Eligible: reason == "",
			Reason: reason, Rule: elections.EligibleByMembership}
	}
	tests := []struct {
		name         string
		member       string
		constituency string
		at           elections.Date
		want         *elections.MemberEligibility
		wantCode     string
	}{
		{"Matrix: too little donated since 20 April of the previous year", "ind-0001", "", d("2026-05-15"),
			matrix("ind-0001", "2026-05-15", "2025-04-20", 45_00, 60_00, "donations 45.00 USD since 2025-04-20, 60.00 required"), ""},
		{"threshold reached exactly, the last day included", "ind-0001", "individual", d("2026-05-16"),
			matrix("ind-0001", "2026-05-16", "2025-04-20", 60_00, 60_00, ""), ""},
		{"a year earlier, the window starts a year earlier", "ind-0001", "", d("2025-05-01"),
			matrix("ind-0001", "2025-05-01", "2024-04-20", 125_00, 60_00, ""), ""},
		{"the charter in force on the day sets the threshold", "ind-0001", "", d("2026-06-01"),
			matrix("ind-0001", "2026-06-01", "2025-04-20", 60_00, 80_00, "donations 60.00 USD since 2025-04-20, 80.00 required"), ""},
		{"today by default", "ind-0001", "", elections.Date{},
			matrix("ind-0001", rollToday.String(), "2025-04-20", 60_00, 80_00, "donations 60.00 USD since 2025-04-20, 80.00 required"), ""},
		{"suspended before lapsed", "ind-0002", "", d("2026-05-15"),
			matrix("ind-0002", "2026-05-15", "2025-04-20", 0, 60_00, "membership suspended"), ""},
		{"joined after the day", "ind-0003", "", d("2026-05-15"),
			matrix("ind-0003", "2026-05-15", "2025-04-20", 0, 60_00, "joined 2026-05-20, after 2026-05-15"), ""},
		{"lapsed", "ind-0004", "", d("2026-05-15"),
			matrix("ind-0004", "2026-05-15", "2025-04-20", 0, 60_00, "membership lapsed: paid through 2025-12-31"), ""},
		{"paid through the day itself", "ind-0004", "", d("2025-12-31"),
			matrix("ind-0004", "2025-12-31", "2024-04-20", 0, 60_00, "donations 0.00 USD since 2024-04-20, 60.00 required"), ""},
		{"membership rule", "org-acme", "", d("2026-05-15"), membership("org-acme", "gold", "2026-05-15", ""), ""},
		{"another constituency", "org-acme", "silver", d("2026-05-15"),
			membership("org-acme", "silver", "2026-05-15", `member of "Gold Members", not "Silver Members"`), ""},
		{"another constituency with a donation rule", "org-acme", "individual", d("2026-05-15"),
			matrix("org-acme", "2026-05-15", "2025-04-20", 0, 60_00, `member of "Gold Members", not "Individual Members"`), ""},
		{"unknown member", "ind-9999", "", d("2026-05-15"), nil, elections.ENOTFOUND},
		{"unknown constituency", "ind-0001", "platinum", d("2026-05-15"), nil, elections.EINVALID},
		{"constituency not elected", "ind-0001", "md", d("2026-05-15"), nil, elections.EINVALID},
		{"no charter in force", "ind-0001", "", d("2023-12-31"), nil, elections.ENOTFOUND},
	}
	svc := newEligibilityService(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.Eligibility(context.Background(), tt.member, tt.constituency, tt.at)
			if code := elections.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("Eligibility: %v, want code %q", err, tt.wantCode)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("eligibility (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckEligibility(t *testing.T) {
	c := &rollCharter().Constituencies[0]
	at := elections.MustDate("2026-05-15")
	good := elections.Member{ExternalID: "m", Constituency: "individual", Joined: elections.MustDate("2024-01-01"),
		Standing: elections.StandingGood}
	tests := []struct {
		name    string
		change  func(*elections.Member)
		donated elections.Amount
		reason  string
	}{
		{"eligible", func(*elections.Member) {}, 60_00, ""},
		{"more than enough", func(*elections.Member) {}, 1_000_00, ""},
		{"one cent short", func(*elections.Member) {}, 59_99, "donations 59.99 USD since 2025-04-20, 60.00 required"},
		{"other constituency by key", func(m *elections.Member) { m.Constituency = "gold" }, 60_00, `member of "gold", not "Individual Members"`},
		{"the first failing rule wins", func(m *elections.Member) {
			m.Standing, m.Joined, m.PaidThrough = elections.StandingSuspended, elections.MustDate("2026-06-01"), elections.MustDate("2026-01-01")
		}, 0, "membership suspended"},
		{"joined before lapsed", func(m *elections.Member) {
			m.Joined, m.PaidThrough = elections.MustDate("2026-06-01"), elections.MustDate("2026-01-01")
		}, 0, "joined 2026-06-01, after 2026-05-15"},
		{"lapsed before donations", func(m *elections.Member) { m.PaidThrough = elections.MustDate("2026-05-14") }, 0,
			"membership lapsed: paid through 2026-05-14"},
		{"joined on the day", func(m *elections.Member) { m.Joined = at }, 60_00, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			tt.change(&m)
			got := elections.CheckEligibility(&m, c, "USD", at, tt.donated)
			want := elections.MemberEligibility{Member: "m", Constituency: "individual", At: at, Eligible: tt.reason == "",
				Reason: tt.reason, Rule: elections.EligibleByDonation, WindowStart: elections.MustDate("2025-04-20"),
				DonationTotal: tt.donated, MinDonation: 60_00}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CheckEligibility (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDonationWindow(t *testing.T) {
	donation := &rollCharter().Constituencies[0]
	membership := &rollCharter().Constituencies[1]
	january := &elections.Constituency{Eligibility: elections.Eligibility{Rule: elections.EligibleByDonation,
		MinDonation: 1, WindowStart: elections.MonthDay{Month: time.January, Day: 1}}}
	tests := []struct {
		name     string
		c        *elections.Constituency
		at       string
		from, to string
	}{
		{"Matrix", donation, "2026-05-15", "2025-04-20", "2026-05-15"},
		{"before this year's window start", donation, "2026-04-19", "2025-04-20", "2026-04-19"},
		{"on this year's window start", donation, "2026-04-20", "2025-04-20", "2026-04-20"},
		{"new year's day", donation, "2026-01-01", "2025-04-20", "2026-01-01"},
		{"window from 1 January", january, "2026-05-15", "2025-01-01", "2026-05-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := elections.DonationWindow(tt.c, elections.MustDate(tt.at))
			if from.String() != tt.from || to.String() != tt.to {
				t.Errorf("DonationWindow = %s..%s, want %s..%s", from, to, tt.from, tt.to)
			}
		})
	}
	if from, to := elections.DonationWindow(membership, elections.MustDate("2026-05-15")); !from.IsZero() || !to.IsZero() {
		t.Errorf("DonationWindow of a membership rule = %s..%s, want none", from, to)
	}
}
