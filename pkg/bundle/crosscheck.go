package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/govboard/govboard/elections"
)

// The checks of the bundle's files against the audit log: every file that says what was
// voted on or counted must agree with the entries of the log, whose hashes the chain covers,
// so that a bundle re-signed with the service's key still cannot carry other results. The
// last election.counted entry is authoritative.

// checkElection adds the election check: election.json against the manifest and the log.
func (b *Bundle) checkElection(rep *Report, log *auditLog) {
	var e electionJSON
	if err := b.readJSON(pathElection, &e); err != nil {
		rep.add(CheckElection, false, "%s", err)
		return
	}
	if msg := b.checkElectionLog(&e, log); msg != "" {
		rep.add(CheckElection, false, "%s", msg)
		return
	}
	switch {
	case e.ID != b.manifest.Election:
		rep.add(CheckElection, false, "%s is election %d, %s names election %d", pathElection, e.ID, pathManifest, b.manifest.Election)
	case log.counted == nil:
		rep.add(CheckElection, false, "election %d: the audit log has no readable %s entry of the election: it was not counted",
			e.ID, elections.EventElectionCounted)
	case e.Status == string(elections.StatusCertified) && log.certified == nil:
		rep.add(CheckElection, false, "%s says election %d is certified, but the audit log has no %s entry of it",
			pathElection, e.ID, elections.EventElectionCertified)
	case e.Status != string(elections.StatusCertified) && log.certified != nil:
		rep.add(CheckElection, false, "%s says election %d is %s, but the audit log certifies it (%s, entry %d)",
			pathElection, e.ID, e.Status, elections.EventElectionCertified, log.certifiedID)
	default:
		rep.add(CheckElection, true, "election %d %q (%d), %s, charter version %d: title, year and charter version as %s "+
			"(entry %d) recorded; counted in %s (entry %d); %s is the charter of that version, otherwise informational "+
			"(its rules are not checked against the log)", e.ID, e.Title, e.Year, e.Status, e.CharterVersion,
			elections.EventElectionCreated, log.createdID, elections.EventElectionCounted, log.countedID, pathCharter)
	}
}

// checkElectionLog returns what differs between election.json (and charter.json's version)
// and election.created, or "".
func (b *Bundle) checkElectionLog(e *electionJSON, log *auditLog) string {
	c := log.created
	if c == nil {
		return fmt.Sprintf("the audit log has no readable %s entry of election %d", elections.EventElectionCreated, e.ID)
	}
	where := fmt.Sprintf("%s (entry %d)", elections.EventElectionCreated, log.createdID)
	switch {
	case e.Title != c.Title:
		return fmt.Sprintf("%s has the title %q, %s %q", pathElection, e.Title, where, c.Title)
	case e.Year != c.Year:
		return fmt.Sprintf("%s has the year %d, %s %d", pathElection, e.Year, where, c.Year)
	case e.CharterVersion != c.CharterVersion:
		return fmt.Sprintf("%s has charter version %d, %s %d", pathElection, e.CharterVersion, where, c.CharterVersion)
	}
	var charter struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b.files[pathCharter], &charter); err != nil || charter.Version == nil {
		return fmt.Sprintf("%s has no version (the charter cannot be told from another)", pathCharter)
	}
	if *charter.Version != c.CharterVersion {
		return fmt.Sprintf("%s is charter version %d, %s recorded charter version %d", pathCharter, *charter.Version, where,
			c.CharterVersion)
	}
	return ""
}

