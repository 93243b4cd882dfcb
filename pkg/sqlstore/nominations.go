package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// nominationRow is a row of the nominations table. The nominee and the nominator are kept by
// internal member id; their external ids are read from the members table, never written.
type nominationRow struct {
	ID                    int64 `gorm:"primaryKey"`
	ElectionID            int64
	ContestID             int64
	Constituency          string
	NomineeID             int64
	NominatedByID         int64
	NomineeExternalID     string `gorm:"->"`
	NominatedByExternalID string `gorm:"->"`
	PersonKey             string
	Status                string
	DisplayName           string
	Pronouns              string
	Affiliation           string
	Bio                   string
	Statement             string
	Link                  string
	ReviewReason          string
	ReviewedBy            string
	CreatedAt             time.Time `gorm:"autoCreateTime:false"`
	ConsentedAt           *time.Time
	ReviewedAt            *time.Time
	WithdrawnAt           *time.Time
}

// TableName tells gorm the table's name.
func (nominationRow) TableName() string { return "nominations" }

// nominationFromDomain maps a nomination to a row; nomineeID and nominatedByID are the
// internal ids of its members.
func nominationFromDomain(n *elections.Nomination, nomineeID, nominatedByID int64) nominationRow {
	return nominationRow{
		ID:                    n.ID,
		ElectionID:            n.ElectionID,
		ContestID:             n.ContestID,
		Constituency:          n.Constituency,
		NomineeID:             nomineeID,
		NominatedByID:         nominatedByID,
		NomineeExternalID:     n.Nominee,
		NominatedByExternalID: n.NominatedBy,
		PersonKey:             n.PersonKey,
		Status:                string(n.Status),
		DisplayName:           n.Profile.DisplayName,
		Pronouns:              n.Profile.Pronouns,
		Affiliation:           n.Profile.Affiliation,
		Bio:                   n.Profile.Bio,
		Statement:             n.Profile.Statement,
		Link:                  n.Profile.Link,
		ReviewReason:          n.ReviewReason,
		ReviewedBy:            n.ReviewedBy,
		CreatedAt:             storedTime(n.CreatedAt),
		ConsentedAt:           nullTime(n.ConsentedAt),
		ReviewedAt:            nullTime(n.ReviewedAt),
		WithdrawnAt:           nullTime(n.WithdrawnAt),
	}
}

// toDomain maps a row to a nomination.
func (r nominationRow) toDomain() elections.Nomination {
	return elections.Nomination{
		ID:           r.ID,
		ElectionID:   r.ElectionID,
		ContestID:    r.ContestID,
		Constituency: r.Constituency,
		Nominee:      r.NomineeExternalID,
		NominatedBy:  r.NominatedByExternalID,
		PersonKey:    r.PersonKey,
		Status:       elections.NominationStatus(r.Status),
		Profile: elections.CandidateProfile{
			DisplayName: r.DisplayName,
			Pronouns:    r.Pronouns,
			Affiliation: r.Affiliation,
			Bio:         r.Bio,
			Statement:   r.Statement,
			Link:        r.Link,
		},
		ReviewReason: r.ReviewReason,
		ReviewedBy:   r.ReviewedBy,
		CreatedAt:    r.CreatedAt.UTC(),
		ConsentedAt:  timeOf(r.ConsentedAt),
		ReviewedAt:   timeOf(r.ReviewedAt),
		WithdrawnAt:  timeOf(r.WithdrawnAt),
	}
}

// nominationQuery starts a query of nominations with the external ids of their nominee and
// nominator.
func nominationQuery(db *gorm.DB) *gorm.DB {
	return db.Model(&nominationRow{}).
		Select("nominations.*, nominee.external_id AS nominee_external_id, nominator.external_id AS nominated_by_external_id").
		Joins("JOIN members nominee ON nominee.id = nominations.nominee_id").
		Joins("JOIN members nominator ON nominator.id = nominations.nominated_by_id")
}

