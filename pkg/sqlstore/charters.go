package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// charterRow is a row of the charters table: one charter version without its constituencies.
// Optional rules are NULL when off.
type charterRow struct {
	Version                   int `gorm:"primaryKey;autoIncrement:false"`
	EffectiveFrom             dbDate
	Name                      string
	Currency                  string
	TermYears                 int
	FirstElection             int
	OneConstituencyPerNominee bool
	AffiliationCapMax         *int
	AffiliationCapScope       *string
	TermLimit                 *int
	QuorumPercent             *int
	RollAdditionsAfterFreeze  bool
	RunoffOnTie               bool
	Fingerprint               string
	AppliedAt                 time.Time
}

// TableName tells gorm the table's name.
func (charterRow) TableName() string { return "charters" }

// constituencyRow is a row of the charter_constituencies table: one constituency of a charter
// version, at its position (1, 2, …) in the charter's list.
type constituencyRow struct {
	CharterVersion  int    `gorm:"primaryKey;autoIncrement:false"`
	Key             string `gorm:"primaryKey"`
	Position        int
	Name            string
	Category        string
	Seats           int
	MembersPerSeat  int
	Seating         string
	Cohort          int
	Method          string
	Uncontested     string
	EligibilityRule string
	MinDonation     int64
	WindowStart     dbMonthDay
	QuorumPercent   *int
}

// TableName tells gorm the table's name.
func (constituencyRow) TableName() string { return "charter_constituencies" }

// charterFromDomain maps a charter version (without its constituencies) to a row.
func charterFromDomain(c *elections.Charter) charterRow {
	r := charterRow{
		Version:                   c.Version,
		EffectiveFrom:             dbDate(c.EffectiveFrom),
		Name:                      c.Name,
		Currency:                  c.Currency,
		TermYears:                 c.TermYears,
		FirstElection:             c.FirstElection,
		OneConstituencyPerNominee: c.Rules.OneConstituencyPerNominee,
		RollAdditionsAfterFreeze:  c.Rules.RollAdditionsAfterFreeze,
		RunoffOnTie:               c.Rules.RunoffOnTie,
		Fingerprint:               c.Fingerprint,
		AppliedAt:                 storedTime(c.AppliedAt),
	}
	if cp := c.Rules.AffiliationCap; cp != nil {
		r.AffiliationCapMax, r.AffiliationCapScope = &cp.Max, &cp.Scope
	}
	if tl := c.Rules.TermLimit; tl != nil {
		r.TermLimit = &tl.MaxConsecutiveTerms
	}
	if q := c.Rules.Quorum; q != nil {
		r.QuorumPercent = &q.MinTurnoutPercent
	}
	return r
}

// toDomain maps a row to a charter version; the constituencies are added by the caller.
func (r charterRow) toDomain() elections.Charter {
	c := elections.Charter{
		Version:       r.Version,
		EffectiveFrom: elections.Date(r.EffectiveFrom),
		Name:          r.Name,
		Currency:      r.Currency,
		TermYears:     r.TermYears,
		FirstElection: r.FirstElection,
		Rules: elections.CharterRules{
			OneConstituencyPerNominee: r.OneConstituencyPerNominee,
			RollAdditionsAfterFreeze:  r.RollAdditionsAfterFreeze,
			RunoffOnTie:               r.RunoffOnTie,
		},
		Constituencies: []elections.Constituency{},
		AppliedAt:      r.AppliedAt.UTC(),
		Fingerprint:    r.Fingerprint,
	}
	if r.AffiliationCapMax != nil {
		c.Rules.AffiliationCap = &elections.AffiliationCap{Max: *r.AffiliationCapMax, Scope: deref(r.AffiliationCapScope)}
	}
	if r.TermLimit != nil {
		c.Rules.TermLimit = &elections.TermLimit{MaxConsecutiveTerms: *r.TermLimit}
	}
	if r.QuorumPercent != nil {
		c.Rules.Quorum = &elections.Quorum{MinTurnoutPercent: *r.QuorumPercent}
	}
	return c
}

