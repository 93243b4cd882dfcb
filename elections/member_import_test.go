package elections_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/govboard/govboard/elections"
)

// rollGood is a valid new member on line 2 of every refused file: it must not be written either.
var rollGood = elections.MemberInput{Line: 2, ExternalID: "ind-0009", Kind: "person", Name: "Grace",
	Constituency: "individual", Joined: "2024-01-01"}

// rollRow returns a valid new person on line 5 changed by f.
func rollRow(f func(*elections.MemberInput)) elections.MemberInput {
	in := elections.MemberInput{Line: 5, ExternalID: "ind-0005", Kind: "person", Name: "Eve",
		Constituency: "individual", Joined: "2024-01-01"}
	f(&in)
	return in
}

// rollOrg returns a valid new organisation on line 5 changed by f.
func rollOrg(f func(*elections.MemberInput)) elections.MemberInput {
	return rollRow(func(in *elections.MemberInput) {
		in.ExternalID, in.Kind, in.Constituency = "org-new", "organisation", "silver"
		f(in)
	})
}

func TestImportMembersRefusesBadRows(t *testing.T) {
	tests := []struct {
		name string
		rows []elections.MemberInput
		want []string
	}{
		{"external id missing", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.ExternalID = " " })},
			[]string{"line 5: external_id: required"}},
		{"external id malformed", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.ExternalID = "a b" })},
			[]string{`line 5: external_id: "a b" is not an external id (1 to 64 letters, digits and . _ : @ + -, starting with a letter or digit)`}},
		{"external id too long", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.ExternalID = strings.Repeat("x", 65) })},
			[]string{`line 5: external_id: "` + strings.Repeat("x", 65) + `" is not an external id (1 to 64 letters, digits and . _ : @ + -, starting with a letter or digit)`}},
		{"kind missing", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Kind = "" })},
			[]string{"line 5: kind: required (person or organisation)"}},
		{"kind unknown", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Kind = "company" })},
			[]string{`line 5: kind: "company" is not person or organisation`}},
		{"name missing", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Name = "" })},
			[]string{"line 5: name: required"}},
		{"NUL characters", []elections.MemberInput{rollOrg(func(in *elections.MemberInput) { in.Name, in.RepresentativeName = "A\x00B", "Kim\x00" })},
			[]string{`line 5: name: must not contain a NUL character (\u0000)`, `line 5: representative_name: must not contain a NUL character (\u0000)`}},
		{"email malformed", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Email = "not-an-address" })},
			[]string{`line 5: email: "not-an-address" is not an e-mail address`}},
		{"constituency missing", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Constituency = "" })},
			[]string{"line 5: constituency: required"}},
		{"constituency unknown", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Constituency = "platinum" })},
			[]string{`line 5: constituency: "platinum" is not an elected constituency of the charter (individual, gold, silver)`}},
		{"constituency not elected", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Constituency = "md" })},
			[]string{`line 5: constituency: "md" is not an elected constituency of the charter (individual, gold, silver)`}},
		{"joined missing", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Joined = "" })},
			[]string{"line 5: joined: required (YYYY-MM-DD)"}},
		{"joined malformed", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Joined = "2024-13-01" })},
			[]string{`line 5: joined: "2024-13-01" is not a date written YYYY-MM-DD`}},
		{"paid through before joined", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.PaidThrough = "2023-12-31" })},
			[]string{"line 5: paid_through: 2023-12-31 is before joined 2024-01-01"}},
		{"standing unknown", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.Standing = "lapsed" })},
			[]string{`line 5: standing: "lapsed" is not good or suspended`}},
		{"person with a representative", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.RepresentativeEmail = "r@example.org" })},
			[]string{"line 5: a person has no representative (representative_name, representative_email and representative_since must be empty)"}},
		{"representative without name", []elections.MemberInput{rollOrg(func(in *elections.MemberInput) { in.RepresentativeSince = "2024-02-01" })},
			[]string{"line 5: representative_name: required with representative_email or representative_since"}},
		{"representative fields malformed", []elections.MemberInput{rollOrg(func(in *elections.MemberInput) {
			in.RepresentativeName, in.RepresentativeEmail, in.RepresentativeSince = "Kim", "kim@", "01/02/2024"
		})}, []string{
			`line 5: representative_email: "kim@" is not an e-mail address`,
			`line 5: representative_since: "01/02/2024" is not a date written YYYY-MM-DD`,
		}},
		{"kind changed", []elections.MemberInput{rollRow(func(in *elections.MemberInput) { in.ExternalID = "org-acme" })},
			[]string{"line 5: kind: org-acme is recorded with kind organisation, which cannot change"}},
		{"new representative not after the current one", []elections.MemberInput{rollOrg(func(in *elections.MemberInput) {
			in.ExternalID, in.Constituency, in.RepresentativeName, in.RepresentativeSince = "org-acme", "gold", "Kim", "2024-01-01"
		})}, []string{"line 5: representative_since: a new representative must start after the current one (Jo Rep, since 2024-01-01), not on 2024-01-01"}},
		{"duplicate external id", []elections.MemberInput{
			rollRow(func(*elections.MemberInput) {}),
			rollRow(func(in *elections.MemberInput) { in.Line, in.Name = 9, "Eve again" }),
		}, []string{"line 9: external_id: ind-0005 is also on line 5"}},
		{"every problem of every row", []elections.MemberInput{
			rollRow(func(in *elections.MemberInput) { in.Kind, in.Name, in.Joined = "", "", "" }),
			rollRow(func(in *elections.MemberInput) { in.Line, in.ExternalID, in.Standing = 7, "ind-0007", "gone" }),
		}, []string{
			"line 5: kind: required (person or organisation)",
			"line 5: name: required",
			"line 5: joined: required (YYYY-MM-DD)",
			`line 7: standing: "gone" is not good or suspended`,
		}},
		{"rows without lines are numbered from 1", []elections.MemberInput{
			rollRow(func(in *elections.MemberInput) { in.Line = 0 }),
			rollRow(func(in *elections.MemberInput) { in.Line, in.ExternalID, in.Name = 0, "ind-0006", "" }),
		}, []string{"line 3: name: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := newRollService(t, true)
			rollImport(t, svc, rollAda, rollAcme)
			rollNoChange(t, st, func() {
				_, err := svc.ImportMembers(context.Background(), rollOfficer, append([]elections.MemberInput{rollGood}, tt.rows...), elections.ImportSource{})
				code, details := rollErrorDetails(t, err)
				if code != elections.EINVALID {
					t.Errorf("code %q, want %q", code, elections.EINVALID)
				}
				if diff := cmp.Diff(tt.want, details); diff != "" {
					t.Errorf("details (-want +got):\n%s", diff)
				}
				if got := elections.ErrorMessage(err); got != tt.want[0] {
					t.Errorf("message %q, want the first problem %q", got, tt.want[0])
				}
			})
		})
	}
}

