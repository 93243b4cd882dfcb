package elections_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
)

func TestOpenRound(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	before := len(rollEvents(t, env.st))
	v := env.open(t, elections.RoundInput{})

	ind, gold := env.contests["individual"], env.contests["gold"]
	stored, err := env.st.RoundByID(ctx, v.Round.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(stored.Seed)
	if len(stored.Seed) != 32 || stored.SeedCommitment != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored seed %x, commitment %s: want 32 bytes whose SHA-256 is the commitment", stored.Seed, stored.SeedCommitment)
	}
	n := env.noms
	cand := func(member, name, affiliation string) elections.BallotCandidate {
		return elections.BallotCandidate{ID: n[member], Name: name, Affiliation: affiliation, Member: member}
	}
	want := &elections.RoundView{
		Round: elections.Round{ID: v.Round.ID, ElectionID: env.election.ID, Number: 1, ContestIDs: []int64{ind, gold},
			State: elections.RoundOpen, OpenedAt: vrVoting, ClosesAt: vrClosesAt, SeedCommitment: stored.SeedCommitment},
		Ballots: []elections.RoundBallot{
			{RoundID: v.Round.ID, ContestID: ind, Method: "approval", Kind: elections.BallotApproval, Seats: 3,
				Candidates: []elections.BallotCandidate{
					cand("ind-01", "Ada Byron (#"+strconv.FormatInt(n["ind-01"], 10)+")", ""), cand("ind-02", "Ada Byron (#"+strconv.FormatInt(n["ind-02"], 10)+")", "Acme"),
					cand("ind-03", "bo cole", ""), cand("ind-04", "Di Eads", ""),
				}, MaxMarks: 4, Revoting: true},
			{RoundID: v.Round.ID, ContestID: gold, Method: "confidence", Kind: elections.BallotConfidence, Seats: 2,
				Candidates: []elections.BallotCandidate{cand("org-a", "Ann Acme", "Acme"), cand("org-b", "Bob Beta", "Beta")},
				MaxMarks:   2, Revoting: true},
		},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("opened round (-want +got):\n%s", diff)
	}
	for _, get := range []func() (*elections.RoundView, error){
		func() (*elections.RoundView, error) { return env.svc.Round(ctx, v.Round.ID) },
		func() (*elections.RoundView, error) {
			vs, err := env.svc.Rounds(ctx, env.election.ID)
			if err != nil || len(vs) != 1 {
				t.Fatalf("Rounds = %+v, %v; want one", vs, err)
			}
			return &vs[0], nil
		},
	} {
		got, err := get()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round as read (-want +got):\n%s", diff)
		}
	}

	// The rolls of the voted contests are frozen; the others are not.
	var rolls []any
	frozen := map[int64]*elections.Contest{}
	for _, key := range []string{"individual", "gold", "silver", "bronze"} {
		c, err := env.st.ContestByID(ctx, env.contests[key])
		if err != nil {
			t.Fatal(err)
		}
		voted := key == "individual" || key == "gold"
		if frozen := c.RollFrozenAt.Equal(vrVoting); frozen != voted {
			t.Errorf("%s: roll frozen at %v, want frozen %v", key, c.RollFrozenAt, voted)
		}
		if voted {
			rolls = append(rolls, map[string]any{"contest": float64(c.ID), "fingerprint": c.RollFingerprint, "size": float64(c.RollSize)})
			frozen[c.ID] = c
		}
	}
	if secret, err := env.st.ElectionSecret(ctx, env.election.ID); err != nil || len(secret) != 32 {
		t.Errorf("election secret %x, %v; want 32 bytes", secret, err)
	}

	events := rollEvents(t, env.st)[before:]
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
		if strings.Contains(string(e.Payload), hex.EncodeToString(stored.Seed)) {
			t.Errorf("event %s reveals the seed: %s", e.Kind, e.Payload)
		}
	}
	if want := []string{elections.EventRollFrozen, elections.EventRollFrozen, elections.EventRoundOpened}; !slices.Equal(kinds, want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	wantPayload := map[string]any{"round": float64(v.Round.ID), "election": float64(env.election.ID), "number": 1.0,
		"runoff": false, "contests": []any{float64(ind), float64(gold)}, "closes_at": "2026-06-13T00:00:00Z",
		"seed_commitment": stored.SeedCommitment, "seed_sha256": stored.SeedCommitment, "rolls": rolls,
		// Each contest's ballot: the candidates' names in ballot order are the positions that
		// the published ballots and the counts use.
		"ballots": []any{
			map[string]any{"contest": float64(ind), "method": "approval", "kind": "approval", "seats": 3.0,
				"candidates":       []any{"Ada Byron (#" + strconv.FormatInt(n["ind-01"], 10) + ")", "Ada Byron (#" + strconv.FormatInt(n["ind-02"], 10) + ")", "bo cole", "Di Eads"},
				"roll_fingerprint": frozen[ind].RollFingerprint, "roll_size": float64(frozen[ind].RollSize), "revoting": true,
				// No points budget and no cap under this charter; the one candidate with an
				// affiliation, by ballot name.
				"points": 0.0, "affiliation_cap": 0.0, "affiliation_scope": "",
				"affiliations": map[string]any{"Ada Byron (#" + strconv.FormatInt(n["ind-02"], 10) + ")": "Acme"}},
			map[string]any{"contest": float64(gold), "method": "confidence", "kind": "confidence", "seats": 2.0,
				"candidates":       []any{"Ann Acme", "Bob Beta"},
				"roll_fingerprint": frozen[gold].RollFingerprint, "roll_size": float64(frozen[gold].RollSize), "revoting": true,
				"points": 0.0, "affiliation_cap": 0.0, "affiliation_scope": "",
				"affiliations": map[string]any{"Ann Acme": "Acme", "Bob Beta": "Beta"}},
		}}
	if diff := cmp.Diff(wantPayload, decodePayload(t, events[2])); diff != "" || events[2].Actor != vrOfficer.String() {
		t.Errorf("round.opened by %s, payload (-want +got):\n%s", events[2].Actor, diff)
	}

	// Every contest that goes to a vote is in a round now.
	env.refused(t, elections.ECONFLICT, "no contest of the election is left to vote on", func() error {
		_, err := env.svc.OpenRound(ctx, vrOfficer, env.election.ID, elections.RoundInput{})
		return err
	})
}

