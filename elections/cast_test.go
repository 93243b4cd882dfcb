package elections_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
)

// Casting ballots, the ballot form, participation and the published ballots, on the board of
// the nomination tests (nomination_fixtures_test.go) with its rolls frozen and a round
// created straight in the store, so that these tests depend on nothing but the ballots'
// code: Individual Members vote by Meek STV with revoting (Ada, Cy, Dee and Eve are on its
// roll, Bob is not); Gold Members vote by plurality without revoting (Acme and Beta through
// their representatives; Norep has none).

// btEnv is the environment of these tests.
type btEnv struct {
	*nomEnv
	round *elections.Round
	// ind and gold are the contests' ids.
	ind, gold int64
}

// btCloses is when the round of these tests closes.
var btCloses = time.Date(2026, 6, 13, 0, 0, 0, 0, time.UTC)

// btIndBallot and btGoldBallot are the contests' ballots; the candidate ids are nomination
// ids the store does not need to know.
func btIndBallot(contest int64) elections.RoundBallot {
	return elections.RoundBallot{ContestID: contest, Method: "meek", Kind: elections.BallotRanking, Seats: 2,
		Candidates: []elections.BallotCandidate{{ID: 101, Name: "Ann Apple", Member: "ind-0001"},
			{ID: 102, Name: "Ben Bold", Member: "ind-0003"}, {ID: 103, Name: "Cat Cole", Member: "ind-0004"}},
		MaxMarks: 3, Revoting: true}
}

func btGoldBallot(contest int64) elections.RoundBallot {
	return elections.RoundBallot{ContestID: contest, Method: "plurality", Kind: elections.BallotApproval, Seats: 2,
		Candidates: []elections.BallotCandidate{{ID: 201, Name: "Acme Corp", Member: "org-acme"},
			{ID: 202, Name: "Beta Org", Member: "org-beta"}},
		MaxMarks: 2}
}

