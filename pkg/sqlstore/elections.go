package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// electionRow is a row of the elections table: an election without its contests.
type electionRow struct {
	ID               int64 `gorm:"primaryKey"`
	Year             int
	Title            string
	CharterVersion   int
	Cutoff           dbDate
	Deadlines        string
	AnnouncedOn      dbDate
	NominationsOpen  dbDate
	NominationsClose dbDate
	VotingOpen       dbDate
	VotingClose      dbDate
	ResultsOn        dbDate
	Status           string
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
}

// TableName tells gorm the table's name.
func (electionRow) TableName() string { return "elections" }

// electionFromDomain maps an election (without its contests) to a row.
func electionFromDomain(e *elections.Election) electionRow {
	return electionRow{
		ID:               e.ID,
		Year:             e.Year,
		Title:            e.Title,
		CharterVersion:   e.CharterVersion,
		Cutoff:           dbDate(e.Cutoff),
		Deadlines:        string(e.Deadlines),
		AnnouncedOn:      dbDate(e.Schedule.AnnouncedOn),
		NominationsOpen:  dbDate(e.Schedule.NominationsOpen),
		NominationsClose: dbDate(e.Schedule.NominationsClose),
		VotingOpen:       dbDate(e.Schedule.VotingOpen),
		VotingClose:      dbDate(e.Schedule.VotingClose),
		ResultsOn:        dbDate(e.Schedule.ResultsOn),
		Status:           string(e.Status),
		CreatedAt:        storedTime(e.CreatedAt),
	}
}

// toDomain maps a row to an election; the contests are added by the caller.
func (r electionRow) toDomain() elections.Election {
	return elections.Election{
		ID:             r.ID,
		Year:           r.Year,
		Title:          r.Title,
		CharterVersion: r.CharterVersion,
		Cutoff:         elections.Date(r.Cutoff),
		Deadlines:      elections.DeadlinePolicy(r.Deadlines),
		Schedule: elections.Schedule{
			AnnouncedOn:      elections.Date(r.AnnouncedOn),
			NominationsOpen:  elections.Date(r.NominationsOpen),
			NominationsClose: elections.Date(r.NominationsClose),
			VotingOpen:       elections.Date(r.VotingOpen),
			VotingClose:      elections.Date(r.VotingClose),
			ResultsOn:        elections.Date(r.ResultsOn),
		},
		Status:    elections.ElectionStatus(r.Status),
		CreatedAt: r.CreatedAt.UTC(),
		Contests:  []elections.Contest{},
	}
}

// CreateElection stores e with its contests, in one transaction (a savepoint when the store is
// in one already), and sets the IDs of e and its contests, the contests' ElectionID, and the
// times to the stored precision. The contests are kept in the order given. A second election
// for e.Year, or two contests for one constituency, is an ECONFLICT *elections.Error; an
// unknown charter version an ENOTFOUND one.
func (s *Store) CreateElection(ctx context.Context, e *elections.Election) error {
	seen := make(map[string]bool, len(e.Contests))
	for _, c := range e.Contests {
		if seen[c.Constituency] {
			return elections.Errorf(elections.ECONFLICT, "constituency %q has two contests", c.Constituency)
		}
		seen[c.Constituency] = true
	}
	row := electionFromDomain(e)
	row.ID = 0 // the database assigns it
	var crows []contestRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		crows = make([]contestRow, len(e.Contests))
		for i := range e.Contests {
			c := e.Contests[i]
			c.ID, c.ElectionID = 0, row.ID
			r, err := contestFromDomain(&c, i+1)
			if err != nil {
				return err
			}
			crows[i] = r
		}
		if len(crows) == 0 {
			return nil
		}
		return tx.CreateInBatches(&crows, batchSize).Error
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "an election for %d already exists", e.Year)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "no charter version %d", e.CharterVersion)
	case err != nil:
		return wrapUnlessDomain("create election", err)
	}
	e.ID, e.CreatedAt = row.ID, row.CreatedAt
	for i := range e.Contests {
		c := &e.Contests[i]
		c.ID, c.ElectionID, c.RollFrozenAt = crows[i].ID, row.ID, timeOf(crows[i].RollFrozenAt)
	}
	return nil
}

// ElectionByID returns an election with its contests in charter order, or an ENOTFOUND
// *elections.Error.
func (s *Store) ElectionByID(ctx context.Context, id int64) (*elections.Election, error) {
	db := s.db.WithContext(ctx)
	var row electionRow
	err := db.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no election %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: election by id: %w", err)
	}
	es, err := withContests(db, []electionRow{row})
	if err != nil {
		return nil, err
	}
	return &es[0], nil
}

// ListElections returns every election with its contests in charter order, newest year first;
// an empty slice when there is none.
func (s *Store) ListElections(ctx context.Context) ([]elections.Election, error) {
	db := s.db.WithContext(ctx)
	var rows []electionRow
	if err := db.Order("year DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list elections: %w", err)
	}
	return withContests(db, rows)
}

// withContests maps election rows to elections with their contests, read in one query.
func withContests(db *gorm.DB, rows []electionRow) ([]elections.Election, error) {
	out := make([]elections.Election, len(rows))
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
	var crows []contestRow
	q := db.Order("election_id, position")
	if len(rows) == 1 {
		q = q.Where("election_id = ?", ids[0])
	}
	if err := q.Find(&crows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list contests: %w", err)
	}
	for _, cr := range crows {
		i, ok := index[cr.ElectionID]
		if !ok { // outside a transaction, an election may have come since
			continue
		}
		c, err := cr.toDomain()
		if err != nil {
			return nil, err
		}
		out[i].Contests = append(out[i].Contests, c)
	}
	return out, nil
}

// UpdateElection stores the Title, Cutoff, Deadlines, Schedule and Status of e, by e.ID. An
// unknown ID is an ENOTFOUND *elections.Error.
func (s *Store) UpdateElection(ctx context.Context, e *elections.Election) error {
	row := electionFromDomain(e)
	res := s.db.WithContext(ctx).Model(&electionRow{}).Where("id = ?", e.ID).Updates(map[string]any{
		"title":             row.Title,
		"cutoff":            row.Cutoff,
		"deadlines":         row.Deadlines,
		"announced_on":      row.AnnouncedOn,
		"nominations_open":  row.NominationsOpen,
		"nominations_close": row.NominationsClose,
		"voting_open":       row.VotingOpen,
		"voting_close":      row.VotingClose,
		"results_on":        row.ResultsOn,
		"status":            row.Status,
	})
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update election: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no election %d", e.ID)
	}
	return nil
}

// nullTime is t at the stored precision, or nil (NULL) for the zero time, for the times of
// things that may not have happened yet.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	st := storedTime(t)
	return &st
}

// timeOf is *p in UTC, or the zero time for NULL.
func timeOf(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}
