package bundle

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally/report"
)

// The result of a contest replayed from the recounts of its rounds, as the service places
// the winners (elections/count_service.go: first and runoff): the first round's winners take
// the places in order (the places being the contest's seats in the order of count.json's
// term labels); a runoff frees the places of its candidates, keeps the other winners in
// theirs, and fills the freed places in order with its own winners. result.json must elect
// exactly the replay's winners, in place order, but those a pending runoff still decides.

// replayed is a contest's result as replayed from the recounts.
type replayed struct {
	// places are the winners by place, "" for a vacant place; nil when the first round is
	// void.
	places []string
	// need is the runoff that the last round's recount would ask for (nil when its seed
	// decided no seat).
	need *runoffNames
	// err says why the result cannot be replayed ("" when it can).
	err string
}

// runoffNames is the runoff a count asks for, by ballot name (elections.runoffNeed): the
// candidates of every tie that the seed broke between an elected and a not elected
// candidate, the seats the seed gave them, and the ties described as the service does.
type runoffNames struct {
	names []string
	seats int
	tie   string
}

// needOf returns the runoff that the count rep asks for, or nil.
func needOf(rep *report.Report) *runoffNames {
	elected := map[string]bool{}
	for _, n := range rep.Elected {
		elected[n] = true
	}
	tied := map[string]bool{}
	var ties []string
	for _, t := range rep.Ties {
		in := slices.ContainsFunc(t.Tied, func(n string) bool { return elected[n] })
		out := slices.ContainsFunc(t.Tied, func(n string) bool { return !elected[n] })
		if t.Rule != "seed" || !in || !out {
			continue
		}
		for _, n := range t.Tied {
			tied[n] = true
		}
		ties = append(ties, fmt.Sprintf("round %d: %s tied; the seed chose %s (%s)", t.Round, strings.Join(t.Tied, ", "),
			t.Chosen, t.Purpose))
	}
	if len(tied) == 0 {
		return nil
	}
	need := &runoffNames{tie: strings.Join(ties, "; ")}
	for _, n := range slices.Sorted(maps.Keys(tied)) {
		need.names = append(need.names, n)
		if elected[n] {
			need.seats++
		}
	}
	return need
}

// replay replays the contest of rounds from their recounts, and sets each round's kept
// winners (for the affiliation cap of scope contest).
func (b *Bundle) replay(log *auditLog, rounds []*bundleRound) *replayed {
	rp := &replayed{}
	var affiliations map[string]string
	var prev *report.Report
	for i, r := range rounds {
		if rp.err != "" {
			r.keptErr = "the winners kept from the earlier rounds cannot be known: " + rp.err
			continue
		}
		if r.countErr != nil || r.ballotsErr != nil {
			rp.err = fmt.Sprintf("%s cannot be read", r.where())
			r.keptErr = rp.err
			continue
		}
		if i == 0 {
			if _, ob, _, msg := log.openedBallot(r); msg == "" {
				affiliations = ob.Affiliations
			}
		}
		r.keptAffiliations = affiliations
		switch {
		case i == 0 && r.count.Runoff:
			rp.err = fmt.Sprintf("the first round of the contest, %s, is a runoff", r.where())
			continue
		case i > 0 && !r.count.Runoff:
			rp.err = fmt.Sprintf("%s follows a count, but is not a runoff", r.where())
			continue
		case r.count.Void && i > 0:
			rp.err = fmt.Sprintf("%s is a void runoff", r.where())
			continue
		case r.count.Void:
			continue
		}
		rec, err := b.recounted(r)
		if err != nil {
			rp.err = fmt.Sprintf("%s: %v", r.where(), err)
			continue
		}
		if i == 0 {
			rp.places = make([]string, r.count.Seats)
			for k, w := range rec.Elected {
				if k < len(rp.places) {
					rp.places[k] = w
				}
			}
			prev = rec
			continue
		}
		// A runoff is for the tie of the count before it, and frees its candidates' places.
		need := needOf(prev)
		cands := slices.Sorted(slices.Values(r.ballots.Candidates))
		if need == nil || !slices.Equal(need.names, cands) || need.seats != r.count.Seats {
			want := "no tie that the seed broke"
			if need != nil {
				want = fmt.Sprintf("%s for %d seat(s)", names(need.names), need.seats)
			}
			rp.err = fmt.Sprintf("%s is a runoff of %s for %d seat(s), but the recount of the round before it asks for %s",
				r.where(), names(cands), r.count.Seats, want)
			r.keptErr = rp.err
			continue
		}
		var open []int
		r.kept = nil
		for k, w := range rp.places {
			switch {
			case w != "" && slices.Contains(cands, w):
				open = append(open, k)
				rp.places[k] = ""
			case w != "":
				r.kept = append(r.kept, w)
			}
		}
		if len(open) != r.count.Seats {
			rp.err = fmt.Sprintf("%s decides %d seat(s), but its candidates hold %d place(s) after the round before it",
				r.where(), r.count.Seats, len(open))
			r.keptErr = rp.err
			continue
		}
		for j, w := range rec.Elected {
			if j < len(open) {
				rp.places[open[j]] = w
			}
		}
		prev = rec
	}
	if rp.err == "" && prev != nil && len(rounds) > 0 && !rounds[len(rounds)-1].count.Void {
		rp.need = needOf(prev)
	}
	return rp
}

