package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

func TestSetPassword(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newService(t)
	u, err := svc.AddUser(ctx, elections.CLIActor(), "officer@example.org", elections.RoleOfficer, "first password")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		email    string
		password string
		wantCode string
		problems int
	}{
		{"new password, address in any case", " Officer@EXAMPLE.org ", "second password", "", 0},
		{"unknown account", "nobody@example.org", "second password", elections.ENOTFOUND, 0},
		{"short password", "officer@example.org", "short", elections.EINVALID, 1},
		{"password over 72 bytes", "officer@example.org", strings.Repeat("x", 73), elections.EINVALID, 1},
		{"bad address and short password", "officer", "short", elections.EINVALID, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := st.ListEvents(ctx, elections.EventFilter{Limit: 100})
			got, err := svc.SetPassword(ctx, elections.CLIActor(), tt.email, tt.password)
			if code := elections.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("SetPassword: %v (code %q), want code %q", err, code, tt.wantCode)
			}
			after, _ := st.ListEvents(ctx, elections.EventFilter{Limit: 100})
			if err != nil {
				var e *elections.Error
				if tt.problems > 0 && (!errors.As(err, &e) || len(e.Details) != tt.problems) {
					t.Errorf("problems %v, want %d of them", err, tt.problems)
				}
				if len(after) != len(before) {
					t.Error("a refused SetPassword recorded an event")
				}
				return
			}
			if got.ID != u.ID {
				t.Errorf("SetPassword changed account %d, want %d", got.ID, u.ID)
			}
			if _, err := svc.Authenticate(ctx, "officer@example.org", tt.password); err != nil {
				t.Errorf("login with the new password: %v", err)
			}
			if _, err := svc.Authenticate(ctx, "officer@example.org", "first password"); err == nil {
				t.Error("the old password still works")
			}
			ev := after[len(after)-1]
			var payload map[string]any
			_ = json.Unmarshal(ev.Payload, &payload)
			want := map[string]any{"user_id": float64(u.ID), "email": "officer@example.org", "role": "officer"}
			if ev.Kind != elections.EventAccountPasswordReset || ev.Actor != "cli" || !cmp.Equal(payload, want) {
				t.Errorf("event %+v payload %v, want %s by cli with %v", ev, payload, elections.EventAccountPasswordReset, want)
			}
			if strings.Contains(string(ev.Payload), tt.password) || strings.Contains(string(ev.Payload), got.PasswordHash) {
				t.Errorf("event payload %s holds the password or its hash", ev.Payload)
			}
		})
	}
}
