package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// Voting rounds, their ballots and the election secret. The cast ballots, participation and
// the hot path CastBallots are in ballots.go; the counts in results.go.

// secretRow is a row of the election_secrets table. The database refuses any change.
type secretRow struct {
	ElectionID int64 `gorm:"primaryKey;autoIncrement:false"`
	Secret     []byte
}

// TableName tells gorm the table's name.
func (secretRow) TableName() string { return "election_secrets" }

// ElectionSecret returns the HMAC secret of an election's voter keys, or an ENOTFOUND
// *elections.Error when it has none yet.
func (s *Store) ElectionSecret(ctx context.Context, electionID int64) ([]byte, error) {
	var row secretRow
	err := s.db.WithContext(ctx).Where("election_id = ?", electionID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "election %d has no secret yet", electionID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: election secret: %w", err)
	}
	return row.Secret, nil
}

// CreateElectionSecret stores the secret of an election. An election that has one already is
// an ECONFLICT *elections.Error (the secret never changes: the database refuses it), an
// unknown election an ENOTFOUND one.
func (s *Store) CreateElectionSecret(ctx context.Context, electionID int64, secret []byte) error {
	row := secretRow{ElectionID: electionID, Secret: slices.Clone(secret)}
	err := s.db.WithContext(ctx).Create(&row).Error
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "election %d has a secret already", electionID)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "no election %d", electionID)
	case err != nil:
		return fmt.Errorf("sqlstore: create election secret: %w", err)
	}
	return nil
}

// roundRow is a row of the rounds table: a round without its contests. ClosedAt and ClosedBy
// are NULL while it is open.
type roundRow struct {
	ID             int64 `gorm:"primaryKey"`
	ElectionID     int64
	Number         int
	Runoff         bool
	State          string
	OpenedAt       time.Time
	ClosesAt       time.Time
	ClosedAt       *time.Time
	ClosedBy       *string
	SeedCommitment string
	Seed           []byte
}

// TableName tells gorm the table's name.
func (roundRow) TableName() string { return "rounds" }

// roundFromDomain maps a round (without its contests) to a row.
func roundFromDomain(r *elections.Round) roundRow {
	return roundRow{
		ID:             r.ID,
		ElectionID:     r.ElectionID,
		Number:         r.Number,
		Runoff:         r.Runoff,
		State:          string(r.State),
		OpenedAt:       storedTime(r.OpenedAt),
		ClosesAt:       storedTime(r.ClosesAt),
		ClosedAt:       nullTime(r.ClosedAt),
		ClosedBy:       nullString(r.ClosedBy),
		SeedCommitment: r.SeedCommitment,
		Seed:           slices.Clone(r.Seed),
	}
}

// toDomain maps a row to a round; the contests are added by the caller.
func (r roundRow) toDomain() elections.Round {
	return elections.Round{
		ID:             r.ID,
		ElectionID:     r.ElectionID,
		Number:         r.Number,
		Runoff:         r.Runoff,
		ContestIDs:     []int64{},
		State:          elections.RoundState(r.State),
		OpenedAt:       r.OpenedAt.UTC(),
		ClosesAt:       r.ClosesAt.UTC(),
		ClosedAt:       timeOf(r.ClosedAt),
		ClosedBy:       deref(r.ClosedBy),
		SeedCommitment: r.SeedCommitment,
		Seed:           r.Seed,
	}
}

// roundContestRow is a row of the round_contests table: the ballot of one contest in one
// round. Candidates is the JSON array of candidateJSON. The database refuses any change.
type roundContestRow struct {
	RoundID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ContestID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Method     string
	Kind       string
	Seats      int
	MaxMarks   int
	Points     int
	Revoting   bool
	AllowsTies bool
	Candidates string
}

// TableName tells gorm the table's name.
func (roundContestRow) TableName() string { return "round_contests" }

