package elections_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// rollCutoffNow is when the roll tests look at the rolls: after the cut-off (15 May 2026).
var rollCutoffNow = utc(2026, 5, 20, 9, 0, 0)

// rollElection returns a service on rollCharter (roll additions after the freeze allowed or
// not) with the 2026 election created on its announcement, members of every kind and
// donations around the Individual Members' window (20 April 2025 to 15 May 2026), and the
// clock at rollCutoffNow.
func rollElection(t *testing.T, additions bool) (*elections.Service, *electionstest.Store, *electionstest.Clock, *elections.Election) {
	t.Helper()
	ctx := context.Background()
	svc, st, clock := newBoardService(t, announced2026)
	c := rollCharter()
	c.Rules.RollAdditionsAfterFreeze = additions
	boardApplyCharter(t, svc, c)
	e := createElection(t, svc, matrix2026Input())
	clock.Set(rollCutoffNow)
	person := func(id, name, email, joined, paid, standing string) elections.MemberInput {
		return elections.MemberInput{ExternalID: id, Kind: "person", Name: name, Email: email, Constituency: "individual",
			Joined: joined, PaidThrough: paid, Standing: standing}
	}
	org := func(id, name, joined, paid, rep, repEmail string) elections.MemberInput {
		return elections.MemberInput{ExternalID: id, Kind: "organisation", Name: name, Constituency: "gold",
			Joined: joined, PaidThrough: paid, RepresentativeName: rep, RepresentativeEmail: repEmail}
	}
	members := []elections.MemberInput{
		person("ind-0001", "Ada Lovelace", "ada@example.org", "2024-03-01", "", ""),
		person("ind-0002", "Bob", "", "2024-03-01", "", ""),
		person("ind-0003", "Cy", "cy@example.org", "2024-03-01", "", ""),
		person("ind-0004", "Dee", "dee@example.org", "2026-05-16", "", ""),
		person("ind-0005", "Eve", "eve@example.org", "2024-03-01", "", "suspended"),
		person("ind-0006", "Fay", "fay@example.org", "2024-03-01", "2026-05-14", ""),
		person("ind-0007", "Gus", "gus@example.org", "2024-03-01", "2026-05-15", ""),
		org("org-acme", "Acme Corp", "2023-01-01", "", "Jo Rep", "jo@acme.example"),
		org("org-beta", "Beta Ltd", "2023-01-01", "", "", ""),
		org("org-gamma", "Gamma Inc", "2023-01-01", "2025-12-31", "Gil", "gil@gamma.example"),
		{ExternalID: "silver-1", Kind: "organisation", Name: "Silver One", Constituency: "silver", Joined: "2023-01-01"},
	}
	if _, err := svc.ImportMembers(ctx, boardOfficer, members, elections.ImportSource{Name: "members.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	donation := func(id, member, amount, date string) elections.DonationInput {
		return elections.DonationInput{ExternalID: id, Member: member, Amount: amount, Currency: "USD", Date: date}
	}
	donations := []elections.DonationInput{
		donation("d1", "ind-0001", "60.00", "2025-05-01"),
		donation("d2", "ind-0002", "45.00", "2025-06-01"),
		donation("d3", "ind-0003", "100.00", "2025-04-19"), // the day before the window
		donation("d4", "ind-0003", "100.00", "2026-05-16"), // the day after the cut-off
		donation("d5", "ind-0004", "80.00", "2026-05-16"),
		donation("d6", "ind-0005", "80.00", "2025-05-01"),
		donation("d7", "ind-0006", "80.00", "2025-05-01"),
		donation("d8", "ind-0007", "30.00", "2025-04-20"), // the window's first day
		donation("d9", "ind-0007", "30.00", "2026-05-15"), // the cut-off
	}
	if _, err := svc.ImportDonations(ctx, boardOfficer, donations, elections.ImportSource{Name: "donations.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	return svc, st, clock, e
}

// rollOf returns the roll of a contest and fails the test on an error.
func rollOf(t *testing.T, svc *elections.Service, contestID int64) *elections.Roll {
	t.Helper()
	r, err := svc.ContestRoll(context.Background(), contestID)
	if err != nil {
		t.Fatalf("ContestRoll(%d): %v", contestID, err)
	}
	return r
}

// freezeRoll freezes a contest's roll in a transaction of st.
func freezeRoll(t *testing.T, svc *elections.Service, st *electionstest.Store, contestID int64) (*elections.Roll, error) {
	t.Helper()
	var r *elections.Roll
	err := st.Tx(context.Background(), func(tx elections.Store) error {
		var err error
		r, err = svc.FreezeRoll(context.Background(), tx, boardOfficer, contestID)
		return err
	})
	return r, err
}

func TestRollFingerprint(t *testing.T) {
	sum := func(text string) string {
		h := sha256.Sum256([]byte(text))
		return hex.EncodeToString(h[:])
	}
	entries := func(ids ...string) []elections.RollEntry {
		var es []elections.RollEntry
		for _, id := range ids {
			es = append(es, elections.RollEntry{Member: id, Name: "Name of " + id})
		}
		return es
	}
	tests := []struct {
		name    string
		entries []elections.RollEntry
		want    string
	}{
		{"empty roll", nil, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"one voter", entries("ind-0001"), sum("ind-0001\n")},
		{"sorted in byte order", entries("org-acme", "ind-0007", "Z-1", "ind-0001"), sum("Z-1\nind-0001\nind-0007\norg-acme\n")},
		{"UTF-8 bytes", entries("é", "e"), sum("e\né\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := elections.RollFingerprint(tt.entries); got != tt.want {
				t.Errorf("RollFingerprint = %s, want %s", got, tt.want)
			}
		})
	}
	if got := sum(""); got != tests[0].want {
		t.Fatalf("sha256 of nothing is %s", got)
	}
}

func TestContestRollPreview(t *testing.T) {
	svc, _, _, e := rollElection(t, false)
	tests := []struct {
		constituency string
		want         *elections.Roll
	}{
		{"individual", &elections.Roll{
			Entries: []elections.RollEntry{
				{Member: "ind-0001", Name: "Ada Lovelace", Kind: elections.MemberPerson, Email: "ada@example.org"},
				{Member: "ind-0007", Name: "Gus", Kind: elections.MemberPerson, Email: "gus@example.org"},
			},
			Ineligible: map[string]string{
				"ind-0002": "donations 45.00 USD since 2025-04-20, 60.00 required",
				"ind-0003": "donations 0.00 USD since 2025-04-20, 60.00 required",
				"ind-0004": "joined 2026-05-16, after 2026-05-15",
				"ind-0005": "membership suspended",
				"ind-0006": "membership lapsed: paid through 2026-05-14",
			},
		}},
		{"gold", &elections.Roll{
			Entries: []elections.RollEntry{
				{Member: "org-acme", Name: "Acme Corp", Kind: elections.MemberOrganisation, Representative: "Jo Rep", Email: "jo@acme.example"},
				{Member: "org-beta", Name: "Beta Ltd", Kind: elections.MemberOrganisation},
			},
			Ineligible: map[string]string{"org-gamma": "membership lapsed: paid through 2025-12-31"},
		}},
		{"silver", &elections.Roll{
			Entries:    []elections.RollEntry{{Member: "silver-1", Name: "Silver One", Kind: elections.MemberOrganisation}},
			Ineligible: map[string]string{},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.constituency, func(t *testing.T) {
			c := contestOf(t, e, tt.constituency)
			tt.want.ContestID = c.ID
			if diff := cmp.Diff(tt.want, rollOf(t, svc, c.ID)); diff != "" {
				t.Errorf("roll (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := svc.ContestRoll(context.Background(), 99); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("ContestRoll(99): %v, want %s", err, elections.ENOTFOUND)
	}
}

// TestContestRollPages checks that a preview reads every page of a large constituency.
func TestContestRollPages(t *testing.T) {
	svc, _, _, e := rollElection(t, false)
	var rows []elections.MemberInput
	for i := range 2*elections.MaxMemberPage + 5 {
		rows = append(rows, elections.MemberInput{ExternalID: "silver-x" + itoa4(i), Kind: "organisation", Name: "S",
			Constituency: "silver", Joined: "2024-01-01"})
	}
	if _, err := svc.ImportMembers(context.Background(), boardOfficer, rows, elections.ImportSource{Name: "m.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	r := rollOf(t, svc, contestOf(t, e, "silver").ID)
	if n := len(r.Entries); n != 2*elections.MaxMemberPage+6 || r.Entries[0].Member != "silver-1" || r.Entries[n-1].Member != "silver-x2004" {
		t.Errorf("roll of %d voters from %s to %s, want every member", n, r.Entries[0].Member, r.Entries[n-1].Member)
	}
}

// itoa4 writes i with four digits.
func itoa4(i int) string {
	return string([]byte{byte('0' + i/1000%10), byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)})
}

func TestFreezeRoll(t *testing.T) {
	ctx := context.Background()
	svc, st, clock, e := rollElection(t, false)
	individual := contestOf(t, e, "individual")
	frozenAt := utc(2026, 5, 30, 0, 0, 0)
	clock.Set(frozenAt)

	// A freeze in a transaction that fails afterwards leaves nothing behind.
	electionUnchanged(t, st, func() {
		failed := errors.New("the round did not open")
		err := st.Tx(ctx, func(tx elections.Store) error {
			if _, err := svc.FreezeRoll(ctx, tx, boardOfficer, individual.ID); err != nil {
				t.Fatal(err)
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("Tx: %v", err)
		}
	})

	preview := rollOf(t, svc, individual.ID)
	fingerprint := hex.EncodeToString(sha256Sum("ind-0001\nind-0007\n"))
	r, err := freezeRoll(t, svc, st, individual.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &elections.Roll{ContestID: individual.ID, Frozen: true, Fingerprint: fingerprint, Entries: preview.Entries}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("frozen roll (-want +got):\n%s", diff)
	}
	v, err := svc.Contest(ctx, individual.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c := v.Contest; !c.RollFrozenAt.Equal(frozenAt) || c.RollFingerprint != fingerprint || c.RollSize != 2 {
		t.Errorf("contest roll frozen at %v, fingerprint %s, size %d", c.RollFrozenAt, c.RollFingerprint, c.RollSize)
	}
	wantEvents := []electionEvent{{Kind: elections.EventRollFrozen, Payload: map[string]any{
		"contest": float64(individual.ID), "fingerprint": fingerprint, "size": 2.0}}}
	if diff := cmp.Diff(wantEvents, electionEventsOf(t, st, elections.EventRollFrozen, frozenAt)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// Once frozen, the roll no longer follows the member roll.
	if _, err := svc.ImportDonations(ctx, boardOfficer, []elections.DonationInput{{ExternalID: "d10", Member: "ind-0002",
		Amount: "20.00", Currency: "USD", Date: "2026-05-01"}}, elections.ImportSource{Name: "late.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rollOf(t, svc, individual.ID)); diff != "" {
		t.Errorf("stored roll (-want +got):\n%s", diff)
	}
	if gold := rollOf(t, svc, contestOf(t, e, "gold").ID); gold.Frozen || len(gold.Entries) != 2 {
		t.Errorf("gold roll %+v, want a preview: only the individual roll is frozen", gold)
	}

	// A second freeze is refused.
	electionUnchanged(t, st, func() {
		_, err := freezeRoll(t, svc, st, individual.ID)
		want := []string{"the roll of the Individual Members contest was frozen at 2026-05-30 00:00 UTC"}
		if diff := cmp.Diff(want, electionError(t, err, elections.ECONFLICT)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	if _, err := freezeRoll(t, svc, st, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("FreezeRoll(99): %v, want %s", err, elections.ENOTFOUND)
	}
}

// sha256Sum returns the SHA-256 of text.
func sha256Sum(text string) []byte {
	h := sha256.Sum256([]byte(text))
	return h[:]
}

func TestAddToRoll(t *testing.T) {
	ctx := context.Background()
	svc, st, clock, e := rollElection(t, true)
	individual := contestOf(t, e, "individual")
	if _, err := freezeRoll(t, svc, st, individual.ID); err != nil {
		t.Fatal(err)
	}
	frozen := rollOf(t, svc, individual.ID)
	at := utc(2026, 6, 2, 9, 0, 0)
	clock.Set(at)
	entry, err := svc.AddToRoll(ctx, boardOfficer, individual.ID, " ind-0002 ", " donation received late by the bank ")
	if err != nil {
		t.Fatal(err)
	}
	want := elections.RollEntry{Member: "ind-0002", Name: "Bob", Kind: elections.MemberPerson, AddedAt: at,
		AddedBy: boardOfficer.String(), Reason: "donation received late by the bank"}
	if diff := cmp.Diff(&want, entry); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
	r := rollOf(t, svc, individual.ID)
	wantRoll := &elections.Roll{ContestID: individual.ID, Frozen: true, Fingerprint: frozen.Fingerprint,
		Entries: []elections.RollEntry{frozen.Entries[0], want, frozen.Entries[1]}}
	if diff := cmp.Diff(wantRoll, r); diff != "" {
		t.Errorf("roll (-want +got):\n%s", diff)
	}
	if v, _ := svc.Contest(ctx, individual.ID); v.Contest.RollSize != 3 || v.Contest.RollFingerprint != frozen.Fingerprint {
		t.Errorf("contest roll size %d fingerprint %s, want 3 and the fingerprint of the freeze", v.Contest.RollSize, v.Contest.RollFingerprint)
	}
	wantEvents := []electionEvent{{Kind: elections.EventRollEntryAdded, Payload: map[string]any{
		"contest": float64(individual.ID), "member": "ind-0002", "reason": "donation received late by the bank"}}}
	if diff := cmp.Diff(wantEvents, electionEventsOf(t, st, elections.EventRollEntryAdded, at)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	gold := contestOf(t, e, "gold").ID
	tests := []struct {
		name    string
		contest int64
		member  string
		reason  string
		code    string
		want    []string
	}{
		{"already on the roll", individual.ID, "ind-0001", "again", elections.ECONFLICT,
			[]string{"ind-0001 is on the roll of the Individual Members contest already"}},
		{"added already", individual.ID, "ind-0002", "again", elections.ECONFLICT,
			[]string{"ind-0002 is on the roll of the Individual Members contest already"}},
		{"another constituency", individual.ID, "org-acme", "wrong roll", elections.EINVALID,
			[]string{`org-acme is a member of "Gold Members", not "Individual Members"`}},
		{"unknown member, no reason", individual.ID, "ind-9999", " ", elections.EINVALID,
			[]string{"no member ind-9999", "reason is required for an addition to a frozen roll"}},
		{"NUL characters", individual.ID, "ind\x00", "late\x00", elections.EINVALID, []string{
			`member must not contain a NUL character (\u0000)`, `reason must not contain a NUL character (\u0000)`}},
		{"nothing given", individual.ID, "", "", elections.EINVALID,
			[]string{"member is required", "reason is required for an addition to a frozen roll"}},
		{"not frozen", gold, "org-gamma", "late renewal", elections.ECONFLICT,
			[]string{"the roll of the Gold Members contest is not frozen; until voting opens it follows eligibility on the cut-off day"}},
		{"unknown contest", 99, "ind-0003", "late", elections.ENOTFOUND, []string{"no such contest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			electionUnchanged(t, st, func() {
				_, err := svc.AddToRoll(ctx, boardOfficer, tt.contest, tt.member, tt.reason)
				if diff := cmp.Diff(tt.want, electionError(t, err, tt.code)); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestAddToRollNotAllowedByCharter(t *testing.T) {
	ctx := context.Background()
	svc, st, _, e := rollElection(t, false)
	individual := contestOf(t, e, "individual")
	if _, err := freezeRoll(t, svc, st, individual.ID); err != nil {
		t.Fatal(err)
	}
	electionUnchanged(t, st, func() {
		_, err := svc.AddToRoll(ctx, boardOfficer, individual.ID, "ind-0002", "donation received late by the bank")
		want := []string{"the charter (version 1) does not allow additions to a frozen roll"}
		if diff := cmp.Diff(want, electionError(t, err, elections.ECONFLICT)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestAddToRollAfterCount refuses additions once the election is counted or certified: the
// count was over the roll as it stood.
func TestAddToRollAfterCount(t *testing.T) {
	for _, status := range []elections.ElectionStatus{elections.StatusCounted, elections.StatusCertified} {
		t.Run(string(status), func(t *testing.T) {
			ctx := context.Background()
			svc, st, _, e := rollElection(t, true)
			individual := contestOf(t, e, "individual")
			if _, err := freezeRoll(t, svc, st, individual.ID); err != nil {
				t.Fatal(err)
			}
			stored, err := st.ElectionByID(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored.Status = status
			if err := st.UpdateElection(ctx, stored); err != nil {
				t.Fatal(err)
			}
			electionUnchanged(t, st, func() {
				_, err := svc.AddToRoll(ctx, boardOfficer, individual.ID, "ind-0002", "donation received late by the bank")
				want := []string{"the election is in its " + string(status) + " phase; voters can be added to a frozen roll only until the count"}
				if diff := cmp.Diff(want, electionError(t, err, elections.ECONFLICT)); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			})
		})
	}
}
