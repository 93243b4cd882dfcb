package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// stored is start as the database keeps it.
var stored = start.Truncate(time.Microsecond)

// person returns a member in good standing of constituency c since joined.
func person(id, c, joined string) *elections.Member {
	return &elections.Member{ExternalID: id, Kind: elections.MemberPerson, Name: "Name of " + id, Email: id + "@example.org",
		Constituency: c, Joined: day(joined), Standing: elections.StandingGood, CreatedAt: start, UpdatedAt: start}
}

// organisation returns a member organisation of constituency c with a representative.
func organisation(id, c, joined string, rep *elections.Representative) *elections.Member {
	m := person(id, c, joined)
	m.Kind, m.Email, m.Representative = elections.MemberOrganisation, "", rep
	return m
}

// createMembers stores ms or fails the test.
func createMembers(t *testing.T, s *sqlstore.Store, ms ...*elections.Member) {
	t.Helper()
	if err := s.CreateMembers(context.Background(), ms); err != nil {
		t.Fatalf("CreateMembers: %v", err)
	}
}

func TestCreateAndFindMembers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ada := person("ind-0001", "individual", "2024-03-01")
		ada.ID = 42 // ignored: the database assigns the ID
		ada.PaidThrough = day("2026-12-31")
		acme := organisation("org-acme", "gold", "2023-01-01",
			&elections.Representative{Name: "Jo Rep", Email: "jo@acme.example", Since: day("2023-01-01"), Until: day("2024-01-01")})
		bare := organisation("org-bare", "gold", "2023-06-01", nil)
		bare.Standing = elections.StandingSuspended
		createMembers(t, s, ada, acme, bare)

		wantAda := elections.Member{ID: 1, ExternalID: "ind-0001", Kind: elections.MemberPerson, Name: "Name of ind-0001",
			Email: "ind-0001@example.org", Constituency: "individual", Joined: day("2024-03-01"), PaidThrough: day("2026-12-31"),
			Standing: elections.StandingGood, CreatedAt: stored, UpdatedAt: stored}
		wantAcme := elections.Member{ID: 2, ExternalID: "org-acme", Kind: elections.MemberOrganisation, Name: "Name of org-acme",
			Constituency: "gold", Joined: day("2023-01-01"), Standing: elections.StandingGood, CreatedAt: stored, UpdatedAt: stored,
			// The first representative is the current one: its Until is not kept.
			Representative: &elections.Representative{Name: "Jo Rep", Email: "jo@acme.example", Since: day("2023-01-01")}}
		wantBare := elections.Member{ID: 3, ExternalID: "org-bare", Kind: elections.MemberOrganisation, Name: "Name of org-bare",
			Constituency: "gold", Joined: day("2023-06-01"), Standing: elections.StandingSuspended, CreatedAt: stored, UpdatedAt: stored}
		if ada.ID != 1 || acme.ID != 2 || bare.ID != 3 || !ada.CreatedAt.Equal(stored) {
			t.Errorf("IDs after CreateMembers = %d, %d, %d (CreatedAt %v); want 1, 2, 3", ada.ID, acme.ID, bare.ID, ada.CreatedAt)
		}

		got, err := s.MembersByExternalID(ctx, []string{"org-acme", "ind-0001", "org-bare", "nobody", "ind-0001"})
		if err != nil {
			t.Fatalf("MembersByExternalID: %v", err)
		}
		want := map[string]*elections.Member{"ind-0001": &wantAda, "org-acme": &wantAcme, "org-bare": &wantBare}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("MembersByExternalID (-want +got):\n%s", diff)
		}
		if got, err := s.MembersByExternalID(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("MembersByExternalID(nil) = %v, %v; want none", got, err)
		}
		// The zero Date is NULL in the database.
		if n := count(t, s, "SELECT count(*) FROM members WHERE paid_through IS NULL"); n != 2 {
			t.Errorf("%d members without paid_through stored as NULL, want 2", n)
		}

		tests := []struct {
			name   string
			filter elections.MemberFilter
			want   []elections.Member
		}{
			{"all", elections.MemberFilter{}, []elections.Member{wantAda, wantAcme, wantBare}},
			{"constituency", elections.MemberFilter{Constituency: "gold"}, []elections.Member{wantAcme, wantBare}},
			{"after", elections.MemberFilter{After: "ind-0001"}, []elections.Member{wantAcme, wantBare}},
			{"limit", elections.MemberFilter{Limit: 2}, []elections.Member{wantAda, wantAcme}},
			{"all three", elections.MemberFilter{Constituency: "gold", After: "org-acme", Limit: 5}, []elections.Member{wantBare}},
			{"none", elections.MemberFilter{Constituency: "silver"}, []elections.Member{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListMembers(ctx, tt.filter)
				if err != nil {
					t.Fatalf("ListMembers: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ListMembers(%+v) (-want +got):\n%s", tt.filter, diff)
				}
			})
		}
	})
}

