package elections_test

import (
	"context"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
)

// Access codes and voting rounds: codes are issued and redeemed while a round of the election
// is open, a runoff after the count included, and last as long as the voting does.

// vrCodes issues codes for members (expiring at expires, zero for the default) and returns
// them by member.
func (env *vrEnv) vrCodes(t *testing.T, members []string, expires time.Time) map[string]elections.IssuedCode {
	t.Helper()
	issued, err := env.svc.IssueAccessCodes(context.Background(), vrOfficer, env.election.ID, members, expires)
	if err != nil {
		t.Fatalf("IssueAccessCodes(%v): %v", members, err)
	}
	out := make(map[string]elections.IssuedCode, len(issued))
	for _, c := range issued {
		out[c.Member] = c
	}
	return out
}

// codeExpiry returns the stored expiry of an issued code.
func (env *vrEnv) codeExpiry(t *testing.T, code string) time.Time {
	t.Helper()
	c, err := env.st.AccessCodeByHash(context.Background(), codeHash(code))
	if err != nil {
		t.Fatalf("AccessCodeByHash: %v", err)
	}
	return c.ExpiresAt
}

// vrRunoff returns the environment of TestRunoff counted at vrCountAt, past the end of
// voting: Individual (Cy and Di tied for the third seat) awaits a runoff.
func vrRunoff(t *testing.T) *vrEnv {
	t.Helper()
	env := newVrEnv(t, func(c *elections.Charter) { c.Rules.RunoffOnTie = true })
	env.stand(t, vrIndividualCandidates()...)
	env.stand(t, vrCand{"org-a", "", ""}, vrCand{"org-b", "", ""}, vrCand{"org-c", "", ""})
	env.clock.Set(vrVoting)
	first := env.open(t, elections.RoundInput{}).Round.ID
	env.approve(t, "individual", vrIndividuals,
		[]string{"ind-01", "ind-02", "ind-03"}, []string{"ind-01", "ind-02", "ind-03"}, []string{"ind-01", "ind-02", "ind-03"},
		[]string{"ind-01", "ind-02", "ind-04"}, []string{"ind-01", "ind-02", "ind-04"}, []string{"ind-01", "ind-02", "ind-05"},
		[]string{"ind-01", "ind-03", "ind-04"}, []string{"ind-01", "ind-04"})
	env.cast(t, "org-a", "gold", elections.BallotInput{Ranking: env.ranking("org-a", "org-b")})
	env.closeRound(t, first)
	env.clock.Set(vrCountAt)
	if r := resultOf(t, env.count(t), env.contests["individual"]); r.Runoff == nil {
		t.Fatalf("individual result %+v, want a runoff", r)
	}
	return env
}