// newBtEnv returns the environment in the voting phase with the rolls of both contests frozen
// and round 1 open for the contests given (both when none).
func newBtEnv(t *testing.T, contests ...string) *btEnv {
	t.Helper()
	ctx := context.Background()
	env := &btEnv{nomEnv: newNomEnv(t)}
	t.Cleanup(env.svc.Close)
	env.ind, env.gold = env.contests["individual"], env.contests["gold"]
	env.clock.Set(nomVoting)
	for _, id := range []int64{env.ind, env.gold} {
		err := env.st.Tx(ctx, func(tx elections.Store) error {
			_, err := env.svc.FreezeRoll(ctx, tx, nomOfficer, id)
			return err
		})
		if err != nil {
			t.Fatalf("FreezeRoll(%d): %v", id, err)
		}
	}
	if err := env.st.CreateElectionSecret(ctx, env.election.ID, []byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	if len(contests) == 0 {
		contests = []string{"individual", "gold"}
	}
	env.round = env.createRound(t, 1, contests...)
	return env
}

// createRound creates round number open for the contests given, straight in the store.
func (env *btEnv) createRound(t *testing.T, number int, contests ...string) *elections.Round {
	t.Helper()
	r := &elections.Round{ElectionID: env.election.ID, Number: number, State: elections.RoundOpen,
		OpenedAt: env.clock.Now(), ClosesAt: btCloses, SeedCommitment: "c", Seed: []byte("seed")}
	var rbs []elections.RoundBallot
	for _, key := range contests {
		id := env.contests[key]
		r.ContestIDs = append(r.ContestIDs, id)
		if key == "individual" {
			rbs = append(rbs, btIndBallot(id))
		} else {
			rbs = append(rbs, btGoldBallot(id))
		}
	}
	if err := env.st.CreateRound(context.Background(), r, rbs); err != nil {
		t.Fatalf("CreateRound: %v", err)
	}
	return r
}

// cast casts a ballot and fails the test on an error.
func (env *btEnv) cast(t *testing.T, member string, contest int64, in elections.BallotInput) *elections.CastResult {
	t.Helper()
	res, err := env.svc.CastBallot(context.Background(), env.member(member), contest, in)
	if err != nil {
		t.Fatalf("CastBallot(%s, %d): %v", member, contest, err)
	}
	return res
}

// rank is a strict ranking of candidate ids.
func rank(ids ...int64) elections.BallotInput {
	in := elections.BallotInput{}
	for _, id := range ids {
		in.Ranking = append(in.Ranking, []int64{id})
	}
	return in
}

// stored returns the stored ballots of a contest in a round, by receipt.
func (env *btEnv) stored(t *testing.T, roundID, contest int64) []elections.StoredBallot {
	t.Helper()
	var out []elections.StoredBallot
	err := env.st.Ballots(context.Background(), roundID, contest, func(b *elections.StoredBallot) error {
		out = append(out, *b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// closeRound closes the round as an officer.
func (env *btEnv) closeRound(t *testing.T) {
	t.Helper()
	if _, err := env.svc.CloseRound(context.Background(), nomOfficer, env.round.ID); err != nil {
		t.Fatalf("CloseRound: %v", err)
	}
}

// published returns the published ballots of a contest as an officer of a counted election.
func (env *btEnv) published(t *testing.T, contest int64) *elections.PublishedBallots {
	t.Helper()
	p, err := env.svc.ContestBallots(context.Background(), nomOfficer, contest, 0)
	if err != nil {
		t.Fatalf("ContestBallots(%d): %v", contest, err)
	}
	return p
}

// receiptOf recomputes a published ballot's receipt from its definition.
func receiptOf(contest, round int64, content, nonce string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "govboard-receipt-v1\n%d\n%d\n%s\n%s", contest, round, content, nonce))
	return hex.EncodeToString(sum[:])
}

// TestCastBallot casts in both contests, closes the round and checks the published ballots:
// every receipt is there once, recomputable from the published fields, in receipt order,
// with the canonical content and its marks; the voter keys are gone; each batch recorded the
// hashes of its receipts in a ballots.accepted entry.
func TestCastBallot(t *testing.T) {
	env := newBtEnv(t)
	events := env.eventCount(t)
	receipts := map[string]string{}
	for _, c := range []struct {
		member  string
		contest int64
		in      elections.BallotInput
		content string
	}{
		{"ind-0001", env.ind, rank(103, 101), "ranking:3>1"},
		{"ind-0003", env.ind, rank(102), "ranking:2"},
		{"ind-0004", env.ind, elections.BallotInput{Abstain: true}, "ranking:"},
		{"org-acme", env.gold, elections.BallotInput{Marks: []int64{202}}, "approval:2"},
		{"org-beta", env.gold, elections.BallotInput{Marks: []int64{202}}, "approval:2"},
	} {
		res := env.cast(t, c.member, c.contest, c.in)
		if res.ContestID != c.contest || res.RoundID != env.round.ID || res.Replaced || len(res.Receipt) != 64 {
			t.Errorf("%s: result %+v", c.member, res)
		}
		receipts[res.Receipt] = c.content
	}
	// Each cast was a batch of its own: one ballots.accepted entry each, by "member", naming
	// only the SHA-256 of the receipt.
	var accepted []string
	for _, e := range env.events(t, 0)[events:] {
		if e.Kind != elections.EventBallotsAccepted || e.Actor != "member" || e.Election != env.election.ID {
			t.Errorf("casting recorded %s by %s in election %d, want only ballots.accepted by member", e.Kind, e.Actor, e.Election)
		}
		for _, c := range decodePayload(t, e)["contests"].([]any) {
			for _, h := range c.(map[string]any)["receipts_sha256"].([]any) {
				accepted = append(accepted, h.(string))
			}
		}
	}
	var want []string
	for r := range receipts {
		want = append(want, elections.ReceiptSHA256(r))
	}
	slices.Sort(accepted)
	slices.Sort(want)
	if !slices.Equal(accepted, want) {
		t.Errorf("ballots.accepted list %v, want the receipts' hashes %v", accepted, want)
	}
	for _, b := range env.stored(t, env.round.ID, env.ind) {
		if b.VoterKey == nil {
			t.Errorf("ballot %s of a revoting contest has no voter key while the round is open", b.Receipt)
		}
	}
	for _, b := range env.stored(t, env.round.ID, env.gold) {
		if b.VoterKey != nil {
			t.Errorf("ballot %s of a contest without revoting has a voter key", b.Receipt)
		}
	}
	env.closeRound(t)
	env.setStatus(t, elections.StatusCounted)
	seen := 0
	for _, contest := range []int64{env.ind, env.gold} {
		p := env.published(t, contest)
		if p.RoundID != env.round.ID || p.ContestID != contest || p.Seats != 2 {
			t.Errorf("contest %d: published round %d, contest %d, seats %d", contest, p.RoundID, p.ContestID, p.Seats)
		}
		if !slices.IsSortedFunc(p.Ballots, func(a, b elections.PublishedBallot) int { return strings.Compare(a.Receipt, b.Receipt) }) {
			t.Errorf("contest %d: ballots not in receipt order", contest)
		}
		for _, b := range p.Ballots {
			want, ok := receipts[b.Receipt]
			if !ok || b.Content != want || b.Superseded {
				t.Errorf("published %+v, want content %q (known receipt: %v)", b, want, ok)
			}
			if got := receiptOf(contest, env.round.ID, b.Content, b.Nonce); got != b.Receipt {
				t.Errorf("receipt %s recomputes as %s", b.Receipt, got)
			}
			seen++
		}
		for _, b := range env.stored(t, env.round.ID, contest) {
			if b.VoterKey != nil {
				t.Errorf("ballot %s keeps its voter key after the close", b.Receipt)
			}
		}
	}
	if seen != len(receipts) {
		t.Errorf("%d ballots published, want %d", seen, len(receipts))
	}
	gold := env.published(t, env.gold)
	if !slices.Equal(gold.Candidates, []string{"Acme Corp", "Beta Org"}) || gold.Kind != elections.BallotApproval || gold.Method != "plurality" ||
		gold.Title != env.election.Title+": Gold Members" {
		t.Errorf("gold published %+v", gold)
	}
	e, err := gold.Election()
	if err != nil {
		t.Fatal(err)
	}
	if e.Ballots.Len() != 2 || e.Kind != "approval" || e.Seats != 2 {
		t.Errorf("gold election: %d ballots, kind %s, %d seats", e.Ballots.Len(), e.Kind, e.Seats)
	}
	for i := range e.Ballots.Len() {
		if cands, values := e.Ballots.Marks(i); !slices.Equal(cands, []int32{1}) || !slices.Equal(values, []int32{1}) {
			t.Errorf("gold ballot %d: marks %v %v, want Beta", i, cands, values)
		}
	}
}

// TestCastBallotRevoting checks that a revote supersedes the earlier ballot: both are kept,
// the last counts, and the voter is counted once.
func TestCastBallotRevoting(t *testing.T) {
	env := newBtEnv(t)
	first := env.cast(t, "ind-0001", env.ind, rank(101))
	other := env.cast(t, "ind-0003", env.ind, rank(101))
	second := env.cast(t, "ind-0001", env.ind, rank(102, 103))
	if first.Replaced || other.Replaced || !second.Replaced {
		t.Errorf("replaced: first %v, other %v, second %v; want only the second", first.Replaced, other.Replaced, second.Replaced)
	}
	third := env.cast(t, "ind-0001", env.ind, elections.BallotInput{Abstain: true})
	if !third.Replaced {
		t.Error("the third ballot replaced nothing")
	}
	if n, err := env.st.Participation(context.Background(), env.round.ID, env.ind); err != nil || n != 2 {
		t.Errorf("participation %d, %v; want 2", n, err)
	}
	env.closeRound(t)
	env.setStatus(t, elections.StatusCounted)
	status := map[string]bool{}
	for _, b := range env.published(t, env.ind).Ballots {
		status[b.Receipt] = b.Superseded
	}
	want := map[string]bool{first.Receipt: true, second.Receipt: true, third.Receipt: false, other.Receipt: false}
	if fmt.Sprint(status) != fmt.Sprint(want) {
		t.Errorf("superseded by receipt %v, want %v", status, want)
	}
}

// TestCastBallotNoRevoting checks that a second ballot where revoting is off is refused and
// changes nothing.
func TestCastBallotNoRevoting(t *testing.T) {
	env := newBtEnv(t)
	env.cast(t, "org-acme", env.gold, elections.BallotInput{Marks: []int64{201}})
	before := env.stored(t, env.round.ID, env.gold)
	_, err := env.svc.CastBallot(context.Background(), env.member("org-acme"), env.gold, elections.BallotInput{Marks: []int64{202}})
	checkRefusal(t, err, elections.ECONFLICT, "you have voted already")
	if after := env.stored(t, env.round.ID, env.gold); !slices.EqualFunc(before, after, btSameBallot) {
		t.Errorf("ballots changed: %v → %v", before, after)
	}
}

// btSameBallot compares stored ballots.
func btSameBallot(a, b elections.StoredBallot) bool {
	return a.Receipt == b.Receipt && a.Content == b.Content && a.Superseded == b.Superseded && string(a.VoterKey) == string(b.VoterKey)
}

// TestCastBallotRefused checks who may not cast and which ballots are refused; none leaves
// a ballot or a participation record.
func TestCastBallotRefused(t *testing.T) {
	env := newBtEnv(t, "individual")
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		actor   elections.Actor
		contest int64
		in      elections.BallotInput
		code    string
		text    string
	}{
		{"an officer", nomOfficer, env.ind, rank(101), elections.EFORBIDDEN, "only members signed in with an access code vote"},
		{"a member of another election", elections.MemberActor("ind-0001", env.election.ID+1), env.ind, rank(101),
			elections.EFORBIDDEN, "this access code is for another election"},
		{"a member off the roll", env.member("ind-0002"), env.ind, rank(101), elections.EFORBIDDEN, "you are not on the roll of the Individual Members contest"},
		{"a member of another constituency", env.member("org-acme"), env.ind, rank(101), elections.EFORBIDDEN, "not on the roll"},
		{"an unknown contest", env.member("ind-0001"), 999, rank(101), elections.ENOTFOUND, ""},
		{"a contest without a round", env.member("org-acme"), env.gold, elections.BallotInput{Marks: []int64{201}},
			elections.ECONFLICT, "no voting round is open for the Gold Members contest"},
		{"an invalid ballot", env.member("ind-0001"), env.ind, rank(101, 101), elections.EINVALID, "a candidate is ranked more than once"},
		{"an empty ballot", env.member("ind-0001"), env.ind, elections.BallotInput{}, elections.EINVALID, "or abstain explicitly"},
	} {
		_, err := env.svc.CastBallot(ctx, c.actor, c.contest, c.in)
		checkRefusal(t, err, c.code, c.text)
	}
	// Norep's roll entry has no representative: it cannot vote. Its contest needs a round.
	env2 := newBtEnv(t, "gold")
	_, err := env2.svc.CastBallot(ctx, env2.member("org-norep"), env2.gold, elections.BallotInput{Marks: []int64{201}})
	checkRefusal(t, err, elections.EFORBIDDEN, "your organisation had no representative when the roll of the Gold Members contest was frozen")
	for _, e := range []*btEnv{env, env2} {
		for _, contest := range []int64{e.ind, e.gold} {
			if bs := e.stored(t, e.round.ID, contest); len(bs) != 0 {
				t.Errorf("contest %d: %d ballots stored", contest, len(bs))
			}
			if n, _ := e.st.Participation(ctx, e.round.ID, contest); n != 0 {
				t.Errorf("contest %d: %d participations", contest, n)
			}
		}
	}
}

// TestCastBallotAfterClose checks that the round refuses ballots once closed, and once past
// its close though the scheduled close has not run, even after the service has cached it.
func TestCastBallotAfterClose(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t)
	env.cast(t, "ind-0001", env.ind, rank(101)) // the service caches the open round
	env.clock.Set(btCloses)
	_, err := env.svc.CastBallot(ctx, env.member("ind-0003"), env.ind, rank(101))
	checkRefusal(t, err, elections.ECONFLICT, "voting in round 1 closed at 2026-06-13 00:00 UTC")
	env.clock.Set(btCloses.Add(-time.Hour))
	env.cast(t, "ind-0003", env.ind, rank(101))
	env.closeRound(t)
	for _, member := range []string{"ind-0004", "ind-0004"} { // cached, then read again
		_, err = env.svc.CastBallot(ctx, env.member(member), env.ind, rank(101))
		checkRefusal(t, err, elections.ECONFLICT, "voting in round 1 closed at 2026-06-12 23:00 UTC")
	}
	if bs := env.stored(t, env.round.ID, env.ind); len(bs) != 2 {
		t.Errorf("%d ballots stored, want 2", len(bs))
	}
}

// TestCastBallotNextRound checks that once a round closes and another opens for the
// contest (a runoff), casting goes to the new round although the service had cached the old.
func TestCastBallotNextRound(t *testing.T) {
	env := newBtEnv(t, "individual")
	env.cast(t, "ind-0001", env.ind, rank(101))
	env.closeRound(t)
	next := env.createRound(t, 2, "individual")
	res := env.cast(t, "ind-0001", env.ind, rank(102))
	if res.RoundID != next.ID || res.Replaced {
		t.Errorf("cast %+v, want round %d, nothing replaced", res, next.ID)
	}
	if bs := env.stored(t, next.ID, env.ind); len(bs) != 1 || bs[0].Content != "ranking:2" {
		t.Errorf("round 2 ballots %+v", bs)
	}
}

// TestBallotForm checks the form: the round's ballot in an order of the voter's own, the
// same at every call, without the nominees' member ids; voted once they have.
func TestBallotForm(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t, "individual")
	orders := map[string]bool{}
	for _, member := range []string{"ind-0001", "ind-0003", "ind-0004", "ind-0005"} {
		f, err := env.svc.BallotForm(ctx, env.member(member), env.ind)
		if err != nil {
			t.Fatalf("BallotForm(%s): %v", member, err)
		}
		again, err := env.svc.BallotForm(ctx, env.member(member), env.ind)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range f.Candidates {
			names = append(names, c.Name)
			if c.Member != "" {
				t.Errorf("%s: candidate %s shows member %s", member, c.Name, c.Member)
			}
		}
		if fmt.Sprint(again.Candidates) != fmt.Sprint(f.Candidates) {
			t.Errorf("%s: order %v, then %v", member, f.Candidates, again.Candidates)
		}
		if sorted := slices.Sorted(slices.Values(names)); !slices.Equal(sorted, []string{"Ann Apple", "Ben Bold", "Cat Cole"}) {
			t.Errorf("%s: candidates %v", member, names)
		}
		orders[fmt.Sprint(names)] = true
		if f.ContestID != env.ind || f.RoundID != env.round.ID || f.Contest != "Individual Members" || f.Method != "meek" ||
			f.Kind != elections.BallotRanking || f.Seats != 2 || f.MaxMarks != 3 || !f.Revoting || f.Voted ||
			f.ClosesAt != "2026-06-13T00:00:00Z" || f.Instructions == "" {
			t.Errorf("%s: form %+v", member, f)
		}
	}
	if len(orders) < 2 {
		t.Errorf("four voters all see the order %v", orders)
	}
	env.cast(t, "ind-0001", env.ind, rank(101))
	if f, err := env.svc.BallotForm(ctx, env.member("ind-0001"), env.ind); err != nil || !f.Voted {
		t.Errorf("after voting: %+v, %v", f, err)
	}
	_, err := env.svc.BallotForm(ctx, env.member("ind-0002"), env.ind)
	checkRefusal(t, err, elections.EFORBIDDEN, "not on the roll")
	_, err = env.svc.BallotForm(ctx, env.member("org-acme"), env.gold)
	checkRefusal(t, err, elections.ECONFLICT, "no voting round is open for the Gold Members contest")
}