// checkCoverage adds the contests check: the bundle holds every contest of the election as
// election.created recorded it and no other, every round directory has its count.json, and
// every round that the log counted or took ballots in is in the bundle.
func (b *Bundle) checkCoverage(rep *Report, log *auditLog, ids []int64, rounds map[int64][]*bundleRound) {
	fail := func(format string, args ...any) { rep.add(CheckContests, false, format, args...) }
	if log.created == nil {
		fail("the audit log has no readable %s entry of election %d", elections.EventElectionCreated, b.manifest.Election)
		return
	}
	created := map[int64]bool{}
	for _, c := range log.created.Contests {
		created[c.Contest] = true
		if !slices.Contains(ids, c.Contest) {
			fail("contest %d of %s is not in the bundle (no contests/%d/result.json)", c.Contest, elections.EventElectionCreated, c.Contest)
			return
		}
	}
	for _, id := range ids {
		if !created[id] {
			fail("contest %d is in the bundle, but not in %s", id, elections.EventElectionCreated)
			return
		}
	}
	have := map[[2]int64]bool{}
	for _, id := range slices.Sorted(maps.Keys(rounds)) {
		for _, r := range rounds[id] {
			if !created[id] {
				fail("%s is a round of contest %d, which is not in %s", r.dir, id, elections.EventElectionCreated)
				return
			}
			if _, ok := b.files[r.dir+"count.json"]; !ok {
				fail("%s has no count.json: the round cannot be checked", r.dir)
				return
			}
			have[[2]int64{id, r.count.RoundID}] = true
		}
	}
	if log.counted != nil {
		for _, cr := range log.counted.Rounds {
			if cr.Round != 0 && !have[[2]int64{cr.Contest, cr.Round}] {
				fail("%s (entry %d) counts contest %d in round id %d, which the bundle does not have",
					elections.EventElectionCounted, log.countedID, cr.Contest, cr.Round)
				return
			}
		}
	}
	for _, k := range log.acceptedRounds() {
		if !have[k] {
			_, n := log.acceptedReceipts(k[0], k[1])
			fail("the audit log records %d ballot(s) accepted in contest %d, round id %d, which the bundle does not have",
				n, k[0], k[1])
			return
		}
	}
	rep.add(CheckContests, true, "the bundle holds the %d contests of %s and every round that the log counted or took ballots in",
		len(ids), elections.EventElectionCreated)
}

// openedBallot returns the ballot of r's contest in the round.opened entry of r's round.
func (l *auditLog) openedBallot(r *bundleRound) (*openedPayload, *openedBallot, int64, string) {
	if l.err != "" {
		return nil, nil, 0, "the audit entries cannot be read: " + l.err
	}
	o, oid := l.opened(r.count.RoundID)
	if o == nil {
		return nil, nil, 0, fmt.Sprintf("the audit log has no readable %s entry of round id %d", elections.EventRoundOpened, r.count.RoundID)
	}
	for i := range o.Ballots {
		if o.Ballots[i].Contest == r.contest {
			return o, &o.Ballots[i], oid, ""
		}
	}
	return nil, nil, 0, fmt.Sprintf("%s (entry %d) has no ballot of contest %d", elections.EventRoundOpened, oid, r.contest)
}

// changedAfter reports whether the log has a contest.changed entry of contest after entry id.
func (l *auditLog) changedAfter(contest, id int64) bool {
	for i := range l.entries {
		e := &l.entries[i]
		if e.ID <= id || e.Kind != elections.EventContestChanged {
			continue
		}
		var p struct {
			Contest int64 `json:"contest"`
		}
		if json.Unmarshal(e.Payload, &p) == nil && p.Contest == contest {
			return true
		}
	}
	return false
}

// checkCandidates checks the head of ballots.json (candidates in ballot order, method, kind,
// seats, runoff) against the ballot that round.opened published.
func checkCandidates(log *auditLog, r *bundleRound) (bool, string) {
	o, ob, oid, msg := log.openedBallot(r)
	if msg != "" {
		return false, msg
	}
	pb := r.ballots
	where := fmt.Sprintf("%s (entry %d)", elections.EventRoundOpened, oid)
	for i := range max(len(pb.Candidates), len(ob.Candidates)) {
		var got, want string
		if i < len(pb.Candidates) {
			got = pb.Candidates[i]
		}
		if i < len(ob.Candidates) {
			want = ob.Candidates[i]
		}
		if got != want || i >= len(pb.Candidates) || i >= len(ob.Candidates) {
			return false, fmt.Sprintf("candidate %d of ballots.json is %q, of the ballot that %s published %q "+
				"(ballots.json: %s; %s: %s)", i+1, got, where, want, names(pb.Candidates), elections.EventRoundOpened, names(ob.Candidates))
		}
	}
	switch {
	case pb.Method != ob.Method:
		return false, fmt.Sprintf("ballots.json is counted by %s, %s published %s", pb.Method, where, ob.Method)
	case string(pb.Kind) != ob.Kind:
		return false, fmt.Sprintf("ballots.json holds %s ballots, %s published %s ballots", pb.Kind, where, ob.Kind)
	case pb.Runoff != o.Runoff || r.count.Runoff != o.Runoff:
		return false, fmt.Sprintf("ballots.json says runoff %t and count.json %t, %s says %t", pb.Runoff, r.count.Runoff, where, o.Runoff)
	}
	if title, ok := log.ballotTitle(r.contest); ok && pb.Title != title {
		return false, fmt.Sprintf("ballots.json is titled %q, the election and contest that %s (entry %d) created are %q",
			pb.Title, elections.EventElectionCreated, log.createdID, title)
	}
	note := ""
	if pb.Seats != ob.Seats {
		if pb.Runoff || !log.changedAfter(r.contest, oid) {
			return false, fmt.Sprintf("ballots.json is for %d seat(s), %s published %d", pb.Seats, where, ob.Seats)
		}
		note = fmt.Sprintf(" (the ballot was opened for %d seat(s); the contest changed since, and ballots.json has %d)", ob.Seats, pb.Seats)
	}
	return true, fmt.Sprintf("the %d candidates, method %s, %s ballots, %d seat(s) are those %s published%s",
		len(pb.Candidates), pb.Method, pb.Kind, ob.Seats, where, note)
}

