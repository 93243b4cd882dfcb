package bundle

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally/report"
)

// bundleRound is one round directory of a contest, as read.
type bundleRound struct {
	contest int64
	number  int
	dir     string
	count   countJSON
	// countErr says why count.json could not be read.
	countErr error
	// ballots are ballots.json read back; ballotsErr why they could not be.
	ballots    *elections.PublishedBallots
	ballotsErr error
	// recounted is the recount of the round (recounted by b.recounted, once), or why it
	// fails.
	recounted   *report.Report
	recountErr  error
	recountDone bool
	// kept are the winners of the earlier rounds of the contest that keep their places in
	// this round (a runoff), by ballot name, with their affiliations; keptErr says why they
	// cannot be known. Set by replay.
	kept             []string
	keptAffiliations map[string]string
	keptErr          string
}

// where names the round in details: "contest 3 round 1".
func (r *bundleRound) where() string { return fmt.Sprintf("contest %d round %d", r.contest, r.number) }

var (
	resultPath = regexp.MustCompile(`^contests/([1-9][0-9]{0,18})/result\.json$`)
	roundPath  = regexp.MustCompile(`^contests/([1-9][0-9]{0,18})/round-([1-9][0-9]{0,8})/[^/]+$`)
)

// contests returns the contest ids of the bundle (those with a result.json) and the rounds
// of every contest (every round directory, with or without count.json), in numeric order.
func (b *Bundle) contests() ([]int64, map[int64][]*bundleRound) {
	var ids []int64
	rounds := map[int64][]*bundleRound{}
	seen := map[[2]int64]bool{}
	for p := range b.files {
		if m := resultPath.FindStringSubmatch(p); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			ids = append(ids, id)
		}
		m := roundPath.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		n, _ := strconv.Atoi(m[2])
		if seen[[2]int64{id, int64(n)}] {
			continue
		}
		seen[[2]int64{id, int64(n)}] = true
		r := &bundleRound{contest: id, number: n, dir: fmt.Sprintf("contests/%d/round-%d/", id, n)}
		r.countErr = b.readJSON(r.dir+"count.json", &r.count)
		if data, ok := b.files[r.dir+"ballots.json"]; !ok {
			r.ballotsErr = fmt.Errorf("%sballots.json is missing", r.dir)
		} else if r.ballots, r.ballotsErr = ReadBallotsJSON(bytes.NewReader(data)); r.ballotsErr != nil {
			r.ballotsErr = fmt.Errorf("%sballots.json: %v", r.dir, r.ballotsErr)
		}
		rounds[id] = append(rounds[id], r)
	}
	slices.Sort(ids)
	for _, rs := range rounds {
		slices.SortFunc(rs, func(a, b *bundleRound) int { return cmp.Compare(a.number, b.number) })
	}
	return ids, rounds
}

// checkContests adds the election and contests checks and the checks of every contest and
// round.
func (b *Bundle) checkContests(rep *Report, log *auditLog) {
	log.checkOrder(rep)
	b.checkElection(rep, log)
	ids, rounds := b.contests()
	b.checkCoverage(rep, log, ids, rounds)
	for _, id := range ids {
		rp := b.replay(log, rounds[id])
		for _, r := range rounds[id] {
			b.checkRound(rep, log, r)
		}
		b.checkResult(rep, log, id, rounds[id], rp)
	}
}

