package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// donationRow is a row of the donations table. MemberExternalID is read from the members
// table, never written.
type donationRow struct {
	ID               int64 `gorm:"primaryKey"`
	ExternalID       string
	MemberID         int64
	MemberExternalID string `gorm:"->"`
	Amount           string
	Currency         string
	Value            int64
	Date             dbDate
	Source           string
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt        time.Time `gorm:"autoUpdateTime:false"`
}

// TableName tells gorm the table's name.
func (donationRow) TableName() string { return "donations" }

// donationFromDomain maps a donation to a row.
func donationFromDomain(d *elections.Donation) donationRow {
	return donationRow{
		ID:               d.ID,
		ExternalID:       d.ExternalID,
		MemberID:         d.MemberID,
		MemberExternalID: d.MemberExternalID,
		Amount:           d.Amount,
		Currency:         d.Currency,
		Value:            int64(d.Value),
		Date:             dbDate(d.Date),
		Source:           d.Source,
		CreatedAt:        storedTime(d.CreatedAt),
		UpdatedAt:        storedTime(d.UpdatedAt),
	}
}

// toDomain maps a row to a donation.
func (r donationRow) toDomain() elections.Donation {
	return elections.Donation{
		ID:               r.ID,
		ExternalID:       r.ExternalID,
		MemberID:         r.MemberID,
		MemberExternalID: r.MemberExternalID,
		Amount:           r.Amount,
		Currency:         r.Currency,
		Value:            elections.Amount(r.Value),
		Date:             elections.Date(r.Date),
		Source:           r.Source,
		CreatedAt:        r.CreatedAt.UTC(),
		UpdatedAt:        r.UpdatedAt.UTC(),
	}
}

// donationQuery starts a query of donations with their donor's external id.
func donationQuery(db *gorm.DB) *gorm.DB {
	return db.Model(&donationRow{}).
		Select("donations.*, members.external_id AS member_external_id").
		Joins("JOIN members ON members.id = donations.member_id")
}

// CreateDonations stores new donations in batches, in one transaction (a savepoint when the
// store is in one already), and sets their IDs (and their times to the stored precision).
// MemberID must be set: an unknown member is an ENOTFOUND *elections.Error. An external id that
// is taken, or given twice, is an ECONFLICT one naming every such id.
func (s *Store) CreateDonations(ctx context.Context, ds []*elections.Donation) error {
	if len(ds) == 0 {
		return nil
	}
	rows := make([]donationRow, len(ds))
	ids := make([]string, len(ds))
	for i, d := range ds {
		rows[i] = donationFromDomain(d)
		rows[i].ID = 0 // the database assigns it
		ids[i] = d.ExternalID
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkExternalIDs(tx, "donations", "donation", ids); err != nil {
			return err
		}
		return tx.CreateInBatches(&rows, batchSize).Error
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "a donation's external id is taken")
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "a donation's member does not exist")
	case err != nil:
		return wrapUnlessDomain("create donations", err)
	}
	for i, d := range ds {
		d.ID, d.CreatedAt, d.UpdatedAt = rows[i].ID, rows[i].CreatedAt, rows[i].UpdatedAt
	}
	return nil
}

// UpdateDonation stores the Amount, Currency, Value, Date, Source and UpdatedAt of d, by d.ID,
// and sets d.UpdatedAt to the stored precision. An unknown ID is an ENOTFOUND
// *elections.Error.
func (s *Store) UpdateDonation(ctx context.Context, d *elections.Donation) error {
	row := donationFromDomain(d)
	res := s.db.WithContext(ctx).Model(&donationRow{}).Where("id = ?", d.ID).Updates(map[string]any{
		"amount":     row.Amount,
		"currency":   row.Currency,
		"value":      row.Value,
		"date":       row.Date,
		"source":     row.Source,
		"updated_at": row.UpdatedAt,
	})
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update donation: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no donation %d", d.ID)
	}
	d.UpdatedAt = row.UpdatedAt
	return nil
}

// DonationsByExternalID returns the donations with these external ids that exist, with their
// donor's external id, keyed by external id. The ids are looked up inChunk at a time, so any
// number of them may be given; an unstorable one matches nothing.
func (s *Store) DonationsByExternalID(ctx context.Context, ids []string) (map[string]*elections.Donation, error) {
	db := s.db.WithContext(ctx)
	rows, err := findByKeys[donationRow](func() *gorm.DB { return donationQuery(db) }, "donations.external_id", ids)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: donations by external id: %w", err)
	}
	found := make(map[string]*elections.Donation, len(rows))
	for _, r := range rows {
		d := r.toDomain()
		found[d.ExternalID] = &d
	}
	return found, nil
}

// DonationsOf returns a member's donations, with the member's external id, ordered by Date,
// then ExternalID.
func (s *Store) DonationsOf(ctx context.Context, memberID int64) ([]elections.Donation, error) {
	var rows []donationRow
	err := donationQuery(s.db.WithContext(ctx)).Where("donations.member_id = ?", memberID).
		Order("donations.date, donations.external_id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("sqlstore: donations of member: %w", err)
	}
	out := make([]elections.Donation, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// DonationTotal sums, in the database, the Value of a member's donations dated from..to, both
// included. A zero from or to leaves that end of the range open.
func (s *Store) DonationTotal(ctx context.Context, memberID int64, from, to elections.Date) (elections.Amount, error) {
	q := s.db.WithContext(ctx).Model(&donationRow{}).
		Select("CAST(COALESCE(SUM(donations.value), 0) AS BIGINT)").
		Where("donations.member_id = ?", memberID)
	if !from.IsZero() {
		q = q.Where("donations.date >= ?", dbDate(from))
	}
	if !to.IsZero() {
		q = q.Where("donations.date <= ?", dbDate(to))
	}
	var total int64
	if err := q.Scan(&total).Error; err != nil {
		return 0, fmt.Errorf("sqlstore: donation total: %w", err)
	}
	return elections.Amount(total), nil
}

// DonationTotals sums, in one grouped query, the Value of the donations dated from..to (both
// included) of each member of a constituency, keyed by member ID; members without donations in
// the range are absent. A zero from or to leaves that end of the range open.
func (s *Store) DonationTotals(ctx context.Context, constituency string, from, to elections.Date) (map[int64]elections.Amount, error) {
	q := s.db.WithContext(ctx).Model(&donationRow{}).
		Select("donations.member_id, CAST(SUM(donations.value) AS BIGINT) AS total").
		Joins("JOIN members ON members.id = donations.member_id").
		Where("members.constituency = ?", constituency)
	if !from.IsZero() {
		q = q.Where("donations.date >= ?", dbDate(from))
	}
	if !to.IsZero() {
		q = q.Where("donations.date <= ?", dbDate(to))
	}
	var rows []struct {
		MemberID int64
		Total    int64
	}
	if err := q.Group("donations.member_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: donation totals: %w", err)
	}
	totals := make(map[int64]elections.Amount, len(rows))
	for _, r := range rows {
		totals[r.MemberID] = elections.Amount(r.Total)
	}
	return totals, nil
}