func TestImportMembersNeedsACharterAndRows(t *testing.T) {
	ctx := context.Background()
	svc, _ := newRollService(t, false)
	_, err := svc.ImportMembers(ctx, rollOfficer, []elections.MemberInput{rollAda}, elections.ImportSource{})
	if elections.ErrorCode(err) != elections.EINVALID || elections.ErrorMessage(err) != "apply a charter before importing members" {
		t.Errorf("import without a charter: %v, want invalid: apply a charter before importing members", err)
	}
	svc, _ = newRollService(t, true)
	if _, err := svc.ImportMembers(ctx, rollOfficer, nil, elections.ImportSource{}); elections.ErrorCode(err) != elections.EINVALID {
		t.Errorf("import of no rows: %v, want invalid", err)
	}
}

func TestImportMembersCreatesThenChangesNothing(t *testing.T) {
	svc, st := newRollService(t, true)
	src := elections.ImportSource{Name: "members.csv", SHA256: "abc", Format: "csv"}
	res := rollImport(t, svc, rollAda, rollAcme, rollBob)
	want := &elections.ImportResult{Rows: 3, Created: 3, Changes: []elections.ImportChange{
		{Line: 2, ExternalID: "ind-0001", Action: elections.ImportCreated},
		{Line: 3, ExternalID: "org-acme", Action: elections.ImportCreated},
		{Line: 4, ExternalID: "ind-0002", Action: elections.ImportCreated},
	}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	jo := &elections.Representative{Name: "Jo Rep", Email: "jo@acme.example", Since: elections.MustDate("2024-01-01")}
	wantMembers := []elections.Member{
		{ExternalID: "ind-0001", Kind: elections.MemberPerson, Name: "Ada Lovelace", Email: "ada@example.org",
			Constituency: "individual", Joined: elections.MustDate("2024-03-01"), Standing: elections.StandingGood},
		{ExternalID: "ind-0002", Kind: elections.MemberPerson, Name: "Bob", Constituency: "individual",
			Joined: elections.MustDate("2025-01-01"), PaidThrough: elections.MustDate("2025-12-31"), Standing: elections.StandingSuspended},
		{ExternalID: "org-acme", Kind: elections.MemberOrganisation, Name: "Acme Corp", Constituency: "gold",
			Joined: elections.MustDate("2023-01-01"), PaidThrough: elections.MustDate("2026-12-31"),
			Standing: elections.StandingGood, Representative: jo},
	}
	ignore := cmpopts.IgnoreFields(elections.Member{}, "ID", "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(wantMembers, rollMembers(t, st), ignore); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	wantEvents := []rollEvent{
		{elections.EventMemberCreated, map[string]any{"member": "ind-0001", "kind": "person", "name": "Ada Lovelace",
			"email": "ada@example.org", "constituency": "individual", "joined": "2024-03-01", "paid_through": "", "standing": "good"}},
		{elections.EventMemberCreated, map[string]any{"member": "org-acme", "kind": "organisation", "name": "Acme Corp",
			"email": "", "constituency": "gold", "joined": "2023-01-01", "paid_through": "2026-12-31", "standing": "good",
			"representative": map[string]any{"name": "Jo Rep", "email": "jo@acme.example", "since": "2024-01-01"}}},
		{elections.EventMemberCreated, map[string]any{"member": "ind-0002", "kind": "person", "name": "Bob",
			"email": "", "constituency": "individual", "joined": "2025-01-01", "paid_through": "2025-12-31", "standing": "suspended"}},
		{elections.EventMembersImported, map[string]any{"source": src.Name, "sha256": src.SHA256, "format": src.Format,
			"rows": 3.0, "created": 3.0, "updated": 0.0, "unchanged": 0.0}},
	}
	if diff := cmp.Diff(wantEvents, rollSummarise(t, rollEvents(t, st))); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	rollNoChange(t, st, func() {
		res := rollImport(t, svc, rollAda, rollAcme, rollBob)
		if diff := cmp.Diff(&elections.ImportResult{Rows: 3, Unchanged: 3}, res); diff != "" {
			t.Errorf("re-import result (-want +got):\n%s", diff)
		}
	})
}

func TestImportMembersDetectsEachChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(*elections.MemberInput)
		fields []string
		events []rollEvent
	}{
		{"name", func(in *elections.MemberInput) { in.Name = "Acme Inc" }, []string{"name"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"name": map[string]any{"from": "Acme Corp", "to": "Acme Inc"}}}}}},
		{"email", func(in *elections.MemberInput) { in.Email = "Board@Acme.example" }, []string{"email"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"email": map[string]any{"from": "", "to": "board@acme.example"}}}}}},
		{"constituency", func(in *elections.MemberInput) { in.Constituency = "silver" }, []string{"constituency"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"constituency": map[string]any{"from": "gold", "to": "silver"}}}}}},
		{"joined", func(in *elections.MemberInput) { in.Joined = "2022-12-01" }, []string{"joined"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"joined": map[string]any{"from": "2023-01-01", "to": "2022-12-01"}}}}}},
		{"paid through cleared", func(in *elections.MemberInput) { in.PaidThrough = "" }, []string{"paid_through"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"paid_through": map[string]any{"from": "2026-12-31", "to": ""}}}}}},
		{"standing", func(in *elections.MemberInput) { in.Standing = "suspended" }, []string{"standing"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"standing": map[string]any{"from": "good", "to": "suspended"}}}}}},
		{"representative's address", func(in *elections.MemberInput) {
			in.RepresentativeEmail, in.RepresentativeSince = "jo@acme.org", "2025-02-01"
		}, []string{"representative"}, []rollEvent{
			{elections.EventRepresentativeReplaced, map[string]any{"member": "org-acme",
				"from": map[string]any{"name": "Jo Rep", "email": "jo@acme.example", "since": "2024-01-01"},
				"to":   map[string]any{"name": "Jo Rep", "email": "jo@acme.org", "since": "2025-02-01"}}}}},
		{"two fields and the representative", func(in *elections.MemberInput) {
			in.Name, in.Standing, in.RepresentativeName, in.RepresentativeEmail, in.RepresentativeSince = "Acme Inc", "", "Kim", "", ""
		}, []string{"name", "representative"}, []rollEvent{
			{elections.EventMemberUpdated, map[string]any{"member": "org-acme", "changes": map[string]any{
				"name": map[string]any{"from": "Acme Corp", "to": "Acme Inc"}}}},
			{elections.EventRepresentativeReplaced, map[string]any{"member": "org-acme",
				"from": map[string]any{"name": "Jo Rep", "email": "jo@acme.example", "since": "2024-01-01"},
				"to":   map[string]any{"name": "Kim", "email": "", "since": rollToday.String()}}}}},
		{"no representative fields keep the representative", func(in *elections.MemberInput) {
			in.RepresentativeName, in.RepresentativeEmail, in.RepresentativeSince = "", "", ""
		}, nil, nil},
		{"same representative, other since", func(in *elections.MemberInput) { in.RepresentativeSince = "2025-01-01" }, nil, nil},
		{"spaces and letter case", func(in *elections.MemberInput) { in.Name, in.RepresentativeEmail = " Acme Corp ", "JO@acme.example" }, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := newRollService(t, true)
			rollImport(t, svc, rollAda, rollAcme)
			before := len(rollEvents(t, st))
			in := rollAcme
			tt.change(&in)
			res := rollImport(t, svc, rollAda, in)
			want := &elections.ImportResult{Rows: 2, Unchanged: 2}
			if tt.fields != nil {
				want = &elections.ImportResult{Rows: 2, Updated: 1, Unchanged: 1, Changes: []elections.ImportChange{
					{Line: 3, ExternalID: "org-acme", Action: elections.ImportUpdated, Fields: tt.fields}}}
				tt.events = append(tt.events, rollEvent{elections.EventMembersImported, map[string]any{
					"source": "members.csv", "sha256": "abc", "format": "csv", "rows": 2.0, "created": 0.0, "updated": 1.0, "unchanged": 1.0}})
			}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.events, rollSummarise(t, rollEvents(t, st)[before:])); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportMembersKeepsRepresentativeHistory(t *testing.T) {
	ctx := context.Background()
	svc, _ := newRollService(t, true)
	rollImport(t, svc, rollAcme)
	kim := rollAcme
	kim.RepresentativeName, kim.RepresentativeEmail, kim.RepresentativeSince = "Kim", "kim@acme.example", "2025-06-01"
	rollImport(t, svc, kim)
	noRep := rollAcme
	noRep.RepresentativeName, noRep.RepresentativeEmail, noRep.RepresentativeSince = "", "", ""
	if res := rollImport(t, svc, noRep); res.Unchanged != 1 {
		t.Errorf("a row without a representative changed %+v", res)
	}
	lee := noRep
	lee.RepresentativeName = "Lee"
	rollImport(t, svc, lee)

	got, err := svc.Representatives(ctx, "org-acme")
	if err != nil {
		t.Fatal(err)
	}
	want := []elections.Representative{
		{Name: "Jo Rep", Email: "jo@acme.example", Since: elections.MustDate("2024-01-01"), Until: elections.MustDate("2025-06-01")},
		{Name: "Kim", Email: "kim@acme.example", Since: elections.MustDate("2025-06-01"), Until: rollToday},
		{Name: "Lee", Since: rollToday},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("representatives (-want +got):\n%s", diff)
	}
	m, err := svc.Member(ctx, "org-acme")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want[2], m.Representative); diff != "" {
		t.Errorf("current representative (-want +got):\n%s", diff)
	}
}