// TestRoundBallotByMethod checks the ballot each counting method gets.
func TestRoundBallotByMethod(t *testing.T) {
	want := map[string]struct {
		kind       elections.BallotKind
		maxMarks   int
		points     int
		allowsTies bool
	}{
		"plurality": {elections.BallotApproval, 3, 0, false}, "approval": {elections.BallotApproval, 4, 0, false},
		"cumulative": {elections.BallotPoints, 4, 3, false}, "confidence": {elections.BallotConfidence, 4, 0, false},
		"irv": {elections.BallotRanking, 4, 0, false}, "meek": {elections.BallotRanking, 4, 0, false},
		"scottish": {elections.BallotRanking, 4, 0, false}, "ers97": {elections.BallotRanking, 4, 0, false},
		"schulze": {elections.BallotRanking, 4, 0, true}, "rankedpairs": {elections.BallotRanking, 4, 0, true},
	}
	for _, method := range tally.Methods() {
		t.Run(method, func(t *testing.T) {
			w, ok := want[method]
			if !ok {
				t.Fatalf("no expectation for method %s", method)
			}
			env := newVrEnv(t, func(c *elections.Charter) { c.Constituencies[0].Method = method })
			vrStandard(t, env)
			env.clock.Set(vrVoting)
			v := env.open(t, elections.RoundInput{Contests: []int64{env.contests["individual"]}})
			rb := v.Ballots[0]
			got := want[method]
			got.kind, got.maxMarks, got.points, got.allowsTies = rb.Kind, rb.MaxMarks, rb.Points, rb.AllowsTies
			if got != w || rb.Method != method || rb.Seats != 3 {
				t.Errorf("ballot %+v, want method %s, 3 seats, %+v", rb, method, w)
			}
			// round.opened records the points budget: the seats for a cumulative ballot.
			opened := boardEvents(t, env.st, elections.EventRoundOpened)
			logged := decodePayload(t, opened[len(opened)-1])["ballots"].([]any)[0].(map[string]any)
			if logged["method"] != method || logged["points"] != float64(w.points) {
				t.Errorf("round.opened ballot %v, want method %s and %d points", logged, method, w.points)
			}
		})
	}
}