// ballotTitle returns the title of contest's ballots, "<election title>: <contest name>", as
// election.created recorded them.
func (l *auditLog) ballotTitle(contest int64) (string, bool) {
	if l.created == nil {
		return "", false
	}
	for _, c := range l.created.Contests {
		if c.Contest == contest {
			return l.created.Title + ": " + c.Name, true
		}
	}
	return "", false
}

// checkRoll checks roll.json against the roll that round.opened recorded.
func (b *Bundle) checkRoll(log *auditLog, r *bundleRound) (bool, string) {
	var roll rollJSON
	if err := b.readJSON(r.dir+"roll.json", &roll); err != nil {
		return false, err.Error()
	}
	_, ob, oid, msg := log.openedBallot(r)
	if msg != "" {
		return false, msg
	}
	if roll.Fingerprint == ob.RollFingerprint && roll.Size == ob.RollSize {
		return true, fmt.Sprintf("roll.json is the roll of %d member(s), fingerprint %s, that %s (entry %d) recorded",
			roll.Size, roll.Fingerprint, elections.EventRoundOpened, oid)
	}
	diff := fmt.Sprintf("roll.json has fingerprint %s and size %d, %s (entry %d) recorded %s and %d",
		roll.Fingerprint, roll.Size, elections.EventRoundOpened, oid, ob.RollFingerprint, ob.RollSize)
	if n := log.recordsAfter(b.manifest.Election, elections.EventRollEntryAdded, oid); n > 0 {
		return true, fmt.Sprintf("%s: the roll changed after the opening (%d %s record(s) since, whose payloads the bundle withholds)",
			diff, n, elections.EventRollEntryAdded)
	}
	return false, diff
}

// checkTurnout checks the numbers of counted and superseded ballots against round.closed and
// election.counted.
func (b *Bundle) checkTurnout(log *auditLog, r *bundleRound) (bool, string) {
	if log.err != "" {
		return false, "the audit entries cannot be read: " + log.err
	}
	counted := countedBallots(r.ballots)
	superseded := len(r.ballots.Ballots) - counted
	c, cid := log.closed(r.count.RoundID)
	if c == nil {
		return false, fmt.Sprintf("the audit log has no readable %s entry of round id %d", elections.EventRoundClosed, r.count.RoundID)
	}
	voters := -1
	for _, v := range c.Ballots {
		if v.Contest == r.contest {
			voters = v.Voters
		}
	}
	switch {
	case voters < 0:
		return false, fmt.Sprintf("%s (entry %d) records no voters of contest %d", elections.EventRoundClosed, cid, r.contest)
	case counted != voters:
		return false, fmt.Sprintf("ballots.json has %d counted ballot(s), %s (entry %d) records %d voter(s)",
			counted, elections.EventRoundClosed, cid, voters)
	}
	_, ob, oid, msg := log.openedBallot(r)
	if msg != "" {
		return false, msg
	}
	added := log.recordsAfter(b.manifest.Election, elections.EventRollEntryAdded, oid)
	if counted > ob.RollSize+added {
		return false, fmt.Sprintf("ballots.json has %d counted ballot(s), more than the %d member(s) on the roll that %s (entry %d) "+
			"recorded and the %d %s record(s) after it", counted, ob.RollSize, elections.EventRoundOpened, oid, added,
			elections.EventRollEntryAdded)
	}
	cr := log.countedRound(r.contest, r.count.RoundID)
	if cr == nil {
		return false, fmt.Sprintf("%s (entry %d) has no count of contest %d in round id %d", elections.EventElectionCounted,
			log.countedID, r.contest, r.count.RoundID)
	}
	if cr.Ballots != counted || cr.Superseded != superseded || cr.Voters != voters {
		return false, fmt.Sprintf("ballots.json has %d counted and %d superseded ballot(s), %s (entry %d) counted %d and %d "+
			"of %d voter(s)", counted, superseded, elections.EventElectionCounted, log.countedID, cr.Ballots, cr.Superseded, cr.Voters)
	}
	return true, fmt.Sprintf("%d counted ballot(s) from the %d voter(s) of %s (entry %d), %d superseded, as %s (entry %d) counted; "+
		"no more than the %d on the roll (and %d added since the opening)", counted, voters, elections.EventRoundClosed, cid,
		superseded, elections.EventElectionCounted, log.countedID, ob.RollSize, added)
}

