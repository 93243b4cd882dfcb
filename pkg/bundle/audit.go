package bundle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/govboard/govboard/elections"
)

// auditLog is the audit part of a bundle as read: this election's entries, for the checks
// that compare the contests with what the log recorded.
type auditLog struct {
	entries []elections.Event
	// err says why the entries could not be read ("" when they could).
	err string
}

// checkAudit adds the audit chain check and returns the entries.
func (b *Bundle) checkAudit(rep *Report) *auditLog {
	log := &auditLog{}
	entries, err := b.readEntries()
	if err != nil {
		log.err = err.Error()
		rep.add(CheckAuditChain, false, "%s", err)
		return log
	}
	log.entries = entries
	links, err := b.readChain()
	if err != nil {
		rep.add(CheckAuditChain, false, "%s", err)
		return log
	}
	var head elections.ChainLink
	if err := b.readJSON(pathHead, &head); err != nil {
		rep.add(CheckAuditChain, false, "%s", err)
		return log
	}
	if msg := checkChain(links, head, b.manifest.AuditHead, entries); msg != "" {
		rep.add(CheckAuditChain, false, "%s", msg)
		return log
	}
	rep.add(CheckAuditChain, true, "%d entries chained up to the head, entry %d (hash %s); the %d entries of this election "+
		"hash to their links", len(links), head.ID, head.Hash, len(entries))
	return log
}

// checkChain returns the first thing wrong with the chain, or "".
func checkChain(links []elections.ChainLink, head elections.ChainLink, mhead AuditHead, entries []elections.Event) string {
	byID := make(map[int64]elections.ChainLink, len(links))
	for i, l := range links {
		switch {
		case i == 0 && l.PrevHash != "":
			return fmt.Sprintf("%s: the first entry, %d, has prev_hash %s, not \"\": the chain does not start at the first entry",
				pathChain, l.ID, l.PrevHash)
		case i > 0 && l.ID <= links[i-1].ID:
			return fmt.Sprintf("%s line %d: entry %d does not follow entry %d", pathChain, i+1, l.ID, links[i-1].ID)
		case i > 0 && l.PrevHash != links[i-1].Hash:
			return fmt.Sprintf("%s line %d: entry %d has prev_hash %s, but entry %d before it has hash %s: the chain is broken",
				pathChain, i+1, l.ID, l.PrevHash, links[i-1].ID, links[i-1].Hash)
		}
		byID[l.ID] = l
	}
	var last elections.ChainLink
	if len(links) > 0 {
		last = links[len(links)-1]
	}
	switch {
	case last != head:
		return fmt.Sprintf("%s ends at entry %d (hash %s), but %s is entry %d (hash %s)",
			pathChain, last.ID, last.Hash, pathHead, head.ID, head.Hash)
	case mhead.ID != head.ID || mhead.Hash != head.Hash:
		return fmt.Sprintf("%s is entry %d (hash %s), but %s names entry %d (hash %s)",
			pathHead, head.ID, head.Hash, pathManifest, mhead.ID, mhead.Hash)
	}
	for i := range entries {
		e := &entries[i]
		l, ok := byID[e.ID]
		switch {
		case !ok:
			return fmt.Sprintf("%s: entry %d (%s) is not in %s", pathEntries, e.ID, e.Kind, pathChain)
		case e.PrevHash != l.PrevHash || e.Hash != l.Hash:
			return fmt.Sprintf("%s: entry %d (%s) has prev_hash %s and hash %s, %s has %s and %s",
				pathEntries, e.ID, e.Kind, e.PrevHash, e.Hash, pathChain, l.PrevHash, l.Hash)
		}
		if h := elections.ChainHash(e); h != e.Hash {
			return fmt.Sprintf("%s: entry %d (%s) hashes to %s, not to its recorded hash %s: its content was changed",
				pathEntries, e.ID, e.Kind, h, e.Hash)
		}
	}
	return ""
}

// readChain reads audit/chain.jsonl.
func (b *Bundle) readChain() ([]elections.ChainLink, error) {
	var links []elections.ChainLink
	err := b.lines(pathChain, func(n int, line []byte) error {
		var l elections.ChainLink
		if err := strictJSON(line, &l); err != nil {
			return fmt.Errorf("%s line %d: %v", pathChain, n, err)
		}
		links = append(links, l)
		return nil
	})
	return links, err
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