// TestAccessCodesForRunoff checks that the voters of a runoff, which opens after the count
// and past the end of voting, get codes that they can redeem and vote with while it is
// open, expiring at its close; and that no code is issued or redeemed after the count
// without an open round, nor after the certification.
func TestAccessCodesForRunoff(t *testing.T) {
	ctx := context.Background()
	env := vrRunoff(t)
	issue := func(expires time.Time) func() error {
		return func() error {
			_, err := env.svc.IssueAccessCodes(ctx, vrOfficer, env.election.ID, []string{"ind-01"}, expires)
			return err
		}
	}
	env.refused(t, elections.ECONFLICT, "the election is in its counted phase; access codes are issued after the count only while a runoff round is open", issue(time.Time{}))

	runoff := env.open(t, elections.RoundInput{Runoff: true}).Round
	closes := vrCountAt.Add(7 * 24 * time.Hour)
	if !runoff.ClosesAt.Equal(closes) {
		t.Fatalf("runoff closes at %v, want %v", runoff.ClosesAt, closes)
	}
	env.refused(t, elections.EINVALID, "expires_at: 2026-06-21T09:00:01Z is after the end of voting (2026-06-21T09:00:00Z)", issue(closes.Add(time.Second)))
	codes := env.vrCodes(t, []string{"ind-01", "ind-02", "ind-03", "ind-04"}, time.Time{})
	for m, c := range codes {
		if c.Code == "" || !c.ExpiresAt.Equal(closes) || !env.codeExpiry(t, c.Code).Equal(closes) {
			t.Errorf("%s: code %+v, want one expiring at the runoff's close %v", m, c, closes)
		}
	}

	// A voter redeems their code and votes in the runoff with the session.
	sess, err := env.svc.RedeemAccessCode(ctx, codes["ind-01"].Code)
	if err != nil {
		t.Fatalf("RedeemAccessCode during the runoff: %v", err)
	}
	voter := elections.MemberActor(sess.Member.ExternalID, sess.ElectionID)
	res, err := env.svc.CastBallot(ctx, voter, env.contests["individual"], elections.BallotInput{Marks: env.ids("ind-04")})
	if err != nil || res.RoundID != runoff.ID {
		t.Fatalf("CastBallot in the runoff = %+v, %v; want a ballot in round %d", res, err, runoff.ID)
	}

	// An extension carries the unused codes to the new close.
	env.clock.Set(closes.Add(-time.Hour))
	later := closes.Add(24 * time.Hour)
	if _, err := env.svc.ExtendRound(ctx, vrOfficer, runoff.ID, later, "voters abroad"); err != nil {
		t.Fatal(err)
	}
	env.clock.Set(closes.Add(time.Hour))
	if got := env.codeExpiry(t, codes["ind-02"].Code); !got.Equal(later) {
		t.Errorf("ind-02's code expires at %v after the extension, want %v", got, later)
	}
	if _, err := env.svc.RedeemAccessCode(ctx, codes["ind-02"].Code); err != nil {
		t.Errorf("RedeemAccessCode past the first close of the extended runoff: %v", err)
	}

	// Once the runoff is closed, nothing more until the certification, and nothing after.
	env.closeRound(t, runoff.ID)
	env.refused(t, elections.ECONFLICT, "access codes are issued after the count only while a runoff round is open", issue(time.Time{}))
	_, err = env.svc.RedeemAccessCode(ctx, codes["ind-03"].Code)
	checkRefusal(t, err, elections.EUNAUTHORIZED, codeRefused)
	env.count(t)
	env.clock.Set(vrCertifyAt)
	if _, err := env.svc.CertifyElection(ctx, vrOfficer, env.election.ID); err != nil {
		t.Fatal(err)
	}
	env.refused(t, elections.ECONFLICT, "the election is in its certified phase; no access codes are issued or redeemed", issue(time.Time{}))
}

// TestRedeemAccessCodeAfterCountWithRunoff checks that a code still unexpired at the count
// is worthless until a runoff opens, then good while it is open.
func TestRedeemAccessCodeAfterCountWithRunoff(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, func(c *elections.Charter) { c.Rules.RunoffOnTie = true })
	env.stand(t, vrIndividualCandidates()...)
	env.clock.Set(vrVoting)
	first := env.open(t, elections.RoundInput{}).Round.ID
	codes := env.vrCodes(t, []string{"ind-09", "ind-10"}, time.Time{})
	env.approve(t, "individual", vrIndividuals,
		[]string{"ind-01", "ind-02", "ind-03"}, []string{"ind-01", "ind-02", "ind-03"}, []string{"ind-01", "ind-02", "ind-03"},
		[]string{"ind-01", "ind-02", "ind-04"}, []string{"ind-01", "ind-02", "ind-04"}, []string{"ind-01", "ind-02", "ind-05"},
		[]string{"ind-01", "ind-03", "ind-04"}, []string{"ind-01", "ind-04"})
	env.closeRound(t, first)
	env.count(t) // at vrVoting: the codes expire at the end of voting, days later

	_, err := env.svc.RedeemAccessCode(ctx, codes["ind-09"].Code)
	checkRefusal(t, err, elections.EUNAUTHORIZED, codeRefused)
	env.open(t, elections.RoundInput{Runoff: true})
	if _, err := env.svc.RedeemAccessCode(ctx, codes["ind-10"].Code); err != nil {
		t.Errorf("RedeemAccessCode while the runoff is open: %v", err)
	}
}

