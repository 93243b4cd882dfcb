package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

var t0 = time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*elections.Service, *electionstest.Store, *electionstest.Hasher) {
	t.Helper()
	st, h := electionstest.NewStore(), &electionstest.Hasher{}
	svc, err := elections.NewService(st, electionstest.NewClock(t0), h)
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, h
}

func TestAddUser(t *testing.T) {
	ctx := context.Background()
	admin := elections.Actor{Kind: elections.ActorUser, ID: 1, Role: elections.RoleAdmin}
	tests := []struct {
		name     string
		email    string
		role     elections.Role
		password string
		wantCode string
		// wantProblems is how many problems an invalid request reports (all at once).
		wantProblems int
	}{
		{"officer", " O@Example.org ", elections.RoleOfficer, "twelve chars", "", 0},
		{"auditor", "a@example.org", elections.RoleAuditor, "twelve chars", "", 0},
		{"member accounts do not exist", "m@example.org", elections.RoleMember, "twelve chars", elections.EINVALID, 1},
		{"short password", "s@example.org", elections.RoleAdmin, "eleven char", elections.EINVALID, 1},
		{"password over 72 bytes", "l@example.org", elections.RoleAdmin, strings.Repeat("x", 73), elections.EINVALID, 1},
		{"everything wrong", "not an address", "boss", "short", elections.EINVALID, 3},
		{"address taken, case-insensitively", "o@EXAMPLE.org", elections.RoleAdmin, "twelve chars", elections.ECONFLICT, 0},
	}
	svc, st, _ := newService(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := st.ListEvents(ctx, elections.EventFilter{Limit: 100})
			u, err := svc.AddUser(ctx, admin, tt.email, tt.role, tt.password)
			if got := elections.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("AddUser error %v (code %q), want code %q", err, got, tt.wantCode)
			}
			after, _ := st.ListEvents(ctx, elections.EventFilter{Limit: 100})
			if err != nil {
				var e *elections.Error
				if tt.wantProblems > 0 && (!errors.As(err, &e) || len(e.Details) != tt.wantProblems) {
					t.Errorf("problems %v, want %d of them", err, tt.wantProblems)
				}
				if len(after) != len(before) {
					t.Errorf("a refused AddUser recorded an event")
				}
				return
			}
			if u.Email != strings.ToLower(strings.TrimSpace(tt.email)) || u.PasswordHash == tt.password || !u.CreatedAt.Equal(t0) {
				t.Errorf("user %+v: want normalised address, hashed password, created at %v", u, t0)
			}
			ev := after[len(after)-1]
			var payload map[string]any
			_ = json.Unmarshal(ev.Payload, &payload)
			want := map[string]any{"user_id": float64(u.ID), "email": u.Email, "role": string(u.Role)}
			if ev.Kind != elections.EventAccountCreated || ev.Actor != "user:1" || !cmp.Equal(payload, want) {
				t.Errorf("event %+v payload %v, want account.created by user:1 with %v", ev, payload, want)
			}
			if strings.Contains(string(ev.Payload), tt.password) || strings.Contains(string(ev.Payload), u.PasswordHash) {
				t.Errorf("event payload %s holds the password or its hash", ev.Payload)
			}
		})
	}
}

