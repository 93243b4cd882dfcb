package elections

import (
	"encoding/json"
	"time"
)

// The results bundle of an election (DESIGN.md §6, issue #7): everything an auditor needs to
// check the count offline, gathered by Service.ElectionBundle and written, signed, by
// pkg/bundle, which also verifies it (`govboard verify`).

// BundleData is what goes into an election's results bundle.
type BundleData struct {
	// ElectionID, Title and Year name the election; Status is its status when the bundle was
	// made (counted or certified).
	ElectionID int64
	Title      string
	Year       int
	Status     ElectionStatus
	// CharterVersion is the version of the charter the election runs under; CharterDoc is
	// that charter, and Charter the same as JSON in the charter file's keys, which the
	// transport fills in (it owns the charter's wire shape).
	CharterVersion int
	CharterDoc     *Charter
	Charter        json.RawMessage
	// Contests are the election's contests in charter order, acclaimed and unvoted ones too.
	Contests []BundleContest
	// Audit is the audit log: the chain up to its head, and this election's entries in full.
	Audit BundleAudit
	// GeneratedAt is when the bundle was made.
	GeneratedAt time.Time
}

// BundleContest is one contest of a bundle.
type BundleContest struct {
	ContestID    int64
	Constituency string
	Name         string
	// Result is the contest's final result (its last round's count, or the acclamation).
	Result ContestResult
	// Rounds are the rounds that voted on the contest, by number (none without a vote).
	Rounds []BundleRound
}

// BundleRound is one round's vote on a contest: its inputs and its count.
type BundleRound struct {
	RoundID int64
	Number  int
	Runoff  bool
	// RollFingerprint and RollSize are the contest's frozen roll's hash and size.
	RollFingerprint string
	RollSize        int
	// Seed is the revealed tie-break seed of the round; SeedCommitment the hex SHA-256
	// published at the opening.
	Seed           []byte
	SeedCommitment string
	// Count is what the count of this round ran with; Report the stored count report
	// (pkg/tally/report JSON), nil when the contest was void.
	Count  CountOptions
	Report json.RawMessage
	// Void and VoidReason are set when the turnout was below the quorum.
	Void       bool
	VoidReason string
	// Ballots are the round's anonymised ballots with receipts, superseded ones marked.
	Ballots *PublishedBallots
}

// CountOptions are the inputs of one count besides the ballots: with them and the published
// ballots, anyone recounts the round with pkg/tally and gets the same report.
type CountOptions struct {
	Method string `json:"method"`
	Seats  int    `json:"seats"`
	// Seed is the revealed seed in lower-case hex.
	Seed string `json:"seed"`
	// Points is the points budget of a cumulative ballot (0 otherwise).
	Points int `json:"points,omitempty"`
	// TermLabels label the seats in the order winners take them (mixed terms).
	TermLabels []string `json:"term_labels,omitempty"`
	// AffiliationCap is the charter's cap (0: none); AffiliationHeld the seats already held
	// that count against it; Affiliations each candidate's affiliation, by ballot name.
	AffiliationCap  int               `json:"affiliation_cap,omitempty"`
	AffiliationHeld map[string]int    `json:"affiliation_held,omitempty"`
	Affiliations    map[string]string `json:"affiliations,omitempty"`
}

// BundleAudit is the audit log in a bundle. Chain holds every entry up to the head, of all
// elections, as its ChainRecord (the payload's SHA-256 in place of the payload), so that every
// link can be recomputed without the payloads; Entries are the election's entries whose
// payload is published in full (BundlePayloadPublished), which a verifier checks against
// their records.
type BundleAudit struct {
	Head    ChainLink
	Chain   []ChainRecord
	Entries []Event
}
