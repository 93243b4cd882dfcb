package bundle

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/govboard/govboard/elections"
)

// The checks against entries written before the count: whoever holds the service's key can
// append entries after the head (a second election.counted, a contest.changed), with correct
// hashes, and re-sign a bundle; what round.opened, round.closed, contest.changed and
// election.created recorded before the count cannot be changed that way. So the count's
// inputs are checked against round.opened and the contest's seats, the counted ballots
// against round.closed, the order of the entries that count and certify, and the results
// against the recount itself.

// Anchor is an entry of the audit log as the caller knows it from outside the bundle (a
// head published or noted earlier): Verify's anchor check requires the bundle's chain to
// hold it, so that the log cannot have been rewritten before it.
type Anchor struct {
	ID   int64
	Hash string
}

// ParseAnchor reads an anchor written "ID:HASH" (the entry's id, and its hash in hex).
func ParseAnchor(s string) (Anchor, error) {
	id, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	hash = strings.ToLower(strings.TrimSpace(hash))
	if !ok || err != nil || n <= 0 {
		return Anchor{}, fmt.Errorf("anchor %q is not ID:HASH (an audit entry's id and hash)", s)
	}
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return Anchor{}, fmt.Errorf("anchor %q: the hash is not 64 hexadecimal digits", s)
	}
	return Anchor{ID: n, Hash: hash}, nil
}

func (a Anchor) String() string { return fmt.Sprintf("%d:%s", a.ID, a.Hash) }

// checkAnchors adds an anchor check per anchor: chain.jsonl must hold an entry of the
// anchor's id and hash; the detail says what follows it.
func checkAnchors(rep *Report, records []elections.ChainRecord, anchors []Anchor, election int64) {
	for _, a := range anchors {
		want := strings.ToLower(a.Hash)
		i := slices.IndexFunc(records, func(r elections.ChainRecord) bool { return r.ID == a.ID })
		if i < 0 {
			span := "it holds no entry"
			if n := len(records); n > 0 {
				span = fmt.Sprintf("its entries run from %d to %d", records[0].ID, records[n-1].ID)
			}
			rep.add(CheckAnchor, false, "entry %d (anchored hash %s) is not in %s (%s): the bundle's log does not contain the "+
				"anchored log", a.ID, want, pathChain, span)
			continue
		}
		if got := records[i].Hash; got != want {
			rep.add(CheckAnchor, false, "entry %d of %s has hash %s, the anchor says %s: the log was rewritten since the anchor "+
				"was taken, or the anchor is of another log", a.ID, pathChain, got, want)
			continue
		}
		after := records[i+1:]
		if len(after) == 0 {
			rep.add(CheckAnchor, true, "entry %d has the anchored hash %s and is the head: no entry follows it", a.ID, want)
			continue
		}
		kinds, count := []string{}, map[string]int{}
		ofElection := 0
		for _, r := range after {
			if count[r.Kind] == 0 {
				kinds = append(kinds, r.Kind)
			}
			count[r.Kind]++
			if r.Election == election {
				ofElection++
			}
		}
		parts := make([]string, len(kinds))
		for k, kind := range kinds {
			parts[k] = fmt.Sprintf("%s ×%d", kind, count[kind])
		}
		rep.add(CheckAnchor, true, "entry %d has the anchored hash %s; %d entries after it (%d of election %d): %s", a.ID, want,
			len(after), ofElection, election, strings.Join(parts, ", "))
	}
}

