package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/govboard/govboard/elections"
)

// resultRow is a row of the contest_results table. Elected, VacantSeats and Runoff are JSON
// ("null" for a nil slice, so that nil and empty read back as they were written; Runoff NULL
// when there is none); Report is the report's JSON byte for byte, NULL without one.
type resultRow struct {
	ContestID   int64 `gorm:"primaryKey;autoIncrement:false"`
	RoundID     int64 `gorm:"primaryKey;autoIncrement:false"`
	Outcome     string
	Void        bool
	VoidReason  string
	RollSize    int
	Voters      int
	Ballots     int
	Superseded  int
	Elected     string
	VacantSeats string
	Runoff      *string
	Report      *string
	CountedAt   time.Time
}

// TableName tells gorm the table's name.
func (resultRow) TableName() string { return "contest_results" }

// winnerJSON is one element of the contest_results.elected array, and runoffJSON the
// contest_results.runoff object. Their field names are part of the stored format: change them
// only with a migration that rewrites the columns.
type (
	winnerJSON struct {
		Candidate    int64  `json:"candidate"`
		Name         string `json:"name"`
		Member       string `json:"member"`
		Seat         string `json:"seat"`
		TermYears    int    `json:"term_years"`
		TermEndsYear int    `json:"term_ends_year"`
	}
	runoffJSON struct {
		Candidates []int64 `json:"candidates"`
		Seats      int     `json:"seats"`
		Tie        string  `json:"tie"`
	}
)

// resultFromDomain maps a contest's result to a row.
func resultFromDomain(r *elections.ContestResult) (resultRow, error) {
	var elected []winnerJSON
	if r.Elected != nil {
		elected = make([]winnerJSON, len(r.Elected))
		for i, w := range r.Elected {
			elected[i] = winnerJSON(w)
		}
	}
	electedText, err := json.Marshal(elected)
	if err != nil {
		return resultRow{}, fmt.Errorf("sqlstore: encode elected: %w", err)
	}
	vacant, err := json.Marshal(r.VacantSeats)
	if err != nil {
		return resultRow{}, fmt.Errorf("sqlstore: encode vacant seats: %w", err)
	}
	row := resultRow{
		ContestID:   r.ContestID,
		RoundID:     r.RoundID,
		Outcome:     string(r.Outcome),
		Void:        r.Void,
		VoidReason:  r.VoidReason,
		RollSize:    r.RollSize,
		Voters:      r.Voters,
		Ballots:     r.Ballots,
		Superseded:  r.Superseded,
		Elected:     string(electedText),
		VacantSeats: string(vacant),
		CountedAt:   storedTime(r.CountedAt),
	}
	if r.Runoff != nil {
		text, err := json.Marshal(runoffJSON(*r.Runoff))
		if err != nil {
			return resultRow{}, fmt.Errorf("sqlstore: encode runoff: %w", err)
		}
		row.Runoff = nullString(string(text))
	}
	if len(r.Report) > 0 {
		row.Report = nullString(string(r.Report))
	}
	return row, nil
}

// toDomain maps a row to a contest's result.
func (r resultRow) toDomain() (elections.ContestResult, error) {
	out := elections.ContestResult{
		ContestID:  r.ContestID,
		RoundID:    r.RoundID,
		Outcome:    elections.ContestOutcome(r.Outcome),
		Void:       r.Void,
		VoidReason: r.VoidReason,
		RollSize:   r.RollSize,
		Voters:     r.Voters,
		Ballots:    r.Ballots,
		Superseded: r.Superseded,
		CountedAt:  r.CountedAt.UTC(),
	}
	var elected []winnerJSON
	if err := json.Unmarshal([]byte(r.Elected), &elected); err != nil {
		return out, fmt.Errorf("sqlstore: stored elected: %w", err)
	}
	if elected != nil {
		out.Elected = make([]elections.Winner, len(elected))
		for i, w := range elected {
			out.Elected[i] = elections.Winner(w)
		}
	}
	if err := json.Unmarshal([]byte(r.VacantSeats), &out.VacantSeats); err != nil {
		return out, fmt.Errorf("sqlstore: stored vacant seats: %w", err)
	}
	if r.Runoff != nil {
		var ro runoffJSON
		if err := json.Unmarshal([]byte(*r.Runoff), &ro); err != nil {
			return out, fmt.Errorf("sqlstore: stored runoff: %w", err)
		}
		need := elections.RunoffNeed(ro)
		out.Runoff = &need
	}
	if r.Report != nil {
		out.Report = json.RawMessage(*r.Report)
	}
	return out, nil
}

// SaveResult stores a contest's result, replacing the one of the same ContestID and RoundID
// (a recount), and sets r.CountedAt to the stored precision. A runoff's result (another
// RoundID) is stored beside the first count's. An unknown contest is an ENOTFOUND
// *elections.Error.
func (s *Store) SaveResult(ctx context.Context, r *elections.ContestResult) error {
	row, err := resultFromDomain(r)
	if err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "contest_id"}, {Name: "round_id"}},
		UpdateAll: true,
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return elections.Errorf(elections.ENOTFOUND, "no contest %d", r.ContestID)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: save result: %w", err)
	}
	r.CountedAt = row.CountedAt
	return nil
}

// Results returns the results of an election's contests, by ContestID then RoundID (the last
// of a contest is its final result); an empty slice when there is none.
func (s *Store) Results(ctx context.Context, electionID int64) ([]elections.ContestResult, error) {
	var rows []resultRow
	err := s.db.WithContext(ctx).
		Where("contest_id IN (?)", s.db.WithContext(ctx).Model(&contestRow{}).Select("id").Where("election_id = ?", electionID)).
		Order("contest_id, round_id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("sqlstore: results: %w", err)
	}
	out := make([]elections.ContestResult, len(rows))
	for i, r := range rows {
		res, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = res
	}
	return out, nil
}
