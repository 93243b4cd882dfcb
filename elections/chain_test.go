package elections_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// TestChainHash checks ChainHash against its definition, written out by hand.
func TestChainHash(t *testing.T) {
	e := &elections.Event{
		ID:       12,
		At:       time.Date(2026, 6, 1, 10, 30, 5, 123456789, time.FixedZone("CEST", 2*3600)),
		Actor:    "user:3",
		Kind:     "round.opened",
		Election: 4,
		PrevHash: "ab01",
		Payload:  json.RawMessage(`{"é":1}`),
	}
	payloadSum := sha256.Sum256([]byte("{\"é\":1}")) // 8 bytes: é is two
	payloadHex := hex.EncodeToString(payloadSum[:])
	input := "govboard-audit-v2\n" +
		"2:12\n" +
		"27:2026-06-01T08:30:05.123456Z\n" +
		"6:user:3\n" +
		"12:round.opened\n" +
		"1:4\n" +
		"4:ab01\n" +
		"64:" + payloadHex + "\n"
	sum := sha256.Sum256([]byte(input))
	want := hex.EncodeToString(sum[:])
	if got := elections.ChainHash(e); got != want {
		t.Errorf("ChainHash = %s, want %s", got, want)
	}
	// The same vector, fixed, so that a change of the definition shows here.
	if want != "32d71938a44022ef27170a4d618fa3b1b286704a80e6fe6da5711638391bf8db" {
		t.Errorf("ChainHash of the test vector = %s, want the published value", want)
	}
	// The record holds the payload's SHA-256 in its place, and hashes the same.
	r := e.Record()
	wantRecord := elections.ChainRecord{ID: 12, At: time.Date(2026, 6, 1, 8, 30, 5, 123456789, time.UTC), Actor: "user:3",
		Kind: "round.opened", Election: 4, PayloadSHA256: payloadHex, PrevHash: "ab01"}
	if diff := cmp.Diff(wantRecord, r); diff != "" {
		t.Errorf("Record (-want +got):\n%s", diff)
	}
	if got := elections.ChainRecordHash(&r); got != want {
		t.Errorf("ChainRecordHash = %s, want %s", got, want)
	}
	r.Hash = "ignored"
	if got := elections.ChainRecordHash(&r); got != want {
		t.Errorf("ChainRecordHash depends on the record's own Hash: %s, want %s", got, want)
	}
	// Every field counts, and the length prefixes keep fields apart.
	base := elections.ChainHash(e)
	for name, change := range map[string]func(e *elections.Event){
		"id":        func(e *elections.Event) { e.ID++ },
		"time":      func(e *elections.Event) { e.At = e.At.Add(time.Microsecond) },
		"actor":     func(e *elections.Event) { e.Actor = "user:4" },
		"kind":      func(e *elections.Event) { e.Kind = "round.closed" },
		"election":  func(e *elections.Event) { e.Election = 0 },
		"prev_hash": func(e *elections.Event) { e.PrevHash = "ab02" },
		"payload":   func(e *elections.Event) { e.Payload = json.RawMessage(`{"é":2}`) },
		"shift":     func(e *elections.Event) { e.Actor, e.Kind = "user:3r", "ound.opened" },
	} {
		c := *e
		change(&c)
		if elections.ChainHash(&c) == base {
			t.Errorf("changing the %s leaves the hash unchanged", name)
		}
	}
	// Below a microsecond nothing is kept, as in the stores.
	c := *e
	c.At = time.Date(2026, 6, 1, 8, 30, 5, 123456000, time.UTC)
	if elections.ChainHash(&c) != base {
		t.Error("ChainHash depends on the time below the microsecond")
	}
}

// chain returns n chained events.
func chain(n int) []elections.Event {
	es := make([]elections.Event, n)
	prev := ""
	for i := range es {
		es[i] = elections.Event{ID: int64(i + 1), At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), Actor: "cli", Kind: "test",
			Payload: json.RawMessage(`{}`), PrevHash: prev}
		es[i].Hash = elections.ChainHash(&es[i])
		prev = es[i].Hash
	}
	return es
}

