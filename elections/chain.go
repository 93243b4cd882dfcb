package elections

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"
)

// The audit log is a hash chain (DESIGN.md §6): each entry holds the hash of the entry before
// it, and its own hash over its fields and that link (ChainHash). The store assigns IDs and
// hashes as it appends, one appender at a time, so that the chain never forks.

// ChainLink is an entry's place in the chain.
type ChainLink struct {
	ID       int64  `json:"id"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// ChainBreak is the first place where a chain does not hold: the entry and why.
type ChainBreak struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// ChainReport is the result of checking the audit chain (Service.VerifyAuditChain).
type ChainReport struct {
	// Entries is how many entries were checked; Head the last one's link.
	Entries int
	Head    ChainLink
	// Broken is the first broken link, nil when the chain holds.
	Broken *ChainBreak
}

// EventBallotsAccepted is the audit entry of the ballots that one commit stored: for each
// contest and round, the SHA-256 of each accepted ballot's receipt, sorted, never a voter.
const EventBallotsAccepted = "ballots.accepted"

// EventSigningKeyInUse records the public key the service signs tokens and bundles with, the
// first time the service runs with it.
const EventSigningKeyInUse = "signing_key.in_use"

// ChainRecord is an audit entry as the chain hashes it: its fields, the SHA-256 of its payload
// in place of the payload, and its links. A record's hash can be recomputed without the
// payload (ChainRecordHash), so that a results bundle can carry every entry of the log while
// withholding the payloads that name members; the payload of an entry published in full
// is checked against PayloadSHA256.
type ChainRecord struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Kind     string    `json:"kind"`
	Election int64     `json:"election"`
	// PayloadSHA256 is the lower-case hex SHA-256 of the payload's bytes exactly as stored.
	PayloadSHA256 string `json:"payload_sha256"`
	PrevHash      string `json:"prev_hash"`
	Hash          string `json:"hash"`
}

// Record returns e as its chain record: At in UTC, the payload replaced by its SHA-256.
func (e *Event) Record() ChainRecord {
	return ChainRecord{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Kind: e.Kind, Election: e.Election,
		PayloadSHA256: PayloadSHA256(e.Payload), PrevHash: e.PrevHash, Hash: e.Hash}
}

// PayloadSHA256 returns the lower-case hex SHA-256 of an entry's payload bytes, as a
// ChainRecord holds it.
func PayloadSHA256(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// chainDomain starts the input of every chain hash, so that a hash of the audit chain cannot
// be mistaken for a hash of anything else; v2 hashes the payload's SHA-256 rather than the
// payload.
const chainDomain = "govboard-audit-v2\n"

// ChainTimeLayout is how the chain hash writes an entry's time: UTC with microseconds, the
// precision the stores keep.
const ChainTimeLayout = "2006-01-02T15:04:05.000000Z"

// ChainHash returns the hash of an audit entry: ChainRecordHash of its Record.
func ChainHash(e *Event) string {
	r := e.Record()
	return ChainRecordHash(&r)
}

// ChainRecordHash returns the hash of an audit entry from its record: the lower-case hex
// SHA-256 of chainDomain followed by the entry's id, time (UTC, ChainTimeLayout), actor, kind,
// election, previous hash and payload SHA-256 (PayloadSHA256), in that order, each written as
// "<decimal byte length>:<bytes>\n". The length prefixes make the encoding unambiguous
// whatever the fields hold. r.Hash is not read.
func ChainRecordHash(r *ChainRecord) string {
	h := sha256.New()
	io.WriteString(h, chainDomain)
	for _, f := range [...]string{
		strconv.FormatInt(r.ID, 10),
		r.At.UTC().Format(ChainTimeLayout),
		r.Actor,
		r.Kind,
		strconv.FormatInt(r.Election, 10),
		r.PrevHash,
		r.PayloadSHA256,
	} {
		writeChainField(h, f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// BundlePayloadPublished reports whether a results bundle publishes the entries of kind in
// full (payload included): the entries that say how the election was set up, voted and
// counted. The election's other entries (access codes, roll entries, nominations, terms...)
// name members: a bundle carries them as ChainRecords only.
func BundlePayloadPublished(kind string) bool {
	switch kind {
	case EventElectionCreated, EventScheduleChanged, EventContestChanged, EventRollFrozen,
		EventRoundOpened, EventRoundExtended, EventRoundClosed, EventBallotsAccepted,
		EventElectionCounted, EventElectionCertified:
		return true
	}
	return false
}

// writeChainField writes one field of ChainHash's input.
func writeChainField(w io.Writer, f string) {
	io.WriteString(w, strconv.Itoa(len(f)))
	io.WriteString(w, ":")
	io.WriteString(w, f)
	io.WriteString(w, "\n")
}

// ChainChecker checks audit entries one at a time, in the order of the chain, from its start
// or from a known link (From). The zero ChainChecker expects the first entry of the log.
type ChainChecker struct {
	// From is the link the first checked entry follows; zero for the start of the log.
	From    ChainLink
	entries int
	head    ChainLink
	broken  *ChainBreak
}

// Add checks e against the entry before it and against its own hash, and returns why the
// chain breaks at e, or nil. After a break, later entries are checked against the stored
// hashes, so each break is reported where it is; Report keeps the first.
func (c *ChainChecker) Add(e *Event) *ChainBreak {
	prev := c.From
	if c.entries > 0 {
		prev = c.head
	}
	c.entries++
	c.head = ChainLink{ID: e.ID, PrevHash: e.PrevHash, Hash: e.Hash}
	var b *ChainBreak
	switch {
	case e.ID <= prev.ID:
		b = &ChainBreak{ID: e.ID, Reason: "entry " + strconv.FormatInt(e.ID, 10) + " does not come after entry " + strconv.FormatInt(prev.ID, 10)}
	case e.PrevHash != prev.Hash:
		b = &ChainBreak{ID: e.ID, Reason: "prev_hash does not match the hash of the entry before (" + describeLink(prev) + ")"}
	case ChainHash(e) != e.Hash:
		b = &ChainBreak{ID: e.ID, Reason: "hash does not match the entry's content"}
	}
	if b != nil && c.broken == nil {
		c.broken = b
	}
	return b
}

// describeLink names the entry a link stands for in a ChainBreak's reason.
func describeLink(l ChainLink) string {
	if l.ID == 0 && l.Hash == "" {
		return "the start of the log"
	}
	return "entry " + strconv.FormatInt(l.ID, 10)
}

// Report returns what the checker has seen: how many entries, the last one's link and the
// first break.
func (c *ChainChecker) Report() *ChainReport {
	r := &ChainReport{Entries: c.entries, Head: c.head}
	if c.entries == 0 {
		r.Head = c.From
	}
	if c.broken != nil {
		b := *c.broken
		r.Broken = &b
	}
	return r
}

// ballotsAcceptedPayload is the payload of a ballots.accepted entry.
type ballotsAcceptedPayload struct {
	Election int64                    `json:"election"`
	Contests []ballotsAcceptedContest `json:"contests"`
}

// ballotsAcceptedContest lists the ballots of one contest and round in a ballots.accepted
// entry: the SHA-256 of each receipt's hex string, sorted.
type ballotsAcceptedContest struct {
	Contest        int64    `json:"contest"`
	Round          int64    `json:"round"`
	ReceiptsSHA256 []string `json:"receipts_sha256"`
}

// ReceiptSHA256 is how a ballots.accepted entry lists a ballot: the lower-case hex SHA-256 of
// its receipt's hex string.
func ReceiptSHA256(receipt string) string {
	sum := sha256.Sum256([]byte(receipt))
	return hex.EncodeToString(sum[:])
}

// CountedReceiptsDigest is how round.closed records the ballots that the count of a contest
// in a round counts (those not superseded), given their receipts in any order: the lower-case
// hex SHA-256 of their ReceiptSHA256 values, sorted, each followed by "\n" (SHA-256 of the empty
// string when there are none). A verifier computes it from a bundle's published ballots.
func CountedReceiptsDigest(receipts []string) string {
	hashes := make([]string, len(receipts))
	for i, r := range receipts {
		hashes[i] = ReceiptSHA256(r)
	}
	slices.Sort(hashes)
	h := sha256.New()
	for _, x := range hashes {
		io.WriteString(h, x)
		io.WriteString(h, "\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// BallotsAcceptedEvents returns the audit entries of the casts a CastBallots call stored (those
// with a nil Err): one ballots.accepted entry per election, in ascending election order, each
// listing per contest and round (ascending) the sorted ReceiptSHA256 of its ballots. The entries
// name the actor "member" and no voter. A store appends them in the transaction that stores the
// ballots; none when no cast was stored.
func BallotsAcceptedEvents(now time.Time, casts []*BallotCast) []*Event {
	type key struct{ contest, round int64 }
	byElection := make(map[int64]map[key][]string)
	for _, c := range casts {
		if c.Err != nil {
			continue
		}
		m := byElection[c.Election]
		if m == nil {
			m = make(map[key][]string)
			byElection[c.Election] = m
		}
		k := key{c.Ballot.ContestID, c.Ballot.RoundID}
		m[k] = append(m[k], ReceiptSHA256(c.Ballot.Receipt))
	}
	actor := MemberActor("", 0).String()
	out := make([]*Event, 0, len(byElection))
	for _, election := range slices.Sorted(maps.Keys(byElection)) {
		m := byElection[election]
		p := ballotsAcceptedPayload{Election: election, Contests: make([]ballotsAcceptedContest, 0, len(m))}
		for k, hashes := range m {
			slices.Sort(hashes)
			p.Contests = append(p.Contests, ballotsAcceptedContest{Contest: k.contest, Round: k.round, ReceiptsSHA256: hashes})
		}
		slices.SortFunc(p.Contests, func(a, b ballotsAcceptedContest) int {
			return cmp.Or(cmp.Compare(a.Contest, b.Contest), cmp.Compare(a.Round, b.Round))
		})
		b, _ := json.Marshal(p) // ints and strings only: it cannot fail
		out = append(out, &Event{At: now, Actor: actor, Kind: EventBallotsAccepted, Election: election, Payload: b})
	}
	return out
}
