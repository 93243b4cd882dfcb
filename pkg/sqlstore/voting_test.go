package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// seed returns a 32-byte tie-break seed made of b, and its hex SHA-256 commitment.
func seed(b byte) ([]byte, string) {
	s := bytes.Repeat([]byte{b}, 32)
	sum := sha256.Sum256(s)
	return s, hex.EncodeToString(sum[:])
}

// roundBallot returns the ballot of a contest: three candidates, one of whose display names
// needs escaping in JSON, and who say how they are referred to.
func roundBallot(contestID int64, revoting bool) elections.RoundBallot {
	return elections.RoundBallot{
		ContestID: contestID, Method: "meek", Kind: elections.BallotRanking, Seats: 2,
		Candidates: []elections.BallotCandidate{
			{ID: 11, Name: "Ann \"Nan\" Lee", Pronouns: "she/her", Member: "nominee-ann"},
			{ID: 12, Name: "Bob Öz", Affiliation: "Acme", Member: "nominee-bob"},
			{ID: 13, Name: "Cy", Member: "org-cy"},
		},
		MaxMarks: 3, Revoting: revoting,
	}
}

// newRound returns round number of election e, open from start for a week.
func newRound(e *elections.Election, number int) *elections.Round {
	sd, commitment := seed(byte(number))
	return &elections.Round{ElectionID: e.ID, Number: number, State: elections.RoundOpen,
		OpenedAt: start, ClosesAt: start.Add(7 * 24 * time.Hour), SeedCommitment: commitment, Seed: sd}
}

// createRound stores r with ballots or fails the test.
func createRound(t *testing.T, s *sqlstore.Store, r *elections.Round, ballots ...elections.RoundBallot) {
	t.Helper()
	if err := s.CreateRound(context.Background(), r, ballots); err != nil {
		t.Fatalf("CreateRound: %v", err)
	}
}

// storedRound is r as the store returns it.
func storedRound(r *elections.Round) elections.Round {
	w := *r
	w.OpenedAt, w.ClosesAt = w.OpenedAt.UTC().Truncate(time.Microsecond), w.ClosesAt.UTC().Truncate(time.Microsecond)
	if !w.ClosedAt.IsZero() {
		w.ClosedAt = w.ClosedAt.UTC().Truncate(time.Microsecond)
	}
	return w
}

func TestElectionSecret(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		if _, err := s.ElectionSecret(ctx, e.ID); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Fatalf("ElectionSecret before one is created = %v, want %s", err, elections.ENOTFOUND)
		}
		secret := bytes.Repeat([]byte{0xa5, 0x00}, 16)
		if err := s.CreateElectionSecret(ctx, e.ID, secret); err != nil {
			t.Fatalf("CreateElectionSecret: %v", err)
		}
		got, err := s.ElectionSecret(ctx, e.ID)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("ElectionSecret = %x, %v; want %x", got, err, secret)
		}
		if err := s.CreateElectionSecret(ctx, e.ID, bytes.Repeat([]byte{1}, 32)); elections.ErrorCode(err) != elections.ECONFLICT {
			t.Errorf("second CreateElectionSecret = %v, want %s", err, elections.ECONFLICT)
		}
		if err := s.CreateElectionSecret(ctx, 99, secret); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("CreateElectionSecret(unknown election) = %v, want %s", err, elections.ENOTFOUND)
		}
		for _, sql := range []string{"UPDATE election_secrets SET secret = secret", "DELETE FROM election_secrets"} {
			if err := sqlstore.GormDB(s).Exec(sql).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", sql)
			}
		}
		if got, _ := s.ElectionSecret(ctx, e.ID); !bytes.Equal(got, secret) {
			t.Errorf("secret after tampering = %x, want %x", got, secret)
		}
	})
}

