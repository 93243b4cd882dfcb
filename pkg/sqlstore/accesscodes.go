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

// accessCodeRow is a row of the access_codes table. The member is kept by internal id;
// MemberExternalID is read from the members table, never written.
type accessCodeRow struct {
	ID               int64 `gorm:"primaryKey"`
	ElectionID       int64
	MemberID         int64
	MemberExternalID string `gorm:"->"`
	Hash             string
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt        time.Time
	UsedAt           *time.Time
	RevokedAt        *time.Time
}

// TableName tells gorm the table's name.
func (accessCodeRow) TableName() string { return "access_codes" }

// accessCodeFromDomain maps a code of member memberID (internal id) to a row.
func accessCodeFromDomain(c *elections.AccessCode, memberID int64) accessCodeRow {
	return accessCodeRow{
		ID:               c.ID,
		ElectionID:       c.ElectionID,
		MemberID:         memberID,
		MemberExternalID: c.Member,
		Hash:             c.Hash,
		CreatedAt:        storedTime(c.CreatedAt),
		ExpiresAt:        storedTime(c.ExpiresAt),
		UsedAt:           nullTime(c.UsedAt),
		RevokedAt:        nullTime(c.RevokedAt),
	}
}

// toDomain maps a row to an access code.
func (r accessCodeRow) toDomain() elections.AccessCode {
	return elections.AccessCode{
		ID:         r.ID,
		ElectionID: r.ElectionID,
		Member:     r.MemberExternalID,
		Hash:       r.Hash,
		CreatedAt:  r.CreatedAt.UTC(),
		ExpiresAt:  r.ExpiresAt.UTC(),
		UsedAt:     timeOf(r.UsedAt),
		RevokedAt:  timeOf(r.RevokedAt),
	}
}

// CreateAccessCodes stores codes, in one transaction (a savepoint when the store is in one
// already), batchSize to a statement, and sets their IDs (and their times to the stored
// precision). Members that do not exist (all named), or an unknown election, are an ENOTFOUND
// *elections.Error; a hash that is taken an ECONFLICT one.
func (s *Store) CreateAccessCodes(ctx context.Context, codes []*elections.AccessCode) error {
	if len(codes) == 0 {
		return nil
	}
	ids := make([]string, len(codes))
	for i, c := range codes {
		ids[i] = c.Member
	}
	var rows []accessCodeRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		memberIDs, err := requireMembers(tx, ids)
		if err != nil {
			return err
		}
		rows = make([]accessCodeRow, len(codes))
		for i, c := range codes {
			rows[i] = accessCodeFromDomain(c, memberIDs[c.Member])
			rows[i].ID = 0 // the database assigns it
		}
		return tx.CreateInBatches(&rows, batchSize).Error
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return elections.Errorf(elections.ECONFLICT, "an access code's hash is taken")
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return elections.Errorf(elections.ENOTFOUND, "an access code's election does not exist")
	case err != nil:
		return wrapUnlessDomain("create access codes", err)
	}
	for i, c := range codes {
		stored := rows[i].toDomain()
		c.ID, c.CreatedAt, c.ExpiresAt, c.UsedAt, c.RevokedAt =
			stored.ID, stored.CreatedAt, stored.ExpiresAt, stored.UsedAt, stored.RevokedAt
	}
	return nil
}

// RevokeAccessCodes marks the unused, unrevoked codes of these members (external ids) in an
// election as revoked at at, and returns how many it revoked: one UPDATE per inChunk members,
// in one transaction (a savepoint when the store is in one already). Unknown (or unstorable)
// members have no codes; no members revoke nothing.
func (s *Store) RevokeAccessCodes(ctx context.Context, electionID int64, members []string, at time.Time) (int, error) {
	if len(members) == 0 {
		return 0, nil
	}
	var revoked int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for chunk := range slices.Chunk(lookupKeys(members), inChunk) {
			q := tx.Model(&accessCodeRow{}).Where("used_at IS NULL AND revoked_at IS NULL")
			if electionID != 0 {
				q = q.Where("election_id = ?", electionID)
			}
			res := q.Where("member_id IN (?)", tx.Model(&memberRow{}).Select("id").Where("external_id IN ?", chunk)).
				Update("revoked_at", storedTime(at))
			if res.Error != nil {
				return res.Error
			}
			revoked += res.RowsAffected
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: revoke access codes: %w", err)
	}
	return int(revoked), nil
}

// ExtendAccessCodes sets the expiry of the election's codes that are unused, unrevoked, still
// valid at now and would expire before to, to to, in one UPDATE, and returns how many it changed.
// Extending a voting round past the codes' expiry calls it, so that they last as long as voting.
func (s *Store) ExtendAccessCodes(ctx context.Context, electionID int64, now, to time.Time) (int, error) {
	res := s.db.WithContext(ctx).Model(&accessCodeRow{}).
		Where("election_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND expires_at < ?",
			electionID, storedTime(now), storedTime(to)).
		Update("expires_at", storedTime(to))
	if res.Error != nil {
		return 0, fmt.Errorf("sqlstore: extend access codes: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// AccessCodeByHash returns the code with that hash, with its member's external id, or an
// ENOTFOUND *elections.Error.
func (s *Store) AccessCodeByHash(ctx context.Context, hash string) (*elections.AccessCode, error) {
	var row accessCodeRow
	err := s.db.WithContext(ctx).Model(&accessCodeRow{}).
		Select("access_codes.*, members.external_id AS member_external_id").
		Joins("JOIN members ON members.id = access_codes.member_id").
		Where("access_codes.hash = ?", hash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, elections.Errorf(elections.ENOTFOUND, "no such access code")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: access code by hash: %w", err)
	}
	c := row.toDomain()
	return &c, nil
}

// UseAccessCode marks code id used at at, only if it is neither used nor revoked, in one
// atomic UPDATE, and reports whether this call used it: of concurrent calls for one code,
// exactly one gets true. An unknown id gives false.
func (s *Store) UseAccessCode(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&accessCodeRow{}).
		Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", id).
		Update("used_at", storedTime(at))
	if res.Error != nil {
		return false, fmt.Errorf("sqlstore: use access code: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}
