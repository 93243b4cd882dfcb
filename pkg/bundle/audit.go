package bundle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/govboard/govboard/elections"
)

// auditLog is the audit part of a bundle as read: the chain's records and this election's
// entries, for the checks that compare the contests with what the log recorded.
type auditLog struct {
	records []elections.ChainRecord
	entries []elections.Event
	// err says why the entries could not be read ("" when they could).
	err string
	// The payloads the cross-checks read, decoded (nil when the log has no such entry):
	// election.created, the last election.counted and election.certified, with their ids.
	created     *createdPayload
	createdID   int64
	counted     *countedPayload
	countedID   int64
	certified   *certifiedPayload
	certifiedID int64
	// countedIDs and certifiedIDs are the ids of every election.counted and
	// election.certified entry, in log order; changes are the contest.changed entries.
	countedIDs   []int64
	certifiedIDs []int64
	changes      []contestChange
}

// createdPayload is the part of election.created that verify reads.
type createdPayload struct {
	Title          string           `json:"title"`
	Year           int              `json:"year"`
	CharterVersion int              `json:"charter_version"`
	Contests       []createdContest `json:"contests"`
}

// createdContest is one contest of election.created: its constituency, display name,
// counting method and seat keys when the election was created.
type createdContest struct {
	Contest      int64    `json:"contest"`
	Constituency string   `json:"constituency"`
	Name         string   `json:"name"`
	Method       string   `json:"method"`
	Seats        []string `json:"seats"`
}

// contestChange is a contest.changed entry: the contest's seat keys and method after the
// change (Seats nil when the entry does not record them).
type contestChange struct {
	ID      int64
	Contest int64     `json:"contest"`
	Seats   *[]string `json:"seats"`
	Method  string    `json:"method"`
}

// countedPayload is the part of election.counted that verify reads: each contest's final
// result, and every count of a contest and round.
type countedPayload struct {
	Results []countedResult `json:"results"`
	Rounds  []countedRound  `json:"rounds"`
}

// countedResult is one final result of election.counted.
type countedResult struct {
	Contest     int64    `json:"contest"`
	Round       int64    `json:"round"`
	Outcome     string   `json:"outcome"`
	Elected     []string `json:"elected"`
	VacantSeats []string `json:"vacant_seats"`
	Void        bool     `json:"void"`
	Runoff      bool     `json:"runoff"`
	// Winners are the elected in order of election, with their seats and terms.
	Winners []countedWinner `json:"winners"`
}

// countedWinner is one winner of election.counted's results, as the service writes it.
type countedWinner = elections.CountedWinner

// countedRound is one count of election.counted's "rounds", as the service writes it.
type countedRound = elections.CountedRound

// certifiedPayload is the part of election.certified that verify reads.
type certifiedPayload struct {
	Terms       []certifiedTerm `json:"terms"`
	VacantSeats []string        `json:"vacant_seats"`
}

// certifiedTerm is one term of election.certified: the seat and its holder (the member's
// name: for an organisation, not the representative who stood), and the winner's nomination
// id and ballot name, which verify requires (pointers, to tell a missing one from zero).
type certifiedTerm struct {
	Seat      string  `json:"seat"`
	Holder    string  `json:"holder"`
	Candidate *int64  `json:"candidate"`
	Name      *string `json:"name"`
}

// openedPayload is the part of round.opened that verify reads.
type openedPayload struct {
	Round   int64          `json:"round"`
	Runoff  bool           `json:"runoff"`
	Ballots []openedBallot `json:"ballots"`
}

// openedBallot is one contest's ballot in round.opened.
type openedBallot struct {
	Contest         int64    `json:"contest"`
	Method          string   `json:"method"`
	Kind            string   `json:"kind"`
	Seats           int      `json:"seats"`
	Candidates      []string `json:"candidates"`
	RollFingerprint string   `json:"roll_fingerprint"`
	RollSize        int      `json:"roll_size"`
	// Points is the points budget of a cumulative ballot (0 otherwise); AffiliationCap the
	// charter's cap (0: none) and AffiliationScope its scope ("board", "contest" or "");
	// Affiliations each candidate's affiliation by ballot name (only those with one).
	Points           int               `json:"points"`
	AffiliationCap   int               `json:"affiliation_cap"`
	AffiliationScope string            `json:"affiliation_scope"`
	Affiliations     map[string]string `json:"affiliations"`
}