// TestListMembersByteOrder checks that external ids sort byte by byte on every engine, so that
// pages follow each other whatever the database's collation.
func TestListMembersByteOrder(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ids := []string{"b", "B", "a-2", "a2", "A_1", "a.1", "a:1", "a@1", "a+1", "Z"}
		for _, id := range ids {
			createMembers(t, s, person(id, "individual", "2024-01-01"))
		}
		want := []string{"A_1", "B", "Z", "a+1", "a-2", "a.1", "a2", "a:1", "a@1", "b"}
		var got []string
		for after := ""; ; {
			page, err := s.ListMembers(context.Background(), elections.MemberFilter{After: after, Limit: 3})
			if err != nil {
				t.Fatalf("ListMembers: %v", err)
			}
			if len(page) == 0 {
				break
			}
			for _, m := range page {
				got = append(got, m.ExternalID)
			}
			if len(got) > len(ids) {
				t.Fatalf("paging does not end: %v", got)
			}
			after = page[len(page)-1].ExternalID
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("external ids page by page (-want +got):\n%s", diff)
		}
	})
}

func TestUpdateMember(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		m := person("ind-1", "individual", "2024-01-01")
		m.PaidThrough = day("2025-12-31")
		other := person("ind-2", "individual", "2024-01-01")
		createMembers(t, s, m, other)

		later := start.Add(time.Hour + time.Nanosecond)
		changed := *m
		changed.ExternalID, changed.Name, changed.Email = "ind-1b", "Ada King", ""
		changed.Constituency, changed.Joined, changed.PaidThrough = "silver", day("2023-05-05"), elections.Date{}
		changed.Standing, changed.UpdatedAt = elections.StandingSuspended, later
		changed.CreatedAt = later // not stored
		if err := s.UpdateMember(ctx, &changed); err != nil {
			t.Fatalf("UpdateMember: %v", err)
		}
		got, err := s.MembersByExternalID(ctx, []string{"ind-1b"})
		if err != nil {
			t.Fatalf("MembersByExternalID: %v", err)
		}
		want := changed
		want.CreatedAt, want.UpdatedAt = stored, later.Truncate(time.Microsecond)
		if diff := cmp.Diff(map[string]*elections.Member{"ind-1b": &want}, got); diff != "" {
			t.Errorf("member after UpdateMember (-want +got):\n%s", diff)
		}

		tests := []struct {
			name   string
			modify func(m *elections.Member)
			want   string
		}{
			{"unknown id", func(m *elections.Member) { m.ID = 99 }, elections.ENOTFOUND},
			{"external id of another member", func(m *elections.Member) { m.ExternalID = "ind-2" }, elections.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := changed
				tt.modify(&m)
				if err := s.UpdateMember(ctx, &m); elections.ErrorCode(err) != tt.want {
					t.Errorf("UpdateMember = %v, want %s", err, tt.want)
				}
			})
		}
	})
}

func TestCreateMembersConflicts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		createMembers(t, s, person("taken", "individual", "2024-01-01"))
		tests := []struct {
			name    string
			members []*elections.Member
			details []string
		}{
			{"taken", []*elections.Member{person("new-1", "individual", "2024-01-01"), person("taken", "gold", "2024-01-01")},
				[]string{"member taken already exists"}},
			{"twice in the batch", []*elections.Member{person("twice", "individual", "2024-01-01"), person("twice", "gold", "2024-01-01")},
				[]string{"member twice is given twice"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.CreateMembers(ctx, tt.members)
				var e *elections.Error
				if elections.ErrorCode(err) != elections.ECONFLICT || !errors.As(err, &e) {
					t.Fatalf("CreateMembers = %v, want %s", err, elections.ECONFLICT)
				}
				if diff := cmp.Diff(tt.details, e.Details); diff != "" {
					t.Errorf("details (-want +got):\n%s", diff)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM members"); n != 1 {
			t.Errorf("%d members after the conflicts, want 1", n)
		}
	})
}

func TestCountActiveMembers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		open := person("open", "gold", "2025-01-01")
		paid := person("paid", "gold", "2025-01-01")
		paid.PaidThrough = day("2025-12-31")
		late := person("late", "gold", "2025-06-01")
		suspended := person("suspended", "gold", "2024-01-01")
		suspended.Standing = elections.StandingSuspended
		elsewhere := person("elsewhere", "silver", "2024-01-01")
		createMembers(t, s, open, paid, late, suspended, elsewhere)
		tests := []struct {
			on   string
			want int
		}{
			{"2024-12-31", 0}, // before anyone in gold but the suspended one joined
			{"2025-01-01", 2}, // the joining day counts
			{"2025-05-31", 2},
			{"2025-06-01", 3},
			{"2025-12-31", 3}, // paid through the day counts
			{"2026-01-01", 2}, // lapsed the day after
		}
		for _, tt := range tests {
			n, err := s.CountActiveMembers(context.Background(), "gold", day(tt.on))
			if err != nil || n != tt.want {
				t.Errorf("CountActiveMembers(gold, %s) = %d, %v; want %d", tt.on, n, err, tt.want)
			}
		}
	})
}