// termLabel reads a term label of count.json, "individual-2 (2 years, to 2028)".
var termLabel = regexp.MustCompile(`^(.+) \(([0-9]+) years?, to ([0-9]+)\)$`)

// parseLabel returns the seat, term years and end year of a term label.
func parseLabel(l string) (seat string, years, ends int, ok bool) {
	m := termLabel.FindStringSubmatch(l)
	if m == nil {
		return "", 0, 0, false
	}
	years, _ = strconv.Atoi(m[2])
	ends, _ = strconv.Atoi(m[3])
	return m[1], years, ends, true
}

// checkReplayed returns what in res differs from the replay of its contest's rounds, or "":
// the winners in place order, each on the seat and term of its place's term label, the
// vacant seats those of the empty places, a pending runoff that of the last recount.
func checkReplayed(log *auditLog, res *resultJSON, rounds []*bundleRound, rp *replayed) string {
	if len(rounds) == 0 {
		return ""
	}
	if rp.err != "" {
		return "the result cannot be replayed from the recounts: " + rp.err
	}
	got := make([]string, len(res.Elected))
	for i, w := range res.Elected {
		got[i] = w.Name
	}
	if rp.places == nil { // void
		seats, from, msg := log.seatsAtCount(res.ContestID)
		switch {
		case msg != "":
			return msg
		case len(got) > 0:
			return fmt.Sprintf("result.json elects %s, but the contest's round is void", names(got))
		case !sameSet(res.VacantSeats, seats):
			return fmt.Sprintf("result.json leaves vacant %s, the void contest's seats are %s (%s)", names(res.VacantSeats),
				names(seats), from)
		}
		return ""
	}
	pending := map[string]bool{}
	if res.Runoff != nil {
		need := rp.need
		if need == nil {
			return "result.json has a pending runoff, but the recount of the last round has no tie that the seed broke " +
				"between an elected and a not elected candidate"
		}
		switch {
		case res.Runoff.Seats != need.seats || len(res.Runoff.Candidates) != len(need.names):
			return fmt.Sprintf("result.json's pending runoff is for %d candidate(s) and %d seat(s), the recount's tie sends %s "+
				"to a runoff for %d seat(s)", len(res.Runoff.Candidates), res.Runoff.Seats, names(need.names), need.seats)
		case res.Runoff.Tie != need.tie:
			return fmt.Sprintf("result.json's pending runoff describes the tie %q, the recount %q", res.Runoff.Tie, need.tie)
		}
		for _, n := range need.names {
			pending[n] = true
		}
		if msg := log.checkNextRunoff(res.ContestID, rounds[len(rounds)-1].count.RoundID, need); msg != "" {
			return msg
		}
	}
	var want []string
	var wantAt []int
	for k, w := range rp.places {
		if w != "" && !pending[w] {
			want, wantAt = append(want, w), append(wantAt, k)
		}
	}
	if !slices.Equal(got, want) {
		return fmt.Sprintf("result.json elects %s, the recount of the contest's rounds elects %s (in place order)", names(got),
			names(want))
	}
	labels := rounds[0].count.TermLabels
	if len(labels) != len(rp.places) {
		return fmt.Sprintf("count.json of %s labels %d seat(s), the count has %d place(s)", rounds[0].where(), len(labels),
			len(rp.places))
	}
	for i, w := range res.Elected {
		seat, years, ends, ok := parseLabel(labels[wantAt[i]])
		switch {
		case !ok:
			return fmt.Sprintf("count.json of %s: term label %q is not \"SEAT (N years, to YEAR)\"", rounds[0].where(), labels[wantAt[i]])
		case w.Seat != seat || w.TermYears != years || w.TermEndsYear != ends:
			return fmt.Sprintf("result.json seats %s on %s for %d year(s) to %d, but place %d of the count is %q", w.Name, w.Seat,
				w.TermYears, w.TermEndsYear, wantAt[i]+1, labels[wantAt[i]])
		}
	}
	var vacant []string
	for k, w := range rp.places {
		if w == "" {
			seat, _, _, _ := parseLabel(labels[k])
			vacant = append(vacant, seat)
		}
	}
	if !slices.Equal(res.VacantSeats, vacant) && !(len(vacant) == 0 && len(res.VacantSeats) == 0) {
		return fmt.Sprintf("result.json leaves vacant %s, the places left empty by the recount are %s", names(res.VacantSeats),
			names(vacant))
	}
	return ""
}