// TestParticipation checks what a voter learns of their participation: whether, never how.
func TestParticipation(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t)
	view := func(member string, contest int64) elections.ParticipationView {
		t.Helper()
		v, err := env.svc.Participation(ctx, env.member(member), contest)
		if err != nil {
			t.Fatalf("Participation(%s): %v", member, err)
		}
		if v.Message == "" {
			t.Errorf("%s: no message", member)
		}
		v.Message = ""
		return *v
	}
	ind := func(voted, open bool) elections.ParticipationView {
		return elections.ParticipationView{ContestID: env.ind, RoundID: env.round.ID, Voted: voted, Revoting: true, RoundOpen: open}
	}
	if got := view("ind-0001", env.ind); got != ind(false, true) {
		t.Errorf("before voting: %+v", got)
	}
	env.cast(t, "ind-0001", env.ind, rank(103))
	if got := view("ind-0001", env.ind); got != ind(true, true) {
		t.Errorf("after voting: %+v", got)
	}
	if got := view("ind-0003", env.ind); got != ind(false, true) {
		t.Errorf("another voter: %+v", got)
	}
	env.cast(t, "org-acme", env.gold, elections.BallotInput{Marks: []int64{201}})
	want := elections.ParticipationView{ContestID: env.gold, RoundID: env.round.ID, Voted: true, RoundOpen: true}
	if got := view("org-acme", env.gold); got != want {
		t.Errorf("gold after voting: %+v", got)
	}
	env.closeRound(t)
	if got := view("ind-0001", env.ind); got != ind(true, false) {
		t.Errorf("after the close: %+v", got)
	}
	_, err := env.svc.Participation(ctx, env.member("ind-0002"), env.ind)
	checkRefusal(t, err, elections.EFORBIDDEN, "not on the roll")
	_, err = env.svc.Participation(ctx, nomOfficer, env.ind)
	checkRefusal(t, err, elections.EFORBIDDEN, "")
}

