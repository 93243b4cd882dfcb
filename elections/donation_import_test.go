package elections_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/govboard/govboard/elections"
)

// rollDonationsSrc is the source of the donation imports of the tests.
var rollDonationsSrc = elections.ImportSource{Name: "donations.json", SHA256: "def", Format: "json"}

// Donations of Ada (ind-0001) as a file gives them.
var (
	rollUSD = elections.DonationInput{Line: 2, ExternalID: "pay-1", Member: "ind-0001", Amount: "25", Currency: "USD",
		Date: "2025-04-20", Source: "stripe"}
	rollEUR = elections.DonationInput{Line: 3, ExternalID: "pay-2", Member: "ind-0001", Amount: "18.5", Currency: "EUR",
		Value: "20.00", Date: "2026-01-10", Source: "liberapay"}
)

// rollImportDonations imports rows after Ada, Bob and Acme, failing the test on an error.
func rollImportDonations(t *testing.T, svc *elections.Service, rows ...elections.DonationInput) *elections.ImportResult {
	t.Helper()
	res, err := svc.ImportDonations(context.Background(), rollOfficer, rows, rollDonationsSrc)
	if err != nil {
		t.Fatalf("ImportDonations: %v", err)
	}
	return res
}

func TestImportDonationsRecordsThenChangesNothing(t *testing.T) {
	ctx := context.Background()
	svc, st := newRollService(t, true)
	rollImport(t, svc, rollAda, rollAcme)
	before := len(rollEvents(t, st))

	res := rollImportDonations(t, svc, rollUSD, rollEUR)
	want := &elections.ImportResult{Rows: 2, Created: 2, Changes: []elections.ImportChange{
		{Line: 2, ExternalID: "pay-1", Action: elections.ImportCreated},
		{Line: 3, ExternalID: "pay-2", Action: elections.ImportCreated},
	}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	got, err := svc.Donations(ctx, "ind-0001")
	if err != nil {
		t.Fatal(err)
	}
	wantDonations := []elections.Donation{
		{ExternalID: "pay-1", MemberExternalID: "ind-0001", Amount: "25.00", Currency: "USD", Value: 25_00,
			Date: elections.MustDate("2025-04-20"), Source: "stripe", CreatedAt: rollNow, UpdatedAt: rollNow},
		{ExternalID: "pay-2", MemberExternalID: "ind-0001", Amount: "18.5", Currency: "EUR", Value: 20_00,
			Date: elections.MustDate("2026-01-10"), Source: "liberapay", CreatedAt: rollNow, UpdatedAt: rollNow},
	}
	if diff := cmp.Diff(wantDonations, got, cmpopts.IgnoreFields(elections.Donation{}, "ID", "MemberID")); diff != "" {
		t.Errorf("donations (-want +got):\n%s", diff)
	}
	wantEvents := []rollEvent{
		{elections.EventDonationRecorded, map[string]any{"donation": "pay-1", "member": "ind-0001", "amount": "25.00",
			"currency": "USD", "value": "25.00", "date": "2025-04-20", "source": "stripe"}},
		{elections.EventDonationRecorded, map[string]any{"donation": "pay-2", "member": "ind-0001", "amount": "18.5",
			"currency": "EUR", "value": "20.00", "date": "2026-01-10", "source": "liberapay"}},
		{elections.EventDonationsImported, map[string]any{"source": "donations.json", "sha256": "def", "format": "json",
			"rows": 2.0, "created": 2.0, "updated": 0.0, "unchanged": 0.0}},
	}
	if diff := cmp.Diff(wantEvents, rollSummarise(t, rollEvents(t, st)[before:])); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	same := rollUSD
	same.Amount, same.Value = "25.00", "25"
	rollNoChange(t, st, func() {
		if res := rollImportDonations(t, svc, same, rollEUR); !cmp.Equal(res, &elections.ImportResult{Rows: 2, Unchanged: 2}) {
			t.Errorf("re-import: %+v, want 2 unchanged", res)
		}
	})
}

func TestImportDonationsCorrects(t *testing.T) {
	ctx := context.Background()
	svc, st := newRollService(t, true)
	rollImport(t, svc, rollAda)
	rollImportDonations(t, svc, rollUSD, rollEUR)
	before := len(rollEvents(t, st))

	fixed := rollEUR
	fixed.Amount, fixed.Value, fixed.Source = "18.50", "21.00", ""
	res := rollImportDonations(t, svc, rollUSD, fixed)
	want := &elections.ImportResult{Rows: 2, Updated: 1, Unchanged: 1, Changes: []elections.ImportChange{
		{Line: 3, ExternalID: "pay-2", Action: elections.ImportUpdated, Fields: []string{"amount", "value", "source"}},
	}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	wantEvents := []rollEvent{
		{elections.EventDonationCorrected, map[string]any{"donation": "pay-2", "member": "ind-0001", "changes": map[string]any{
			"amount": map[string]any{"from": "18.5", "to": "18.50"},
			"value":  map[string]any{"from": "20.00", "to": "21.00"},
			"source": map[string]any{"from": "liberapay", "to": ""},
		}}},
		{elections.EventDonationsImported, map[string]any{"source": "donations.json", "sha256": "def", "format": "json",
			"rows": 2.0, "created": 0.0, "updated": 1.0, "unchanged": 1.0}},
	}
	if diff := cmp.Diff(wantEvents, rollSummarise(t, rollEvents(t, st)[before:])); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	ds, _ := svc.Donations(ctx, "ind-0001")
	if len(ds) != 2 || ds[1].Value != 21_00 || ds[1].Amount != "18.50" || !ds[1].CreatedAt.Equal(rollNow) {
		t.Errorf("donations after the correction: %+v", ds)
	}
}

// rollDonation returns a valid new USD donation of Ada on line 5 changed by f.
func rollDonation(f func(*elections.DonationInput)) elections.DonationInput {
	in := elections.DonationInput{Line: 5, ExternalID: "pay-5", Member: "ind-0001", Amount: "10.00", Currency: "USD", Date: "2026-02-01"}
	f(&in)
	return in
}

func TestImportDonationsRefusesBadRows(t *testing.T) {
	tests := []struct {
		name string
		rows []elections.DonationInput
		want []string
	}{
		{"external id missing", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.ExternalID = "" })},
			[]string{"line 5: external_id: required"}},
		{"external id malformed", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.ExternalID = "pay 5" })},
			[]string{`line 5: external_id: "pay 5" is not an external id (1 to 64 letters, digits and . _ : @ + -, starting with a letter or digit)`}},
		{"member missing", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Member = "" })},
			[]string{"line 5: member: required"}},
		{"unknown member", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Member = "ind-9999" })},
			[]string{"line 5: member: no member ind-9999"}},
		{"organisation", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Member = "org-acme" })},
			[]string{"line 5: member: org-acme is an organisation; only persons have a donation ledger"}},
		{"NUL character", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Source = "stripe\x00" })},
			[]string{`line 5: source: must not contain a NUL character (\u0000)`}},
		{"currency missing", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Currency = "" })},
			[]string{"line 5: currency: required (e.g. USD)"}},
		{"currency malformed", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Currency = "usd" })},
			[]string{`line 5: currency: "usd" is not a currency code such as USD`}},
		{"amount missing", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Amount = "" })},
			[]string{"line 5: amount: required"}},
		{"amount malformed", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Amount = "10.001" })},
			[]string{`line 5: amount: "10.001" is not an amount such as 60.00 (digits, at most two decimals)`}},
		{"amount zero", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Amount = "0.00" })},
			[]string{"line 5: amount: must be more than 0"}},
		{"value differs in the charter currency", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Value = "11.00" })},
			[]string{"line 5: value: must be empty or equal to amount when the currency is the charter's (USD)"}},
		{"value missing in another currency", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Currency = "EUR" })},
			[]string{"line 5: value: required when the currency is not the charter's (USD): the amount in USD"}},
		{"amount and value malformed in another currency", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) {
			in.Currency, in.Amount, in.Value = "EUR", "1,50", "-2"
		})}, []string{
			`line 5: amount: "1,50" is not a decimal number such as 50.00`,
			`line 5: value: "-2" is not an amount such as 60.00 (digits, at most two decimals)`,
		}},
		{"zero in another currency", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) {
			in.Currency, in.Amount, in.Value = "EUR", "0.000", "0"
		})}, []string{"line 5: amount: must be more than 0", "line 5: value: must be more than 0"}},
		{"date missing", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Date = "" })},
			[]string{"line 5: date: required (YYYY-MM-DD)"}},
		{"date in the future", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.Date = "2026-06-02" })},
			[]string{"line 5: date: 2026-06-02 is in the future"}},
		{"another member's donation", []elections.DonationInput{rollDonation(func(in *elections.DonationInput) { in.ExternalID, in.Member = "pay-1", "ind-0002" })},
			[]string{"line 5: external_id: donation pay-1 belongs to another member"}},
		{"duplicate", []elections.DonationInput{
			rollDonation(func(*elections.DonationInput) {}),
			rollDonation(func(in *elections.DonationInput) { in.Line = 6 }),
		}, []string{"line 6: external_id: pay-5 is also on line 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := newRollService(t, true)
			rollImport(t, svc, rollAda, rollAcme, rollBob)
			rollImportDonations(t, svc, rollUSD)
			good := rollUSD
			good.ExternalID = "pay-good"
			rollNoChange(t, st, func() {
				_, err := svc.ImportDonations(context.Background(), rollOfficer, append([]elections.DonationInput{good}, tt.rows...), rollDonationsSrc)
				code, details := rollErrorDetails(t, err)
				if code != elections.EINVALID {
					t.Errorf("code %q, want %q", code, elections.EINVALID)
				}
				if diff := cmp.Diff(tt.want, details); diff != "" {
					t.Errorf("details (-want +got):\n%s", diff)
				}
			})
			if ds, _ := svc.Donations(context.Background(), "ind-0001"); len(ds) != 1 {
				t.Errorf("donations after a refused import: %+v", ds)
			}
		})
	}
}

func TestImportDonationsNeedsACharterAndRows(t *testing.T) {
	ctx := context.Background()
	svc, _ := newRollService(t, false)
	_, err := svc.ImportDonations(ctx, rollOfficer, []elections.DonationInput{rollUSD}, rollDonationsSrc)
	if elections.ErrorCode(err) != elections.EINVALID || elections.ErrorMessage(err) != "apply a charter before importing donations" {
		t.Errorf("import without a charter: %v, want invalid: apply a charter before importing donations", err)
	}
	svc, _ = newRollService(t, true)
	if _, err := svc.ImportDonations(ctx, rollOfficer, nil, rollDonationsSrc); elections.ErrorCode(err) != elections.EINVALID {
		t.Errorf("import of no rows: %v, want invalid", err)
	}
	if _, err := svc.Donations(ctx, "nobody"); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("Donations(nobody): %v, want not found", err)
	}
}