// closedPayload is the part of round.closed that verify reads.
type closedPayload struct {
	Round   int64  `json:"round"`
	Seed    string `json:"seed"`
	Ballots []struct {
		Contest int64 `json:"contest"`
		Voters  int   `json:"voters"`
		// CountedReceipts is elections.CountedReceiptsDigest of the counted ballots' receipts
		// (nil when the entry does not record it).
		CountedReceipts *string `json:"counted_receipts_sha256"`
	} `json:"ballots"`
}

// checkAudit adds the audit chain and audit entries checks and returns the log.
func (b *Bundle) checkAudit(rep *Report) *auditLog {
	log := &auditLog{}
	records, err := b.readChain()
	switch {
	case err != nil:
		rep.add(CheckAuditChain, false, "%s", err)
	default:
		log.records = records
		var head elections.ChainLink
		if err := b.readJSON(pathHead, &head); err != nil {
			rep.add(CheckAuditChain, false, "%s", err)
		} else if msg := checkChain(records, head, b.manifest.AuditHead); msg != "" {
			rep.add(CheckAuditChain, false, "%s", msg)
		} else {
			rep.add(CheckAuditChain, true, "the %d records of %s hash to their recorded hashes and chain up to the head, entry %d "+
				"(hash %s), as %s and %s say", len(records), pathChain, head.ID, head.Hash, pathHead, pathManifest)
		}
	}
	entries, err := b.readEntries()
	if err != nil {
		log.err = err.Error()
		rep.add(CheckAuditEntries, false, "%s", err)
		return log
	}
	log.entries = entries
	if msg := checkEntries(records, entries, b.manifest.Election); msg != "" {
		rep.add(CheckAuditEntries, false, "%s", msg)
	} else {
		rep.add(CheckAuditEntries, true, "%s holds in full the %d entries of election %d whose payload a bundle publishes, "+
			"each with its record's fields and payload SHA-256, and nothing else", pathEntries, len(entries), b.manifest.Election)
	}
	log.decode()
	return log
}

// checkChain returns the first thing wrong with the chain of records, or "": every record
// must hash to its hash (elections.ChainRecordHash), link to the one before, and the last be
// the head of head.json and of the manifest.
func checkChain(records []elections.ChainRecord, head elections.ChainLink, mhead AuditHead) string {
	for i := range records {
		r := &records[i]
		switch {
		case i == 0 && r.PrevHash != "":
			return fmt.Sprintf("%s: the first entry, %d, has prev_hash %s, not \"\": the chain does not start at the first entry",
				pathChain, r.ID, r.PrevHash)
		case i > 0 && r.ID <= records[i-1].ID:
			return fmt.Sprintf("%s line %d: entry %d does not follow entry %d", pathChain, i+1, r.ID, records[i-1].ID)
		case i > 0 && r.PrevHash != records[i-1].Hash:
			return fmt.Sprintf("%s line %d: entry %d has prev_hash %s, but entry %d before it has hash %s: the chain is broken",
				pathChain, i+1, r.ID, r.PrevHash, records[i-1].ID, records[i-1].Hash)
		}
		if h := elections.ChainRecordHash(r); h != r.Hash {
			return fmt.Sprintf("%s line %d: entry %d (%s) hashes to %s, not to its recorded hash %s: the record was changed",
				pathChain, i+1, r.ID, r.Kind, h, r.Hash)
		}
	}
	var last elections.ChainLink
	if n := len(records); n > 0 {
		last = elections.ChainLink{ID: records[n-1].ID, PrevHash: records[n-1].PrevHash, Hash: records[n-1].Hash}
	}
	switch {
	case last != head:
		return fmt.Sprintf("%s ends at entry %d (hash %s), but %s is entry %d (hash %s)",
			pathChain, last.ID, last.Hash, pathHead, head.ID, head.Hash)
	case mhead.ID != head.ID || mhead.Hash != head.Hash:
		return fmt.Sprintf("%s is entry %d (hash %s), but %s names entry %d (hash %s)",
			pathHead, head.ID, head.Hash, pathManifest, mhead.ID, mhead.Hash)
	}
	return ""
}

