package tally_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// gsStage is one stage of a reference count: expected.json "tallies" or official.json.
type gsStage struct {
	Stage           int               `json:"stage"`
	Action          string            `json:"action"`
	Votes           map[string]string `json:"votes"`
	Totals          map[string]string `json:"totals"` // official.json spells votes "totals"
	NonTransferable string            `json:"nontransferable"`
}

// gsScotExpected is the part of a scot-stv-* expected.json that govboard must match.
type gsScotExpected struct {
	Elected      []string       `json:"elected"`
	ElectedStage map[string]int `json:"elected_stage"`
	Quota        string         `json:"quota"`
	Excluded     []string       `json:"excluded_order"`
	Tallies      struct {
		Source string    `json:"source"`
		Stages []gsStage `json:"stages"`
	} `json:"tallies"`
}

// gsOfficial is a council's own count sheet (official.json).
type gsOfficial struct {
	Quota   int       `json:"quota"`
	Valid   int       `json:"valid_poll"`
	Stages  []gsStage `json:"stages"`
	Elected []struct {
		Name  string `json:"name"`
		Stage int    `json:"stage"`
	} `json:"elected"`
}

// TestScottishConformance counts every scot-stv-* case of the shared corpus and compares the
// elected set, the stage of each election, the quota, every stage total to the last of the
// five decimals and the non-transferable totals with the reference count, and with the
// council's own count sheet where the case has one.
func TestScottishConformance(t *testing.T) {
	for _, c := range tallytest.Cases(t, "scot-stv-") {
		t.Run(c.ID, func(t *testing.T) {
			res, err := tally.Count("scottish", c.Election, tally.Options{})
			if err != nil {
				t.Fatal(err)
			}
			gsCheckScotExpected(t, c, res)
			var official gsOfficial
			if gsReadOptional(t, c, "official.json", &official) {
				gsCheckOfficial(t, c, res, official)
			}
		})
	}
}

// gsCheckScotExpected compares res with expected.json.
func gsCheckScotExpected(t *testing.T, c tallytest.Case, res *tally.Result) {
	t.Helper()
	var want gsScotExpected
	c.ReadJSON(t, "expected.json", &want)
	names := tallytest.Names(c.Election)
	if got := res.Quota.String(); got != want.Quota {
		t.Errorf("quota = %s, want %s", got, want.Quota)
	}
	gotStage := gsElectedStage(res, names)
	if diff := cmp.Diff(want.ElectedStage, gotStage); diff != "" {
		t.Errorf("elected stage (-want +got):\n%s", diff)
	}
	elected := namesOf(names, res.Elected)
	if !slices.IsSortedFunc(elected, func(a, b string) int { return gotStage[a] - gotStage[b] }) {
		t.Errorf("elected %q not in order of stage of election %v", elected, gotStage)
	}
	if diff := cmp.Diff(gsSortedByStage(want.Elected, want.ElectedStage), gsSortedByStage(elected, gotStage)); diff != "" {
		t.Errorf("elected (-want +got; order compared across stages only):\n%s", diff)
	}
	if diff := cmp.Diff(want.Excluded, namesOf(names, res.Excluded)); diff != "" {
		t.Errorf("excluded order (-want +got):\n%s", diff)
	}
	stages := want.Tallies.Stages
	if len(stages) == 0 {
		var ref struct {
			Stages []gsStage `json:"stages"`
		}
		c.ReadJSON(t, want.Tallies.Source, &ref)
		stages = ref.Stages
	}
	gsCompareStages(t, "reference", res, stages, true, gsIndex(names))
}

// gsCheckOfficial compares res with the council's count sheet: quota, stage totals and the
// stage at which each winner was elected.
func gsCheckOfficial(t *testing.T, c tallytest.Case, res *tally.Result, official gsOfficial) {
	t.Helper()
	names := tallytest.Names(c.Election)
	if int64(official.Quota)*100000 != res.Quota.Units {
		t.Errorf("official quota %d, got %s", official.Quota, res.Quota)
	}
	if int64(official.Valid) != c.Election.Ballots.TotalWeight() {
		t.Errorf("official valid poll %d, ballots weigh %d", official.Valid, c.Election.Ballots.TotalWeight())
	}
	var onames []string
	for n := range official.Stages[0].Totals {
		onames = append(onames, n)
	}
	slices.Sort(onames)
	index := gsOfficialIndex(t, names, onames)
	gsCompareStages(t, "official", res, official.Stages, false, index)
	gotStage := gsElectedStage(res, names)
	for _, w := range official.Elected {
		c, ok := index[w.Name]
		if !ok || gotStage[names[c]] != w.Stage {
			t.Errorf("official: %s elected at stage %d, got stage %d", w.Name, w.Stage, gotStage[names[c]])
		}
	}
}

