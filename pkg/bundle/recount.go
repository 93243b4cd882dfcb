package bundle

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/ballotfile"
	"github.com/govboard/govboard/pkg/tally/report"
)

// checkRecount counts the round again from ballots.json with count.json and compares the
// count with report.json.
func (b *Bundle) checkRecount(r *bundleRound) (bool, string) {
	ok, at, detail := b.recount(r)
	if at > 0 {
		return ok, fmt.Sprintf("%s (round %d of the count): %s", r.where(), at, detail)
	}
	return ok, r.where() + ": " + detail
}

// recount is checkRecount without the round's name; at is the round of the count where the
// difference is, when it is in one.
func (b *Bundle) recount(r *bundleRound) (ok bool, at int, detail string) {
	stored, hasReport := b.files[r.dir+"report.json"]
	if r.count.Void {
		if hasReport {
			return false, 0, "count.json says the contest was void, yet report.json is present"
		}
		return true, 0, fmt.Sprintf("void (%s): no count to check", r.count.VoidReason)
	}
	if !hasReport {
		return false, 0, "report.json is missing"
	}
	recount, err := b.recounted(r)
	if err != nil {
		return false, 0, err.Error()
	}
	var rep report.Report
	if err := json.Unmarshal(stored, &rep); err != nil {
		return false, 0, fmt.Sprintf("report.json: %v", err)
	}
	if at, msg := compareReports(&rep, recount); msg != "" {
		return false, at, msg
	}
	var again bytes.Buffer
	if err := recount.WriteJSON(&again); err != nil {
		return false, 0, err.Error()
	}
	if msg := firstDiff("report.json", stored, again.Bytes()); msg != "" {
		return false, 0, "the recount agrees round by round, but " + msg
	}
	var txt bytes.Buffer
	if err := rep.WriteText(&txt); err != nil {
		return false, 0, err.Error()
	}
	if msg := firstDiff("report.txt", b.files[r.dir+"report.txt"], txt.Bytes()); msg != "" {
		return false, 0, msg + " (report.txt is not the count sheet of report.json)"
	}
	return true, 0, fmt.Sprintf("%s recount of %d ballot(s) for %d seat(s) gives report.json exactly (%d round(s); elected %s)",
		r.count.Method, countedBallots(r.ballots), r.count.Seats, len(rep.Rounds), names(rep.Elected))
}

// recounted returns the recount of round r (Recount of its ballots.json with its count.json),
// counted once.
func (b *Bundle) recounted(r *bundleRound) (*report.Report, error) {
	if !r.recountDone {
		r.recountDone = true
		r.recounted, r.recountErr = Recount(b.files[r.dir+"ballots.json"], r.count.CountOptions)
	}
	return r.recounted, r.recountErr
}

// Recount counts the ballots of a ballots.json file (pkg/tally/ballotfile JSON; superseded
// ballots are skipped) with the options of count.json, as the service counted them, and
// returns the report.
func Recount(ballotsJSON []byte, opts elections.CountOptions) (*report.Report, error) {
	te, err := ballotfile.ReadJSON(bytes.NewReader(ballotsJSON))
	if err != nil {
		return nil, fmt.Errorf("ballots.json: %v", err)
	}
	if te.Kind == "" {
		te.Kind = ballotfile.KindFor(opts.Method)
	}
	te.Seats = opts.Seats
	for i := range te.Candidates {
		te.Candidates[i].Affiliation = opts.Affiliations[te.Candidates[i].Name]
	}
	seed, err := hex.DecodeString(opts.Seed)
	if err != nil {
		return nil, fmt.Errorf("count.json: seed %q is not hexadecimal", opts.Seed)
	}
	if opts.Seed == "" {
		seed = nil
	}
	to := tally.Options{Seed: seed, TermLabels: opts.TermLabels, Points: opts.Points}
	if opts.AffiliationCap > 0 {
		to.AffiliationCap, to.AffiliationHeld = opts.AffiliationCap, opts.AffiliationHeld
		if to.AffiliationHeld == nil {
			to.AffiliationHeld = map[string]int{}
		}
	}
	result, err := tally.Count(opts.Method, te, to)
	if err != nil {
		return nil, fmt.Errorf("the recount fails: %v", err)
	}
	return report.New(result, te, seed), nil
}