func TestChainChecker(t *testing.T) {
	tests := []struct {
		name   string
		change func(es []elections.Event) []elections.Event
		broken int64 // 0: holds
	}{
		{"holds", func(es []elections.Event) []elections.Event { return es }, 0},
		{"payload edited", func(es []elections.Event) []elections.Event { es[2].Payload = json.RawMessage(`{"x":1}`); return es }, 3},
		{"entry removed", func(es []elections.Event) []elections.Event { return append(es[:1], es[2:]...) }, 3},
		{"first entry removed", func(es []elections.Event) []elections.Event { return es[1:] }, 2},
		{"entries swapped", func(es []elections.Event) []elections.Event { es[1], es[2] = es[2], es[1]; return es }, 3},
		{"entry rehashed", func(es []elections.Event) []elections.Event {
			es[1].Actor = "user:9"
			es[1].Hash = elections.ChainHash(&es[1])
			return es
		}, 3},
		{"id repeated", func(es []elections.Event) []elections.Event {
			es[3].ID = 3
			es[3].Hash = elections.ChainHash(&es[3])
			return es
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.change(chain(5))
			var c elections.ChainChecker
			for i := range es {
				c.Add(&es[i])
			}
			r := c.Report()
			if r.Entries != len(es) || r.Head.Hash != es[len(es)-1].Hash {
				t.Errorf("report %+v, want %d entries and the last one's hash", r, len(es))
			}
			switch {
			case tt.broken == 0 && r.Broken != nil:
				t.Errorf("broken at %+v, want the chain to hold", *r.Broken)
			case tt.broken != 0 && (r.Broken == nil || r.Broken.ID != tt.broken):
				t.Errorf("broken at %+v, want entry %d", r.Broken, tt.broken)
			}
		})
	}
	// A checker can start from a known link.
	es := chain(4)
	c := elections.ChainChecker{From: elections.ChainLink{ID: es[1].ID, Hash: es[1].Hash}}
	for i := 2; i < 4; i++ {
		if b := c.Add(&es[i]); b != nil {
			t.Errorf("from entry 2: broken at %+v", *b)
		}
	}
}

func TestBallotsAcceptedEvents(t *testing.T) {
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	cast := func(election, round, contest int64, receipt string, err error) *elections.BallotCast {
		return &elections.BallotCast{Ballot: elections.StoredBallot{Receipt: receipt, RoundID: round, ContestID: contest},
			Member: "m-" + receipt, Election: election, Err: err}
	}
	h := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	refused := errors.New("refused")
	es := elections.BallotsAcceptedEvents(now, []*elections.BallotCast{
		cast(2, 5, 9, "r1", nil), cast(1, 3, 7, "r2", nil), cast(2, 5, 8, "r3", nil),
		cast(2, 5, 9, "r4", nil), cast(2, 5, 9, "r5", refused), cast(2, 6, 8, "r6", nil),
	})
	if len(es) != 2 {
		t.Fatalf("%d events, want one per election", len(es))
	}
	type contest struct {
		Contest        int64    `json:"contest"`
		Round          int64    `json:"round"`
		ReceiptsSHA256 []string `json:"receipts_sha256"`
	}
	type payload struct {
		Election int64     `json:"election"`
		Contests []contest `json:"contests"`
	}
	sorted := func(a, b string) []string {
		if a > b {
			a, b = b, a
		}
		return []string{a, b}
	}
	want := []payload{
		{Election: 1, Contests: []contest{{7, 3, []string{h("r2")}}}},
		{Election: 2, Contests: []contest{{8, 5, []string{h("r3")}}, {8, 6, []string{h("r6")}}, {9, 5, sorted(h("r1"), h("r4"))}}},
	}
	for i, e := range es {
		if e.Kind != elections.EventBallotsAccepted || e.Actor != "member" || !e.At.Equal(now) || e.Election != want[i].Election {
			t.Errorf("event %d: %s by %s at %s in election %d", i, e.Kind, e.Actor, e.At, e.Election)
		}
		var got payload
		if err := json.Unmarshal(e.Payload, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[i], got); diff != "" {
			t.Errorf("event %d payload (-want +got):\n%s", i, diff)
		}
	}
	if es := elections.BallotsAcceptedEvents(now, []*elections.BallotCast{cast(1, 1, 1, "r", refused)}); len(es) != 0 {
		t.Errorf("%d events for refused casts only, want none", len(es))
	}
}

// TestCountedReceiptsDigest checks CountedReceiptsDigest against its definition, computed
// by hand (sha256sum): the SHA-256 of each receipt's hex string is 8909cde2… for "00ff" and
// 85337816… for "a1b2"; sorted, each followed by a newline, they hash to 51654c37….
func TestCountedReceiptsDigest(t *testing.T) {
	const (
		h00ff = "8909cde2f411a84e86e7a39c8a3916b7cda6a9d977778030b6f6a491401400bc"
		ha1b2 = "85337816d263d362acb23a4255a636191075c2a90c47f2ee6db3362f7df11203"
		both  = "51654c375f1e972ed29c75912f0d5cf93f5604836bd3bc4fef480579009c5ce3"
		none  = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256 of ""
	)
	if elections.ReceiptSHA256("00ff") != h00ff || elections.ReceiptSHA256("a1b2") != ha1b2 {
		t.Fatalf("ReceiptSHA256 of the test receipts = %s, %s; want %s, %s",
			elections.ReceiptSHA256("00ff"), elections.ReceiptSHA256("a1b2"), h00ff, ha1b2)
	}
	sum := sha256.Sum256([]byte(ha1b2 + "\n" + h00ff + "\n"))
	if got := hex.EncodeToString(sum[:]); got != both {
		t.Fatalf("the written-out digest = %s, want %s", got, both)
	}
	for _, tt := range []struct {
		receipts []string
		want     string
	}{
		{[]string{"00ff", "a1b2"}, both},
		{[]string{"a1b2", "00ff"}, both}, // the order of the receipts does not count
		{nil, none},
		{[]string{}, none},
		{[]string{"00ff"}, func() string { s := sha256.Sum256([]byte(h00ff + "\n")); return hex.EncodeToString(s[:]) }()},
	} {
		if got := elections.CountedReceiptsDigest(tt.receipts); got != tt.want {
			t.Errorf("CountedReceiptsDigest(%q) = %s, want %s", tt.receipts, got, tt.want)
		}
	}
}