// gsCompareStages compares the stages of res with the reference stages, one by one: the action
// (when withAction), each candidate's votes (numerically: official sheets drop trailing zeros)
// and the non-transferable value (when given). index maps a reference name to a candidate.
func gsCompareStages(t *testing.T, who string, res *tally.Result, stages []gsStage, withAction bool, index map[string]int) {
	t.Helper()
	if len(res.Rounds) != len(stages) {
		t.Errorf("%s: %d stages, got %d", who, len(stages), len(res.Rounds))
	}
	for k, st := range stages {
		if k >= len(res.Rounds) {
			break
		}
		r := res.Rounds[k]
		if withAction && r.Action != st.Action {
			t.Errorf("%s stage %d: action %q, want %q", who, st.Stage, r.Action, st.Action)
		}
		votes := st.Votes
		if votes == nil {
			votes = st.Totals
		}
		if len(votes) != len(r.Votes) {
			t.Errorf("%s stage %d: %d candidates, got %d", who, st.Stage, len(votes), len(r.Votes))
		}
		for n, v := range votes {
			c, ok := index[n]
			if !ok {
				t.Errorf("%s stage %d: unknown candidate %q", who, st.Stage, n)
				continue
			}
			gsCompareDecimal(t, fmt.Sprintf("%s stage %d %s", who, st.Stage, n), r.Votes[c], v)
		}
		if st.NonTransferable != "" {
			gsCompareDecimal(t, fmt.Sprintf("%s stage %d non-transferable", who, st.Stage), r.NonTransferable, st.NonTransferable)
		}
	}
}

// gsCompareDecimal checks that got equals the decimal string want exactly.
func gsCompareDecimal(t *testing.T, what string, got tally.Decimal, want string) {
	t.Helper()
	w, err := tally.ParseDecimal(want)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if got.Cmp(w) != 0 {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// gsIndex maps each name to its candidate index.
func gsIndex(names []string) map[string]int {
	out := map[string]int{}
	for c, n := range names {
		out[n] = c
	}
	return out
}

// gsOfficialIndex maps the council's spelling of the names ("Avril MacKenzie" for "Avril
// MACKENZIE (Con)") to candidates: equal without the party label and case, else the only
// candidate left with the same surname (a council may print "Norman" for "Norrie").
func gsOfficialIndex(t *testing.T, names []string, official []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	taken := map[int]bool{}
	var unmatched []string
	for _, o := range official {
		c := slices.IndexFunc(names, func(n string) bool { return gsPlain(n) == gsPlain(o) })
		if c < 0 {
			unmatched = append(unmatched, o)
			continue
		}
		out[o], taken[c] = c, true
	}
	for _, o := range unmatched {
		var same []int
		for c, n := range names {
			if !taken[c] && gsSurname(n) == gsSurname(o) {
				same = append(same, c)
			}
		}
		if len(same) != 1 {
			t.Fatalf("official name %q matches no single candidate", o)
		}
		out[o], taken[same[0]] = same[0], true
	}
	return out
}

var gsParty = regexp.MustCompile(`\s*\(.*\)$`)

func gsPlain(n string) string { return strings.ToLower(gsParty.ReplaceAllString(n, "")) }

func gsSurname(n string) string {
	f := strings.Fields(gsPlain(n))
	return f[len(f)-1]
}

// gsElectedStage maps each elected candidate's name to the (1-based) stage of election.
func gsElectedStage(res *tally.Result, names []string) map[string]int {
	out := map[string]int{}
	for _, r := range res.Rounds {
		for _, c := range r.Elected {
			out[names[c]] = r.Number
		}
	}
	return out
}

// gsSortedByStage orders an elected list by stage, then by name: the corpus compares the order
// of election only across stages (candidates elected at the same stage are not ordered).
func gsSortedByStage(elected []string, stage map[string]int) []string {
	out := slices.Clone(elected)
	slices.SortStableFunc(out, func(a, b string) int {
		if stage[a] != stage[b] {
			return stage[a] - stage[b]
		}
		return strings.Compare(a, b)
	})
	return out
}

func gsExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// gsReadOptional decodes rel of case c into v when the file exists.
func gsReadOptional(t *testing.T, c tallytest.Case, rel string, v any) bool {
	t.Helper()
	if !gsExists(filepath.Join(c.Dir, rel)) {
		return false
	}
	c.ReadJSON(t, rel, v)
	return true
}