func TestOpenRoundRefused(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, env *vrEnv)
		actor elections.Actor
		in    func(env *vrEnv) elections.RoundInput
		code  string
		text  string
	}{
		{name: "a member", actor: elections.MemberActor("ind-01", 1), code: elections.EFORBIDDEN, text: "only an election officer"},
		{name: "an auditor", actor: vrAuditor, code: elections.EFORBIDDEN, text: "only an election officer"},
		{name: "campaigning", setup: func(t *testing.T, env *vrEnv) { env.clock.Set(vrCampaign) },
			code: elections.ECONFLICT, text: "the election is in its campaigning phase; a voting round opens only in the voting phase"},
		{name: "closing now", in: func(*vrEnv) elections.RoundInput { return elections.RoundInput{ClosesAt: vrVoting} },
			code: elections.EINVALID, text: "closes_at 2026-06-01 10:00 UTC is not after now"},
		{name: "voting closed", setup: func(t *testing.T, env *vrEnv) { env.clock.Set(vrCountAt) },
			code: elections.EINVALID, text: "closes_at 2026-06-13 00:00 UTC is not after now (2026-06-14 09:00 UTC)"},
		{name: "an unknown contest", in: func(*vrEnv) elections.RoundInput { return elections.RoundInput{Contests: []int64{99}} },
			code: elections.EINVALID, text: "contest 99 is not a contest of the election"},
		{name: "a contest twice", in: func(env *vrEnv) elections.RoundInput {
			return elections.RoundInput{Contests: []int64{env.contests["gold"], env.contests["gold"]}}
		}, code: elections.EINVALID, text: "is given twice"},
		{name: "an acclaimed contest", in: func(env *vrEnv) elections.RoundInput {
			return elections.RoundInput{Contests: []int64{env.contests["gold"], env.contests["silver"]}}
		}, code: elections.EINVALID, text: "nothing to vote on: the Silver Members contest has 1 candidate(s) for 1 seat(s) and is decided by acclamation"},
		{name: "a contest without candidates", in: func(env *vrEnv) elections.RoundInput {
			return elections.RoundInput{Contests: []int64{env.contests["bronze"]}}
		}, code: elections.EINVALID, text: "nothing to vote on: the Bronze Members contest has no candidates"},
		{name: "a contest voted on", setup: func(t *testing.T, env *vrEnv) {
			env.open(t, elections.RoundInput{Contests: []int64{env.contests["gold"]}})
		}, in: func(env *vrEnv) elections.RoundInput {
			return elections.RoundInput{Contests: []int64{env.contests["individual"], env.contests["gold"]}}
		}, code: elections.ECONFLICT, text: "the Gold Members contest was voted on in round 1 already"},
		{name: "a runoff before the count", in: func(*vrEnv) elections.RoundInput { return elections.RoundInput{Runoff: true} },
			code: elections.ECONFLICT, text: "a runoff round opens only after a count"},
		{name: "a runoff nobody needs", setup: func(t *testing.T, env *vrEnv) {
			v := env.open(t, elections.RoundInput{})
			env.closeRound(t, v.Round.ID)
			env.count(t)
		}, in: func(*vrEnv) elections.RoundInput { return elections.RoundInput{Runoff: true} },
			code: elections.ECONFLICT, text: "no contest of the election needs a runoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newVrEnv(t, nil)
			vrStandard(t, env)
			env.clock.Set(vrVoting)
			if tt.setup != nil {
				tt.setup(t, env)
			}
			actor := vrOfficer
			if tt.actor != (elections.Actor{}) {
				actor = tt.actor
			}
			var in elections.RoundInput
			if tt.in != nil {
				in = tt.in(env)
			}
			env.refused(t, tt.code, tt.text, func() error {
				_, err := env.svc.OpenRound(ctx, actor, env.election.ID, in)
				return err
			})
		})
	}
}