// CreateNomination stores n, in one transaction (a savepoint when the store is in one
// already), and sets its ID (and its times to the stored precision). A nominee or nominator
// that names no member is an ENOTFOUND *elections.Error, and so is a contest that is not the
// contest of n.Constituency in n.ElectionID. A second active nomination of the nominee in the
// contest is an ECONFLICT one: the database refuses it.
func (s *Store) CreateNomination(ctx context.Context, n *elections.Nomination) error {
	var row nominationRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids, err := requireMembers(tx, []string{n.Nominee, n.NominatedBy})
		if err != nil {
			return err
		}
		row = nominationFromDomain(n, ids[n.Nominee], ids[n.NominatedBy])
		row.ID = 0 // the database assigns it
		return tx.Create(&row).Error
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "%s is already nominated in this contest", n.Nominee)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "election %d has no contest %d for constituency %q",
			n.ElectionID, n.ContestID, n.Constituency)
	case err != nil:
		return wrapUnlessDomain("create nomination", err)
	}
	stored := row.toDomain()
	n.ID, n.CreatedAt, n.ConsentedAt, n.ReviewedAt, n.WithdrawnAt =
		row.ID, stored.CreatedAt, stored.ConsentedAt, stored.ReviewedAt, stored.WithdrawnAt
	return nil
}

// UpdateNomination stores Status, Profile, ReviewReason, ReviewedBy, ConsentedAt, ReviewedAt
// and WithdrawnAt of n, by n.ID, and sets its times to the stored precision. An unknown ID is
// an ENOTFOUND *elections.Error; making a nomination active again while the nominee has
// another active one in the contest an ECONFLICT one.
func (s *Store) UpdateNomination(ctx context.Context, n *elections.Nomination) error {
	row := nominationFromDomain(n, 0, 0)
	res := s.db.WithContext(ctx).Model(&nominationRow{}).Where("id = ?", n.ID).Updates(map[string]any{
		"status":        row.Status,
		"display_name":  row.DisplayName,
		"pronouns":      row.Pronouns,
		"affiliation":   row.Affiliation,
		"bio":           row.Bio,
		"statement":     row.Statement,
		"link":          row.Link,
		"review_reason": row.ReviewReason,
		"reviewed_by":   row.ReviewedBy,
		"consented_at":  row.ConsentedAt,
		"reviewed_at":   row.ReviewedAt,
		"withdrawn_at":  row.WithdrawnAt,
	})
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "%s is already nominated in this contest", n.Nominee)
	}
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update nomination: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no nomination %d", n.ID)
	}
	n.ConsentedAt, n.ReviewedAt, n.WithdrawnAt = timeOf(row.ConsentedAt), timeOf(row.ReviewedAt), timeOf(row.WithdrawnAt)
	return nil
}

// NominationByID returns a nomination, or an ENOTFOUND *elections.Error.
func (s *Store) NominationByID(ctx context.Context, id int64) (*elections.Nomination, error) {
	var row nominationRow
	err := nominationQuery(s.db.WithContext(ctx)).Where("nominations.id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no nomination %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: nomination by id: %w", err)
	}
	n := row.toDomain()
	return &n, nil
}

// Nominations returns the nominations f selects, by ID; an empty slice when none.
func (s *Store) Nominations(ctx context.Context, f elections.NominationFilter) ([]elections.Nomination, error) {
	q := nominationQuery(s.db.WithContext(ctx))
	if f.ElectionID != 0 {
		q = q.Where("nominations.election_id = ?", f.ElectionID)
	}
	if f.ContestID != 0 {
		q = q.Where("nominations.contest_id = ?", f.ContestID)
	}
	if f.Nominee != "" {
		q = q.Where("nominee.external_id = ?", f.Nominee)
	}
	if f.PersonKey != "" {
		q = q.Where("nominations.person_key = ?", f.PersonKey)
	}
	var rows []nominationRow
	if err := q.Order("nominations.id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list nominations: %w", err)
	}
	out := make([]elections.Nomination, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}