// checkOrder adds the log order check: the authoritative (last) election.counted follows
// the round.closed of every round it counts; no election.counted follows an
// election.certified, which comes once, after it; no contest changes after the count started.
func (l *auditLog) checkOrder(rep *Report) {
	if l.err != "" {
		rep.add(CheckLogOrder, false, "the audit entries cannot be read: %s", l.err)
		return
	}
	if len(l.countedIDs) == 0 {
		rep.add(CheckLogOrder, false, "the audit log has no %s entry of the election", elections.EventElectionCounted)
		return
	}
	var problems []string
	auth, first := l.countedIDs[len(l.countedIDs)-1], l.countedIDs[0]
	var closedIDs []int64
	if l.counted == nil {
		problems = append(problems, fmt.Sprintf("the last %s (entry %d) cannot be read", elections.EventElectionCounted, auth))
	} else {
		for _, cr := range l.counted.Rounds {
			if cr.Round == 0 {
				continue
			}
			_, cid := l.closed(cr.Round)
			switch {
			case cid == 0:
				problems = append(problems, fmt.Sprintf("%s (entry %d) counts round id %d, which has no %s entry",
					elections.EventElectionCounted, auth, cr.Round, elections.EventRoundClosed))
			case cid > auth:
				problems = append(problems, fmt.Sprintf("%s (entry %d) counts round id %d, which closed after it (%s, entry %d)",
					elections.EventElectionCounted, auth, cr.Round, elections.EventRoundClosed, cid))
			case !slices.Contains(closedIDs, cid):
				closedIDs = append(closedIDs, cid)
			}
		}
	}
	for _, c := range l.changes {
		if c.ID > first {
			problems = append(problems, fmt.Sprintf("seats changed after the count started: %s (entry %d) of contest %d comes "+
				"after %s (entry %d)", elections.EventContestChanged, c.ID, c.Contest, elections.EventElectionCounted, first))
		}
	}
	if len(l.certifiedIDs) > 1 {
		problems = append(problems, fmt.Sprintf("the election is certified %d times (%s entries %s)", len(l.certifiedIDs),
			elections.EventElectionCertified, ids(l.certifiedIDs)))
	}
	if len(l.certifiedIDs) > 0 {
		cert := l.certifiedIDs[0]
		for _, id := range l.countedIDs {
			if id > cert {
				problems = append(problems, fmt.Sprintf("%s (entry %d) comes after %s (entry %d): the count cannot change once "+
					"certified", elections.EventElectionCounted, id, elections.EventElectionCertified, cert))
			}
		}
	}
	if len(problems) > 0 {
		rep.add(CheckLogOrder, false, "%s", strings.Join(problems, "; "))
		return
	}
	slices.Sort(closedIDs)
	detail := fmt.Sprintf("%s (entry %d, the last of %d) follows the %s entries of the rounds it counts (%s), and no contest "+
		"changed after the count started", elections.EventElectionCounted, auth, len(l.countedIDs), elections.EventRoundClosed,
		ids(closedIDs))
	if len(l.certifiedIDs) > 0 {
		detail += fmt.Sprintf("; %s (entry %d) follows it, and no count follows the certification",
			elections.EventElectionCertified, l.certifiedIDs[0])
	}
	rep.add(CheckLogOrder, true, "%s", detail)
}

// ids lists entry ids for a detail: "9, 19", or "none".
func ids(list []int64) string {
	s := make([]string, len(list))
	for i, id := range list {
		s[i] = strconv.FormatInt(id, 10)
	}
	return names(s)
}

// seatsAtCount returns the seat keys of contest as of the authoritative election.counted:
// those of the last contest.changed of the contest before it, else election.created's; and
// the entry they come from. msg says why they cannot be known.
func (l *auditLog) seatsAtCount(contest int64) (seats []string, from string, msg string) {
	if l.created == nil {
		return nil, "", fmt.Sprintf("the audit log has no readable %s entry", elections.EventElectionCreated)
	}
	for _, c := range l.created.Contests {
		if c.Contest == contest {
			seats, from = c.Seats, fmt.Sprintf("%s (entry %d)", elections.EventElectionCreated, l.createdID)
		}
	}
	if from == "" {
		return nil, "", fmt.Sprintf("%s (entry %d) has no contest %d", elections.EventElectionCreated, l.createdID, contest)
	}
	for _, c := range l.changes {
		if c.Contest != contest || (l.countedID != 0 && c.ID > l.countedID) {
			continue
		}
		if c.Seats == nil {
			return nil, "", fmt.Sprintf("%s (entry %d) of contest %d does not record the contest's seats",
				elections.EventContestChanged, c.ID, contest)
		}
		seats, from = *c.Seats, fmt.Sprintf("%s (entry %d)", elections.EventContestChanged, c.ID)
	}
	return seats, from, ""
}