// checkCount checks count.json and report.json against the count that election.counted
// recorded: the same options, void the same, report.json of the recorded SHA-256.
func (b *Bundle) checkCount(log *auditLog, r *bundleRound) (bool, string) {
	if log.counted == nil {
		return false, fmt.Sprintf("the audit log has no readable %s entry", elections.EventElectionCounted)
	}
	cr := log.countedRound(r.contest, r.count.RoundID)
	where := fmt.Sprintf("%s (entry %d)", elections.EventElectionCounted, log.countedID)
	if cr == nil {
		return false, fmt.Sprintf("%s has no count of contest %d in round id %d", where, r.contest, r.count.RoundID)
	}
	if r.count.Void != cr.Void || r.count.VoidReason != cr.VoidReason {
		return false, fmt.Sprintf("count.json says void %t (%q), %s says void %t (%q)", r.count.Void, r.count.VoidReason,
			where, cr.Void, cr.VoidReason)
	}
	var want elections.CountOptions
	if cr.Count != nil {
		want = *cr.Count
	}
	if field, got, exp := optionsDiff(r.count.CountOptions, want); field != "" {
		return false, fmt.Sprintf("count.json has %s %s, %s counted with %s %s", field, got, where, field, exp)
	}
	stored, has := b.files[r.dir+"report.json"]
	sum := sha256.Sum256(stored)
	got := hex.EncodeToString(sum[:])
	switch {
	case cr.ReportSHA256 == "" && has:
		return false, fmt.Sprintf("report.json is present, but %s recorded no report", where)
	case cr.ReportSHA256 != "" && !has:
		return false, fmt.Sprintf("report.json is missing; %s recorded a report of SHA-256 %s", where, cr.ReportSHA256)
	case has && got != cr.ReportSHA256:
		return false, fmt.Sprintf("report.json has SHA-256 %s, %s recorded the report's SHA-256 %s", got, where, cr.ReportSHA256)
	case cr.Void:
		return true, fmt.Sprintf("void (%s), as %s recorded", cr.VoidReason, where)
	}
	return true, fmt.Sprintf("count.json has the options of the count that %s recorded (%s, %d seat(s)), and report.json its SHA-256 %s",
		where, want.Method, want.Seats, cr.ReportSHA256)
}

// optionsDiff returns the first field (by JSON name) where got and want differ, with both
// values as JSON, or "".
func optionsDiff(got, want elections.CountOptions) (string, string, string) {
	g, w := fieldsJSON(got), fieldsJSON(want)
	keys := slices.Sorted(maps.Keys(g))
	for k := range w {
		if _, ok := g[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if !bytes.Equal(g[k], w[k]) {
			return k, orAbsent(g[k]), orAbsent(w[k])
		}
	}
	return "", "", ""
}

// fieldsJSON returns the JSON fields of o, each value in canonical JSON.
func fieldsJSON(o elections.CountOptions) map[string][]byte {
	raw, _ := json.Marshal(o)
	var m map[string]json.RawMessage
	json.Unmarshal(raw, &m)
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		var x any
		json.Unmarshal(v, &x)
		out[k], _ = json.Marshal(x) // maps with sorted keys
	}
	return out
}

func orAbsent(v []byte) string {
	if v == nil {
		return "(none)"
	}
	return string(v)
}