// checkEntries returns the first thing wrong with entries.jsonl against the chain's
// records, or "": each record of election whose kind is published in full has its entry,
// with the record's fields and a payload hashing to its payload_sha256, in chain order, and
// there is no other entry.
func checkEntries(records []elections.ChainRecord, entries []elections.Event, election int64) string {
	byID := make(map[int64]*elections.ChainRecord, len(records))
	var want []*elections.ChainRecord
	for i := range records {
		r := &records[i]
		byID[r.ID] = r
		if r.Election == election && elections.BundlePayloadPublished(r.Kind) {
			want = append(want, r)
		}
	}
	have := make(map[int64]bool, len(entries))
	for i := range entries {
		e := &entries[i]
		r, ok := byID[e.ID]
		switch {
		case !ok:
			return fmt.Sprintf("%s: entry %d (%s) is not in %s", pathEntries, e.ID, e.Kind, pathChain)
		case have[e.ID]:
			return fmt.Sprintf("%s: entry %d (%s) appears twice", pathEntries, e.ID, e.Kind)
		case i > 0 && e.ID <= entries[i-1].ID:
			return fmt.Sprintf("%s: entry %d (%s) comes after entry %d", pathEntries, e.ID, e.Kind, entries[i-1].ID)
		case e.Election != election || !elections.BundlePayloadPublished(e.Kind):
			return fmt.Sprintf("%s: entry %d (%s, election %d) is not an entry of election %d that a bundle publishes",
				pathEntries, e.ID, e.Kind, e.Election, election)
		}
		have[e.ID] = true
		got := e.Record()
		got.Hash = e.Hash
		if !got.At.Equal(r.At) || got.Actor != r.Actor || got.Kind != r.Kind || got.Election != r.Election ||
			got.PrevHash != r.PrevHash || got.Hash != r.Hash {
			return fmt.Sprintf("%s: entry %d (%s) does not have the fields of its record in %s", pathEntries, e.ID, e.Kind, pathChain)
		}
		if got.PayloadSHA256 != r.PayloadSHA256 {
			return fmt.Sprintf("%s: the payload of entry %d (%s) has SHA-256 %s, not its record's %s: its content was changed",
				pathEntries, e.ID, e.Kind, got.PayloadSHA256, r.PayloadSHA256)
		}
	}
	for _, r := range want {
		if !have[r.ID] {
			return fmt.Sprintf("%s lacks entry %d (%s) of election %d, whose payload a bundle publishes in full",
				pathEntries, r.ID, r.Kind, election)
		}
	}
	return ""
}

// decode decodes the payloads the cross-checks read. A payload that does not decode is left
// nil: the check that needs it says it is missing.
func (l *auditLog) decode() {
	for i := range l.entries {
		e := &l.entries[i]
		switch e.Kind {
		case elections.EventElectionCreated:
			var p createdPayload
			if l.created == nil && json.Unmarshal(e.Payload, &p) == nil {
				l.created, l.createdID = &p, e.ID
			}
		case elections.EventContestChanged:
			c := contestChange{ID: e.ID}
			if json.Unmarshal(e.Payload, &c) == nil {
				c.ID = e.ID
			}
			l.changes = append(l.changes, c)
		case elections.EventElectionCounted:
			l.countedIDs = append(l.countedIDs, e.ID)
			var p countedPayload
			if json.Unmarshal(e.Payload, &p) == nil {
				l.counted, l.countedID = &p, e.ID
			} else {
				l.counted, l.countedID = nil, e.ID
			}
		case elections.EventElectionCertified:
			l.certifiedIDs = append(l.certifiedIDs, e.ID)
			var p certifiedPayload
			if json.Unmarshal(e.Payload, &p) == nil {
				l.certified, l.certifiedID = &p, e.ID
			}
		}
	}
}

// readChain reads audit/chain.jsonl.
func (b *Bundle) readChain() ([]elections.ChainRecord, error) {
	var records []elections.ChainRecord
	err := b.lines(pathChain, func(n int, line []byte) error {
		var r elections.ChainRecord
		if err := strictJSON(line, &r); err != nil {
			return fmt.Errorf("%s line %d: %v", pathChain, n, err)
		}
		records = append(records, r)
		return nil
	})
	return records, err
}

// readEntries reads audit/entries.jsonl.
func (b *Bundle) readEntries() ([]elections.Event, error) {
	var es []elections.Event
	err := b.lines(pathEntries, func(n int, line []byte) error {
		var e entryJSON
		if err := strictJSON(line, &e); err != nil {
			return fmt.Errorf("%s line %d: %v", pathEntries, n, err)
		}
		payload := []byte(e.Payload)
		if e.PayloadText != nil {
			payload = []byte(*e.PayloadText)
		}
		es = append(es, elections.Event{ID: e.ID, At: e.At, Actor: e.Actor, Kind: e.Kind, Election: e.Election,
			Payload: payload, PrevHash: e.PrevHash, Hash: e.Hash})
		return nil
	})
	return es, err
}

