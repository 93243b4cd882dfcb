package elections

import "context"

// This file's bodies are placeholders until the elections helper replaces them.

// Roll is a contest's voter roll: computed from eligibility on the cut-off day until it is
// frozen, the stored frozen roll after.
type Roll struct {
	ContestID int64
	// Frozen says the roll is the stored frozen one; Fingerprint is then its recorded hash.
	Frozen      bool
	Fingerprint string
	// Entries are the voters ordered by member external id (byte order).
	Entries []RollEntry
	// Ineligible lists, for a preview, the constituency's members left off and why
	// (member external id → reason); nil for a frozen roll.
	Ineligible map[string]string
}

// RollFingerprint returns the hex SHA-256 of a roll: the UTF-8 text of one line
// "<member external id>\n" per entry, sorted in byte order. Auditors recompute it from a roll
// file.
func RollFingerprint(entries []RollEntry) string {
	panic("todo")
}

// ContestRoll returns a contest's roll (a preview until frozen).
func (s *Service) ContestRoll(ctx context.Context, contestID int64) (*Roll, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// AddToRoll adds a member of the constituency to a frozen roll, where the charter allows
// additions after the freeze (ECONFLICT otherwise); reason is required and recorded.
func (s *Service) AddToRoll(ctx context.Context, actor Actor, contestID int64, member, reason string) (*RollEntry, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}

// FreezeRoll computes a contest's roll and stores it as frozen, records its fingerprint on
// the contest and in the audit trail (roll.frozen), within tx. Opening a voting round calls it.
func (s *Service) FreezeRoll(ctx context.Context, tx Store, actor Actor, contestID int64) (*Roll, error) {
	return nil, Errorf(EINTERNAL, "not implemented")
}
