package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// memberRow is a row of the members table.
type memberRow struct {
	ID           int64 `gorm:"primaryKey"`
	ExternalID   string
	Kind         string
	Name         string
	Email        string
	Constituency string
	Joined       dbDate
	PaidThrough  dbDate
	Standing     string
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

// TableName tells gorm the table's name.
func (memberRow) TableName() string { return "members" }

// memberView is a member read together with its current representative, if any.
type memberView struct {
	Member   memberRow `gorm:"embedded"`
	RepName  *string
	RepEmail *string
	RepSince dbDate
}

// memberRepRow is a row of the member_representatives table.
type memberRepRow struct {
	ID       int64 `gorm:"primaryKey"`
	MemberID int64
	Name     string
	Email    string
	Since    dbDate
	Until    dbDate
}

// TableName tells gorm the table's name.
func (memberRepRow) TableName() string { return "member_representatives" }

// memberFromDomain maps a member (without its representative) to a row.
func memberFromDomain(m *elections.Member) memberRow {
	return memberRow{
		ID:           m.ID,
		ExternalID:   m.ExternalID,
		Kind:         string(m.Kind),
		Name:         m.Name,
		Email:        m.Email,
		Constituency: m.Constituency,
		Joined:       dbDate(m.Joined),
		PaidThrough:  dbDate(m.PaidThrough),
		Standing:     string(m.Standing),
		CreatedAt:    storedTime(m.CreatedAt),
		UpdatedAt:    storedTime(m.UpdatedAt),
	}
}

// toDomain maps a row to a member without a representative.
func (r memberRow) toDomain() elections.Member {
	return elections.Member{
		ID:           r.ID,
		ExternalID:   r.ExternalID,
		Kind:         elections.MemberKind(r.Kind),
		Name:         r.Name,
		Email:        r.Email,
		Constituency: r.Constituency,
		Joined:       elections.Date(r.Joined),
		PaidThrough:  elections.Date(r.PaidThrough),
		Standing:     elections.Standing(r.Standing),
		CreatedAt:    r.CreatedAt.UTC(),
		UpdatedAt:    r.UpdatedAt.UTC(),
	}
}

// toDomain maps a member with its current representative.
func (v memberView) toDomain() elections.Member {
	m := v.Member.toDomain()
	if v.RepName != nil {
		m.Representative = &elections.Representative{Name: *v.RepName, Email: deref(v.RepEmail), Since: elections.Date(v.RepSince)}
	}
	return m
}

// memberRepFromDomain maps a representative of member memberID to a row.
func memberRepFromDomain(memberID int64, r *elections.Representative) memberRepRow {
	return memberRepRow{MemberID: memberID, Name: r.Name, Email: r.Email, Since: dbDate(r.Since), Until: dbDate(r.Until)}
}

// toDomain maps a row to a representative.
func (r memberRepRow) toDomain() elections.Representative {
	return elections.Representative{Name: r.Name, Email: r.Email, Since: elections.Date(r.Since), Until: elections.Date(r.Until)}
}

// memberQuery starts a query of members with their current representative.
func memberQuery(db *gorm.DB) *gorm.DB {
	return db.Model(&memberRow{}).
		Select("members.*, r.name AS rep_name, r.email AS rep_email, r.since AS rep_since").
		Joins("LEFT JOIN member_representatives r ON r.member_id = members.id AND r.until IS NULL")
}

// CreateMembers stores new members in batches, in one transaction (a savepoint when the store
// is in one already), and sets their IDs (and their times to the stored precision). A
// member's Representative, when set, is stored as its first and current representative
// (without Until). An external id that is taken, or given twice, is an ECONFLICT
// *elections.Error naming every such id.
func (s *Store) CreateMembers(ctx context.Context, ms []*elections.Member) error {
	if len(ms) == 0 {
		return nil
	}
	rows := make([]memberRow, len(ms))
	ids := make([]string, len(ms))
	for i, m := range ms {
		rows[i] = memberFromDomain(m)
		rows[i].ID = 0 // the database assigns it
		ids[i] = m.ExternalID
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkExternalIDs(tx, "members", "member", ids); err != nil {
			return err
		}
		if err := tx.CreateInBatches(&rows, batchSize).Error; err != nil {
			return err
		}
		var reps []memberRepRow
		for i, m := range ms {
			if m.Representative != nil {
				r := *m.Representative
				r.Until = elections.Date{} // the first representative is the current one
				reps = append(reps, memberRepFromDomain(rows[i].ID, &r))
			}
		}
		if len(reps) == 0 {
			return nil
		}
		return tx.CreateInBatches(&reps, batchSize).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "a member's external id is taken")
	}
	if err != nil {
		return wrapUnlessDomain("create members", err)
	}
	for i, m := range ms {
		m.ID, m.CreatedAt, m.UpdatedAt = rows[i].ID, rows[i].CreatedAt, rows[i].UpdatedAt
	}
	return nil
}

// UpdateMember stores every field of m but Representative and CreatedAt, by m.ID, and sets
// m.UpdatedAt to the stored precision. An unknown ID is an ENOTFOUND *elections.Error, an
// external id taken by another member an ECONFLICT one.
func (s *Store) UpdateMember(ctx context.Context, m *elections.Member) error {
	row := memberFromDomain(m)
	res := s.db.WithContext(ctx).Model(&memberRow{}).Where("id = ?", m.ID).Updates(map[string]any{
		"external_id":  row.ExternalID,
		"kind":         row.Kind,
		"name":         row.Name,
		"email":        row.Email,
		"constituency": row.Constituency,
		"joined":       row.Joined,
		"paid_through": row.PaidThrough,
		"standing":     row.Standing,
		"updated_at":   row.UpdatedAt,
	})
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "a member with external id %s already exists", m.ExternalID)
	}
	if res.Error != nil {
		return fmt.Errorf("sqlstore: update member: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no member %d", m.ID)
	}
	m.UpdatedAt = row.UpdatedAt
	return nil
}