// TestRoundStateMachine tries every transition in every state of a round: open, open past
// its close, closed by an officer and closed by its schedule. Every refused transition is
// ECONFLICT and changes nothing.
func TestRoundStateMachine(t *testing.T) {
	ctx := context.Background()
	extendTo := vrClosesAt.Add(48 * time.Hour)
	states := []struct {
		name  string
		setup func(t *testing.T, env *vrEnv, id int64)
	}{
		{"open", func(*testing.T, *vrEnv, int64) {}},
		{"past its close", func(t *testing.T, env *vrEnv, _ int64) { env.clock.Set(vrClosesAt.Add(time.Minute)) }},
		{"closed by an officer", func(t *testing.T, env *vrEnv, id int64) { env.closeRound(t, id) }},
		{"closed by its schedule", func(t *testing.T, env *vrEnv, _ int64) {
			env.clock.Set(vrClosesAt)
			if n, err := env.svc.CloseDueRounds(ctx); n != 1 || err != nil {
				t.Fatalf("CloseDueRounds = %d, %v; want 1", n, err)
			}
		}},
	}
	type outcome struct {
		refused  string // the conflict's text; "" when the transition is made
		closedBy string // who closed the round after it; "" when it stays open
	}
	actions := []struct {
		name string
		do   func(env *vrEnv, id int64) error
		// want is the outcome in each state, in the order of states.
		want []outcome
	}{
		{"extend", func(env *vrEnv, id int64) error {
			_, err := env.svc.ExtendRound(ctx, vrOfficer, id, extendTo, "more time")
			return err
		}, []outcome{{"", ""}, {"round 1 closed at 2026-06-13 00:00 UTC", ""},
			{"round 1 closed at 2026-06-01 10:00 UTC", elections.ClosedByOfficer}, {"round 1 closed at 2026-06-13 00:00 UTC", elections.ClosedBySchedule}}},
		{"close", func(env *vrEnv, id int64) error {
			_, err := env.svc.CloseRound(ctx, vrOfficer, id)
			return err
		}, []outcome{{"", elections.ClosedByOfficer}, {"", elections.ClosedByOfficer},
			{"round 1 closed at 2026-06-01 10:00 UTC", elections.ClosedByOfficer}, {"round 1 closed at 2026-06-13 00:00 UTC", elections.ClosedBySchedule}}},
		{"close due rounds", func(env *vrEnv, id int64) error {
			_, err := env.svc.CloseDueRounds(ctx)
			return err
		}, []outcome{{"", ""}, {"", elections.ClosedBySchedule}, {"", elections.ClosedByOfficer}, {"", elections.ClosedBySchedule}}},
	}
	for _, a := range actions {
		for i, st := range states {
			t.Run(a.name+"/"+st.name, func(t *testing.T) {
				env := newVrEnv(t, nil)
				vrStandard(t, env)
				env.clock.Set(vrVoting)
				id := env.open(t, elections.RoundInput{}).Round.ID
				st.setup(t, env, id)
				w := a.want[i]
				if w.refused != "" {
					env.refused(t, elections.ECONFLICT, w.refused, func() error { return a.do(env, id) })
				} else if err := a.do(env, id); err != nil {
					t.Fatalf("%s: %v", a.name, err)
				}
				r, err := env.st.RoundByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				wantState := elections.RoundOpen
				if w.closedBy != "" {
					wantState = elections.RoundClosed
				}
				if r.State != wantState || r.ClosedBy != w.closedBy {
					t.Errorf("round %s closed by %q, want %s closed by %q", r.State, r.ClosedBy, wantState, w.closedBy)
				}
			})
		}
	}
}