// TestExtendRoundExtendsAccessCodes checks that extending a round past the end of voting
// carries the election's unused, unrevoked, unexpired codes that would expire before the new
// close to it, and those only; round.extended says how many. Codes issued then expire at the
// round's close, after the end of voting.
func TestExtendRoundExtendsAccessCodes(t *testing.T) {
	ctx := context.Background()
	env := newVrEnv(t, nil)
	vrStandard(t, env)
	env.clock.Set(vrVoting)
	id := env.open(t, elections.RoundInput{}).Round.ID

	codes := env.vrCodes(t, []string{"ind-05", "ind-06", "ind-07"}, time.Time{})
	if _, err := env.svc.RedeemAccessCode(ctx, codes["ind-06"].Code); err != nil {
		t.Fatal(err)
	}
	revoked := codes["ind-07"].Code
	codes["ind-07"] = env.vrCodes(t, []string{"ind-07"}, time.Time{})["ind-07"]
	short := env.vrCodes(t, []string{"ind-08"}, vrVoting.Add(time.Hour))["ind-08"]
	shortLive := env.vrCodes(t, []string{"ind-09"}, vrVoting.Add(5*time.Hour))["ind-09"]
	env.clock.Set(vrVoting.Add(2 * time.Hour)) // ind-08's code has expired

	later := vrClosesAt.Add(48 * time.Hour)
	before := len(rollEvents(t, env.st))
	if _, err := env.svc.ExtendRound(ctx, vrOfficer, id, later, "the mail server was down"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, code string
		want       time.Time
	}{
		{"unused", codes["ind-05"].Code, later},
		{"used", codes["ind-06"].Code, vrClosesAt},
		{"revoked", revoked, vrClosesAt},
		{"the replacement of the revoked one", codes["ind-07"].Code, later},
		{"expired", short.Code, vrVoting.Add(time.Hour)},
		{"short but unexpired", shortLive.Code, later},
	} {
		if got := env.codeExpiry(t, c.code); !got.Equal(c.want) {
			t.Errorf("%s code: expires at %v, want %v", c.name, got, c.want)
		}
	}
	events := rollEvents(t, env.st)[before:]
	if len(events) != 1 || events[0].Kind != elections.EventRoundExtended {
		t.Fatalf("events %+v, want one round.extended", events)
	}
	if n := decodePayload(t, events[0])["codes_extended"]; n != 3.0 {
		t.Errorf("round.extended codes_extended = %v, want 3", n)
	}

	// Past the end of voting, the round still open: the codes are good, and new ones are
	// issued until the round's close.
	env.clock.Set(vrClosesAt.Add(time.Hour))
	sess, err := env.svc.RedeemAccessCode(ctx, codes["ind-05"].Code)
	if err != nil {
		t.Fatalf("RedeemAccessCode past the end of voting, the round extended: %v", err)
	}
	if _, err := env.svc.CastBallot(ctx, elections.MemberActor(sess.Member.ExternalID, sess.ElectionID), env.contests["individual"],
		elections.BallotInput{Marks: env.ids("ind-01")}); err != nil {
		t.Errorf("CastBallot with the redeemed code: %v", err)
	}
	fresh := env.vrCodes(t, []string{"ind-10"}, time.Time{})["ind-10"]
	if !fresh.ExpiresAt.Equal(later) {
		t.Errorf("a code issued past the end of voting expires at %v, want the round's close %v", fresh.ExpiresAt, later)
	}
	_, err = env.svc.IssueAccessCodes(ctx, vrOfficer, env.election.ID, []string{"ind-11"}, later.Add(time.Second))
	checkRefusal(t, err, elections.EINVALID, "is after the end of voting (2026-06-15T00:00:00Z)")

	// Closed, the round leaves nothing to issue codes for.
	env.closeRound(t, id)
	_, err = env.svc.IssueAccessCodes(ctx, vrOfficer, env.election.ID, []string{"ind-11"}, time.Time{})
	checkRefusal(t, err, elections.ECONFLICT, "voting closed at 2026-06-13 00:00 UTC; no access codes can be issued")
	_, err = env.svc.RedeemAccessCode(ctx, fresh.Code)
	checkRefusal(t, err, elections.EUNAUTHORIZED, codeRefused)
}