// candidateJSON is one element of the round_contests.candidates array. Its field names are
// part of the stored format: change them only with a migration that rewrites the column.
type candidateJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Pronouns    string `json:"pronouns"`
	Affiliation string `json:"affiliation"`
	Member      string `json:"member"`
}

// roundContestFromDomain maps the ballot of a contest in a round to a row.
func roundContestFromDomain(b *elections.RoundBallot) (roundContestRow, error) {
	cands := make([]candidateJSON, len(b.Candidates))
	for i, c := range b.Candidates {
		cands[i] = candidateJSON(c)
	}
	text, err := json.Marshal(cands)
	if err != nil {
		return roundContestRow{}, fmt.Errorf("sqlstore: encode ballot candidates: %w", err)
	}
	return roundContestRow{
		RoundID:    b.RoundID,
		ContestID:  b.ContestID,
		Method:     b.Method,
		Kind:       string(b.Kind),
		Seats:      b.Seats,
		MaxMarks:   b.MaxMarks,
		Points:     b.Points,
		Revoting:   b.Revoting,
		AllowsTies: b.AllowsTies,
		Candidates: string(text),
	}, nil
}

// toDomain maps a row to a round's ballot; Candidates is never nil.
func (r roundContestRow) toDomain() (elections.RoundBallot, error) {
	var cands []candidateJSON
	if err := json.Unmarshal([]byte(r.Candidates), &cands); err != nil {
		return elections.RoundBallot{}, fmt.Errorf("sqlstore: stored ballot candidates: %w", err)
	}
	out := make([]elections.BallotCandidate, len(cands))
	for i, c := range cands {
		out[i] = elections.BallotCandidate(c)
	}
	return elections.RoundBallot{
		RoundID:    r.RoundID,
		ContestID:  r.ContestID,
		Method:     r.Method,
		Kind:       elections.BallotKind(r.Kind),
		Seats:      r.Seats,
		Candidates: out,
		MaxMarks:   r.MaxMarks,
		Points:     r.Points,
		Revoting:   r.Revoting,
		AllowsTies: r.AllowsTies,
	}, nil
}

// CreateRound stores r and the ballots of its contests, in one transaction (a savepoint when
// the store is in one already). It sets r.ID, the RoundID of every ballot, r.ContestIDs to the
// ballots' contests in ascending order, and r's times to the stored precision. A round without
// ballots, or with two for one contest, is an EINVALID *elections.Error; a second round with
// r's ElectionID and Number an ECONFLICT one; an unknown election or contest an ENOTFOUND one.
func (s *Store) CreateRound(ctx context.Context, r *elections.Round, ballots []elections.RoundBallot) error {
	if len(ballots) == 0 {
		return elections.Errorf(elections.EINVALID, "round %d has no contest to vote on", r.Number)
	}
	ids := make([]int64, len(ballots))
	for i, b := range ballots {
		ids[i] = b.ContestID
	}
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		return elections.Errorf(elections.EINVALID, "round %d lists a contest twice", r.Number)
	}
	row := roundFromDomain(r)
	row.ID = 0 // the database assigns it
	rcs := make([]roundContestRow, len(ballots))
	for i := range ballots {
		rc, err := roundContestFromDomain(&ballots[i])
		if err != nil {
			return err
		}
		rcs[i] = rc
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		for i := range rcs {
			rcs[i].RoundID = row.ID
		}
		return tx.Create(&rcs).Error
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "election %d has a round %d already", r.ElectionID, r.Number)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "no election %d, or not all of contests %v exist", r.ElectionID, ids)
	case err != nil:
		return fmt.Errorf("sqlstore: create round: %w", err)
	}
	r.ID, r.ContestIDs = row.ID, ids
	r.OpenedAt, r.ClosesAt, r.ClosedAt = row.OpenedAt, row.ClosesAt, timeOf(row.ClosedAt)
	for i := range ballots {
		ballots[i].RoundID = row.ID
	}
	return nil
}