func TestRepresentatives(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acme := organisation("org-acme", "gold", "2023-01-01", &elections.Representative{Name: "Jo", Email: "jo@acme.example", Since: day("2023-01-01")})
		bare := organisation("org-bare", "gold", "2023-01-01", nil)
		createMembers(t, s, acme, bare)
		steps := []struct {
			memberID int64
			rep      elections.Representative
		}{
			{acme.ID, elections.Representative{Name: "Kim", Since: day("2024-05-01"), Until: day("2030-01-01")}}, // Until ignored
			{acme.ID, elections.Representative{Name: "Lee", Email: "lee@acme.example", Since: day("2025-02-01")}},
			{bare.ID, elections.Representative{Name: "Max", Since: day("2025-03-01")}}, // the first one
		}
		for _, st := range steps {
			if err := s.AddRepresentative(ctx, st.memberID, st.rep); err != nil {
				t.Fatalf("AddRepresentative(%d, %s): %v", st.memberID, st.rep.Name, err)
			}
		}
		wantAcme := []elections.Representative{
			{Name: "Jo", Email: "jo@acme.example", Since: day("2023-01-01"), Until: day("2024-05-01")},
			{Name: "Kim", Since: day("2024-05-01"), Until: day("2025-02-01")},
			{Name: "Lee", Email: "lee@acme.example", Since: day("2025-02-01")},
		}
		for id, want := range map[int64][]elections.Representative{
			acme.ID: wantAcme,
			bare.ID: {{Name: "Max", Since: day("2025-03-01")}},
			99:      {},
		} {
			got, err := s.Representatives(ctx, id)
			if err != nil {
				t.Fatalf("Representatives: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Representatives(%d) (-want +got):\n%s", id, diff)
			}
		}
		members, err := s.MembersByExternalID(ctx, []string{"org-acme", "org-bare"})
		if err != nil {
			t.Fatalf("MembersByExternalID: %v", err)
		}
		if r := members["org-acme"].Representative; r == nil || r.Name != "Lee" {
			t.Errorf("current representative of org-acme = %+v, want Lee", r)
		}
		if r := members["org-bare"].Representative; r == nil || r.Name != "Max" {
			t.Errorf("current representative of org-bare = %+v, want Max", r)
		}

		tests := []struct {
			name     string
			memberID int64
			since    string
			want     string
		}{
			{"unknown member", 99, "2025-01-01", elections.ENOTFOUND},
			{"before the current one", acme.ID, "2025-01-31", elections.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.AddRepresentative(ctx, tt.memberID, elections.Representative{Name: "X", Since: day(tt.since)})
				if elections.ErrorCode(err) != tt.want {
					t.Errorf("AddRepresentative = %v, want %s", err, tt.want)
				}
			})
		}
		if got, err := s.Representatives(ctx, acme.ID); err != nil || !cmp.Equal(wantAcme, got) {
			t.Errorf("Representatives after the refused calls = %v, %v; want them unchanged", got, err)
		}
		// At most one current representative, whoever writes.
		err = sqlstore.GormDB(s).Exec("INSERT INTO member_representatives (member_id, name, email, since) VALUES (?, 'Y', '', '2026-01-01')", acme.ID).Error
		if err == nil {
			t.Error("a second current representative was stored, want it refused")
		}
	})
}

// TestManyMembers creates and reads back more members than one statement or IN list takes.
func TestManyMembers(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		const n = 10_000
		ms := make([]*elections.Member, n)
		ids := make([]string, n)
		for i := range ms {
			ids[i] = fmt.Sprintf("ind-%05d", i)
			if i%10 == 0 {
				ms[i] = organisation(ids[i], "gold", "2024-01-01", &elections.Representative{Name: "Rep " + ids[i], Since: day("2024-01-01")})
			} else {
				ms[i] = person(ids[i], "individual", "2024-01-01")
			}
		}
		createMembers(t, s, ms...)
		for i, m := range ms {
			if m.ID != int64(i+1) {
				t.Fatalf("member %d got ID %d, want %d", i, m.ID, i+1)
			}
		}
		got, err := s.MembersByExternalID(ctx, ids)
		if err != nil {
			t.Fatalf("MembersByExternalID: %v", err)
		}
		if len(got) != n {
			t.Fatalf("MembersByExternalID returned %d members, want %d", len(got), n)
		}
		for i, id := range ids {
			m := got[id]
			if m == nil || m.ID != int64(i+1) || (m.Representative != nil) != (i%10 == 0) {
				t.Fatalf("member %s = %+v, want ID %d with a representative when an organisation", id, m, i+1)
			}
		}
		if c, err := s.CountActiveMembers(ctx, "individual", day("2025-01-01")); err != nil || c != n-n/10 {
			t.Errorf("CountActiveMembers = %d, %v; want %d", c, err, n-n/10)
		}
	})
}
