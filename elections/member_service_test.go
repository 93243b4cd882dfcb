package elections_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// rollStr returns a pointer to s, for patches.
func rollStr(s string) *string { return &s }

func TestCreateMember(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		in       elections.MemberInput
		wantCode string
		want     []string
	}{
		{"person", elections.MemberInput{ExternalID: "ind-0007", Kind: "person", Name: "Kay", Constituency: "individual", Joined: "2025-01-01"}, "", nil},
		{"organisation with representative since it joined", elections.MemberInput{ExternalID: "org-beta", Kind: "organisation",
			Name: "Beta", Constituency: "silver", Joined: "2025-01-01", RepresentativeName: "Ro"}, "", nil},
		{"external id taken", rollAda, elections.ECONFLICT, nil},
		{"bad fields, without line numbers", elections.MemberInput{ExternalID: "ind-0008", Kind: "robot", Constituency: "md", Joined: "2025-01-01"},
			elections.EINVALID, []string{
				`kind: "robot" is not person or organisation`,
				"name: required",
				`constituency: "md" is not an elected constituency of the charter (individual, gold, silver)`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := newRollService(t, true)
			rollImport(t, svc, rollAda)
			before := len(rollEvents(t, st))
			m, err := svc.CreateMember(ctx, rollOfficer, tt.in)
			if got := elections.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("CreateMember: %v, want code %q", err, tt.wantCode)
			}
			events := rollSummarise(t, rollEvents(t, st)[before:])
			if err != nil {
				if _, details := rollErrorDetails(t, err); tt.want != nil && !cmp.Equal(tt.want, details) {
					t.Errorf("details %q, want %q", details, tt.want)
				}
				if len(events) != 0 {
					t.Errorf("a refused CreateMember recorded %v", events)
				}
				return
			}
			if m.ExternalID != tt.in.ExternalID || m.ID == 0 || !m.CreatedAt.Equal(rollNow) {
				t.Errorf("member %+v", m)
			}
			if tt.in.RepresentativeName != "" && (m.Representative == nil || m.Representative.Since.String() != tt.in.Joined) {
				t.Errorf("representative %+v, want %s since the day the organisation joined", m.Representative, tt.in.RepresentativeName)
			}
			if len(events) != 1 || events[0].Kind != elections.EventMemberCreated || events[0].Payload["member"] != tt.in.ExternalID {
				t.Errorf("events %v, want one member.created", events)
			}
		})
	}
}

func TestUpdateMember(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		member   string
		patch    elections.MemberPatch
		wantCode string
		// changes is the member.updated event's changes; nil: no event.
		changes map[string]any
	}{
		{"name and standing", "org-acme", elections.MemberPatch{Name: rollStr("Acme Inc"), Standing: rollStr("suspended")}, "", map[string]any{
			"name":     map[string]any{"from": "Acme Corp", "to": "Acme Inc"},
			"standing": map[string]any{"from": "good", "to": "suspended"},
		}},
		{"email and paid through", "ind-0001", elections.MemberPatch{Email: rollStr(""), PaidThrough: rollStr("2026-12-31")}, "", map[string]any{
			"email":        map[string]any{"from": "ada@example.org", "to": ""},
			"paid_through": map[string]any{"from": "", "to": "2026-12-31"},
		}},
		{"constituency", "org-acme", elections.MemberPatch{Constituency: rollStr("silver")}, "", map[string]any{
			"constituency": map[string]any{"from": "gold", "to": "silver"},
		}},
		{"nothing changes", "org-acme", elections.MemberPatch{Name: rollStr("Acme Corp")}, "", nil},
		{"empty patch", "org-acme", elections.MemberPatch{}, "", nil},
		{"unknown member", "ind-9999", elections.MemberPatch{Name: rollStr("X")}, elections.ENOTFOUND, nil},
		{"not elected constituency", "org-acme", elections.MemberPatch{Constituency: rollStr("md")}, elections.EINVALID, nil},
		{"bad standing", "org-acme", elections.MemberPatch{Standing: rollStr("gone")}, elections.EINVALID, nil},
		{"paid through before joined", "org-acme", elections.MemberPatch{PaidThrough: rollStr("2022-01-01")}, elections.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := newRollService(t, true)
			rollImport(t, svc, rollAda, rollAcme)
			before := len(rollEvents(t, st))
			old, _ := svc.Member(ctx, tt.member)
			m, err := svc.UpdateMember(ctx, rollOfficer, tt.member, tt.patch)
			if got := elections.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("UpdateMember: %v, want code %q", err, tt.wantCode)
			}
			events := rollSummarise(t, rollEvents(t, st)[before:])
			if err != nil {
				if len(events) != 0 {
					t.Errorf("a refused UpdateMember recorded %v", events)
				}
				return
			}
			var want []rollEvent
			if tt.changes != nil {
				want = []rollEvent{{elections.EventMemberUpdated, map[string]any{"member": tt.member, "changes": tt.changes}}}
			}
			if diff := cmp.Diff(want, events); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if !cmp.Equal(old.Representative, m.Representative) {
				t.Errorf("representative %+v changed to %+v", old.Representative, m.Representative)
			}
			again, _ := svc.Member(ctx, tt.member)
			if diff := cmp.Diff(again, m); diff != "" {
				t.Errorf("returned member differs from the stored one (-stored +returned):\n%s", diff)
			}
		})
	}
}