// TestContestBallotsVisibility checks who sees the published ballots when.
func TestContestBallotsVisibility(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t)
	env.cast(t, "ind-0001", env.ind, rank(101))
	env.closeRound(t)
	actors := []struct {
		name  string
		actor elections.Actor
	}{
		{"officer", nomOfficer}, {"auditor", nomAuditor}, {"member", env.member("ind-0001")}, {"public", elections.Actor{}},
	}
	for _, status := range []elections.ElectionStatus{"", elections.StatusCounted, elections.StatusCertified} {
		env.setStatus(t, status)
		for _, a := range actors {
			want := ""
			switch {
			case status == elections.StatusCertified:
			case a.name == "member" || a.name == "public":
				want = elections.ENOTFOUND
			case status == "":
				want = elections.ECONFLICT
			}
			p, err := env.svc.ContestBallots(ctx, a.actor, env.ind, 0)
			if got := elections.ErrorCode(err); got != want {
				t.Errorf("status %q, %s: error %v, want code %q", status, a.name, err, want)
			}
			if err == nil && len(p.Ballots) != 1 {
				t.Errorf("status %q, %s: %d ballots", status, a.name, len(p.Ballots))
			}
		}
	}
	_, err := env.svc.ContestBallots(ctx, nomOfficer, 999, 0) // no such contest
	checkRefusal(t, err, elections.ENOTFOUND, "")
}