// constituencyFromDomain maps the position-th (from 1) constituency of charter version to a row.
func constituencyFromDomain(version, position int, c *elections.Constituency) constituencyRow {
	r := constituencyRow{
		CharterVersion:  version,
		Key:             c.Key,
		Position:        position,
		Name:            c.Name,
		Category:        c.Category,
		Seats:           c.Seats,
		MembersPerSeat:  c.MembersPerSeat,
		Seating:         string(c.Seating),
		Cohort:          c.Cohort,
		Method:          c.Method,
		Uncontested:     string(c.Uncontested),
		EligibilityRule: string(c.Eligibility.Rule),
		MinDonation:     int64(c.Eligibility.MinDonation),
		WindowStart:     dbMonthDay(c.Eligibility.WindowStart),
	}
	if c.Quorum != nil {
		r.QuorumPercent = &c.Quorum.MinTurnoutPercent
	}
	return r
}

// toDomain maps a row to a constituency.
func (r constituencyRow) toDomain() elections.Constituency {
	c := elections.Constituency{
		Key:            r.Key,
		Name:           r.Name,
		Category:       r.Category,
		Seats:          r.Seats,
		MembersPerSeat: r.MembersPerSeat,
		Seating:        elections.Seating(r.Seating),
		Cohort:         r.Cohort,
		Method:         r.Method,
		Uncontested:    elections.UncontestedPolicy(r.Uncontested),
		Eligibility: elections.Eligibility{
			Rule:        elections.EligibilityRule(r.EligibilityRule),
			MinDonation: elections.Amount(r.MinDonation),
			WindowStart: elections.MonthDay(r.WindowStart),
		},
	}
	if r.QuorumPercent != nil {
		c.Quorum = &elections.Quorum{MinTurnoutPercent: *r.QuorumPercent}
	}
	return c
}

// CreateCharter stores c as the next charter version with its constituencies, in one
// transaction (a savepoint when the store is in one already). It sets c.Version to the number
// after the latest version's and c.AppliedAt to the stored precision. A version in force from
// the same day as a stored one, or a constituency key listed twice, is an ECONFLICT
// *elections.Error. Stored versions are never changed: the database refuses it.
func (s *Store) CreateCharter(ctx context.Context, c *elections.Charter) error {
	keys := make(map[string]bool, len(c.Constituencies))
	for _, k := range c.Constituencies {
		if keys[k.Key] {
			return elections.Errorf(elections.ECONFLICT, "constituency %q is listed twice", k.Key)
		}
		keys[k.Key] = true
	}
	row := charterFromDomain(c)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var latest int
		if err := tx.Model(&charterRow{}).Select("COALESCE(MAX(version), 0)").Scan(&latest).Error; err != nil {
			return fmt.Errorf("sqlstore: latest charter version: %w", err)
		}
		row.Version = latest + 1
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		rows := make([]constituencyRow, len(c.Constituencies))
		for i := range c.Constituencies {
			rows[i] = constituencyFromDomain(row.Version, i+1, &c.Constituencies[i])
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "a charter version in force from %s already exists", c.EffectiveFrom)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create charter: %w", err)
	}
	c.Version, c.AppliedAt = row.Version, row.AppliedAt
	return nil
}

// Charters returns every charter version with its constituencies in charter order, oldest
// version first; an empty slice when there is none.
func (s *Store) Charters(ctx context.Context) ([]elections.Charter, error) {
	db := s.db.WithContext(ctx)
	var rows []charterRow
	if err := db.Order("version").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list charters: %w", err)
	}
	var crows []constituencyRow
	if err := db.Order("charter_version, position").Find(&crows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list constituencies: %w", err)
	}
	charters := make([]elections.Charter, len(rows))
	index := make(map[int]int, len(rows))
	for i, r := range rows {
		charters[i] = r.toDomain()
		index[r.Version] = i
	}
	for _, cr := range crows {
		i, ok := index[cr.CharterVersion]
		if !ok { // outside a transaction, a version may have been applied between the queries
			continue
		}
		charters[i].Constituencies = append(charters[i].Constituencies, cr.toDomain())
	}
	return charters, nil
}