// compareReports returns the first difference between the stored report and the recount's,
// or "", and the round of the count where it is (0 when it is in none).
func compareReports(stored, recount *report.Report) (int, string) {
	switch {
	case stored.Method != recount.Method:
		return 0, fmt.Sprintf("method: report %s, recount %s", stored.Method, recount.Method)
	case stored.Seats != recount.Seats:
		return 0, fmt.Sprintf("seats: report %d, recount %d", stored.Seats, recount.Seats)
	case deref(stored.Quota) != deref(recount.Quota):
		return 0, fmt.Sprintf("quota: report %s, recount %s", deref(stored.Quota), deref(recount.Quota))
	}
	for i := range max(len(stored.Rounds), len(recount.Rounds)) {
		if i >= len(stored.Rounds) || i >= len(recount.Rounds) {
			return 0, fmt.Sprintf("the report has %d round(s) of the count, the recount %d", len(stored.Rounds), len(recount.Rounds))
		}
		if msg := compareRound(&stored.Rounds[i], &recount.Rounds[i]); msg != "" {
			return recount.Rounds[i].Number, msg
		}
	}
	switch {
	case !slices.Equal(stored.Elected, recount.Elected):
		return 0, fmt.Sprintf("elected: report %s, recount %s", names(stored.Elected), names(recount.Elected))
	case !slices.Equal(stored.Excluded, recount.Excluded):
		return 0, fmt.Sprintf("excluded: report %s, recount %s", names(stored.Excluded), names(recount.Excluded))
	case len(stored.Ties) != len(recount.Ties):
		return 0, fmt.Sprintf("ties: report %d, recount %d", len(stored.Ties), len(recount.Ties))
	}
	for i, t := range recount.Ties {
		s := stored.Ties[i]
		if s.Round != t.Round || !slices.Equal(s.Tied, t.Tied) || s.Rule != t.Rule || s.Chosen != t.Chosen {
			return 0, fmt.Sprintf("tie %d: report %s tied in round %d, %s chose %s; recount %s tied in round %d, %s chose %s",
				i+1, names(s.Tied), s.Round, s.Rule, s.Chosen, names(t.Tied), t.Round, t.Rule, t.Chosen)
		}
	}
	return 0, ""
}

// compareRound returns the first difference between two rounds of a count, or "".
func compareRound(s, r *report.Round) string {
	if s.Action != r.Action {
		return fmt.Sprintf("action: report %q, recount %q", s.Action, r.Action)
	}
	for _, e := range r.Votes {
		if v, ok := s.Votes.Get(e.Key); !ok || v != e.Value {
			return fmt.Sprintf("votes of %s: report %s, recount %s", e.Key, orNone(v, ok), e.Value)
		}
	}
	for _, e := range s.Votes {
		if _, ok := r.Votes.Get(e.Key); !ok {
			return fmt.Sprintf("votes of %s: report %s, recount none", e.Key, e.Value)
		}
	}
	switch {
	case s.NonTransferable != r.NonTransferable:
		return fmt.Sprintf("non-transferable: report %s, recount %s", s.NonTransferable, r.NonTransferable)
	case !slices.Equal(s.Elected, r.Elected):
		return fmt.Sprintf("elected: report %s, recount %s", names(s.Elected), names(r.Elected))
	case !slices.Equal(s.Excluded, r.Excluded):
		return fmt.Sprintf("excluded: report %s, recount %s", names(s.Excluded), names(r.Excluded))
	case s.Quota != r.Quota:
		return fmt.Sprintf("quota: report %s, recount %s", s.Quota, r.Quota)
	}
	return ""
}

// countedBallots returns how many ballots of pb were counted (not superseded).
func countedBallots(pb *elections.PublishedBallots) int {
	n := 0
	for i := range pb.Ballots {
		if !pb.Ballots[i].Superseded {
			n++
		}
	}
	return n
}

func deref(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}

func orNone(v string, ok bool) string {
	if !ok {
		return "none"
	}
	return v
}

// names lists names for a detail: "Ann, Bob", or "none".
func names(ns []string) string {
	if len(ns) == 0 {
		return "none"
	}
	return strings.Join(ns, ", ")
}

// winners lists the names of ws.
func winners(ws []winnerJSON) string {
	ns := make([]string, len(ws))
	for i, w := range ws {
		ns[i] = w.Name
	}
	return names(ns)
}