// TestCastSameVoterConcurrently casts two ballots of one voter at the same moment: with
// revoting both are acknowledged and exactly one counts; without, exactly one is stored and
// the other refused.
func TestCastSameVoterConcurrently(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t)
	both := func(member string, contest int64, a, b elections.BallotInput) [2]error {
		var errs [2]error
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, in := range []elections.BallotInput{a, b} {
			wg.Go(func() {
				<-start
				_, errs[i] = env.svc.CastBallot(ctx, env.member(member), contest, in)
			})
		}
		close(start)
		wg.Wait()
		return errs
	}
	for _, member := range []string{"ind-0001", "ind-0003", "ind-0004", "ind-0005"} {
		if errs := both(member, env.ind, rank(101), rank(102)); errs[0] != nil || errs[1] != nil {
			t.Errorf("%s: %v", member, errs)
		}
	}
	counted := 0
	for _, b := range env.stored(t, env.round.ID, env.ind) {
		if !b.Superseded {
			counted++
		}
	}
	if counted != 4 {
		t.Errorf("%d ballots count for 4 voters", counted)
	}
	for _, member := range []string{"org-acme", "org-beta"} {
		errs := both(member, env.gold, elections.BallotInput{Marks: []int64{201}}, elections.BallotInput{Marks: []int64{202}})
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Errorf("%s: errors %v, want exactly one refused", member, errs)
		}
		for _, err := range errs {
			if err != nil && elections.ErrorCode(err) != elections.ECONFLICT {
				t.Errorf("%s: %v", member, err)
			}
		}
	}
	if bs := env.stored(t, env.round.ID, env.gold); len(bs) != 2 {
		t.Errorf("%d gold ballots for 2 voters", len(bs))
	}
}