// lines calls fn with each non-empty line of file p (numbered from 1).
func (b *Bundle) lines(p string, fn func(n int, line []byte) error) error {
	data, ok := b.files[p]
	if !ok {
		return fmt.Errorf("%s is missing", p)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", p, err)
	}
	return nil
}

// strictJSON decodes one JSON value from data into v, refusing unknown fields.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// roundEntry returns the payload of the first entry of kind whose payload's "round" is
// roundID, and the entry's id.
func (l *auditLog) roundEntry(kind string, roundID int64) (map[string]json.RawMessage, int64) {
	for i := range l.entries {
		e := &l.entries[i]
		if e.Kind != kind {
			continue
		}
		var p map[string]json.RawMessage
		if json.Unmarshal(e.Payload, &p) != nil {
			continue
		}
		var id int64
		if json.Unmarshal(p["round"], &id) == nil && id == roundID {
			return p, e.ID
		}
	}
	return nil, 0
}

// opened returns the round.opened entry of roundID, decoded, and its id.
func (l *auditLog) opened(roundID int64) (*openedPayload, int64) {
	return roundPayload[openedPayload](l, elections.EventRoundOpened, roundID)
}

// closed returns the round.closed entry of roundID, decoded, and its id.
func (l *auditLog) closed(roundID int64) (*closedPayload, int64) {
	return roundPayload[closedPayload](l, elections.EventRoundClosed, roundID)
}

// roundPayload returns the entry of kind for roundID decoded as a T, and its id: nil and 0
// without one, nil and its id when it does not decode.
func roundPayload[T any](l *auditLog, kind string, roundID int64) (*T, int64) {
	p, id := l.roundEntry(kind, roundID)
	if p == nil {
		return nil, 0
	}
	raw, _ := json.Marshal(p)
	var v T
	if json.Unmarshal(raw, &v) != nil {
		return nil, id
	}
	return &v, id
}

// recordsAfter returns how many chain records of election of kind come after entry id.
func (l *auditLog) recordsAfter(election int64, kind string, id int64) int {
	n := 0
	for i := range l.records {
		if r := &l.records[i]; r.ID > id && r.Election == election && r.Kind == kind {
			n++
		}
	}
	return n
}

// countedRound returns the count of contest and round id in the authoritative
// election.counted entry, or nil.
func (l *auditLog) countedRound(contest, round int64) *countedRound {
	if l.counted == nil {
		return nil
	}
	for i := range l.counted.Rounds {
		if r := &l.counted.Rounds[i]; r.Contest == contest && r.Round == round {
			return r
		}
	}
	return nil
}

// acceptedReceipts returns the receipt hashes that the ballots.accepted entries record for
// contest and round, with how many times each.
func (l *auditLog) acceptedReceipts(contest, round int64) (map[string]int, int) {
	out := map[string]int{}
	n := 0
	for i := range l.entries {
		e := &l.entries[i]
		if e.Kind != elections.EventBallotsAccepted {
			continue
		}
		var p struct {
			Contests []struct {
				Contest  int64    `json:"contest"`
				Round    int64    `json:"round"`
				Receipts []string `json:"receipts_sha256"`
			} `json:"contests"`
		}
		if json.Unmarshal(e.Payload, &p) != nil {
			continue
		}
		for _, c := range p.Contests {
			if c.Contest == contest && c.Round == round {
				for _, r := range c.Receipts {
					out[r]++
					n++
				}
			}
		}
	}
	return out, n
}

// acceptedRounds returns the (contest, round id) pairs of the ballots.accepted entries, in
// order.
func (l *auditLog) acceptedRounds() [][2]int64 {
	var out [][2]int64
	seen := map[[2]int64]bool{}
	for i := range l.entries {
		e := &l.entries[i]
		if e.Kind != elections.EventBallotsAccepted {
			continue
		}
		var p struct {
			Contests []struct {
				Contest int64 `json:"contest"`
				Round   int64 `json:"round"`
			} `json:"contests"`
		}
		if json.Unmarshal(e.Payload, &p) != nil {
			continue
		}
		for _, c := range p.Contests {
			k := [2]int64{c.Contest, c.Round}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
