package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// termRow is a row of the seat_terms table. The holder's member is kept by internal id;
// MemberExternalID is read from the members table, never written.
type termRow struct {
	ID               int64 `gorm:"primaryKey"`
	Seat             string
	Constituency     string
	SeatNumber       int
	Holder           string
	MemberID         *int64
	MemberExternalID *string `gorm:"->"`
	StartDate        dbDate
	EndDate          dbDate
	EndedOn          dbDate
	EndReason        *string
	Note             string
	Source           string
	ElectionYear     *int
	RecordedAt       time.Time
}

// TableName tells gorm the table's name.
func (termRow) TableName() string { return "seat_terms" }

// seatRepRow is a row of the seat_representatives table.
type seatRepRow struct {
	ID     int64 `gorm:"primaryKey"`
	TermID int64
	Name   string
	Since  dbDate
}

// TableName tells gorm the table's name.
func (seatRepRow) TableName() string { return "seat_representatives" }

// termFromDomain maps a term (without its representatives) to a row; memberID is the internal
// id of the holder's member, 0 for none.
func termFromDomain(t *elections.Term, memberID int64) termRow {
	r := termRow{
		ID:           t.ID,
		Seat:         t.Seat,
		Constituency: t.Constituency,
		SeatNumber:   t.SeatNumber,
		Holder:       t.Holder,
		StartDate:    dbDate(t.Start),
		EndDate:      dbDate(t.End),
		EndedOn:      dbDate(t.EndedOn),
		EndReason:    nullString(t.EndReason),
		Note:         t.Note,
		Source:       t.Source,
		ElectionYear: nullInt(t.ElectionYear),
		RecordedAt:   storedTime(t.RecordedAt),
	}
	if memberID != 0 {
		r.MemberID = &memberID
	}
	return r
}

// toDomain maps a row to a term; the representatives are added by the caller.
func (r termRow) toDomain() elections.Term {
	return elections.Term{
		ID:               r.ID,
		Seat:             r.Seat,
		Constituency:     r.Constituency,
		SeatNumber:       r.SeatNumber,
		Holder:           r.Holder,
		MemberExternalID: deref(r.MemberExternalID),
		Start:            elections.Date(r.StartDate),
		End:              elections.Date(r.EndDate),
		EndedOn:          elections.Date(r.EndedOn),
		EndReason:        deref(r.EndReason),
		Note:             r.Note,
		Source:           r.Source,
		ElectionYear:     deref(r.ElectionYear),
		RecordedAt:       r.RecordedAt.UTC(),
	}
}

// seatRepFromDomain maps a representative on term termID to a row.
func seatRepFromDomain(termID int64, r elections.SeatRepresentative) seatRepRow {
	return seatRepRow{TermID: termID, Name: r.Name, Since: dbDate(r.Since)}
}

// toDomain maps a row to a seat representative.
func (r seatRepRow) toDomain() elections.SeatRepresentative {
	return elections.SeatRepresentative{Name: r.Name, Since: elections.Date(r.Since)}
}

// CreateTerm stores a term with its representatives, in one transaction (a savepoint when the
// store is in one already), and sets its ID (and RecordedAt to the stored precision). A
// MemberExternalID that names no member is an ENOTFOUND *elections.Error; two representatives
// from the same day are an ECONFLICT one.
func (s *Store) CreateTerm(ctx context.Context, t *elections.Term) error {
	var row termRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var memberID int64
		if t.MemberExternalID != "" {
			var ids []int64
			if err := tx.Model(&memberRow{}).Where("external_id = ?", t.MemberExternalID).Pluck("id", &ids).Error; err != nil {
				return err
			}
			if len(ids) == 0 {
				return elections.Errorf(elections.ENOTFOUND, "no member %s", t.MemberExternalID)
			}
			memberID = ids[0]
		}
		row = termFromDomain(t, memberID)
		row.ID = 0 // the database assigns it
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if len(t.Representatives) == 0 {
			return nil
		}
		reps := make([]seatRepRow, len(t.Representatives))
		for i, r := range t.Representatives {
			reps[i] = seatRepFromDomain(row.ID, r)
		}
		return tx.Create(&reps).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "two representatives on the term of seat %s start on the same day", t.Seat)
	}
	if err != nil {
		return wrapUnlessDomain("create term", err)
	}
	t.ID, t.RecordedAt = row.ID, row.RecordedAt
	return nil
}

// UpdateTerm stores EndedOn, EndReason and Note of t, by t.ID. An unknown ID is an ENOTFOUND
// *elections.Error.
func (s *Store) UpdateTerm(ctx context.Context, t *elections.Term) error {
	res := s.db.WithContext(ctx).Model(&termRow{}).Where("id = ?", t.ID).Updates(map[string]any{
		"ended_on":   dbDate(t.EndedOn),
		"end_reason": nullString(t.EndReason),
		"note":       t.Note,
	})
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update term: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no term %d", t.ID)
	}
	return nil
}

// AddSeatRepresentative adds a representative to term termID. An unknown term is an ENOTFOUND
// *elections.Error; a representative from the same day as another of the term an ECONFLICT
// one.
func (s *Store) AddSeatRepresentative(ctx context.Context, termID int64, r elections.SeatRepresentative) error {
	row := seatRepFromDomain(termID, r)
	err := s.db.WithContext(ctx).Create(&row).Error
	switch {
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "no term %d", termID)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "the term already has a representative since %s", r.Since)
	case err != nil:
		return fmt.Errorf("sqlstore: add seat representative: %w", err)
	}
	return nil
}

// Terms returns the terms f selects, with their representatives (oldest first) and their
// holder's member external id, ordered by Constituency, SeatNumber, Start. The representatives
// of all the terms are read in one more query. An unstorable filter matches nothing.
func (s *Store) Terms(ctx context.Context, f elections.TermFilter) ([]elections.Term, error) {
	if unstorable(f.Seat) || unstorable(f.Constituency) {
		return []elections.Term{}, nil
	}
	db := s.db.WithContext(ctx)
	filter := func(q *gorm.DB) *gorm.DB {
		if f.Seat != "" {
			q = q.Where("seat_terms.seat = ?", f.Seat)
		}
		if f.Constituency != "" {
			q = q.Where("seat_terms.constituency = ?", f.Constituency)
		}
		return q
	}
	var rows []termRow
	err := filter(db.Model(&termRow{})).
		Select("seat_terms.*, members.external_id AS member_external_id").
		Joins("LEFT JOIN members ON members.id = seat_terms.member_id").
		Order("seat_terms.constituency, seat_terms.seat_number, seat_terms.start_date").
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list terms: %w", err)
	}
	terms := make([]elections.Term, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		terms[i] = r.toDomain()
		index[r.ID] = i
	}
	if len(rows) == 0 {
		return terms, nil
	}
	var reps []seatRepRow
	err = db.Where("term_id IN (?)", filter(db.Model(&termRow{}).Select("seat_terms.id"))).
		Order("term_id, since").Find(&reps).Error
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list seat representatives: %w", err)
	}
	for _, r := range reps {
		if i, ok := index[r.TermID]; ok { // outside a transaction, a term may have come since
			terms[i].Representatives = append(terms[i].Representatives, r.toDomain())
		}
	}
	return terms, nil
}