// checkResult checks result.json against the rounds of the contest and against the log: the
// final result of election.counted, the count of its round and the seats of
// election.certified.
func (b *Bundle) checkResult(rep *Report, log *auditLog, id int64, rounds []*bundleRound, rp *replayed) {
	var res resultJSON
	if err := b.readJSON(fmt.Sprintf("contests/%d/result.json", id), &res); err != nil {
		rep.add(CheckResult, false, "contest %d: %v", id, err)
		return
	}
	fail := func(format string, args ...any) {
		rep.add(CheckResult, false, "contest %d: %s", id, fmt.Sprintf(format, args...))
	}
	if res.ContestID != id {
		fail("result.json is of contest %d", res.ContestID)
		return
	}
	if len(rounds) > 0 {
		last := rounds[len(rounds)-1]
		switch {
		case last.countErr != nil || last.ballotsErr != nil:
			fail("the last round cannot be read")
			return
		case res.RoundID != last.count.RoundID:
			fail("result.json is the result of round id %d, the last round of the bundle is %d", res.RoundID, last.count.RoundID)
			return
		case res.Void != last.count.Void:
			fail("result.json says void %t, count.json of round %d says %t", res.Void, last.number, last.count.Void)
			return
		case res.Ballots != countedBallots(last.ballots) || res.Superseded != len(last.ballots.Ballots)-countedBallots(last.ballots):
			fail("result.json counts %d ballots and %d superseded, ballots.json of round %d has %d and %d", res.Ballots, res.Superseded,
				last.number, countedBallots(last.ballots), len(last.ballots.Ballots)-countedBallots(last.ballots))
			return
		}
	} else if res.RoundID != 0 {
		fail("result.json names round id %d, but the bundle has no round of the contest", res.RoundID)
		return
	}
	for _, msg := range []func() string{
		func() string { return log.checkContestNames(&res) },
		func() string { return checkReplayed(log, &res, rounds, rp) },
		func() string { return log.checkSeatKeys(&res) },
		func() string { return log.checkResult(&res) },
	} {
		if m := msg(); m != "" {
			fail("%s", m)
			return
		}
	}
	switch {
	case res.Void:
		rep.add(CheckResult, true, "contest %d (%s): void (%s); %d ballot(s) of %d on the roll, as the log records", id, res.Name,
			res.VoidReason, res.Ballots, res.RollSize)
	case len(rounds) == 0:
		rep.add(CheckResult, true, "contest %d (%s): %s without a vote, elected %s, as the log records", id, res.Name, res.Outcome,
			winners(res.Elected))
	default:
		rep.add(CheckResult, true, "contest %d (%s): elected %s, vacant %s, as the recount of its round(s) places them and the "+
			"log records, seats and terms included; %d ballot(s) of %d on the roll", id, res.Name, winners(res.Elected),
			names(res.VacantSeats), res.Ballots, res.RollSize)
	}
}