func TestVerifyAuditChain(t *testing.T) {
	ctx := context.Background()
	st := electionstest.NewStore()
	svc, err := elections.NewService(st, electionstest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range chain(3) {
		e.Hash, e.PrevHash = "", ""
		if err := st.AppendEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []elections.Actor{
		{Kind: elections.ActorUser, ID: 1, Role: elections.RoleAuditor},
		{Kind: elections.ActorUser, ID: 2, Role: elections.RoleOfficer},
		{Kind: elections.ActorUser, ID: 3, Role: elections.RoleAdmin},
		elections.CLIActor(),
	} {
		r, err := svc.VerifyAuditChain(ctx, a)
		if err != nil || r.Broken != nil || r.Entries != 3 || r.Head.ID != 3 {
			t.Errorf("VerifyAuditChain by %s = %+v, %v; want 3 entries, unbroken", a, r, err)
		}
	}
	for _, a := range []elections.Actor{elections.MemberActor("m1", 1), elections.SystemActor(), {Kind: elections.ActorUser, ID: 4, Role: elections.RoleMember}} {
		if _, err := svc.VerifyAuditChain(ctx, a); elections.ErrorCode(err) != elections.EFORBIDDEN {
			t.Errorf("VerifyAuditChain by %+v = %v, want %s", a, err, elections.EFORBIDDEN)
		}
	}
	st.TamperEvent(2, `{"x":1}`)
	r, err := svc.VerifyAuditChain(ctx, elections.CLIActor())
	if err != nil || r.Broken == nil || r.Broken.ID != 2 {
		t.Errorf("VerifyAuditChain after tampering = %+v, %v; want broken at 2", r, err)
	}
}

func TestBundlePayloadPublished(t *testing.T) {
	for _, kind := range []string{"election.created", "election.schedule_changed", "contest.changed", "roll.frozen",
		"round.opened", "round.extended", "round.closed", "ballots.accepted", "election.counted", "election.certified"} {
		if !elections.BundlePayloadPublished(kind) {
			t.Errorf("BundlePayloadPublished(%q) = false, want true", kind)
		}
	}
	for _, kind := range []string{elections.EventAccessCodesIssued, elections.EventRollEntryAdded, elections.EventNominationCreated,
		elections.EventNominationAccepted, elections.EventTermRecorded, elections.EventAccountCreated, elections.EventSigningKeyInUse, ""} {
		if elections.BundlePayloadPublished(kind) {
			t.Errorf("BundlePayloadPublished(%q) = true, want false: it names members", kind)
		}
	}
}

// TestChainRecordJSON checks the record's JSON keys, which bundles publish.
func TestChainRecordJSON(t *testing.T) {
	es := chain(2)
	r := es[1].Record()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":2,"at":"2026-01-01T00:00:01Z","actor":"cli","kind":"test","election":0,` +
		`"payload_sha256":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","prev_hash":"` + es[0].Hash +
		`","hash":"` + es[1].Hash + `"}`
	if string(b) != want {
		t.Errorf("record JSON\n%s\nwant\n%s", b, want)
	}
	var back elections.ChainRecord
	if err := json.Unmarshal(b, &back); err != nil || elections.ChainRecordHash(&back) != es[1].Hash {
		t.Errorf("the record read back hashes to %s (%v), want %s", elections.ChainRecordHash(&back), err, es[1].Hash)
	}
}

// TestListEventsOfAccounts checks the in-memory store's Accounts filter.
func TestListEventsOfAccounts(t *testing.T) {
	ctx := context.Background()
	st := electionstest.NewStore()
	for _, a := range []string{"user:3", "member", "cli", "system", "user:12"} {
		if err := st.AppendEvent(ctx, &elections.Event{Actor: a, Kind: "test", Payload: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.ListEvents(ctx, elections.EventFilter{Accounts: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var actors []string
	for _, e := range got {
		actors = append(actors, e.Actor)
	}
	if want := []string{"user:3", "cli", "user:12"}; !cmp.Equal(want, actors) {
		t.Errorf("entries of accounts by %v, want %v", actors, want)
	}
}