// RoundByID returns a round with its contests, or an ENOTFOUND *elections.Error.
func (s *Store) RoundByID(ctx context.Context, id int64) (*elections.Round, error) {
	db := s.db.WithContext(ctx)
	var row roundRow
	err := db.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no round %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: round by id: %w", err)
	}
	rs, err := withContestIDs(db, []roundRow{row})
	if err != nil {
		return nil, err
	}
	return &rs[0], nil
}

// Rounds returns the rounds of an election with their contests, by Number; an empty slice
// when it has none (or there is no such election).
func (s *Store) Rounds(ctx context.Context, electionID int64) ([]elections.Round, error) {
	db := s.db.WithContext(ctx)
	var rows []roundRow
	if err := db.Where("election_id = ?", electionID).Order("number").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list rounds: %w", err)
	}
	return withContestIDs(db, rows)
}

// withContestIDs maps round rows to rounds with their ContestIDs, read in one query.
func withContestIDs(db *gorm.DB, rows []roundRow) ([]elections.Round, error) {
	out := make([]elections.Round, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	index := make(map[int64]int, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
		index[r.ID] = i
		ids[i] = r.ID
	}
	var rcs []roundContestRow
	if err := db.Select("round_id, contest_id").Where("round_id IN ?", ids).Order("round_id, contest_id").Find(&rcs).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list round contests: %w", err)
	}
	for _, rc := range rcs {
		r := &out[index[rc.RoundID]]
		r.ContestIDs = append(r.ContestIDs, rc.ContestID)
	}
	return out, nil
}

// UpdateRound stores the State, ClosesAt, ClosedAt and ClosedBy of r, by r.ID, and sets r's
// times to the stored precision. An unknown ID is an ENOTFOUND *elections.Error. The database
// refuses any change to a closed round, and a close without ClosedAt and ClosedBy.
//
// On PostgreSQL the update waits for the CastBallots transactions that have read the round
// (they hold a share lock on its row), so that a close never lands in the middle of a batch.
func (s *Store) UpdateRound(ctx context.Context, r *elections.Round) error {
	row := roundFromDomain(r)
	res := s.db.WithContext(ctx).Model(&roundRow{}).Where("id = ?", r.ID).Updates(map[string]any{
		"state":     row.State,
		"closes_at": row.ClosesAt,
		"closed_at": row.ClosedAt,
		"closed_by": row.ClosedBy,
	})
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update round: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no round %d", r.ID)
	}
	r.ClosesAt, r.ClosedAt = row.ClosesAt, timeOf(row.ClosedAt)
	return nil
}

// RoundBallots returns the ballots of a round's contests, by ContestID; an empty slice when
// there is no such round.
func (s *Store) RoundBallots(ctx context.Context, roundID int64) ([]elections.RoundBallot, error) {
	var rows []roundContestRow
	if err := s.db.WithContext(ctx).Where("round_id = ?", roundID).Order("contest_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: round ballots: %w", err)
	}
	return roundBallotsOf(rows)
}