func TestCreateAndReadRounds(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		other := createElection(t, s, 2027)
		individual, gold := e.Contests[0].ID, e.Contests[1].ID
		if got, err := s.Rounds(ctx, e.ID); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("Rounds before any = %#v, %v; want an empty slice", got, err)
		}

		first := newRound(e, 1)
		first.OpenedAt = start.In(time.FixedZone("CEST", 2*3600))
		first.ContestIDs = []int64{42} // replaced by the ballots' contests
		// Given in descending contest order: RoundBallots and ContestIDs are ascending.
		ballots := []elections.RoundBallot{roundBallot(gold, false), roundBallot(individual, true)}
		ballots[0].Method, ballots[0].Kind, ballots[0].Seats, ballots[0].MaxMarks = "plurality", elections.BallotApproval, 1, 1
		ballots[0].Candidates = []elections.BallotCandidate{}
		createRound(t, s, first, ballots...)
		if first.ID == 0 || !cmp.Equal(first.ContestIDs, []int64{individual, gold}) || first.OpenedAt != stored {
			t.Errorf("after CreateRound: ID %d, ContestIDs %v, OpenedAt %v; want an ID, [%d %d], %v",
				first.ID, first.ContestIDs, first.OpenedAt, individual, gold, stored)
		}
		for _, b := range ballots {
			if b.RoundID != first.ID {
				t.Errorf("ballot of contest %d has RoundID %d after CreateRound, want %d", b.ContestID, b.RoundID, first.ID)
			}
		}
		runoff := newRound(e, 2)
		runoff.Runoff, runoff.OpenedAt, runoff.ClosesAt = true, start.Add(time.Hour), start.Add(48*time.Hour)
		runoffBallot := roundBallot(individual, false)
		runoffBallot.Candidates = runoffBallot.Candidates[:2]
		createRound(t, s, runoff, runoffBallot)
		runoffBallot.RoundID = runoff.ID
		elsewhere := newRound(other, 1)
		createRound(t, s, elsewhere, roundBallot(other.Contests[0].ID, true))

		got, err := s.RoundByID(ctx, first.ID)
		if err != nil {
			t.Fatalf("RoundByID: %v", err)
		}
		if diff := cmp.Diff(storedRound(first), *got); diff != "" {
			t.Errorf("RoundByID (-want +got):\n%s", diff)
		}
		list, err := s.Rounds(ctx, e.ID)
		if err != nil {
			t.Fatalf("Rounds: %v", err)
		}
		if diff := cmp.Diff([]elections.Round{storedRound(first), storedRound(runoff)}, list); diff != "" {
			t.Errorf("Rounds (-want +got):\n%s", diff)
		}
		rbs, err := s.RoundBallots(ctx, first.ID)
		if err != nil {
			t.Fatalf("RoundBallots: %v", err)
		}
		if diff := cmp.Diff([]elections.RoundBallot{ballots[1], ballots[0]}, rbs); diff != "" {
			t.Errorf("RoundBallots, by contest (-want +got):\n%s", diff)
		}
		rounds, rbs, err := s.ContestRounds(ctx, individual)
		if err != nil {
			t.Fatalf("ContestRounds: %v", err)
		}
		if diff := cmp.Diff([]elections.Round{storedRound(first), storedRound(runoff)}, rounds); diff != "" {
			t.Errorf("ContestRounds rounds (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]elections.RoundBallot{ballots[1], runoffBallot}, rbs); diff != "" {
			t.Errorf("ContestRounds ballots (-want +got):\n%s", diff)
		}
		if rounds, rbs, err := s.ContestRounds(ctx, e.Contests[1].ID+100); err != nil || len(rounds) != 0 || len(rbs) != 0 {
			t.Errorf("ContestRounds(unknown contest) = %v, %v, %v; want none", rounds, rbs, err)
		}
		if _, err := s.RoundByID(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("RoundByID(99) = %v, want %s", err, elections.ENOTFOUND)
		}
		if rbs, err := s.RoundBallots(ctx, 99); err != nil || rbs == nil || len(rbs) != 0 {
			t.Errorf("RoundBallots(99) = %#v, %v; want an empty slice", rbs, err)
		}
	})
}

func TestCreateRoundRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		individual, gold := e.Contests[0].ID, e.Contests[1].ID
		createRound(t, s, newRound(e, 1), roundBallot(individual, true))
		bad := func(modify func(r *elections.Round)) *elections.Round {
			r := newRound(e, 2)
			modify(r)
			return r
		}
		tests := []struct {
			name    string
			round   *elections.Round
			ballots []elections.RoundBallot
			want    string
		}{
			{"number taken", newRound(e, 1), []elections.RoundBallot{roundBallot(gold, true)}, elections.ECONFLICT},
			{"no contest", newRound(e, 2), nil, elections.EINVALID},
			{"contest twice", newRound(e, 2), []elections.RoundBallot{roundBallot(gold, true), roundBallot(gold, false)}, elections.EINVALID},
			{"unknown election", bad(func(r *elections.Round) { r.ElectionID = 99 }), []elections.RoundBallot{roundBallot(gold, true)}, elections.ENOTFOUND},
			{"unknown contest", newRound(e, 2), []elections.RoundBallot{roundBallot(99, true)}, elections.ENOTFOUND},
			{"closed without a time", bad(func(r *elections.Round) { r.State = elections.RoundClosed }), []elections.RoundBallot{roundBallot(gold, true)}, ""},
			{"bad commitment", bad(func(r *elections.Round) { r.SeedCommitment = "ABC" }), []elections.RoundBallot{roundBallot(gold, true)}, ""},
			{"unknown kind", newRound(e, 2), []elections.RoundBallot{func() elections.RoundBallot {
				b := roundBallot(gold, true)
				b.Kind = "score"
				return b
			}()}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.CreateRound(ctx, tt.round, tt.ballots)
				if err == nil || tt.want != "" && elections.ErrorCode(err) != tt.want {
					t.Errorf("CreateRound = %v, want an error %s", err, tt.want)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM rounds"); n != 1 {
			t.Errorf("%d rounds after the refused ones, want 1", n)
		}
		if n := count(t, s, "SELECT count(*) FROM round_contests"); n != 1 {
			t.Errorf("%d round contests after the refused rounds, want 1", n)
		}
	})
}

