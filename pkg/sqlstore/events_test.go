package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

func TestAppendAndListEvents(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		// The payload comes back byte for byte: spacing and key order are kept.
		payloads := []string{`{"b": 1,  "a": [2]}`, `{"user_id":1}`, `{}`}
		kinds := []string{"account.created", "test.other", "account.created"}
		var all []elections.Event
		for i := range payloads {
			e := &elections.Event{At: start.Add(time.Duration(i) * time.Minute), Actor: "cli", Kind: kinds[i], Payload: json.RawMessage(payloads[i])}
			if err := s.AppendEvent(ctx, e); err != nil {
				t.Fatalf("AppendEvent: %v", err)
			}
			if e.ID != int64(i+1) {
				t.Errorf("event %d got ID %d, want %d", i, e.ID, i+1)
			}
			all = append(all, elections.Event{ID: int64(i + 1), At: start.Add(time.Duration(i) * time.Minute).Truncate(time.Microsecond),
				Actor: "cli", Kind: kinds[i], Payload: json.RawMessage(payloads[i])})
		}
		chainEvents(all, "")
		tests := []struct {
			name   string
			filter elections.EventFilter
			want   []elections.Event
		}{
			{"all", elections.EventFilter{}, all},
			{"by kind", elections.EventFilter{Kind: "account.created"}, []elections.Event{all[0], all[2]}},
			{"after", elections.EventFilter{AfterID: 1}, all[1:]},
			{"limit", elections.EventFilter{Limit: 2}, all[:2]},
			{"kind, after and limit", elections.EventFilter{Kind: "account.created", AfterID: 1, Limit: 1}, all[2:]},
			{"none after the last", elections.EventFilter{AfterID: 3}, []elections.Event{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListEvents(ctx, tt.filter)
				if err != nil {
					t.Fatalf("ListEvents: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ListEvents(%+v) (-want +got):\n%s", tt.filter, diff)
				}
			})
		}
	})
}

// TestEventsAreAppendOnly checks that the database itself refuses to change or remove a
// recorded event, whoever asks.
func TestEventsAreAppendOnly(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := &elections.Event{At: start, Actor: "cli", Kind: "account.created", Payload: json.RawMessage(`{"user_id":1}`)}
		if err := s.AppendEvent(ctx, e); err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		tampering := []string{
			"UPDATE audit_events SET actor = 'user:2'",
			"DELETE FROM audit_events",
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			tampering = append(tampering, "TRUNCATE audit_events")
		}
		for _, sql := range tampering {
			if err := sqlstore.GormDB(s).Exec(sql).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", sql)
			}
		}
		got, err := s.ListEvents(ctx, elections.EventFilter{})
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		if diff := cmp.Diff([]elections.Event{*e}, got); diff != "" {
			t.Errorf("events after tampering (-want +got):\n%s", diff)
		}
	})
}

func TestAppendEventRefusesInvalidPayload(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		e := &elections.Event{At: start, Actor: "cli", Kind: "test", Payload: json.RawMessage(`{not json`)}
		if err := s.AppendEvent(context.Background(), e); err == nil {
			t.Error("AppendEvent with a payload that is not JSON succeeded")
		}
	})
}

// TestListEventsOfAccounts keeps the entries of accounts and of the command line, not those
// of members or of the service, alone and with the other filters.
func TestListEventsOfAccounts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		actors := []string{"user:3", "member", "cli", "system", "user:12", "users", "member"}
		for i, a := range actors {
			e := &elections.Event{At: start, Actor: a, Kind: "test", Election: int64(i / 3), Payload: json.RawMessage(`{}`)}
			if err := s.AppendEvent(ctx, e); err != nil {
				t.Fatalf("AppendEvent: %v", err)
			}
		}
		for _, tt := range []struct {
			filter elections.EventFilter
			want   []int64
		}{
			{elections.EventFilter{Accounts: true}, []int64{1, 3, 5}},
			{elections.EventFilter{Accounts: true, Election: 1}, []int64{5}},
			{elections.EventFilter{Accounts: true, AfterID: 1, Limit: 1}, []int64{3}},
			{elections.EventFilter{}, []int64{1, 2, 3, 4, 5, 6, 7}},
		} {
			got, err := s.ListEvents(ctx, tt.filter)
			if err != nil {
				t.Fatalf("ListEvents: %v", err)
			}
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !cmp.Equal(tt.want, ids) {
				t.Errorf("ListEvents(%+v) = entries %v, want %v", tt.filter, ids, tt.want)
			}
		}
	})
}

// TestEventQueriesUseIndexes checks that on SQLite a kind filter and the officers' actions use
// the partial indexes that leave the ballots' entries out (migration 0006): a query that did
// not name their condition would scan the whole log, which holds an entry per commit of
// ballots.
func TestEventQueriesUseIndexes(t *testing.T) {
	s := sqlstoretest.Open(t)
	for _, tt := range []struct {
		name  string
		f     elections.EventFilter
		index string
	}{
		{"kind", elections.EventFilter{Kind: elections.EventRoundOpened, Limit: 10}, "audit_events_kind"},
		{"officers' actions", elections.EventFilter{Election: 1, Accounts: true, Limit: 10}, "audit_events_election"},
	} {
		stmt := sqlstore.GormDB(s).Session(&gorm.Session{DryRun: true})
		query, vars := sqlstore.ListEventsSQL(stmt, tt.f)
		var plan []struct {
			ID, Parent, Notused int
			Detail              string
		}
		if err := sqlstore.GormDB(s).Raw("EXPLAIN QUERY PLAN "+query, vars...).Scan(&plan).Error; err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, p := range plan {
			details = append(details, p.Detail)
		}
		if !strings.Contains(strings.Join(details, "; "), tt.index) {
			t.Errorf("%s: plan %q does not use %s", tt.name, details, tt.index)
		}
	}
}
