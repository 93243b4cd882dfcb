package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
)

func TestAuditScenarios(t *testing.T) {
	e := newEnv(t)
	member := e.issue(e.tokens, "member:7", "member")
	const events = "/api/v1/audit/events"
	e.run(t, []scenario{
		{name: "auditor", method: "GET", url: events, token: e.auditorToken, wantStatus: http.StatusOK,
			wantContains: []string{`"kind":"account.created"`, `"actor":"cli"`, `"next_after":3`}},
		{name: "officer", method: "GET", url: events + "?kind=account.created&limit=1", token: e.officerToken,
			wantStatus: http.StatusOK, wantContains: []string{`"next_after":1`, adminEmail}, mustNotContain: []string{officerEmail}},
		{name: "unknown kind", method: "GET", url: events + "?kind=nothing.like.this&after=2", token: e.officerToken,
			wantStatus: http.StatusOK, wantContains: []string{`{"events":[],"next_after":2}`}},
		{name: "after is not a number", method: "GET", url: events + "?after=abc", token: e.officerToken,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"after must be an integer"}},
		{name: "negative after", method: "GET", url: events + "?after=-1", token: e.officerToken,
			wantStatus: http.StatusBadRequest, wantCode: "invalid"},
		{name: "member", method: "GET", url: events, token: member, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "no token", method: "GET", url: events, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
	})
}

// Following next_after walks the whole trail once, in order.
func TestAuditPagination(t *testing.T) {
	e := newEnv(t)
	for i := range 4 {
		e.addUser(fmt.Sprintf("extra%d@example.org", i), elections.RoleOfficer, "a long enough password")
	}
	type page struct {
		Events []struct {
			ID      int64           `json:"id"`
			Kind    string          `json:"kind"`
			Payload json.RawMessage `json:"payload"`
		} `json:"events"`
		NextAfter int64 `json:"next_after"`
	}
	var seen []int64
	after := int64(0)
	for range 10 {
		rec := e.do(request{method: "GET", url: fmt.Sprintf("/api/v1/audit/events?limit=3&after=%d", after), token: e.auditorToken})
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var p page
		decode(t, rec, &p)
		if len(p.Events) > 3 {
			t.Fatalf("page of %d events, limit 3", len(p.Events))
		}
		if len(p.Events) == 0 {
			if p.NextAfter != after {
				t.Errorf("empty page: next_after %d, want %d", p.NextAfter, after)
			}
			break
		}
		for _, ev := range p.Events {
			seen = append(seen, ev.ID)
			if ev.Kind != elections.EventAccountCreated || !json.Valid(ev.Payload) {
				t.Errorf("event %d: kind %q payload %s", ev.ID, ev.Kind, ev.Payload)
			}
		}
		after = p.NextAfter
	}
	if diff := cmp.Diff([]int64{1, 2, 3, 4, 5, 6, 7}, seen); diff != "" {
		t.Errorf("event ids (-want +got):\n%s", diff)
	}
}

// The api checks that limit is a number and leaves clamping it to the domain: whatever the
// caller asks, the store is asked for at most elections.MaxEventPage events.
func TestAuditLimit(t *testing.T) {
	var asked []int
	e := newEnv(t, func(_ *api.Options, w *wrapStore) {
		w.listEvents = func(ctx context.Context, f elections.EventFilter) ([]elections.Event, error) {
			asked = append(asked, f.Limit)
			return w.Store.ListEvents(ctx, f)
		}
	})
	const events = "/api/v1/audit/events"
	e.run(t, []scenario{
		{name: "limit is not a number", method: "GET", url: events + "?limit=ten", token: e.auditorToken,
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantContains: []string{"limit must be an integer"}},
		{name: "limit out of range", method: "GET", url: events + "?limit=99999999999999999999", token: e.auditorToken,
			wantStatus: http.StatusBadRequest, wantCode: "invalid"},
	})
	for _, q := range []string{"", "?limit=0", "?limit=-3", "?limit=100000", "?limit=2"} {
		if rec := e.do(request{method: "GET", url: events + q, token: e.auditorToken}); rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", q, rec.Code)
		}
	}
	want := []int{elections.MaxEventPage, elections.MaxEventPage, elections.MaxEventPage, elections.MaxEventPage, 2}
	if diff := cmp.Diff(want, asked); diff != "" {
		t.Errorf("limits asked of the store (-want +got):\n%s", diff)
	}
}