func TestUpdateRoundAndDueRounds(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		individual, gold := e.Contests[0].ID, e.Contests[1].ID
		early, late := newRound(e, 1), newRound(e, 2)
		early.ClosesAt, late.ClosesAt = start.Add(time.Hour), start.Add(2*time.Hour)
		createRound(t, s, late, roundBallot(gold, true)) // created first: DueRounds is by ClosesAt
		createRound(t, s, early, roundBallot(individual, true))

		due := func(now time.Time) []int64 {
			t.Helper()
			rs, err := s.DueRounds(ctx, now)
			if err != nil {
				t.Fatalf("DueRounds: %v", err)
			}
			ids := []int64{}
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			return ids
		}
		for _, tt := range []struct {
			now  time.Time
			want []int64
		}{
			{start, []int64{}},
			{early.ClosesAt.Add(-time.Microsecond), []int64{}},
			{early.ClosesAt, []int64{early.ID}},
			{late.ClosesAt.Add(time.Hour), []int64{early.ID, late.ID}},
		} {
			if got := due(tt.now); !cmp.Equal(got, tt.want) {
				t.Errorf("DueRounds(%v) = %v, want %v", tt.now, got, tt.want)
			}
		}

		// Extend, then close.
		early.ClosesAt = start.Add(3 * time.Hour).In(time.FixedZone("CEST", 2*3600))
		if err := s.UpdateRound(ctx, early); err != nil {
			t.Fatalf("UpdateRound (extend): %v", err)
		}
		if got := due(start.Add(2 * time.Hour)); !cmp.Equal(got, []int64{late.ID}) {
			t.Errorf("DueRounds after the extension = %v, want [%d]", got, late.ID)
		}
		early.State, early.ClosedAt, early.ClosedBy = elections.RoundClosed, start.Add(90*time.Minute), elections.ClosedByOfficer
		if err := s.UpdateRound(ctx, early); err != nil {
			t.Fatalf("UpdateRound (close): %v", err)
		}
		got, err := s.RoundByID(ctx, early.ID)
		if err != nil {
			t.Fatalf("RoundByID: %v", err)
		}
		if diff := cmp.Diff(storedRound(early), *got); diff != "" {
			t.Errorf("closed round (-want +got):\n%s", diff)
		}
		if got := due(late.ClosesAt.Add(time.Hour)); !cmp.Equal(got, []int64{late.ID}) {
			t.Errorf("DueRounds after the close = %v, want [%d]", got, late.ID)
		}

		// A closed round is final; an open one closes with a time and who closed it.
		reopened := *early
		reopened.State, reopened.ClosedAt, reopened.ClosedBy = elections.RoundOpen, time.Time{}, ""
		moved := *early
		moved.ClosesAt = moved.ClosesAt.Add(time.Hour)
		halfClosed := *late
		halfClosed.State = elections.RoundClosed
		noCloser := *late
		noCloser.State, noCloser.ClosedAt = elections.RoundClosed, start
		for _, tt := range []struct {
			name  string
			round *elections.Round
		}{{"reopen", &reopened}, {"extend a closed round", &moved}, {"close without a time", &halfClosed},
			{"close without who", &noCloser}} {
			if err := s.UpdateRound(ctx, tt.round); err == nil {
				t.Errorf("UpdateRound (%s) succeeded, want it refused", tt.name)
			}
		}
		unknown := *late
		unknown.ID = 99
		if err := s.UpdateRound(ctx, &unknown); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("UpdateRound(unknown id) = %v, want %s", err, elections.ENOTFOUND)
		}
		otherSeed, otherCommitment := seed(9)
		tampering := []struct {
			sql  string
			args []any
		}{
			{"UPDATE rounds SET seed = ? WHERE number = 2", []any{otherSeed}},
			{"UPDATE rounds SET seed_commitment = ? WHERE number = 2", []any{otherCommitment}},
			{"UPDATE rounds SET number = 3 WHERE number = 2", nil},
			{"DELETE FROM rounds WHERE number = 2", nil},
			{"UPDATE round_contests SET seats = 5", nil},
			{"DELETE FROM round_contests", nil},
		}
		if s.Dialect() == sqlstore.DriverPostgres {
			tampering = append(tampering, struct {
				sql  string
				args []any
			}{"TRUNCATE rounds, round_contests CASCADE", nil})
		}
		for _, tt := range tampering {
			if err := sqlstore.GormDB(s).Exec(tt.sql, tt.args...).Error; err == nil {
				t.Errorf("%s succeeded, want it refused", tt.sql)
			}
		}
		if got, err := s.RoundByID(ctx, late.ID); err != nil || !cmp.Equal(*got, storedRound(late)) {
			t.Errorf("round after tampering = %+v, %v; want it unchanged", got, err)
		}
	})
}