// checkRound adds the checks of one round.
func (b *Bundle) checkRound(rep *Report, log *auditLog, r *bundleRound) {
	if r.countErr != nil {
		for _, name := range []string{CheckSeed, CheckCount, CheckCountInputs, CheckReceipts, CheckRecount} {
			rep.add(name, false, "%s: %v", r.where(), r.countErr)
		}
		return
	}
	if r.count.Round != r.number {
		rep.add(CheckElection, false, "%scount.json is of round %d", r.dir, r.count.Round)
	}
	ok, detail := b.checkSeed(log, r)
	rep.add(CheckSeed, ok, "%s: %s", r.where(), detail)
	ok, detail = b.checkRoll(log, r)
	rep.add(CheckRoll, ok, "%s: %s", r.where(), detail)
	ok, detail = b.checkCount(log, r)
	rep.add(CheckCount, ok, "%s: %s", r.where(), detail)
	ok, detail = b.checkCountInputs(log, r)
	rep.add(CheckCountInputs, ok, "%s: %s", r.where(), detail)
	if r.ballotsErr != nil {
		for _, name := range []string{CheckCandidates, CheckReceipts, CheckCountedReceipts, CheckTurnout, CheckBallotFiles, CheckRecount} {
			rep.add(name, false, "%s: %v", r.where(), r.ballotsErr)
		}
		return
	}
	ok, detail = checkCandidates(log, r)
	rep.add(CheckCandidates, ok, "%s: %s", r.where(), detail)
	ok, detail = checkReceipts(log, r)
	rep.add(CheckReceipts, ok, "%s: %s", r.where(), detail)
	ok, detail = checkCountedReceipts(log, r)
	rep.add(CheckCountedReceipts, ok, "%s: %s", r.where(), detail)
	ok, detail = b.checkTurnout(log, r)
	rep.add(CheckTurnout, ok, "%s: %s", r.where(), detail)
	ok, detail = b.checkBallotFiles(r)
	rep.add(CheckBallotFiles, ok, "%s: %s", r.where(), detail)
	ok, detail = b.checkRecount(r)
	rep.add(CheckRecount, ok, "%s", detail)
}

// checkSeed checks seed.json against its commitment, count.json and the audit log.
func (b *Bundle) checkSeed(log *auditLog, r *bundleRound) (bool, string) {
	var s seedJSON
	if err := b.readJSON(r.dir+"seed.json", &s); err != nil {
		return false, err.Error()
	}
	seed, err := hex.DecodeString(s.Seed)
	if err != nil {
		return false, fmt.Sprintf("seed.json: seed %q is not hexadecimal", s.Seed)
	}
	sum := sha256.Sum256(seed)
	if got := hex.EncodeToString(sum[:]); got != s.SeedSHA256 {
		return false, fmt.Sprintf("seed %s hashes to %s, not to its commitment %s", s.Seed, got, s.SeedSHA256)
	}
	if !r.count.Void && r.count.Seed != s.Seed { // a void contest is not counted: no seed in count.json
		return false, fmt.Sprintf("count.json counts with seed %s, seed.json has seed %s", r.count.Seed, s.Seed)
	}
	if log.err != "" {
		return false, "the audit entries cannot be read, so the commitment cannot be checked: " + log.err
	}
	opened, oid := log.roundEntry(elections.EventRoundOpened, r.count.RoundID)
	if opened == nil {
		return false, fmt.Sprintf("the audit log has no %s entry of round id %d", elections.EventRoundOpened, r.count.RoundID)
	}
	var commit string
	if json.Unmarshal(opened["seed_sha256"], &commit) != nil || commit == "" {
		json.Unmarshal(opened["seed_commitment"], &commit)
	}
	if commit != s.SeedSHA256 {
		return false, fmt.Sprintf("the commitment %s is not the one published when the round opened (%s, entry %d): %s",
			s.SeedSHA256, elections.EventRoundOpened, oid, commit)
	}
	closed, cid := log.roundEntry(elections.EventRoundClosed, r.count.RoundID)
	if closed == nil {
		return false, fmt.Sprintf("the audit log has no %s entry of round id %d", elections.EventRoundClosed, r.count.RoundID)
	}
	var revealed string
	json.Unmarshal(closed["seed"], &revealed)
	if revealed != s.Seed {
		return false, fmt.Sprintf("seed %s is not the one revealed when the round closed (%s, entry %d): %s",
			s.Seed, elections.EventRoundClosed, cid, revealed)
	}
	return true, fmt.Sprintf("seed %s hashes to the commitment %s published in %s (entry %d) and is the seed revealed in %s (entry %d)",
		s.Seed, s.SeedSHA256, elections.EventRoundOpened, oid, elections.EventRoundClosed, cid)
}