// MembersByExternalID returns the members with these external ids that exist, with their
// current representative, keyed by external id. The ids are looked up inChunk at a time, so
// any number of them may be given; an unstorable one matches nothing.
func (s *Store) MembersByExternalID(ctx context.Context, ids []string) (map[string]*elections.Member, error) {
	db := s.db.WithContext(ctx)
	views, err := findByKeys[memberView](func() *gorm.DB { return memberQuery(db) }, "members.external_id", ids)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: members by external id: %w", err)
	}
	found := make(map[string]*elections.Member, len(views))
	for _, v := range views {
		m := v.toDomain()
		found[m.ExternalID] = &m
	}
	return found, nil
}

// ListMembers returns the members f selects, ordered by external id (byte by byte on every
// engine), with their current representative; at most f.Limit of them when it is positive.
// An unstorable constituency matches nothing; an unstorable After, which no page ends with,
// is an EINVALID *elections.Error.
func (s *Store) ListMembers(ctx context.Context, f elections.MemberFilter) ([]elections.Member, error) {
	if unstorable(f.After) {
		return nil, elections.Errorf(elections.EINVALID, "after %q is not an external id", f.After)
	}
	if unstorable(f.Constituency) {
		return []elections.Member{}, nil
	}
	q := memberQuery(s.db.WithContext(ctx))
	if f.Constituency != "" {
		q = q.Where("members.constituency = ?", f.Constituency)
	}
	if f.After != "" {
		q = q.Where("members.external_id > ?", f.After)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var views []memberView
	if err := q.Order("members.external_id").Find(&views).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list members: %w", err)
	}
	out := make([]elections.Member, len(views))
	for i, v := range views {
		out[i] = v.toDomain()
	}
	return out, nil
}

// CountActiveMembers returns the number of members of a constituency active on d, counted by
// the database with the rule of elections.Member.ActiveOn: in good standing, joined on or
// before d, and paid through d or open-ended.
func (s *Store) CountActiveMembers(ctx context.Context, constituency string, d elections.Date) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&memberRow{}).
		Where("constituency = ? AND standing = ?", constituency, string(elections.StandingGood)).
		Where("joined <= ? AND (paid_through IS NULL OR paid_through >= ?)", dbDate(d), dbDate(d)).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("sqlstore: count active members: %w", err)
	}
	return int(n), nil
}

// AddRepresentative makes r the current representative of member memberID, in one
// transaction: the current one, if any, gets Until = r.Since, and r is stored without an Until.
// An unknown member is an ENOTFOUND *elections.Error; r.Since before the current
// representative's Since is an EINVALID one.
func (s *Store) AddRepresentative(ctx context.Context, memberID int64, r elections.Representative) error {
	r.Until = elections.Date{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var current []memberRepRow
		if err := tx.Where("member_id = ? AND until IS NULL", memberID).Find(&current).Error; err != nil {
			return err
		}
		for _, c := range current { // at most one: a unique index says so
			if r.Since.Before(elections.Date(c.Since)) {
				return elections.Errorf(elections.EINVALID, "the new representative's first day %s is before the current one's, %s",
					r.Since, elections.Date(c.Since))
			}
			if err := tx.Model(&c).Update("until", dbDate(r.Since)).Error; err != nil {
				return err
			}
		}
		row := memberRepFromDomain(memberID, &r)
		return tx.Create(&row).Error
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return elections.Errorf(elections.ENOTFOUND, "no member %d", memberID)
	}
	return wrapUnlessDomain("add representative", err)
}

// Representatives returns a member's representatives, oldest first.
func (s *Store) Representatives(ctx context.Context, memberID int64) ([]elections.Representative, error) {
	var rows []memberRepRow
	if err := s.db.WithContext(ctx).Where("member_id = ?", memberID).Order("since, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: representatives: %w", err)
	}
	out := make([]elections.Representative, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// checkExternalIDs returns an ECONFLICT *elections.Error naming every id given twice in ids
// or already in table (whose rows are called what), or nil when every id is new.
func checkExternalIDs(db *gorm.DB, table, what string, ids []string) error {
	var problems []string
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			problems = append(problems, fmt.Sprintf("%s %s is given twice", what, id))
		}
		seen[id] = true
	}
	for chunk := range slices.Chunk(distinct(ids), inChunk) {
		var taken []string
		if err := db.Table(table).Where("external_id IN ?", chunk).Order("external_id").Pluck("external_id", &taken).Error; err != nil {
			return fmt.Errorf("sqlstore: look up %s ids: %w", what, err)
		}
		for _, id := range taken {
			problems = append(problems, fmt.Sprintf("%s %s already exists", what, id))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &elections.Error{Code: elections.ECONFLICT, Message: problems[0], Details: problems}
}

// distinct returns the distinct strings of ss, sorted.
func distinct(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

// wrapUnlessDomain returns err as it is when it is (or wraps) an *elections.Error, else
// wrapped with what failed; nil for nil.
func wrapUnlessDomain(what string, err error) error {
	var e *elections.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}