func TestReplaceRepresentative(t *testing.T) {
	ctx := context.Background()
	jo := elections.Representative{Name: "Jo Rep", Email: "jo@acme.example", Since: elections.MustDate("2024-01-01")}
	tests := []struct {
		name     string
		member   string
		in       elections.RepresentativeInput
		wantCode string
		want     []elections.Representative
	}{
		{"new one from a date", "org-acme", elections.RepresentativeInput{Name: "Kim", Email: "Kim@Acme.example", Since: "2025-03-01"}, "", []elections.Representative{
			{Name: "Jo Rep", Email: "jo@acme.example", Since: jo.Since, Until: elections.MustDate("2025-03-01")},
			{Name: "Kim", Email: "kim@acme.example", Since: elections.MustDate("2025-03-01")},
		}},
		{"new one from today", "org-acme", elections.RepresentativeInput{Name: "Kim"}, "", []elections.Representative{
			{Name: "Jo Rep", Email: "jo@acme.example", Since: jo.Since, Until: rollToday},
			{Name: "Kim", Since: rollToday},
		}},
		{"the same one again changes nothing", "org-acme", elections.RepresentativeInput{Name: "Jo Rep", Email: "jo@acme.example", Since: "2025-01-01"}, "",
			[]elections.Representative{jo}},
		{"a person has none", "ind-0001", elections.RepresentativeInput{Name: "Kim"}, elections.ECONFLICT, nil},
		{"unknown member", "org-none", elections.RepresentativeInput{Name: "Kim"}, elections.ENOTFOUND, nil},
		{"not after the current one", "org-acme", elections.RepresentativeInput{Name: "Kim", Since: "2024-01-01"}, elections.EINVALID, nil},
		{"name missing", "org-acme", elections.RepresentativeInput{Email: "x@example.org"}, elections.EINVALID, nil},
		{"NUL in the name", "org-acme", elections.RepresentativeInput{Name: "Kim\x00"}, elections.EINVALID, nil},
		{"bad date", "org-acme", elections.RepresentativeInput{Name: "Kim", Since: "soon"}, elections.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := newRollService(t, true)
			rollImport(t, svc, rollAda, rollAcme)
			before := len(rollEvents(t, st))
			m, err := svc.ReplaceRepresentative(ctx, rollOfficer, tt.member, tt.in)
			if got := elections.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("ReplaceRepresentative: %v, want code %q", err, tt.wantCode)
			}
			events := rollSummarise(t, rollEvents(t, st)[before:])
			if err != nil {
				if len(events) != 0 {
					t.Errorf("a refused ReplaceRepresentative recorded %v", events)
				}
				return
			}
			got, err := svc.Representatives(ctx, tt.member)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(&tt.want[len(tt.want)-1], m.Representative); diff != "" {
				t.Errorf("current (-want +got):\n%s", diff)
			}
			wantEvents := 0
			if len(tt.want) > 1 {
				wantEvents = 1
			}
			if len(events) != wantEvents || (wantEvents == 1 && events[0].Kind != elections.EventRepresentativeReplaced) {
				t.Errorf("events %v, want %d member.representative_replaced", events, wantEvents)
			}
		})
	}
}

func TestMemberReads(t *testing.T) {
	ctx := context.Background()
	svc, _ := newRollService(t, true)
	rollImport(t, svc, rollAda, rollAcme, rollBob)
	if _, err := svc.Member(ctx, "nobody"); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("Member(nobody): %v, want not found", err)
	}
	if _, err := svc.Representatives(ctx, "nobody"); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("Representatives(nobody): %v, want not found", err)
	}
	if reps, err := svc.Representatives(ctx, "ind-0001"); err != nil || len(reps) != 0 {
		t.Errorf("Representatives of a person = %v, %v; want none", reps, err)
	}
}

func TestListMembers(t *testing.T) {
	ctx := context.Background()
	svc, _ := newRollService(t, true)
	rollImport(t, svc, append(rollBig(1100), rollAcme)...)
	ids := func(ms []elections.Member) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ExternalID)
		}
		return out
	}
	tests := []struct {
		name  string
		f     elections.MemberFilter
		n     int
		first string
	}{
		{"default page", elections.MemberFilter{}, elections.DefaultMemberPage, "ind-00000"},
		{"negative limit is the default", elections.MemberFilter{Limit: -3}, elections.DefaultMemberPage, "ind-00000"},
		{"limit", elections.MemberFilter{Limit: 2}, 2, "ind-00000"},
		{"limit clamped", elections.MemberFilter{Limit: 5000}, elections.MaxMemberPage, "ind-00000"},
		{"after", elections.MemberFilter{After: "ind-01098", Limit: 10}, 2, "ind-01099"},
		{"constituency", elections.MemberFilter{Constituency: "gold"}, 1, "org-acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := svc.ListMembers(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != tt.n || ms[0].ExternalID != tt.first {
				t.Errorf("%d members from %v, want %d from %s", len(ms), ids(ms[:min(3, len(ms))]), tt.n, tt.first)
			}
			if !slices.IsSorted(ids(ms)) {
				t.Errorf("members not ordered by external id: %v", ids(ms))
			}
		})
	}
	ms, _ := svc.ListMembers(ctx, elections.MemberFilter{After: "ind-01099"})
	if got := fmt.Sprint(ids(ms)); got != "[org-acme]" {
		t.Errorf("last page %s, want [org-acme]", got)
	}
	if ms[0].Representative == nil || ms[0].Representative.Name != "Jo Rep" {
		t.Errorf("listed organisation without its representative: %+v", ms[0])
	}
}