// tamperedStore changes one entry's payload as the audit chain is read, as someone editing
// the table behind the triggers' back would.
type tamperedStore struct {
	elections.Store
	id int64
}

func (s *tamperedStore) AuditChain(ctx context.Context, afterID int64, fn func(e *elections.Event) error) error {
	return s.Store.AuditChain(ctx, afterID, func(e *elections.Event) error {
		if e.ID == s.id {
			e.Payload = json.RawMessage(`{"user_id":99}`)
		}
		return fn(e)
	})
}

func TestAuditChainScenarios(t *testing.T) {
	e := newEnv(t)
	member := e.issue(e.tokens, "member:7", "member")
	const verify, events = "/api/v1/audit/verify", "/api/v1/audit/events"
	first, err := e.svc.ListEvents(context.Background(), elections.EventFilter{Limit: 1})
	if err != nil || len(first) != 1 {
		t.Fatalf("ListEvents = %v, %v", first, err)
	}
	head, err := e.svc.ListEvents(context.Background(), elections.EventFilter{AfterID: 2})
	if err != nil || len(head) != 1 {
		t.Fatalf("ListEvents = %v, %v", head, err)
	}
	okBody := fmt.Sprintf(`{"ok":true,"entries":3,"head":{"id":3,"hash":%q},"broken":null}`, head[0].Hash)
	e.run(t, []scenario{
		{name: "auditor verifies", method: "GET", url: verify, token: e.auditorToken, wantStatus: http.StatusOK,
			wantContains: []string{okBody}},
		{name: "officer verifies", method: "GET", url: verify, token: e.officerToken, wantStatus: http.StatusOK,
			wantContains: []string{okBody}},
		{name: "admin verifies", method: "GET", url: verify, token: e.adminToken, wantStatus: http.StatusOK,
			wantContains: []string{okBody}},
		{name: "member may not verify", method: "GET", url: verify, token: member, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "verify needs a token", method: "GET", url: verify, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "events show their chain", method: "GET", url: events + "?limit=1", token: e.auditorToken, wantStatus: http.StatusOK,
			wantContains: []string{`"election":0`, `"prev_hash":""`, fmt.Sprintf(`"hash":%q`, first[0].Hash)}},
		{name: "events of another election", method: "GET", url: events + "?election=42", token: e.auditorToken,
			wantStatus: http.StatusOK, wantContains: []string{`{"events":[],"next_after":0}`}},
		{name: "election is not a number", method: "GET", url: events + "?election=x", token: e.auditorToken,
			wantStatus: http.StatusBadRequest, wantCode: "invalid"},
	})
}

// An entry changed after it was appended is named by /audit/verify.
func TestAuditVerifyFindsTampering(t *testing.T) {
	e := newEnv(t, func(_ *api.Options, w *wrapStore) { w.Store = &tamperedStore{Store: w.Store, id: 2} })
	e.run(t, []scenario{
		{name: "tampered", method: "GET", url: "/api/v1/audit/verify", token: e.auditorToken, wantStatus: http.StatusOK,
			wantContains: []string{`"ok":false`, `"entries":3`, `"broken":{"id":2,"reason":"hash does not match the entry's content"}`}},
	})
}

// The events of an election are those filed under it.
func TestAuditEventsOfAnElection(t *testing.T) {
	var store elections.Store
	e := newEnv(t, func(_ *api.Options, w *wrapStore) { store = w.Store })
	ctx := context.Background()
	for _, ev := range []*elections.Event{
		{At: start, Actor: "cli", Kind: "test.one", Election: 5, Payload: json.RawMessage(`{}`)},
		{At: start, Actor: "cli", Kind: "test.two", Election: 6, Payload: json.RawMessage(`{}`)},
	} {
		if err := store.AppendEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	e.run(t, []scenario{
		{name: "election 5", method: "GET", url: "/api/v1/audit/events?election=5", token: e.officerToken, wantStatus: http.StatusOK,
			wantContains: []string{`"kind":"test.one","election":5`, `"next_after":4`}, mustNotContain: []string{"test.two", "account.created"}},
	})
}