// checkResult returns what in res differs from the log, or "".
func (l *auditLog) checkResult(res *resultJSON) string {
	if l.counted == nil {
		return fmt.Sprintf("the audit log has no readable %s entry", elections.EventElectionCounted)
	}
	where := fmt.Sprintf("%s (entry %d)", elections.EventElectionCounted, l.countedID)
	var fr *countedResult
	for i := range l.counted.Results {
		if l.counted.Results[i].Contest == res.ContestID {
			fr = &l.counted.Results[i]
		}
	}
	if fr == nil {
		return fmt.Sprintf("%s has no result of the contest", where)
	}
	elected := make([]string, len(res.Elected))
	seats := make([]string, len(res.Elected))
	for i, w := range res.Elected {
		elected[i], seats[i] = w.Name, w.Seat
	}
	switch {
	case res.RoundID != fr.Round:
		return fmt.Sprintf("result.json is the result of round id %d, %s of round id %d", res.RoundID, where, fr.Round)
	case res.Outcome != fr.Outcome:
		return fmt.Sprintf("result.json has outcome %s, %s %s", res.Outcome, where, fr.Outcome)
	case res.Void != fr.Void:
		return fmt.Sprintf("result.json says void %t, %s %t", res.Void, where, fr.Void)
	case (res.Runoff != nil) != fr.Runoff:
		return fmt.Sprintf("result.json says runoff pending %t, %s %t", res.Runoff != nil, where, fr.Runoff)
	case !slices.Equal(elected, fr.Elected):
		return fmt.Sprintf("result.json elects %s, %s elected %s", names(elected), where, names(fr.Elected))
	case !slices.Equal(res.VacantSeats, fr.VacantSeats):
		return fmt.Sprintf("result.json leaves vacant %s, %s %s", names(res.VacantSeats), where, names(fr.VacantSeats))
	}
	if msg := l.checkWinners(res, fr, where); msg != "" {
		return msg
	}
	cr := l.countedRound(res.ContestID, res.RoundID)
	switch {
	case cr == nil:
		return fmt.Sprintf("%s has no count of round id %d", where, res.RoundID)
	case !slices.Equal(elected, cr.Elected) || !slices.Equal(res.VacantSeats, cr.VacantSeats):
		return fmt.Sprintf("result.json elects %s and leaves vacant %s, the count of round id %d in %s %s and %s",
			names(elected), names(res.VacantSeats), res.RoundID, where, names(cr.Elected), names(cr.VacantSeats))
	case res.Voters != cr.Voters || res.Ballots != cr.Ballots || res.Superseded != cr.Superseded || res.RollSize != cr.RollSize:
		return fmt.Sprintf("result.json has %d voter(s), %d ballot(s), %d superseded of a roll of %d; %s %d, %d, %d of %d",
			res.Voters, res.Ballots, res.Superseded, res.RollSize, where, cr.Voters, cr.Ballots, cr.Superseded, cr.RollSize)
	case res.VoidReason != cr.VoidReason:
		return fmt.Sprintf("result.json says void because %q, %s %q", res.VoidReason, where, cr.VoidReason)
	}
	if l.certified == nil {
		return ""
	}
	// The contest's seats as of the count each end up either as a term or vacant in
	// election.certified: as result.json says, held by its winner.
	contestSeats, _, msg := l.seatsAtCount(res.ContestID)
	if msg != "" {
		return msg
	}
	cwhere := fmt.Sprintf("%s (entry %d)", elections.EventElectionCertified, l.certifiedID)
	holders := map[string][]string{}
	terms := map[string]*certifiedTerm{}
	for i := range l.certified.Terms {
		t := &l.certified.Terms[i]
		holders[t.Seat], terms[t.Seat] = append(holders[t.Seat], t.Holder), t
	}
	for _, w := range res.Elected {
		t := terms[w.Seat]
		switch h := holders[w.Seat]; {
		case len(h) == 0:
			return fmt.Sprintf("result.json seats %s on %s, but %s records no term on it", w.Name, w.Seat, cwhere)
		case len(h) > 1:
			return fmt.Sprintf("%s records %d terms on %s (%s)", cwhere, len(h), w.Seat, names(h))
		case t.Candidate == nil || t.Name == nil:
			// The holder is the member (an organisation, for its representative): only the
			// candidate says which winner the term seats.
			return fmt.Sprintf("%s records a term on %s (held by %s) without the candidate it seats", cwhere, w.Seat, t.Holder)
		case *t.Candidate != w.Candidate || *t.Name != w.Name:
			return fmt.Sprintf("result.json seats %s (candidate %d) on %s, but %s seats candidate %d (%s) on it", w.Name,
				w.Candidate, w.Seat, cwhere, *t.Candidate, *t.Name)
		}
	}
	for _, s := range res.VacantSeats {
		if !slices.Contains(l.certified.VacantSeats, s) {
			return fmt.Sprintf("result.json leaves %s vacant, but %s does not", s, cwhere)
		}
	}
	for _, s := range contestSeats {
		if len(holders[s]) > 0 && !slices.Contains(seats, s) {
			return fmt.Sprintf("%s records a term on %s (held by %s), which result.json seats nobody on", cwhere, s, names(holders[s]))
		}
		if slices.Contains(l.certified.VacantSeats, s) && !slices.Contains(res.VacantSeats, s) {
			return fmt.Sprintf("%s leaves %s vacant, result.json does not", cwhere, s)
		}
	}
	return ""
}

// checkSeatKeys returns what is wrong with the seats of res against the contest's seats as
// of the count, or "": each winner's seat and each vacant seat is one of them, none twice,
// and, unless a runoff is pending, all of them are.
func (l *auditLog) checkSeatKeys(res *resultJSON) string {
	seats, from, msg := l.seatsAtCount(res.ContestID)
	if msg != "" {
		return msg
	}
	var used []string
	for _, w := range res.Elected {
		used = append(used, w.Seat)
	}
	used = append(used, res.VacantSeats...)
	seen := map[string]bool{}
	for _, s := range used {
		switch {
		case !slices.Contains(seats, s):
			return fmt.Sprintf("result.json seats a winner on, or leaves vacant, %s, which is not a seat of the contest at the "+
				"count (%s: %s)", s, from, names(seats))
		case seen[s]:
			return fmt.Sprintf("result.json uses seat %s twice", s)
		}
		seen[s] = true
	}
	if res.Runoff == nil && len(used) != len(seats) {
		return fmt.Sprintf("result.json seats winners on or leaves vacant %d seat(s), the contest has %d at the count (%s: %s)",
			len(used), len(seats), from, names(seats))
	}
	return ""
}