// rollBig returns n valid person rows on lines 2, 3, ….
func rollBig(n int) []elections.MemberInput {
	rows := make([]elections.MemberInput, n)
	for i := range rows {
		rows[i] = elections.MemberInput{Line: i + 2, ExternalID: fmt.Sprintf("ind-%05d", i), Kind: "person",
			Name: fmt.Sprintf("Member %d", i), Email: fmt.Sprintf("m%d@example.org", i), Constituency: "individual",
			Joined: "2024-01-01", PaidThrough: "2026-12-31"}
	}
	return rows
}

func TestImportMembersTenThousandRows(t *testing.T) {
	ctx := context.Background()
	svc, st := newRollService(t, true)
	rows := rollBig(10_000)

	bad := append([]elections.MemberInput(nil), rows...)
	bad[4999].Joined = "2024-02-30"
	rollNoChange(t, st, func() {
		_, err := svc.ImportMembers(ctx, rollOfficer, bad, elections.ImportSource{})
		_, details := rollErrorDetails(t, err)
		if diff := cmp.Diff([]string{`line 5001: joined: "2024-02-30" is not a date written YYYY-MM-DD`}, details); diff != "" {
			t.Errorf("details (-want +got):\n%s", diff)
		}
	})

	res := rollImport(t, svc, rows...)
	if res.Created != 10_000 || len(res.Changes) != 10_000 {
		t.Errorf("created %d (%d changes), want 10000", res.Created, len(res.Changes))
	}
	n, err := st.CountActiveMembers(ctx, "individual", elections.MustDate("2026-05-15"))
	if err != nil || n != 10_000 {
		t.Errorf("CountActiveMembers = %d, %v; want 10000", n, err)
	}
	if got := len(rollEvents(t, st)); got != 10_001 {
		t.Errorf("%d events, want 10000 member.created and one members.imported", got)
	}
	rollNoChange(t, st, func() {
		if res := rollImport(t, svc, rows...); res.Unchanged != 10_000 || res.Created+res.Updated != 0 {
			t.Errorf("re-import: %+v, want 10000 unchanged", res)
		}
	})
}

