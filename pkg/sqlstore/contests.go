package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// contestRow is a row of the contests table. Seats is the JSON array of the seats up (see
// seatJSON), kept as text so that it reads back byte for byte.
type contestRow struct {
	ID              int64 `gorm:"primaryKey"`
	ElectionID      int64
	Position        int
	Constituency    string
	Name            string
	Method          string
	Uncontested     string
	Seats           string
	RollFrozenAt    *time.Time
	RollFingerprint *string
	RollSize        int
	Revoting        bool
}

// TableName tells gorm the table's name.
func (contestRow) TableName() string { return "contests" }

// seatJSON is one element of the contests.seats array. Its field names are part of the stored
// format: change them only with a migration that rewrites the column.
type seatJSON struct {
	Seat         string `json:"seat"`
	TermYears    int    `json:"term_years"`
	TermEndsYear int    `json:"term_ends_year"`
	ByElection   bool   `json:"by_election"`
	Reason       string `json:"reason"`
}

// encodeSeats writes seats as the JSON array the seats column keeps ("[]" for none).
func encodeSeats(seats []elections.ContestSeat) (string, error) {
	out := make([]seatJSON, len(seats))
	for i, s := range seats {
		out[i] = seatJSON(s)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode contest seats: %w", err)
	}
	return string(b), nil
}

// decodeSeats reads the seats column; never nil.
func decodeSeats(text string) ([]elections.ContestSeat, error) {
	var in []seatJSON
	if err := json.Unmarshal([]byte(text), &in); err != nil {
		return nil, fmt.Errorf("sqlstore: stored contest seats: %w", err)
	}
	out := make([]elections.ContestSeat, len(in))
	for i, s := range in {
		out[i] = elections.ContestSeat(s)
	}
	return out, nil
}

// contestFromDomain maps a contest at position (from 1) in its election to a row.
func contestFromDomain(c *elections.Contest, position int) (contestRow, error) {
	seats, err := encodeSeats(c.Seats)
	if err != nil {
		return contestRow{}, err
	}
	return contestRow{
		ID:              c.ID,
		ElectionID:      c.ElectionID,
		Position:        position,
		Constituency:    c.Constituency,
		Name:            c.Name,
		Method:          c.Method,
		Uncontested:     string(c.Uncontested),
		Seats:           seats,
		RollFrozenAt:    nullTime(c.RollFrozenAt),
		RollFingerprint: nullString(c.RollFingerprint),
		RollSize:        c.RollSize,
		Revoting:        c.Revoting,
	}, nil
}

// toDomain maps a row to a contest.
func (r contestRow) toDomain() (elections.Contest, error) {
	seats, err := decodeSeats(r.Seats)
	if err != nil {
		return elections.Contest{}, err
	}
	return elections.Contest{
		ID:              r.ID,
		ElectionID:      r.ElectionID,
		Constituency:    r.Constituency,
		Name:            r.Name,
		Method:          r.Method,
		Uncontested:     elections.UncontestedPolicy(r.Uncontested),
		Seats:           seats,
		RollFrozenAt:    timeOf(r.RollFrozenAt),
		RollFingerprint: deref(r.RollFingerprint),
		RollSize:        r.RollSize,
		Revoting:        r.Revoting,
	}, nil
}

// ContestByID returns a contest, or an ENOTFOUND *elections.Error.
func (s *Store) ContestByID(ctx context.Context, id int64) (*elections.Contest, error) {
	var row contestRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no contest %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: contest by id: %w", err)
	}
	c, err := row.toDomain()
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// UpdateContest stores the Method, Uncontested, Seats, RollFrozenAt, RollFingerprint, RollSize
// and Revoting of c, by c.ID, and sets c.RollFrozenAt to the stored precision. An unknown ID is
// an ENOTFOUND *elections.Error.
func (s *Store) UpdateContest(ctx context.Context, c *elections.Contest) error {
	row, err := contestFromDomain(c, 1)
	if err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Model(&contestRow{}).Where("id = ?", c.ID).Updates(map[string]any{
		"method":           row.Method,
		"uncontested":      row.Uncontested,
		"seats":            row.Seats,
		"roll_frozen_at":   row.RollFrozenAt,
		"roll_fingerprint": row.RollFingerprint,
		"roll_size":        row.RollSize,
		"revoting":         row.Revoting,
	})
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update contest: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no contest %d", c.ID)
	}
	c.RollFrozenAt = timeOf(row.RollFrozenAt)
	return nil
}