func TestExtendRound(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	later := vrClosesAt.Add(24 * time.Hour)
	for _, tt := range []struct {
		name     string
		actor    elections.Actor
		closesAt time.Time
		reason   string
		code     string
		text     string
	}{
		{"a member", elections.MemberActor("ind-01", env.election.ID), later, "r", elections.EFORBIDDEN, "only an election officer"},
		{"no reason", vrOfficer, later, " \t", elections.EINVALID, "reason is required"},
		{"a long reason", vrOfficer, later, strings.Repeat("é", 501), elections.EINVALID, "at most 500 characters"},
		{"the same close", vrOfficer, vrClosesAt, "r", elections.EINVALID, "must be after the round's current close, 2026-06-13 00:00 UTC"},
		{"an earlier close", vrOfficer, vrClosesAt.Add(-time.Hour), "r", elections.EINVALID, "must be after the round's current close"},
		{"an unknown round", vrOfficer, later, "r", elections.ENOTFOUND, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rid := id
			if tt.code == elections.ENOTFOUND {
				rid = 99
			}
			env.refused(t, tt.code, tt.text, func() error {
				_, err := env.svc.ExtendRound(ctx, tt.actor, rid, tt.closesAt, tt.reason)
				return err
			})
		})
	}

	// The extension holds the round open past its first close.
	before := len(rollEvents(t, env.st))
	v, err := env.svc.ExtendRound(ctx, vrOfficer, id, later.In(time.FixedZone("X", 3600)), "  the mail server was down ")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Round.ClosesAt.Equal(later) || v.Round.State != elections.RoundOpen || v.Round.Seed != nil {
		t.Errorf("extended round %+v, want open until %v without its seed", v.Round, later)
	}
	events := rollEvents(t, env.st)[before:]
	if len(events) != 1 || events[0].Kind != elections.EventRoundExtended {
		t.Fatalf("events %+v, want one round.extended", events)
	}
	want := map[string]any{"round": float64(id), "election": float64(env.election.ID), "number": 1.0,
		"from": "2026-06-13T00:00:00Z", "to": "2026-06-14T00:00:00Z", "reason": "the mail server was down", "codes_extended": 0.0}
	if diff := cmp.Diff(want, decodePayload(t, events[0])); diff != "" {
		t.Errorf("round.extended payload (-want +got):\n%s", diff)
	}
	env.clock.Set(vrClosesAt.Add(time.Hour))
	env.cast(t, "org-a", "gold", elections.BallotInput{Votes: map[int64]string{env.noms["org-a"]: "yes"}})
	if n, err := env.svc.CloseDueRounds(ctx); n != 0 || err != nil {
		t.Errorf("CloseDueRounds before the extended close = %d, %v; want 0", n, err)
	}
}