// TestCastRacingClose casts many ballots while an officer closes the round: every
// acknowledged ballot is in the published ballots, every refused one is not, and the refusals
// are the round's close.
func TestCastRacingClose(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t, "individual")
	voters := []string{"ind-0001", "ind-0003", "ind-0004", "ind-0005"}
	const perVoter = 100
	var mu sync.Mutex
	acked := map[string]bool{}
	refused := 0
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, member := range voters {
		wg.Go(func() {
			<-start
			for i := range perVoter {
				res, err := env.svc.CastBallot(ctx, env.member(member), env.ind, rank(101+int64(i%3)))
				mu.Lock()
				switch {
				case err == nil:
					acked[res.Receipt] = true
				case elections.ErrorCode(err) == elections.ECONFLICT:
					refused++
				default:
					t.Errorf("%s: %v", member, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		<-start
		// Close once some ballots are in, so that the close falls among the casts.
		for {
			if n, _ := env.st.Participation(ctx, env.round.ID, env.ind); n == len(voters) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if _, err := env.svc.CloseRound(ctx, nomOfficer, env.round.ID); err != nil {
			t.Errorf("CloseRound: %v", err)
		}
	})
	close(start)
	wg.Wait()
	env.setStatus(t, elections.StatusCounted)
	published := map[string]bool{}
	counted := 0
	for _, b := range env.published(t, env.ind).Ballots {
		published[b.Receipt] = true
		if !b.Superseded {
			counted++
		}
	}
	for r := range acked {
		if !published[r] {
			t.Errorf("acknowledged ballot %s is not published", r)
		}
	}
	if len(published) != len(acked) || len(acked)+refused != len(voters)*perVoter {
		t.Errorf("%d published, %d acknowledged, %d refused of %d", len(published), len(acked), refused, len(voters)*perVoter)
	}
	if counted != len(voters) {
		t.Errorf("%d ballots count for %d voters", counted, len(voters))
	}
	t.Logf("%d ballots acknowledged, %d refused", len(acked), refused)
}

// TestCastAfterServiceClose checks that a closed service stores no ballot.
func TestCastAfterServiceClose(t *testing.T) {
	env := newBtEnv(t)
	env.cast(t, "ind-0001", env.ind, rank(101))
	env.svc.Close()
	if _, err := env.svc.CastBallot(context.Background(), env.member("ind-0003"), env.ind, rank(101)); err == nil {
		t.Error("a closed service took a ballot")
	}
	if bs := env.stored(t, env.round.ID, env.ind); len(bs) != 1 {
		t.Errorf("%d ballots stored, want 1", len(bs))
	}
}

// TestCastBallotRollSnapshot checks the in-memory copy of the frozen roll that casting
// consults: once it is loaded, a voter added to the roll afterwards still votes (the store is
// asked), a member off the roll is still refused, and an organisation without representative
// still cannot vote.
func TestCastBallotRollSnapshot(t *testing.T) {
	env := newBtEnv(t, "individual", "gold")
	ctx := context.Background()
	env.cast(t, "ind-0001", env.ind, rank(101)) // starts loading the roll of the contest
	env.cast(t, "org-acme", env.gold, elections.BallotInput{Marks: []int64{201}})
	for range 3 { // the load runs in the background; later casts find it ready
		time.Sleep(20 * time.Millisecond)
		env.cast(t, "ind-0001", env.ind, rank(101))
	}
	added := elections.RollEntry{Member: "ind-0002", Name: "added late", Kind: elections.MemberPerson,
		AddedAt: env.clock.Now(), AddedBy: "officer", Reason: "imported late"}
	if err := env.st.AddRollEntry(ctx, env.ind, added); err != nil {
		t.Fatal(err)
	}
	if res := env.cast(t, "ind-0002", env.ind, rank(101)); res.Receipt == "" {
		t.Fatal("a voter added after the roll was loaded could not vote")
	}
	_, err := env.svc.CastBallot(ctx, env.member("org-acme"), env.ind, rank(101))
	checkRefusal(t, err, elections.EFORBIDDEN, "not on the roll")
	_, err = env.svc.CastBallot(ctx, env.member("org-norep"), env.gold, elections.BallotInput{Marks: []int64{201}})
	checkRefusal(t, err, elections.EFORBIDDEN, "your organisation had no representative")
}