func TestRollEntry(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		contest, other := e.Contests[0].ID, e.Contests[1].ID
		ada := person("ada", "individual", "2024-01-01")
		acme := organisation("org-acme", "individual", "2023-01-01", &elections.Representative{Name: "Jo Rep",
			Email: "jo@acme.example", Since: day("2023-01-01")})
		createMembers(t, s, ada, acme)
		if err := s.SaveRoll(ctx, contest, []elections.RollEntry{voter(ada), voter(acme)}); err != nil {
			t.Fatalf("SaveRoll: %v", err)
		}
		bob := person("bob", "individual", "2024-01-01")
		createMembers(t, s, bob)
		added := voter(bob)
		added.AddedAt, added.AddedBy, added.Reason = time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC), "officer@example.org", "imported late"
		if err := s.AddRollEntry(ctx, contest, added); err != nil {
			t.Fatalf("AddRollEntry: %v", err)
		}
		// Outside a transaction RollEntry runs a prepared statement of its own; inside one, gorm:
		// both must read the same entry.
		for _, m := range []*elections.Member{ada, acme, bob} {
			want := voter(m)
			if m == bob {
				want = added
			}
			got, err := s.RollEntry(ctx, contest, m.ExternalID)
			if err != nil {
				t.Fatalf("RollEntry(%s): %v", m.ExternalID, err)
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("RollEntry(%s) (-want +got):\n%s", m.ExternalID, diff)
			}
			err = s.Tx(ctx, func(tx elections.Store) error {
				inTx, err := tx.RollEntry(ctx, contest, m.ExternalID)
				if err == nil && !cmp.Equal(*got, *inTx) {
					t.Errorf("RollEntry(%s) in a transaction = %+v, outside %+v", m.ExternalID, *inTx, *got)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			contest int64
			member  string
		}{{contest, "carol"}, {contest, "nobody"}, {other, "ada"}, {contest, "ADA"}, {contest, "a\x00da"}, {contest, "\xff"}} {
			if _, err := s.RollEntry(ctx, tt.contest, tt.member); elections.ErrorCode(err) != elections.ENOTFOUND {
				t.Errorf("RollEntry(%d, %q) = %v, want %s", tt.contest, tt.member, err, elections.ENOTFOUND)
			}
		}
	})
}

// TestContestRevotingAndRunoffRule checks the columns 0005 adds: contests.revoting, stored by
// CreateElection and UpdateContest, and charters.runoff_on_tie.
func TestContestRevotingAndRunoffRule(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		c := testCharter("2024-01-01")
		c.Rules.RunoffOnTie = true
		if err := s.CreateCharter(ctx, c); err != nil {
			t.Fatalf("CreateCharter: %v", err)
		}
		charters, err := s.Charters(ctx)
		if err != nil || len(charters) != 1 || !charters[0].Rules.RunoffOnTie {
			t.Fatalf("Charters = %+v, %v; want one with RunoffOnTie", charters, err)
		}
		e := testElection(2026)
		e.Contests[0].Revoting = true
		if err := s.CreateElection(ctx, e); err != nil {
			t.Fatalf("CreateElection: %v", err)
		}
		for i, want := range []bool{true, false} {
			got, err := s.ContestByID(ctx, e.Contests[i].ID)
			if err != nil || got.Revoting != want {
				t.Errorf("contest %d: Revoting %v (%v), want %v", i, got.Revoting, err, want)
			}
		}
		changed := e.Contests[0]
		changed.Revoting = false
		if err := s.UpdateContest(ctx, &changed); err != nil {
			t.Fatalf("UpdateContest: %v", err)
		}
		if got, err := s.ContestByID(ctx, changed.ID); err != nil || got.Revoting {
			t.Errorf("Revoting after UpdateContest = %v (%v), want false", got.Revoting, err)
		}
		// Rows written without the columns (before 0005) take their defaults.
		if err := sqlstore.GormDB(s).Exec("INSERT INTO contests (election_id, position, constituency, name, method, " +
			"uncontested, seats, roll_size) SELECT election_id, 3, 'silver', 'Silver', method, uncontested, seats, 0 " +
			"FROM contests WHERE position = 1").Error; err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "SELECT count(*) FROM contests WHERE constituency = 'silver' AND revoting"); n != 1 {
			t.Errorf("a contest inserted without revoting has it off, want on by default")
		}
	})
}