// TestAuthenticateFailuresLookAlike checks that every failed login gives the same error after
// the same work (one password comparison), so a caller cannot tell which accounts exist.
func TestAuthenticateFailuresLookAlike(t *testing.T) {
	ctx := context.Background()
	svc, _, h := newService(t)
	if _, err := svc.AddUser(ctx, elections.CLIActor(), "o@example.org", elections.RoleOfficer, "right password"); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, c := range []struct{ name, email, password string }{
		{"unknown address", "x@example.org", "right password"},
		{"malformed address", "not an address", "right password"},
		{"wrong password", "o@example.org", "wrong password"},
	} {
		n := h.Compares()
		_, err := svc.Authenticate(ctx, c.email, c.password)
		if elections.ErrorCode(err) != elections.EUNAUTHORIZED {
			t.Fatalf("%s: %v, want unauthorized", c.name, err)
		}
		if got := h.Compares() - n; got != 1 {
			t.Errorf("%s: %d password comparisons, want exactly 1", c.name, got)
		}
		msgs = append(msgs, elections.ErrorMessage(err))
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Errorf("failed logins differ: %q", msgs)
	}
	u, err := svc.Authenticate(ctx, " O@example.ORG", "right password")
	if err != nil || u.Email != "o@example.org" {
		t.Fatalf("right password: %v, %v", u, err)
	}
}

func TestHasUsersAndEvents(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService(t)
	if has, err := svc.HasUsers(ctx); err != nil || has {
		t.Fatalf("HasUsers on an empty store = %v, %v", has, err)
	}
	for _, e := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if _, err := svc.AddUser(ctx, elections.CLIActor(), e, elections.RoleAuditor, "twelve chars"); err != nil {
			t.Fatal(err)
		}
	}
	if has, _ := svc.HasUsers(ctx); !has {
		t.Fatal("HasUsers after AddUser = false")
	}
	page, err := svc.ListEvents(ctx, elections.EventFilter{AfterID: 1, Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != 2 || page[0].Actor != "cli" {
		t.Fatalf("second page of one: %+v, %v", page, err)
	}
	all, _ := svc.ListEvents(ctx, elections.EventFilter{Limit: 100000})
	if len(all) != 3 {
		t.Fatalf("limit above the maximum: %d events, want all 3", len(all))
	}
	if _, err := svc.ListEvents(ctx, elections.EventFilter{AfterID: -1}); elections.ErrorCode(err) != elections.EINVALID {
		t.Fatalf("negative after: %v, want invalid", err)
	}
}

func TestParseRoleAndErrorCode(t *testing.T) {
	for _, s := range []string{"member", "officer", "auditor", "admin"} {
		if r, err := elections.ParseRole(s); err != nil || string(r) != s {
			t.Errorf("ParseRole(%q) = %q, %v", s, r, err)
		}
	}
	if _, err := elections.ParseRole("Officer"); elections.ErrorCode(err) != elections.EINVALID {
		t.Errorf("ParseRole(Officer): %v, want invalid (roles are lower case)", err)
	}
	if elections.ErrorCode(nil) != "" || elections.ErrorCode(context.Canceled) != elections.EINTERNAL {
		t.Error("ErrorCode of nil must be empty and of a foreign error internal")
	}
	if elections.ErrorMessage(context.Canceled) != "internal error" {
		t.Error("ErrorMessage must not show a foreign error's text")
	}
}

// TestAuthenticateRehashes checks that a login with a hash of older parameters stores a new
// hash, so a raised cost reaches every account.
func TestAuthenticateRehashes(t *testing.T) {
	ctx := context.Background()
	svc, st, h := newService(t)
	u, err := svc.AddUser(ctx, elections.CLIActor(), "o@example.org", elections.RoleOfficer, "right password")
	if err != nil {
		t.Fatal(err)
	}
	h.Version = "2"
	if _, err := svc.Authenticate(ctx, "o@example.org", "wrong password"); err == nil {
		t.Fatal("wrong password accepted")
	}
	stored, _ := st.UserByID(ctx, u.ID)
	if stored.PasswordHash != "hash:right password" {
		t.Fatalf("a failed login changed the hash to %q", stored.PasswordHash)
	}
	if _, err := svc.Authenticate(ctx, "o@example.org", "right password"); err != nil {
		t.Fatal(err)
	}
	stored, _ = st.UserByID(ctx, u.ID)
	if stored.PasswordHash != "hash2:right password" {
		t.Fatalf("hash after login with new parameters: %q, want it rehashed", stored.PasswordHash)
	}
}
