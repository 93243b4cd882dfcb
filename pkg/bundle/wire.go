package bundle

import (
	"encoding/json"
	"time"

	"github.com/govboard/govboard/elections"
)

// Format is the format name in every manifest this package writes and reads.
const Format = "govboard-bundle-v1"

// The fixed paths of a bundle.
const (
	pathReadme   = "README.txt"
	pathManifest = "manifest.json"
	pathSig      = "manifest.sig"
	pathKey      = "key.json"
	pathKeyPEM   = "key.pem"
	pathElection = "election.json"
	pathCharter  = "charter.json"
	pathChain    = "audit/chain.jsonl"
	pathEntries  = "audit/entries.jsonl"
	pathHead     = "audit/head.json"
)

// Manifest is manifest.json: what the signature covers.
type Manifest struct {
	Format      string         `json:"format"`
	Election    int64          `json:"election"`
	GeneratedAt time.Time      `json:"generated_at"`
	KeyID       string         `json:"key_id"`
	AuditHead   AuditHead      `json:"audit_head"`
	Files       []ManifestFile `json:"files"`
}

// AuditHead is the last audit entry when the bundle was made.
type AuditHead struct {
	ID   int64  `json:"id"`
	Hash string `json:"hash"`
}

// ManifestFile is one file of the bundle: its path, the lower-case hex SHA-256 of its bytes
// and its size.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// electionJSON is election.json.
type electionJSON struct {
	ID             int64     `json:"id"`
	Title          string    `json:"title"`
	Year           int       `json:"year"`
	Status         string    `json:"status"`
	GeneratedAt    time.Time `json:"generated_at"`
	CharterVersion int       `json:"charter_version"`
}

// resultJSON is contests/<id>/result.json.
type resultJSON struct {
	ContestID    int64        `json:"contest_id"`
	Constituency string       `json:"constituency"`
	Name         string       `json:"name"`
	Outcome      string       `json:"outcome"`
	RoundID      int64        `json:"round_id,omitempty"`
	Void         bool         `json:"void"`
	VoidReason   string       `json:"void_reason,omitempty"`
	RollSize     int          `json:"roll_size"`
	Voters       int          `json:"voters"`
	Ballots      int          `json:"ballots"`
	Superseded   int          `json:"superseded"`
	Elected      []winnerJSON `json:"elected"`
	VacantSeats  []string     `json:"vacant_seats"`
	Runoff       *runoffJSON  `json:"runoff,omitempty"`
	CountedAt    time.Time    `json:"counted_at"`
}

// winnerJSON is one elected candidate in result.json.
type winnerJSON struct {
	Candidate    int64  `json:"candidate"`
	Name         string `json:"name"`
	Seat         string `json:"seat"`
	TermYears    int    `json:"term_years"`
	TermEndsYear int    `json:"term_ends_year"`
}

// runoffJSON is a pending runoff in result.json.
type runoffJSON struct {
	Candidates []int64 `json:"candidates"`
	Seats      int     `json:"seats"`
	Tie        string  `json:"tie"`
}

// countJSON is contests/<id>/round-<n>/count.json.
type countJSON struct {
	RoundID int64 `json:"round_id"`
	Round   int   `json:"round"`
	Runoff  bool  `json:"runoff"`
	elections.CountOptions
	Void       bool   `json:"void"`
	VoidReason string `json:"void_reason,omitempty"`
}

// rollJSON is roll.json.
type rollJSON struct {
	Fingerprint string `json:"fingerprint"`
	Size        int    `json:"size"`
}

// seedJSON is seed.json.
type seedJSON struct {
	Seed       string `json:"seed"`
	SeedSHA256 string `json:"seed_sha256"`
}

// entryJSON is one line of audit/entries.jsonl.
type entryJSON struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	Actor       string          `json:"actor"`
	Kind        string          `json:"kind"`
	Election    int64           `json:"election"`
	Payload     json.RawMessage `json:"payload,omitempty"`
	PayloadText *string         `json:"payload_text,omitempty"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}