func TestSaveAndListResults(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := createElection(t, s, 2026)
		other := createElection(t, s, 2027)
		individual, gold := e.Contests[0].ID, e.Contests[1].ID
		if got, err := s.Results(ctx, e.ID); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("Results before any = %#v, %v; want an empty slice", got, err)
		}
		report := json.RawMessage("{\n  \"method\": \"meek\",\n  \"elected\": [\"Ann \\\"Nan\\\" Lee\", \"Bob Öz\"],\n  \"quota\": \"3.000000001\"\n}\n")
		counted := elections.ContestResult{ContestID: individual, RoundID: 1, Outcome: elections.OutcomeContested,
			RollSize: 80, Voters: 40, Ballots: 40, Superseded: 3,
			Elected: []elections.Winner{{Candidate: 11, Name: "Ann \"Nan\" Lee", Member: "nominee-ann", Seat: "individual-1",
				TermYears: 2, TermEndsYear: 2028}},
			VacantSeats: []string{},
			Runoff:      &elections.RunoffNeed{Candidates: []int64{12, 13}, Seats: 1, Tie: "round 3: Bob Öz, Cy tied for the last seat"},
			Report:      report, CountedAt: start.In(time.FixedZone("CEST", 2*3600))}
		runoff := elections.ContestResult{ContestID: individual, RoundID: 2, Outcome: elections.OutcomeContested,
			RollSize: 80, Voters: 30, Ballots: 30, Elected: counted.Elected, Report: json.RawMessage(`{"method":"meek"}`),
			CountedAt: start.Add(time.Hour)}
		void := elections.ContestResult{ContestID: gold, RoundID: 1, Outcome: elections.OutcomeConfidence, Void: true,
			VoidReason: "turnout 1 of 10 (10%) is below the quorum of 25%", RollSize: 10, Voters: 1, Ballots: 1,
			VacantSeats: []string{"gold-1"}, CountedAt: start}
		acclaimed := elections.ContestResult{ContestID: other.Contests[0].ID, Outcome: elections.OutcomeAcclamation,
			Elected: []elections.Winner{}, CountedAt: start}
		for _, r := range []*elections.ContestResult{&runoff, &void, &acclaimed, &counted} {
			if err := s.SaveResult(ctx, r); err != nil {
				t.Fatalf("SaveResult(%d, %d): %v", r.ContestID, r.RoundID, err)
			}
		}
		if counted.CountedAt != stored {
			t.Errorf("CountedAt after SaveResult = %v, want %v", counted.CountedAt, stored)
		}
		got, err := s.Results(ctx, e.ID)
		if err != nil {
			t.Fatalf("Results: %v", err)
		}
		if diff := cmp.Diff([]elections.ContestResult{counted, runoff, void}, got); diff != "" {
			t.Errorf("Results (-want +got):\n%s", diff)
		}
		if !bytes.Equal(got[0].Report, report) {
			t.Errorf("Report = %q, want %q byte for byte", got[0].Report, report)
		}

		// A recount replaces the result of the same contest and round.
		recount := counted
		recount.Runoff, recount.Voters, recount.CountedAt = nil, 41, start.Add(2*time.Hour)
		if err := s.SaveResult(ctx, &recount); err != nil {
			t.Fatalf("SaveResult (recount): %v", err)
		}
		got, err = s.Results(ctx, e.ID)
		if err != nil {
			t.Fatalf("Results: %v", err)
		}
		if diff := cmp.Diff([]elections.ContestResult{recount, runoff, void}, got); diff != "" {
			t.Errorf("Results after a recount (-want +got):\n%s", diff)
		}
		if got, err := s.Results(ctx, other.ID); err != nil || !cmp.Equal(got, []elections.ContestResult{acclaimed}) {
			t.Errorf("Results(other election) = %+v, %v; want the acclamation only", got, err)
		}
		unknown := void
		unknown.ContestID = 99
		if err := s.SaveResult(ctx, &unknown); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("SaveResult(unknown contest) = %v, want %s", err, elections.ENOTFOUND)
		}
		badVoid := void
		badVoid.VoidReason = ""
		if err := s.SaveResult(ctx, &badVoid); err == nil {
			t.Error("SaveResult of a void result without a reason succeeded, want it refused")
		}
	})
}