// checkReceipts recomputes every receipt of the round and compares the receipts with the
// ballots.accepted entries of the audit log.
func checkReceipts(log *auditLog, r *bundleRound) (bool, string) {
	pb := r.ballots
	if pb.ContestID != r.contest || pb.RoundID != r.count.RoundID || pb.Round != r.number {
		return false, fmt.Sprintf("ballots.json is of contest %d, round %d (id %d)", pb.ContestID, pb.Round, pb.RoundID)
	}
	have := map[string]int{}
	superseded := 0
	for i := range pb.Ballots {
		bl := &pb.Ballots[i]
		if got := elections.BallotReceipt(r.contest, r.count.RoundID, bl.Content, bl.Nonce); got != bl.Receipt {
			return false, fmt.Sprintf("ballot %s: its choices and nonce give receipt %s: the ballot is not the one cast", bl.Receipt, got)
		}
		sum := sha256.Sum256([]byte(bl.Receipt))
		have[hex.EncodeToString(sum[:])]++
		if bl.Superseded {
			superseded++
		}
	}
	if log.err != "" {
		return false, "the audit entries cannot be read, so the receipts cannot be compared with them: " + log.err
	}
	want, n := log.acceptedReceipts(r.contest, r.count.RoundID)
	missing, missingEx := diff(want, have)
	extra, extraEx := diff(have, want)
	if missing > 0 || extra > 0 {
		msg := fmt.Sprintf("the audit log's %s entries record %d ballot(s), ballots.json has %d: %d missing, %d extra",
			elections.EventBallotsAccepted, n, len(pb.Ballots), missing, extra)
		if missingEx != "" {
			msg += fmt.Sprintf(" (missing: receipt SHA-256 %s)", missingEx)
		}
		if extraEx != "" {
			msg += fmt.Sprintf(" (extra: receipt SHA-256 %s)", extraEx)
		}
		return false, msg
	}
	return true, fmt.Sprintf("the %d receipts (%d counted, %d superseded) match their ballots and the %s entries of the audit log",
		len(pb.Ballots), len(pb.Ballots)-superseded, superseded, elections.EventBallotsAccepted)
}

// diff returns how many of a's items (with multiplicity) b lacks, and the smallest of them.
func diff(a, b map[string]int) (int, string) {
	n, example := 0, ""
	for k, c := range a {
		if d := c - b[k]; d > 0 {
			n += d
			if example == "" || k < example {
				example = k
			}
		}
	}
	return n, example
}

// checkBallotFiles checks that ballots.json is in the canonical form and that ballots.blt
// holds the same ballots.
func (b *Bundle) checkBallotFiles(r *bundleRound) (bool, string) {
	if msg := firstDiff(r.dir+"ballots.json", b.files[r.dir+"ballots.json"], ballotsBytes(r.ballots, WriteBallotsJSON)); msg != "" {
		return false, msg + " (ballots.json is not as govboard writes it)"
	}
	blt, ok := b.files[r.dir+"ballots.blt"]
	switch k := r.ballots.Kind; {
	case k != elections.BallotRanking && k != elections.BallotApproval:
		if ok {
			return false, fmt.Sprintf("ballots.blt is present, but %s ballots do not fit BLT", k)
		}
		return true, "ballots.json is well-formed (no BLT for " + string(k) + " ballots)"
	case !ok:
		return false, "ballots.blt is missing"
	}
	if msg := firstDiff(r.dir+"ballots.blt", blt, ballotsBytes(r.ballots, WriteBallotsBLT)); msg != "" {
		return false, msg + " (ballots.blt does not hold the ballots of ballots.json)"
	}
	return true, "ballots.json is well-formed and ballots.blt holds the same counted ballots"
}

// firstDiff returns "" when got equals want, else the first line where they differ.
func firstDiff(name string, got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range max(len(gl), len(wl)) {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) || i >= len(gl) || i >= len(wl) {
			return fmt.Sprintf("%s line %d is %.120q, expected %.120q", name, i+1, g, w)
		}
	}
	return name + " differs"
}
