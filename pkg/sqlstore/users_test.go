package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

func newUser(email string, role elections.Role) *elections.User {
	return &elections.User{Email: email, Role: role, PasswordHash: "$2a$10$hash-of-" + email, CreatedAt: start}
}

func TestCreateAndFindUser(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		u := newUser("officer@example.org", elections.RoleOfficer)
		u.ID = 77 // ignored: the database assigns the ID
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		want := &elections.User{
			ID:           1,
			Email:        "officer@example.org",
			Role:         elections.RoleOfficer,
			PasswordHash: "$2a$10$hash-of-officer@example.org",
			CreatedAt:    start.Truncate(time.Microsecond),
		}
		if diff := cmp.Diff(want, u); diff != "" {
			t.Errorf("user after CreateUser (-want +got):\n%s", diff)
		}
		byID, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("UserByID: %v", err)
		}
		if diff := cmp.Diff(want, byID); diff != "" {
			t.Errorf("UserByID (-want +got):\n%s", diff)
		}
		byEmail, err := s.UserByEmail(ctx, "officer@example.org")
		if err != nil {
			t.Fatalf("UserByEmail: %v", err)
		}
		if diff := cmp.Diff(want, byEmail); diff != "" {
			t.Errorf("UserByEmail (-want +got):\n%s", diff)
		}
	})
}

func TestListAndCountUsers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("CountUsers on a new database = %d, %v; want 0", n, err)
		}
		var want []string
		for i, role := range []elections.Role{elections.RoleAdmin, elections.RoleOfficer, elections.RoleAuditor} {
			email := fmt.Sprintf("u%d@example.org", i)
			if err := s.CreateUser(ctx, newUser(email, role)); err != nil {
				t.Fatalf("CreateUser: %v", err)
			}
			want = append(want, email+" "+string(role))
		}
		users, err := s.ListUsers(ctx)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		var got []string
		for _, u := range users {
			got = append(got, u.Email+" "+string(u.Role))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListUsers (-want +got):\n%s", diff)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 3 {
			t.Errorf("CountUsers = %d, %v; want 3", n, err)
		}
	})
}

func TestUserErrors(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, newUser("taken@example.org", elections.RoleAdmin)); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		tests := []struct {
			name string
			call func() error
			want string
		}{
			{"duplicate e-mail", func() error {
				return s.CreateUser(ctx, newUser("taken@example.org", elections.RoleOfficer))
			}, elections.ECONFLICT},
			{"unknown e-mail", func() error {
				_, err := s.UserByEmail(ctx, "nobody@example.org")
				return err
			}, elections.ENOTFOUND},
			{"unknown id", func() error {
				_, err := s.UserByID(ctx, 9999)
				return err
			}, elections.ENOTFOUND},
			// The CHECK constraint backs the domain's rule: members have no password account.
			{"member role", func() error {
				return s.CreateUser(ctx, newUser("member@example.org", elections.RoleMember))
			}, elections.EINTERNAL},
			{"empty e-mail", func() error {
				return s.CreateUser(ctx, newUser("", elections.RoleOfficer))
			}, elections.EINTERNAL},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := elections.ErrorCode(tt.call()); got != tt.want {
					t.Errorf("error code = %q, want %q", got, tt.want)
				}
			})
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("CountUsers after the refused calls = %d, %v; want 1", n, err)
		}
	})
}

// TestUsersConcurrently creates and reads accounts from several goroutines (run with -race);
// of the goroutines racing for one address, exactly one wins.
func TestUsersConcurrently(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		const workers, each = 6, 5
		var (
			wg        sync.WaitGroup
			wins      atomic.Int32
			conflicts atomic.Int32
		)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					u := newUser(fmt.Sprintf("w%d-%d@example.org", w, i), elections.RoleOfficer)
					if err := s.CreateUser(ctx, u); err != nil {
						t.Errorf("CreateUser: %v", err)
						continue
					}
					if got, err := s.UserByID(ctx, u.ID); err != nil || got.Email != u.Email {
						t.Errorf("UserByID(%d) = %v, %v; want %s", u.ID, got, err, u.Email)
					}
				}
				switch err := s.CreateUser(ctx, newUser("contested@example.org", elections.RoleAdmin)); elections.ErrorCode(err) {
				case "":
					wins.Add(1)
				case elections.ECONFLICT:
					conflicts.Add(1)
				default:
					t.Errorf("CreateUser of the contested address: %v", err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || conflicts.Load() != workers-1 {
			t.Errorf("contested address: %d created, %d conflicts; want 1 and %d", wins.Load(), conflicts.Load(), workers-1)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != workers*each+1 {
			t.Errorf("CountUsers = %d, %v; want %d", n, err, workers*each+1)
		}
	})
}

func TestSetPasswordHash(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := newUser("a@example.org", elections.RoleOfficer), newUser("b@example.org", elections.RoleAuditor)
		for _, u := range []*elections.User{a, b} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetPasswordHash(ctx, a.ID, "$2a$12$new"); err != nil {
			t.Fatalf("SetPasswordHash: %v", err)
		}
		gotA, _ := s.UserByID(ctx, a.ID)
		gotB, _ := s.UserByID(ctx, b.ID)
		if gotA.PasswordHash != "$2a$12$new" || gotB.PasswordHash != b.PasswordHash {
			t.Fatalf("hashes after SetPasswordHash(a): a %q, b %q; want only a's changed", gotA.PasswordHash, gotB.PasswordHash)
		}
		if err := s.SetPasswordHash(ctx, 999, "x"); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Fatalf("SetPasswordHash of an unknown account: %v, want not_found", err)
		}
	})
}