// A file without the optional columns email, paid_through and standing leaves them as they
// are on stored members: it neither clears an address nor lifts a suspension. A file that has
// the columns, empty, does clear them.
func TestImportMembersLeavesAbsentColumns(t *testing.T) {
	svc, st := newRollService(t, true)
	ctx := context.Background()
	full := elections.MemberInput{ExternalID: "g-1", Kind: "organisation", Name: "Gold One", Email: "g@example.org",
		Constituency: "gold", Joined: "2024-01-01", PaidThrough: "2026-12-31", Standing: "suspended"}
	rollImport(t, svc, full)

	short := elections.MemberInput{ExternalID: "g-1", Kind: "organisation", Name: "Gold One", Constituency: "gold",
		Joined: "2024-01-01", Given: map[string]bool{"external_id": true, "kind": true, "name": true,
			"constituency": true, "joined": true}}
	rollNoChange(t, st, func() {
		res, err := svc.ImportMembers(ctx, rollOfficer, []elections.MemberInput{short}, elections.ImportSource{Name: "short.csv"})
		if err != nil || res.Unchanged != 1 {
			t.Fatalf("import without the optional columns: %+v %v, want 1 unchanged", res, err)
		}
	})
	m, err := svc.Member(ctx, "g-1")
	if err != nil || m.Email != "g@example.org" || m.Standing != elections.StandingSuspended || m.PaidThrough.String() != "2026-12-31" {
		t.Fatalf("member after the short file: %+v %v", m, err)
	}

	// A joined day after the recorded paid_through, without paid_through in the file, is
	// reported instead of breaking the membership period.
	late := short
	late.Joined = "2027-01-01"
	_, err = svc.ImportMembers(ctx, rollOfficer, []elections.MemberInput{late}, elections.ImportSource{Name: "late.csv"})
	if _, details := rollErrorDetails(t, err); len(details) != 1 || details[0] != "line 1: joined: 2027-01-01 is after the recorded paid_through 2026-12-31 (give paid_through too)" {
		t.Fatalf("joined after the recorded paid_through: %v", err)
	}

	// The columns present but empty: the address and the period's end are cleared, the
	// standing is good again (its default).
	cleared := short
	cleared.Given = nil
	res := rollImport(t, svc, cleared)
	if res.Updated != 1 || !cmp.Equal(res.Changes[0].Fields, []string{"email", "paid_through", "standing"}) {
		t.Fatalf("import with the columns empty: %+v", res)
	}
}
