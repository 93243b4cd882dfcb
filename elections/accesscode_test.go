package elections_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// codePattern is the form of an issued code: 26 characters of Crockford's base32 in groups
// of five.
var codePattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}-[0-9A-HJKMNP-TV-Z]$`)

// codeEndOfVoting is the end of the 2026 voting (12 June, utc), the default expiry.
var codeEndOfVoting = time.Date(2026, 6, 13, 0, 0, 0, 0, time.UTC)

// codeRefused is the one message of every failed redemption.
const codeRefused = "the access code is invalid, used or expired"

// codeHash is the hash the store keeps of a code.
func codeHash(code string) string {
	sum := sha256.Sum256([]byte(strings.ReplaceAll(code, "-", "")))
	return hex.EncodeToString(sum[:])
}

// issue issues codes and fails the test on an error.
func (env *nomEnv) issue(t *testing.T, members []string, expires time.Time) []elections.IssuedCode {
	t.Helper()
	codes, err := env.svc.IssueAccessCodes(context.Background(), nomOfficer, env.election.ID, members, expires)
	if err != nil {
		t.Fatalf("IssueAccessCodes(%v): %v", members, err)
	}
	return codes
}

// codeOf returns the code issued to member.
func codeOf(t *testing.T, codes []elections.IssuedCode, member string) string {
	t.Helper()
	for _, c := range codes {
		if c.Member == member && c.Code != "" {
			return c.Code
		}
	}
	t.Fatalf("no code for %s in %+v", member, codes)
	return ""
}

// TestIssueAccessCodes issues codes for everyone on the rolls: one per voter, skipping the
// organisation without a representative, only hashes stored, one event without codes.
func TestIssueAccessCodes(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	env.clock.Set(nomCampaign)
	start := env.eventCount(t)
	codes := env.issue(t, nil, time.Time{})

	seen := make(map[string]bool)
	for i, c := range codes {
		if c.Skipped != "" {
			continue
		}
		if !codePattern.MatchString(c.Code) || seen[c.Code] {
			t.Errorf("%s: code %q is malformed or repeated", c.Member, c.Code)
		}
		seen[c.Code] = true
		stored, err := env.st.AccessCodeByHash(ctx, codeHash(c.Code))
		if err != nil {
			t.Fatalf("%s: the code's hash is not stored: %v", c.Member, err)
		}
		want := elections.AccessCode{ID: stored.ID, ElectionID: env.election.ID, Member: c.Member, Hash: codeHash(c.Code),
			CreatedAt: nomCampaign, ExpiresAt: codeEndOfVoting}
		if diff := cmp.Diff(want, *stored); diff != "" {
			t.Errorf("%s: stored code (-want +got):\n%s", c.Member, diff)
		}
		codes[i].Code = "<code>"
	}
	code := func(member, name, rep, email string) elections.IssuedCode {
		return elections.IssuedCode{Member: member, Name: name, Representative: rep, Email: email, Code: "<code>", ExpiresAt: codeEndOfVoting}
	}
	want := []elections.IssuedCode{
		code("ind-0001", "Ada Lovelace", "", "ada@example.org"),
		code("ind-0003", "Cy Young", "", "cy@example.org"),
		code("ind-0004", "Dee Dee", "", "dee@example.org"),
		code("ind-0005", "Eve Online", "", "eve@example.org"),
		code("org-acme", "Acme Corp", "Dee Dee", "dee@example.org"),
		code("org-beta", "Beta Org", "Bea Beta", "bea@beta.example"),
		{Member: "org-norep", Name: "Norep Ltd", Skipped: "no representative designated"},
	}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("issued codes (-want +got):\n%s", diff)
	}

	wantEvents := []nomEvent{{Kind: elections.EventAccessCodesIssued, Actor: "user:3", Payload: map[string]any{
		"election": float64(env.election.ID), "count": float64(6), "revoked": float64(0), "expires_at": "2026-06-13T00:00:00Z",
		"members": []any{"ind-0001", "ind-0003", "ind-0004", "ind-0005", "org-acme", "org-beta"},
	}}}
	events := env.events(t, start)
	if diff := cmp.Diff(wantEvents, nomEvents(t, events, nomCampaign)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	for _, e := range events {
		for c := range seen {
			plain := strings.ReplaceAll(c, "-", "")
			if strings.Contains(string(e.Payload), c) || strings.Contains(string(e.Payload), plain) {
				t.Errorf("event %s contains a code", e.Kind)
			}
		}
	}
}

// TestIssueAccessCodesForMembers issues codes for named members: duplicates once, in the
// order given; a re-issue revokes the earlier unused code; only skipped members record no
// event.
func TestIssueAccessCodesForMembers(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	env.clock.Set(nomCampaign)
	expires := time.Date(2026, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	first := env.issue(t, []string{"org-acme", " ind-0001 ", "org-acme"}, expires)
	if len(first) != 2 || first[0].Member != "org-acme" || first[1].Member != "ind-0001" ||
		!first[0].ExpiresAt.Equal(expires) || first[0].ExpiresAt.Location() != time.UTC {
		t.Fatalf("issued %+v", first)
	}

	start := env.eventCount(t)
	second := env.issue(t, []string{"ind-0001"}, time.Time{})
	old, err := env.st.AccessCodeByHash(ctx, codeHash(codeOf(t, first, "ind-0001")))
	if err != nil || !old.RevokedAt.Equal(nomCampaign) {
		t.Errorf("earlier code %+v, %v; want revoked at %v", old, err, nomCampaign)
	}
	if acme, err := env.st.AccessCodeByHash(ctx, codeHash(codeOf(t, first, "org-acme"))); err != nil || !acme.RevokedAt.IsZero() {
		t.Errorf("another member's code %+v, %v; want it untouched", acme, err)
	}
	ev := nomEvents(t, env.events(t, start), nomCampaign)
	if len(ev) != 1 || ev[0].Payload["revoked"] != float64(1) || second[0].Code == codeOf(t, first, "ind-0001") {
		t.Errorf("re-issue events %+v", ev)
	}

	start = env.eventCount(t)
	skipped := env.issue(t, []string{"org-norep"}, time.Time{})
	if len(skipped) != 1 || skipped[0].Skipped == "" || skipped[0].Code != "" || env.eventCount(t) != start {
		t.Errorf("issue for org-norep only: %+v, %d new events; want skipped and no event", skipped, env.eventCount(t)-start)
	}
}

// TestIssueAccessCodesFrozenRoll checks that a frozen roll, not today's eligibility, says
// who gets a code.
func TestIssueAccessCodesFrozenRoll(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	env.clock.Set(nomCampaign)
	err := env.st.Tx(ctx, func(tx elections.Store) error {
		_, err := env.svc.FreezeRoll(ctx, tx, nomOfficer, env.contests["individual"])
		return err
	})
	if err != nil {
		t.Fatalf("FreezeRoll: %v", err)
	}
	// Bob's late donation makes him eligible on the preview, not on the frozen roll.
	_, err = env.svc.ImportDonations(ctx, nomOfficer, []elections.DonationInput{
		{ExternalID: "d-6", Member: "ind-0002", Amount: "20.00", Currency: "USD", Date: "2026-05-10"},
	}, elections.ImportSource{Name: "request", Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.svc.IssueAccessCodes(ctx, nomOfficer, env.election.ID, []string{"ind-0002"}, time.Time{})
	checkRefusal(t, err, elections.EINVALID, `members: "ind-0002" is not on any roll of this election`)
	var members []string
	for _, c := range env.issue(t, nil, time.Time{}) {
		members = append(members, c.Member)
	}
	want := []string{"ind-0001", "ind-0003", "ind-0004", "ind-0005", "org-acme", "org-beta", "org-norep"}
	if diff := cmp.Diff(want, members); diff != "" {
		t.Errorf("members with codes (-want +got):\n%s", diff)
	}
}

// TestIssueAccessCodesRefusals covers every refusal of IssueAccessCodes; none changes
// anything.
func TestIssueAccessCodesRefusals(t *testing.T) {
	tests := []struct {
		name    string
		at      time.Time
		counted bool
		actor   func(*nomEnv) elections.Actor
		members []string
		expires time.Time
		want    nomError
	}{
		{name: "a member", actor: nomMember("ind-0001"),
			want: nomError{Code: elections.EFORBIDDEN, Message: "only an officer can issue access codes"}},
		{name: "an auditor", actor: func(*nomEnv) elections.Actor { return nomAuditor },
			want: nomError{Code: elections.EFORBIDDEN, Message: "only an officer can issue access codes"}},
		{name: "members not on a roll", members: []string{"ind-0002", "ind-0001", "nobody", "slv-0001"},
			want: nomError{Code: elections.EINVALID, Message: `members: "ind-0002" is not on any roll of this election`, Details: []string{
				`members: "ind-0002" is not on any roll of this election`, `members: "nobody" is not on any roll of this election`,
				`members: "slv-0001" is not on any roll of this election`}}},
		{name: "expiry after the end of voting", expires: codeEndOfVoting.Add(time.Second),
			want: nomError{Code: elections.EINVALID, Message: "expires_at: 2026-06-13T00:00:01Z is after the end of voting (2026-06-13T00:00:00Z)",
				Details: []string{"expires_at: 2026-06-13T00:00:01Z is after the end of voting (2026-06-13T00:00:00Z)"}}},
		{name: "expiry now", expires: nomCampaign,
			want: nomError{Code: elections.EINVALID, Message: "expires_at: 2026-05-20T10:00:00Z has passed",
				Details: []string{"expires_at: 2026-05-20T10:00:00Z has passed"}}},
		{name: "voting closed", at: codeEndOfVoting,
			want: nomError{Code: elections.ECONFLICT, Message: "voting closed at 2026-06-13 00:00 UTC; no access codes can be issued"}},
		{name: "counted", counted: true,
			want: nomError{Code: elections.ECONFLICT, Message: "the election is in its counted phase; access codes are issued after the count only while a runoff round is open"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newNomEnv(t)
			env.clock.Set(nomCampaign)
			if !tt.at.IsZero() {
				env.clock.Set(tt.at)
			}
			if tt.counted {
				env.setStatus(t, elections.StatusCounted)
			}
			actor := nomOfficer
			if tt.actor != nil {
				actor = tt.actor(env)
			}
			env.unchanged(t, func() {
				codes, err := env.svc.IssueAccessCodes(context.Background(), actor, env.election.ID, tt.members, tt.expires)
				if diff := cmp.Diff(tt.want, nomErrorOf(t, err)); diff != "" {
					t.Errorf("IssueAccessCodes = %+v, error (-want +got):\n%s", codes, diff)
				}
			})
		})
	}
	env := newNomEnv(t)
	_, err := env.svc.IssueAccessCodes(context.Background(), nomOfficer, env.election.ID+1, nil, time.Time{})
	checkRefusal(t, err, elections.ENOTFOUND, "")
}

// TestRedeemAccessCode redeems codes: a person's and an organisation's, written as people
// type them; and every failure gives the same error.
func TestRedeemAccessCode(t *testing.T) {
	lookalike := strings.NewReplacer("0", "o", "1", "l", "-", " ")
	tests := []struct {
		name string
		// code picks the code to redeem from the issued ones (ind-0001's and org-acme's,
		// issued at nomCampaign to expire at codeEndOfVoting).
		code    func(codes map[string]string) string
		prepare func(t *testing.T, env *nomEnv, codes map[string]string)
		at      time.Time
		want    *elections.MemberSession // nil: refused
	}{
		{name: "person", code: pick("ind-0001"), want: &elections.MemberSession{}},
		{name: "organisation", code: pick("org-acme"), want: &elections.MemberSession{Representative: "Dee Dee"}},
		{name: "lower case, spaces, look-alike letters", code: func(c map[string]string) string {
			return " " + lookalike.Replace(strings.ToLower(c["ind-0001"])) + " "
		}, want: &elections.MemberSession{}},
		{name: "without separators", code: func(c map[string]string) string { return strings.ReplaceAll(c["ind-0001"], "-", "") },
			want: &elections.MemberSession{}},
		{name: "pasted with a line break", code: func(c map[string]string) string { return "\t" + c["ind-0001"] + "\r\n" },
			want: &elections.MemberSession{}},
		{name: "one second before expiry", at: codeEndOfVoting.Add(-time.Second), code: pick("ind-0001"), want: &elections.MemberSession{}},
		{name: "code reuse", code: pick("ind-0001"), prepare: func(t *testing.T, env *nomEnv, c map[string]string) {
			if _, err := env.svc.RedeemAccessCode(context.Background(), c["ind-0001"]); err != nil {
				t.Fatalf("first redemption: %v", err)
			}
		}},
		{name: "expired", at: codeEndOfVoting, code: pick("ind-0001")},
		{name: "revoked", code: pick("ind-0001"), prepare: func(t *testing.T, env *nomEnv, _ map[string]string) {
			env.issue(t, []string{"ind-0001"}, time.Time{})
		}},
		{name: "unknown", code: func(map[string]string) string { return "00000-00000-00000-00000-00000-0" }},
		{name: "one character changed", code: func(c map[string]string) string {
			code := []byte(c["ind-0001"])
			if code[0] == '0' {
				code[0] = '2'
			} else {
				code[0] = '0'
			}
			return string(code)
		}},
		{name: "malformed", code: func(map[string]string) string { return "hello" }},
		{name: "empty", code: func(map[string]string) string { return "" }},
		{name: "election counted", code: pick("ind-0001"), prepare: func(t *testing.T, env *nomEnv, _ map[string]string) {
			env.setStatus(t, elections.StatusCounted)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			env := newNomEnv(t)
			env.clock.Set(nomCampaign)
			codes := make(map[string]string)
			for _, c := range env.issue(t, []string{"ind-0001", "org-acme"}, time.Time{}) {
				codes[c.Member] = c.Code
			}
			if tt.prepare != nil {
				tt.prepare(t, env, codes)
			}
			if !tt.at.IsZero() {
				env.clock.Set(tt.at)
			}
			events := env.eventCount(t)
			got, err := env.svc.RedeemAccessCode(ctx, tt.code(codes))
			if env.eventCount(t) != events {
				t.Errorf("a redemption recorded an event")
			}
			if tt.want == nil {
				if diff := cmp.Diff(nomError{Code: elections.EUNAUTHORIZED, Message: codeRefused}, nomErrorOf(t, err)); diff != "" {
					t.Errorf("RedeemAccessCode = %+v, error (-want +got):\n%s", got, diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("RedeemAccessCode: %v", err)
			}
			if got.ElectionID != env.election.ID || got.Representative != tt.want.Representative || got.Member == nil ||
				(got.Member.ExternalID != "ind-0001" && got.Member.ExternalID != "org-acme") {
				t.Errorf("session %+v", got)
			}
			if _, err := env.svc.RedeemAccessCode(ctx, tt.code(codes)); elections.ErrorCode(err) != elections.EUNAUTHORIZED {
				t.Errorf("second redemption: %v, want refused", err)
			}
		})
	}
}

// pick returns the code of member.
func pick(member string) func(map[string]string) string {
	return func(codes map[string]string) string { return codes[member] }
}

// codeBarrierStore holds every AccessCodeByHash until all the redemptions have read the
// code, so that all of them find it unused and race to use it.
type codeBarrierStore struct {
	*electionstest.Store
	read sync.WaitGroup
}

// AccessCodeByHash reads the code, then waits for the other readers.
func (b *codeBarrierStore) AccessCodeByHash(ctx context.Context, hash string) (*elections.AccessCode, error) {
	c, err := b.Store.AccessCodeByHash(ctx, hash)
	b.read.Done()
	b.read.Wait()
	return c, err
}

// TestRedeemAccessCodeConcurrently redeems one code from many goroutines at once, each
// finding it unused: exactly one gets a session.
func TestRedeemAccessCodeConcurrently(t *testing.T) {
	env := newNomEnv(t)
	env.clock.Set(nomCampaign)
	code := codeOf(t, env.issue(t, []string{"ind-0001"}, time.Time{}), "ind-0001")
	const n = 16
	barrier := &codeBarrierStore{Store: env.st}
	barrier.read.Add(n)
	svc, err := elections.NewService(barrier, env.clock, &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		sessions int
		others   []error
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := svc.RedeemAccessCode(context.Background(), code)
			mu.Lock()
			defer mu.Unlock()
			if err == nil && s != nil {
				sessions++
			} else {
				others = append(others, err)
			}
		}()
	}
	wg.Wait()
	if sessions != 1 {
		t.Errorf("%d sessions from one code, want 1", sessions)
	}
	for _, err := range others {
		if elections.ErrorCode(err) != elections.EUNAUTHORIZED || elections.ErrorMessage(err) != codeRefused {
			t.Errorf("a concurrent redemption failed with %v, want %q", err, codeRefused)
		}
	}
}

// Replacing an organisation's representative revokes the organisation's unused codes: they
// were issued for the person who no longer acts for it. Through ReplaceRepresentative and
// through an import alike.
func TestNewRepresentativeRevokesCodes(t *testing.T) {
	env := newNomEnv(t)
	ctx := context.Background()
	codes := env.issue(t, []string{"org-acme", "org-beta"}, time.Time{})
	if _, err := env.svc.ReplaceRepresentative(ctx, nomOfficer, "org-acme",
		elections.RepresentativeInput{Name: "New Rep", Email: "new@acme.example"}); err != nil {
		t.Fatal(err)
	}
	row := elections.MemberInput{ExternalID: "org-beta", Kind: "organisation", Name: "Beta Org", Constituency: "gold",
		Joined: "2023-01-01", RepresentativeName: "Other Rep", RepresentativeEmail: "other@beta.example"}
	if res, err := env.svc.ImportMembers(ctx, nomOfficer, []elections.MemberInput{row},
		elections.ImportSource{Name: "reps.csv"}); err != nil || res.Updated != 1 {
		t.Fatalf("import a new representative: %+v %v", res, err)
	}
	for _, member := range []string{"org-acme", "org-beta"} {
		if _, err := env.svc.RedeemAccessCode(ctx, codeOf(t, codes, member)); elections.ErrorCode(err) != elections.EUNAUTHORIZED {
			t.Errorf("%s's code after a new representative: %v, want unauthorized", member, err)
		}
	}
	fresh := env.issue(t, []string{"org-acme"}, time.Time{})
	s, err := env.svc.RedeemAccessCode(ctx, codeOf(t, fresh, "org-acme"))
	if err != nil || s.Representative != "New Rep" {
		t.Fatalf("a new code for the new representative: %+v %v", s, err)
	}
}

// revokeCountingStore counts the calls of RevokeAccessCodes, in and out of transactions.
type revokeCountingStore struct {
	elections.Store
	calls *[][]string
}

// Tx runs fn on the transaction's store, counted too.
func (s revokeCountingStore) Tx(ctx context.Context, fn func(tx elections.Store) error) error {
	return s.Store.Tx(ctx, func(tx elections.Store) error { return fn(revokeCountingStore{Store: tx, calls: s.calls}) })
}

// RevokeAccessCodes records the members it is called with.
func (s revokeCountingStore) RevokeAccessCodes(ctx context.Context, electionID int64, members []string, at time.Time) (int, error) {
	*s.calls = append(*s.calls, members)
	return s.Store.RevokeAccessCodes(ctx, electionID, members, at)
}

// An import that gives several organisations a new representative revokes their codes in one
// call, not one per row.
func TestImportRevokesCodesOfNewRepresentativesAtOnce(t *testing.T) {
	env := newNomEnv(t)
	ctx := context.Background()
	codes := env.issue(t, []string{"org-acme", "org-beta"}, time.Time{})
	var calls [][]string
	svc, err := elections.NewService(revokeCountingStore{Store: env.st, calls: &calls}, env.clock, &electionstest.Hasher{})
	if err != nil {
		t.Fatal(err)
	}
	rows := []elections.MemberInput{
		{ExternalID: "org-acme", Kind: "organisation", Name: "Acme Corp", Constituency: "gold", Joined: "2023-01-01",
			RepresentativeName: "New Acme Rep"},
		{ExternalID: "org-beta", Kind: "organisation", Name: "Beta Org", Constituency: "gold", Joined: "2023-01-01",
			RepresentativeName: "New Beta Rep"},
	}
	if res, err := svc.ImportMembers(ctx, nomOfficer, rows, elections.ImportSource{Name: "reps.csv"}); err != nil || res.Updated != 2 {
		t.Fatalf("import two new representatives: %+v %v", res, err)
	}
	if diff := cmp.Diff([][]string{{"org-acme", "org-beta"}}, calls); diff != "" {
		t.Errorf("RevokeAccessCodes calls (-want +got):\n%s", diff)
	}
	for _, member := range []string{"org-acme", "org-beta"} {
		if _, err := env.svc.RedeemAccessCode(ctx, codeOf(t, codes, member)); elections.ErrorCode(err) != elections.EUNAUTHORIZED {
			t.Errorf("%s's code after a new representative: %v, want unauthorized", member, err)
		}
	}
}
