package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// rollEntryRow is a row of the roll_entries table. The member is kept by internal id;
// MemberExternalID is read from the members table, never written. The database refuses any
// change to a stored row.
type rollEntryRow struct {
	ContestID        int64  `gorm:"primaryKey;autoIncrement:false"`
	MemberID         int64  `gorm:"primaryKey;autoIncrement:false"`
	MemberExternalID string `gorm:"->"`
	Name             string
	Kind             string
	Representative   string
	Email            string
	AddedAt          *time.Time
	AddedBy          string
	Reason           string
}

// TableName tells gorm the table's name.
func (rollEntryRow) TableName() string { return "roll_entries" }

// rollEntryFromDomain maps a voter on contest contestID, whose member has internal id
// memberID, to a row.
func rollEntryFromDomain(contestID, memberID int64, e *elections.RollEntry) rollEntryRow {
	return rollEntryRow{
		ContestID:        contestID,
		MemberID:         memberID,
		MemberExternalID: e.Member,
		Name:             e.Name,
		Kind:             string(e.Kind),
		Representative:   e.Representative,
		Email:            e.Email,
		AddedAt:          nullTime(e.AddedAt),
		AddedBy:          e.AddedBy,
		Reason:           e.Reason,
	}
}

// toDomain maps a row to a roll entry.
func (r rollEntryRow) toDomain() elections.RollEntry {
	return elections.RollEntry{
		Member:         r.MemberExternalID,
		Name:           r.Name,
		Kind:           elections.MemberKind(r.Kind),
		Representative: r.Representative,
		Email:          r.Email,
		AddedAt:        timeOf(r.AddedAt),
		AddedBy:        r.AddedBy,
		Reason:         r.Reason,
	}
}

// SaveRoll stores the frozen roll of a contest, in one transaction (a savepoint when the store
// is in one already), batchSize entries to a statement. A contest that has roll entries
// already is an ECONFLICT *elections.Error, and so is a member listed twice; an unknown
// contest, or members that do not exist (all named), an ENOTFOUND one.
func (s *Store) SaveRoll(ctx context.Context, contestID int64, entries []elections.RollEntry) error {
	seen := make(map[string]bool, len(entries))
	ids := make([]string, len(entries))
	for i, e := range entries {
		if seen[e.Member] {
			return elections.Errorf(elections.ECONFLICT, "member %s is on the roll twice", e.Member)
		}
		seen[e.Member] = true
		ids[i] = e.Member
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := requireContest(tx, contestID); err != nil {
			return err
		}
		var stored []int64
		if err := tx.Model(&rollEntryRow{}).Where("contest_id = ?", contestID).Limit(1).Pluck("member_id", &stored).Error; err != nil {
			return err
		}
		if len(stored) > 0 {
			return elections.Errorf(elections.ECONFLICT, "contest %d has a roll already", contestID)
		}
		memberIDs, err := requireMembers(tx, ids)
		if err != nil {
			return err
		}
		rows := make([]rollEntryRow, len(entries))
		for i := range entries {
			rows[i] = rollEntryFromDomain(contestID, memberIDs[entries[i].Member], &entries[i])
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.CreateInBatches(&rows, batchSize).Error
	})
	return wrapUnlessDomain("save roll", err)
}

// AddRollEntry adds one voter to the roll of a contest, in one transaction (a savepoint when
// the store is in one already). A member already on the roll is an ECONFLICT
// *elections.Error; an unknown contest or member an ENOTFOUND one.
func (s *Store) AddRollEntry(ctx context.Context, contestID int64, e elections.RollEntry) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := requireContest(tx, contestID); err != nil {
			return err
		}
		memberIDs, err := requireMembers(tx, []string{e.Member})
		if err != nil {
			return err
		}
		row := rollEntryFromDomain(contestID, memberIDs[e.Member], &e)
		return tx.Create(&row).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return elections.Errorf(elections.ECONFLICT, "member %s is on the roll already", e.Member)
	}
	return wrapUnlessDomain("add roll entry", err)
}

// RollEntries returns the roll of a contest ordered by member external id, byte by byte on
// every engine; an empty slice when it has none (or there is no such contest).
func (s *Store) RollEntries(ctx context.Context, contestID int64) ([]elections.RollEntry, error) {
	var rows []rollEntryRow
	err := s.db.WithContext(ctx).Model(&rollEntryRow{}).
		Select("roll_entries.*, members.external_id AS member_external_id").
		Joins("JOIN members ON members.id = roll_entries.member_id").
		Where("roll_entries.contest_id = ?", contestID).
		Order("members.external_id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("sqlstore: roll entries: %w", err)
	}
	out := make([]elections.RollEntry, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// requireContest returns an ENOTFOUND *elections.Error when there is no contest id.
func requireContest(db *gorm.DB, id int64) error {
	var n int64
	if err := db.Model(&contestRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("sqlstore: look up contest: %w", err)
	}
	if n == 0 {
		return elections.Errorf(elections.ENOTFOUND, "no contest %d", id)
	}
	return nil
}

// memberIDs returns the internal ids of the members with these external ids that exist, keyed
// by external id, looked up inChunk at a time; an unstorable external id matches nothing.
func memberIDs(db *gorm.DB, externalIDs []string) (map[string]int64, error) {
	rows, err := findByKeys[memberRow](func() *gorm.DB { return db.Select("id, external_id") }, "external_id", externalIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: look up members: %w", err)
	}
	found := make(map[string]int64, len(rows))
	for _, r := range rows {
		found[r.ExternalID] = r.ID
	}
	return found, nil
}

// requireMembers is memberIDs, but returns an ENOTFOUND *elections.Error naming every
// external id that no member has.
func requireMembers(db *gorm.DB, externalIDs []string) (map[string]int64, error) {
	found, err := memberIDs(db, externalIDs)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, id := range distinct(externalIDs) {
		if _, ok := found[id]; !ok {
			problems = append(problems, fmt.Sprintf("no member %s", id))
		}
	}
	if len(problems) > 0 {
		return nil, &elections.Error{Code: elections.ENOTFOUND, Message: problems[0], Details: problems}
	}
	return found, nil
}