// checkCountInputs checks count.json's inputs against what the log recorded before the
// count: the method, points budget, affiliation cap and affiliations of round.opened; the
// seats of round.opened for a runoff, else the contest's seats as of the count
// (contest.changed, else election.created); the seats already held against the cap, for a
// cap of scope contest, from the recount of the earlier rounds.
func (b *Bundle) checkCountInputs(log *auditLog, r *bundleRound) (bool, string) {
	o, ob, oid, msg := log.openedBallot(r)
	if msg != "" {
		return false, msg
	}
	where := fmt.Sprintf("%s (entry %d)", elections.EventRoundOpened, oid)
	c := &r.count
	if c.Void {
		if !optionsEmpty(c.CountOptions) {
			return false, "count.json says void, yet holds the options of a count"
		}
		return true, "void: not counted, no count inputs"
	}
	switch {
	case c.Method != ob.Method:
		return false, fmt.Sprintf("count.json counts by %s, %s opened the ballot for %s", c.Method, where, ob.Method)
	case c.Points != ob.Points:
		return false, fmt.Sprintf("count.json has a points budget of %d, %s %d", c.Points, where, ob.Points)
	case c.AffiliationCap != ob.AffiliationCap:
		return false, fmt.Sprintf("count.json has affiliation cap %d, %s recorded the charter's cap %d", c.AffiliationCap, where,
			ob.AffiliationCap)
	}
	if c.AffiliationCap > 0 {
		for _, name := range slices.Sorted(maps.Keys(unionKeys(c.Affiliations, ob.Affiliations))) {
			if got, want := c.Affiliations[name], ob.Affiliations[name]; got != want {
				return false, fmt.Sprintf("count.json gives %s the affiliation %q, %s recorded %q", name, got, where, want)
			}
		}
	} else if len(c.Affiliations) > 0 || len(c.AffiliationHeld) > 0 {
		return false, "count.json has affiliations, but no affiliation cap"
	}
	seatsFrom := where
	if o.Runoff {
		if c.Seats != ob.Seats {
			return false, fmt.Sprintf("count.json counts the runoff for %d seat(s), %s opened it for %d", c.Seats, where, ob.Seats)
		}
	} else {
		seats, from, msg := log.seatsAtCount(r.contest)
		if msg != "" {
			return false, msg
		}
		if c.Seats != len(seats) {
			return false, fmt.Sprintf("count.json counts %d seat(s), the contest has %d at the count (%s: %s)", c.Seats, len(seats),
				from, names(seats))
		}
		seatsFrom = from
	}
	note := ""
	if c.AffiliationCap > 0 {
		switch {
		case ob.AffiliationScope != string(elections.CapContest):
			note = "; the seats held against the cap (scope " + orDash(ob.AffiliationScope) + ") are checked against " +
				elections.EventElectionCounted + " only"
		case r.keptErr != "":
			return false, r.keptErr
		default:
			want := map[string]int{}
			for _, w := range r.kept {
				if a := r.keptAffiliations[w]; a != "" {
					want[a]++
				}
			}
			for _, a := range slices.Sorted(maps.Keys(unionKeys(c.AffiliationHeld, want))) {
				if c.AffiliationHeld[a] != want[a] {
					return false, fmt.Sprintf("count.json counts %d seat(s) of %s as held against the cap of scope contest, the "+
						"winners kept from the earlier rounds hold %d", c.AffiliationHeld[a], a, want[a])
				}
			}
		}
	}
	return true, fmt.Sprintf("method %s, %d seat(s) (%s), points %d, affiliation cap %d and the candidates' affiliations are "+
		"those %s recorded%s", c.Method, c.Seats, seatsFrom, c.Points, c.AffiliationCap, where, note)
}

// optionsEmpty reports whether o holds no count option.
func optionsEmpty(o elections.CountOptions) bool {
	return o.Method == "" && o.Seats == 0 && o.Seed == "" && o.Points == 0 && len(o.TermLabels) == 0 &&
		o.AffiliationCap == 0 && len(o.AffiliationHeld) == 0 && len(o.Affiliations) == 0
}

// unionKeys returns the keys of a and b.
func unionKeys[V any](a, b map[string]V) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// checkCountedReceipts checks which ballots ballots.json counts: the digest of the counted
// ballots' receipts (elections.CountedReceiptsDigest) against the one round.closed recorded.
func checkCountedReceipts(log *auditLog, r *bundleRound) (bool, string) {
	if log.err != "" {
		return false, "the audit entries cannot be read: " + log.err
	}
	c, cid := log.closed(r.count.RoundID)
	if c == nil {
		return false, fmt.Sprintf("the audit log has no readable %s entry of round id %d", elections.EventRoundClosed, r.count.RoundID)
	}
	where := fmt.Sprintf("%s (entry %d)", elections.EventRoundClosed, cid)
	var recorded *string
	for _, v := range c.Ballots {
		if v.Contest == r.contest {
			recorded = v.CountedReceipts
		}
	}
	if recorded == nil {
		return false, fmt.Sprintf("%s records no counted_receipts_sha256 of contest %d", where, r.contest)
	}
	var receipts []string
	for i := range r.ballots.Ballots {
		if !r.ballots.Ballots[i].Superseded {
			receipts = append(receipts, r.ballots.Ballots[i].Receipt)
		}
	}
	got := elections.CountedReceiptsDigest(receipts)
	if got != *recorded {
		return false, fmt.Sprintf("the %d counted ballot(s) of ballots.json have receipts digest %s, %s recorded %s: other "+
			"ballots are counted than those the round closed with", len(receipts), got, where, *recorded)
	}
	return true, fmt.Sprintf("the %d counted ballot(s) are those %s recorded (receipts digest %s)", len(receipts), where, got)
}
