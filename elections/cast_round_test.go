package elections_test

import (
	"context"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
)

// Ballots and rounds: a ballot filled in for one round never lands in another, and the
// ballots of every round of a contest are published.

// forRound is ballot in with RoundID set to round.
func forRound(in elections.BallotInput, round int64) elections.BallotInput {
	in.RoundID = round
	return in
}

// TestCastBallotForRound checks that a ballot naming its round is cast in that round only:
// refused once the round has closed, whether or not another round has opened, and whether
// the service had cached the old round or not; a ballot without a round goes to the open one.
func TestCastBallotForRound(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t, "individual")
	first := env.round
	if res := env.cast(t, "ind-0001", env.ind, forRound(rank(101), first.ID)); res.RoundID != first.ID {
		t.Fatalf("cast %+v, want round %d", res, first.ID)
	}
	env.closeRound(t)
	second := env.createRound(t, 2, "individual")

	// The service has cached round 1: the store refuses the ballot, which is not retried in
	// round 2.
	_, err := env.svc.CastBallot(ctx, env.member("ind-0003"), env.ind, forRound(rank(102), first.ID))
	checkRefusal(t, err, elections.ECONFLICT, "this ballot is for round 1, which is closed; round 2 is open: fetch the ballot form again")
	// Read again: the same.
	_, err = env.svc.CastBallot(ctx, env.member("ind-0003"), env.ind, forRound(rank(102), first.ID))
	checkRefusal(t, err, elections.ECONFLICT, "this ballot is for round 1, which is closed; round 2 is open: fetch the ballot form again")
	if bs := env.stored(t, second.ID, env.ind); len(bs) != 0 {
		t.Errorf("round 2 holds %d ballots for round 1, want none", len(bs))
	}
	_, err = env.svc.CastBallot(ctx, env.member("ind-0003"), env.ind, forRound(rank(102), 999))
	checkRefusal(t, err, elections.EINVALID, "round_id 999 is not a round of the Individual Members contest")

	if res := env.cast(t, "ind-0003", env.ind, forRound(rank(102), second.ID)); res.RoundID != second.ID {
		t.Errorf("cast for round 2 = %+v, want round %d", res, second.ID)
	}
	if res := env.cast(t, "ind-0004", env.ind, rank(103)); res.RoundID != second.ID {
		t.Errorf("cast without a round = %+v, want round %d", res, second.ID)
	}

	// No round open: the ballot of the last round is told when it closed, an older one that
	// none is open.
	if _, err := env.svc.CloseRound(ctx, nomOfficer, second.ID); err != nil {
		t.Fatal(err)
	}
	_, err = env.svc.CastBallot(ctx, env.member("ind-0004"), env.ind, forRound(rank(101), first.ID))
	checkRefusal(t, err, elections.ECONFLICT, "this ballot is for round 1, which is closed; no voting round is open")
	_, err = env.svc.CastBallot(ctx, env.member("ind-0004"), env.ind, forRound(rank(101), second.ID))
	checkRefusal(t, err, elections.ECONFLICT, "voting in round 2 closed at")
}

// TestCastBallotForNewRoundWithStaleCache checks that a ballot for a round opened after the
// service cached the contest's previous round is cast in it.
func TestCastBallotForNewRoundWithStaleCache(t *testing.T) {
	env := newBtEnv(t, "individual")
	env.cast(t, "ind-0001", env.ind, rank(101)) // caches round 1
	env.closeRound(t)
	second := env.createRound(t, 2, "individual")
	res := env.cast(t, "ind-0001", env.ind, forRound(rank(102), second.ID))
	if res.RoundID != second.ID || res.Replaced {
		t.Errorf("cast %+v, want round %d, nothing replaced", res, second.ID)
	}
	if bs := env.stored(t, second.ID, env.ind); len(bs) != 1 || bs[0].Content != "ranking:2" {
		t.Errorf("round 2 ballots %+v", bs)
	}
}

// TestCastBallotAfterScheduledClose checks that a ballot refused after a scheduled close that
// ran late names the round's ClosesAt, from which ballots were refused, not the later
// ClosedAt.
func TestCastBallotAfterScheduledClose(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t, "individual")
	env.clock.Set(btCloses.Add(2 * time.Hour))
	if n, err := env.svc.CloseDueRounds(ctx); n != 1 || err != nil {
		t.Fatalf("CloseDueRounds = %d, %v; want 1", n, err)
	}
	_, err := env.svc.CastBallot(ctx, env.member("ind-0001"), env.ind, rank(101))
	checkRefusal(t, err, elections.ECONFLICT, "voting in round 1 closed at 2026-06-13 00:00 UTC")
	if got := elections.RoundClosedError(&elections.Round{Number: 3, State: elections.RoundClosed,
		ClosesAt: btCloses, ClosedAt: btCloses.Add(-time.Hour)}).Message; got != "voting in round 3 closed at 2026-06-12 23:00 UTC" {
		t.Errorf("closed early: %q", got)
	}
}

// TestContestBallotsByRound checks that the ballots of each round of a contest are published:
// the latest closed round by default, any closed round by number; a round without the
// contest is ENOTFOUND, an open one ECONFLICT.
func TestContestBallotsByRound(t *testing.T) {
	ctx := context.Background()
	env := newBtEnv(t, "individual")
	env.cast(t, "ind-0001", env.ind, rank(101))
	env.cast(t, "ind-0003", env.ind, rank(103))
	env.closeRound(t)
	env.setStatus(t, elections.StatusCounted)
	second := env.createRound(t, 2, "individual")
	env.cast(t, "ind-0004", env.ind, rank(102))

	_, err := env.svc.ContestBallots(ctx, nomOfficer, env.ind, 2)
	checkRefusal(t, err, elections.ECONFLICT, "round 2 is open")
	if p := env.published(t, env.ind); p.RoundID != env.round.ID || p.Round != 1 || len(p.Ballots) != 2 {
		t.Errorf("default while round 2 is open: round %d (#%d), %d ballots; want round 1's two", p.RoundID, p.Round, len(p.Ballots))
	}
	if _, err := env.svc.CloseRound(ctx, nomOfficer, second.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		round, wantNumber, wantBallots int
		wantID                         int64
	}{
		{0, 2, 1, second.ID},
		{1, 1, 2, env.round.ID},
		{2, 2, 1, second.ID},
	} {
		p, err := env.svc.ContestBallots(ctx, nomOfficer, env.ind, tt.round)
		if err != nil {
			t.Fatalf("ContestBallots(round %d): %v", tt.round, err)
		}
		if p.RoundID != tt.wantID || p.Round != tt.wantNumber || len(p.Ballots) != tt.wantBallots {
			t.Errorf("round %d: round %d (#%d), %d ballots; want %d (#%d), %d", tt.round, p.RoundID, p.Round, len(p.Ballots),
				tt.wantID, tt.wantNumber, tt.wantBallots)
		}
	}
	_, err = env.svc.ContestBallots(ctx, nomOfficer, env.ind, 3)
	checkRefusal(t, err, elections.ENOTFOUND, "the Individual Members contest was not voted on in round 3")
	// The public learns nothing before the certification, whatever the round.
	_, err = env.svc.ContestBallots(ctx, elections.Actor{}, env.ind, 3)
	checkRefusal(t, err, elections.ENOTFOUND, "no published ballots")
}