// checkNextRunoff returns what differs between need and the ballot of the runoff round
// opened for contest after round id last, if the log has one, or "".
func (l *auditLog) checkNextRunoff(contest, last int64, need *runoffNames) string {
	_, lastOpened := l.opened(last)
	for i := range l.entries {
		e := &l.entries[i]
		if e.Kind != elections.EventRoundOpened || e.ID <= lastOpened {
			continue
		}
		var p openedPayload
		if json.Unmarshal(e.Payload, &p) != nil || !p.Runoff {
			continue
		}
		for _, ob := range p.Ballots {
			if ob.Contest != contest {
				continue
			}
			if cands := slices.Sorted(slices.Values(ob.Candidates)); !slices.Equal(cands, need.names) || ob.Seats != need.seats {
				return fmt.Sprintf("the runoff that %s (entry %d) opened is of %s for %d seat(s), the recount's tie sends %s to a "+
					"runoff for %d seat(s)", elections.EventRoundOpened, e.ID, names(cands), ob.Seats, names(need.names), need.seats)
			}
		}
	}
	return ""
}

// checkWinners returns what differs between the winners of res and those that
// election.counted recorded (candidate, name, seat, term), or "".
func (l *auditLog) checkWinners(res *resultJSON, fr *countedResult, where string) string {
	if len(fr.Winners) != len(res.Elected) {
		return fmt.Sprintf("result.json has %d winner(s), %s records %d with their seats and terms", len(res.Elected), where,
			len(fr.Winners))
	}
	for i, w := range res.Elected {
		c := fr.Winners[i]
		if w.Candidate != c.Candidate || w.Name != c.Name || w.Seat != c.Seat || w.TermYears != c.TermYears ||
			w.TermEndsYear != c.TermEndsYear {
			return fmt.Sprintf("winner %d of result.json is %s (candidate %d) on %s for %d year(s) to %d, %s records %s "+
				"(candidate %d) on %s for %d year(s) to %d", i+1, w.Name, w.Candidate, w.Seat, w.TermYears, w.TermEndsYear, where,
				c.Name, c.Candidate, c.Seat, c.TermYears, c.TermEndsYear)
		}
	}
	return ""
}

// checkContestNames returns what differs between result.json's contest name and
// constituency and election.created's, or "".
func (l *auditLog) checkContestNames(res *resultJSON) string {
	if l.created == nil {
		return fmt.Sprintf("the audit log has no readable %s entry", elections.EventElectionCreated)
	}
	for _, c := range l.created.Contests {
		if c.Contest != res.ContestID {
			continue
		}
		if res.Name != c.Name || res.Constituency != c.Constituency {
			return fmt.Sprintf("result.json names the contest %q of constituency %q, %s (entry %d) %q of %q", res.Name,
				res.Constituency, elections.EventElectionCreated, l.createdID, c.Name, c.Constituency)
		}
		return ""
	}
	return fmt.Sprintf("%s (entry %d) has no contest %d", elections.EventElectionCreated, l.createdID, res.ContestID)
}

// sameSet reports whether a and b hold the same strings, each once.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y) && len(slices.Compact(x)) == len(a)
}