func TestCloseRound(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID
	ind, gold := env.contests["individual"], env.contests["gold"]
	first := env.cast(t, "ind-01", "individual", elections.BallotInput{Marks: env.ids("ind-01")})
	second := env.cast(t, "ind-02", "individual", elections.BallotInput{Marks: env.ids("ind-03", "ind-04")})
	again := env.cast(t, "ind-01", "individual", elections.BallotInput{Marks: env.ids("ind-04")}) // ind-01 votes again
	goldBallot := env.cast(t, "org-c", "gold", elections.BallotInput{Votes: map[int64]string{env.noms["org-a"]: "yes", env.noms["org-b"]: "no"}})
	if !again.Replaced || first.Receipt == again.Receipt {
		t.Fatalf("the second ballot of ind-01 %+v, want it to replace the first %+v", again, first)
	}
	keys := func() (withKey int) {
		for _, c := range []int64{ind, gold} {
			err := env.st.Ballots(ctx, id, c, func(b *elections.StoredBallot) error {
				if b.VoterKey != nil {
					withKey++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return withKey
	}
	if n := keys(); n < 3 {
		t.Fatalf("%d ballots with a voter key before the close, want the three counted ones at least", n)
	}

	closeAt := vrVoting.Add(time.Hour)
	env.clock.Set(closeAt)
	before := len(rollEvents(t, env.st))
	v := env.closeRound(t, id)
	stored, err := env.st.RoundByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(v.Round.Seed)
	if v.Round.State != elections.RoundClosed || v.Round.ClosedBy != elections.ClosedByOfficer || !v.Round.ClosedAt.Equal(closeAt) ||
		!slices.Equal(v.Round.Seed, stored.Seed) || hex.EncodeToString(sum[:]) != v.Round.SeedCommitment {
		t.Errorf("closed round %+v, want closed by the officer at %v with its seed revealed", v.Round, closeAt)
	}
	if n := keys(); n != 0 {
		t.Errorf("%d ballots keep a voter key after the close", n)
	}
	events := rollEvents(t, env.st)[before:]
	if len(events) != 1 || events[0].Kind != elections.EventRoundClosed || events[0].Actor != vrOfficer.String() {
		t.Fatalf("events %+v, want one round.closed by the officer", events)
	}
	// The counted receipts' digest, written out: the SHA-256 of each receipt's hex string, in
	// ascending order, one a line; the superseded first ballot of ind-01 is left out.
	digest := func(receipts ...string) string {
		var lines []string
		for _, r := range receipts {
			sum := sha256.Sum256([]byte(r))
			lines = append(lines, hex.EncodeToString(sum[:])+"\n")
		}
		slices.Sort(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "")))
		return hex.EncodeToString(sum[:])
	}
	want := map[string]any{"round": float64(id), "election": float64(env.election.ID), "number": 1.0, "closed_by": "officer",
		"seed": hex.EncodeToString(stored.Seed), "seed_commitment": stored.SeedCommitment,
		"ballots": []any{
			map[string]any{"contest": float64(ind), "voters": 2.0, "counted_receipts_sha256": digest(second.Receipt, again.Receipt)},
			map[string]any{"contest": float64(gold), "voters": 1.0, "counted_receipts_sha256": digest(goldBallot.Receipt)},
		}}
	if diff := cmp.Diff(want, decodePayload(t, events[0])); diff != "" {
		t.Errorf("round.closed payload (-want +got):\n%s", diff)
	}
	_, err = env.svc.CastBallot(ctx, elections.MemberActor("ind-05", env.election.ID), ind, elections.BallotInput{Abstain: true})
	checkRefusal(t, err, elections.ECONFLICT, "")
	env.refused(t, elections.EFORBIDDEN, "only an election officer", func() error {
		_, err := env.svc.CloseRound(ctx, vrAuditor, id)
		return err
	})
}

func TestCloseDueRounds(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	first := env.open(t, elections.RoundInput{Contests: []int64{env.contests["individual"]}}).Round.ID
	second := env.open(t, elections.RoundInput{Contests: []int64{env.contests["gold"]}, ClosesAt: vrClosesAt.Add(time.Hour)}).Round.ID
	if n, err := env.svc.CloseDueRounds(ctx); n != 0 || err != nil {
		t.Fatalf("CloseDueRounds before any close = %d, %v; want 0", n, err)
	}
	// The service was down at the close: the restart closes the round.
	restart := vrClosesAt.Add(30 * time.Minute)
	env.clock.Set(restart)
	before := len(rollEvents(t, env.st))
	if n, err := env.svc.CloseDueRounds(ctx); n != 1 || err != nil {
		t.Fatalf("CloseDueRounds = %d, %v; want 1", n, err)
	}
	v, err := env.svc.Round(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if v.Round.State != elections.RoundClosed || v.Round.ClosedBy != elections.ClosedBySchedule || !v.Round.ClosedAt.Equal(restart) || len(v.Round.Seed) != 32 {
		t.Errorf("round %+v, want closed by its schedule at %v with its seed", v.Round, restart)
	}
	events := rollEvents(t, env.st)[before:]
	if len(events) != 1 || events[0].Kind != elections.EventRoundClosed || events[0].Actor != "system" ||
		decodePayload(t, events[0])["closed_by"] != "schedule" {
		t.Errorf("events %+v, want one round.closed by the system", events)
	}
	// Nobody voted: the digest of no counted receipts is the SHA-256 of the empty string.
	wantBallots := []any{map[string]any{"contest": float64(env.contests["individual"]), "voters": 0.0,
		"counted_receipts_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}
	if diff := cmp.Diff(wantBallots, decodePayload(t, events[0])["ballots"]); diff != "" {
		t.Errorf("round.closed ballots (-want +got):\n%s", diff)
	}
	if v, err := env.svc.Round(ctx, second); err != nil || v.Round.State != elections.RoundOpen || v.Round.Seed != nil {
		t.Errorf("the later round: %+v, %v; want open without its seed", v, err)
	}
	if n, err := env.svc.CloseDueRounds(ctx); n != 0 || err != nil {
		t.Errorf("CloseDueRounds again = %d, %v; want 0", n, err)
	}
}

func TestContestRevoting(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	for _, c := range env.election.Contests {
		if !c.Revoting {
			t.Errorf("contest %s: revoting off, want on by default", c.Constituency)
		}
	}
	off, on := false, true
	gold := env.contests["gold"]
	v, err := env.svc.UpdateContest(ctx, vrOfficer, gold, elections.ContestPatch{Revoting: &off, Reason: "one ballot each"})
	if err != nil || v.Contest.Revoting {
		t.Fatalf("UpdateContest(revoting off) = %+v, %v", v, err)
	}
	changed := boardEvents(t, env.st, elections.EventContestChanged)
	want := map[string]any{"contest": float64(gold), "reason": "one ballot each",
		"changes": map[string]any{"revoting": map[string]any{"from": true, "to": false}},
		"seats":   []any{"gold-1", "gold-2"}, "method": "meek"}
	if len(changed) != 1 || !reflect.DeepEqual(decodePayload(t, changed[0]), want) {
		t.Errorf("contest.changed events %+v, want one with %v", changed, want)
	}
	env.clock.Set(vrVoting)
	rv := env.open(t, elections.RoundInput{})
	if rv.Ballots[1].ContestID != gold || rv.Ballots[1].Revoting || !rv.Ballots[0].Revoting {
		t.Errorf("ballots %+v, want Gold without revoting, Individual with", rv.Ballots)
	}
	env.refused(t, elections.ECONFLICT, "revoting in the Gold Members contest can change only until a voting round opens for it; round 1 opened at 2026-06-01 10:00 UTC",
		func() error {
			_, err := env.svc.UpdateContest(ctx, vrOfficer, gold, elections.ContestPatch{Revoting: &on})
			return err
		})
	// Restating the setting in force changes nothing and is no transition.
	if _, err := env.svc.UpdateContest(ctx, vrOfficer, gold, elections.ContestPatch{Revoting: &off}); err != nil {
		t.Errorf("UpdateContest(revoting unchanged) after the opening: %v", err)
	}
}

// TestCharterRunoffOnTie checks that the rule RunoffOnTie, added after charters were first
// fingerprinted, leaves the fingerprints of charters without it as they were.
func TestCharterRunoffOnTie(t *testing.T) {
	svc, _, _ := newBoardService(t, vrSetupAt)
	c := boardApplyCharter(t, svc, nomCharter())
	// The fingerprint of nomCharter() computed by the code before RunoffOnTie existed.
	const before = "c60c149fd99d4bb503b8c4c1b73db02c6e006208c1af55b443b24b1380575a6c"
	if c.Fingerprint != before {
		t.Errorf("fingerprint %s, want %s as before RunoffOnTie", c.Fingerprint, before)
	}
	svc2, _, _ := newBoardService(t, vrSetupAt)
	with := nomCharter()
	with.Rules.RunoffOnTie = true
	c2 := boardApplyCharter(t, svc2, with)
	if c2.Fingerprint == c.Fingerprint || !c2.Rules.RunoffOnTie {
		t.Errorf("with RunoffOnTie: fingerprint %s (without: %s), rule %v; want another fingerprint, the rule kept", c2.Fingerprint, c.Fingerprint, c2.Rules.RunoffOnTie)
	}
}