// roundBallotsOf maps round_contests rows to ballots, in the same order.
func roundBallotsOf(rows []roundContestRow) ([]elections.RoundBallot, error) {
	out := make([]elections.RoundBallot, len(rows))
	for i, r := range rows {
		b, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// ContestRounds returns the rounds that held a contest, open or closed, by Number, each with
// its ContestIDs, and beside them (same index) the contest's ballot in that round; empty
// slices when there is none.
func (s *Store) ContestRounds(ctx context.Context, contestID int64) ([]elections.Round, []elections.RoundBallot, error) {
	db := s.db.WithContext(ctx)
	var rows []roundRow
	err := db.Where("id IN (?)", db.Model(&roundContestRow{}).Select("round_id").Where("contest_id = ?", contestID)).
		Order("number").Find(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: contest rounds: %w", err)
	}
	rounds, err := withContestIDs(db, rows)
	if err != nil {
		return nil, nil, err
	}
	var rcs []roundContestRow
	if err := db.Where("contest_id = ?", contestID).Find(&rcs).Error; err != nil {
		return nil, nil, fmt.Errorf("sqlstore: contest round ballots: %w", err)
	}
	byRound := make(map[int64]roundContestRow, len(rcs))
	for _, rc := range rcs {
		byRound[rc.RoundID] = rc
	}
	ordered := make([]roundContestRow, 0, len(rounds))
	for _, r := range rounds {
		rc, ok := byRound[r.ID]
		if !ok { // cannot happen: round contests are never deleted
			return nil, nil, fmt.Errorf("sqlstore: contest rounds: round %d lost contest %d", r.ID, contestID)
		}
		ordered = append(ordered, rc)
	}
	ballots, err := roundBallotsOf(ordered)
	if err != nil {
		return nil, nil, err
	}
	return rounds, ballots, nil
}

// DueRounds returns the open rounds whose ClosesAt is at or before now, by ClosesAt then ID;
// an empty slice when there is none. Open rounds are few, so the times are compared here
// rather than as SQLite text.
func (s *Store) DueRounds(ctx context.Context, now time.Time) ([]elections.Round, error) {
	db := s.db.WithContext(ctx)
	var open []roundRow
	if err := db.Where("state = ?", string(elections.RoundOpen)).Find(&open).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: due rounds: %w", err)
	}
	due := slices.DeleteFunc(open, func(r roundRow) bool { return r.ClosesAt.After(now) })
	slices.SortFunc(due, func(a, b roundRow) int {
		if c := a.ClosesAt.Compare(b.ClosesAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return withContestIDs(db, due)
}

// RollEntry returns member's entry on the frozen roll of a contest, or an ENOTFOUND
// *elections.Error when the member is not on it.
func (s *Store) RollEntry(ctx context.Context, contestID int64, member string) (*elections.RollEntry, error) {
	notOnRoll := elections.Errorf(elections.ENOTFOUND, "member %s is not on the roll of contest %d", member, contestID)
	if unstorable(member) {
		return nil, notOnRoll
	}
	if _, inTx := s.db.Statement.ConnPool.(gorm.TxCommitter); !inTx && s.castStmts != nil {
		return s.rollEntryPrepared(ctx, contestID, member, notOnRoll)
	}
	var row rollEntryRow
	err := s.db.WithContext(ctx).Model(&rollEntryRow{}).
		Select("roll_entries.*, members.external_id AS member_external_id").
		Joins("JOIN members ON members.id = roll_entries.member_id").
		Where("roll_entries.contest_id = ? AND members.external_id = ?", contestID, member).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notOnRoll
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: roll entry: %w", err)
	}
	e := row.toDomain()
	return &e, nil
}

// rollEntrySQL reads one voter of a contest's roll (rollEntryPrepared).
const rollEntrySQL = `SELECT r.name, r.kind, r.representative, r.email, r.added_at, r.added_by, r.reason
FROM roll_entries r JOIN members m ON m.id = r.member_id
WHERE r.contest_id = %s AND m.external_id = %s`

// rollEntryPrepared is RollEntry outside a transaction, on a statement prepared once per
// Store: every ballot cast looks its voter up on the roll, and gorm's statement building and
// an unprepared query cost several times the lookup itself.
func (s *Store) rollEntryPrepared(ctx context.Context, contestID int64, member string, notOnRoll error) (*elections.RollEntry, error) {
	st, err := s.castStmts.rollStatement(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: roll entry: %w", err)
	}
	var e elections.RollEntry
	var kind string
	var addedAt sql.NullTime
	err = st.QueryRowContext(ctx, contestID, member).Scan(&e.Name, &kind, &e.Representative, &e.Email, &addedAt, &e.AddedBy, &e.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notOnRoll
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: roll entry: %w", err)
	}
	e.Member, e.Kind = member, elections.MemberKind(kind)
	if addedAt.Valid {
		e.AddedAt = addedAt.Time.UTC()
	}
	return &e, nil
}
