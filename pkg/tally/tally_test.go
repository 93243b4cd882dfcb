package tally_test

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
)

// kindElection returns 3 candidates A, B, C, the given seats and kind, and one ballot per
// marks list, each of weight w[i].
func kindElection(t *testing.T, seats int, kind tally.BallotKind, w []int64, marks ...[]tally.Mark) *tally.Election {
	t.Helper()
	e := &tally.Election{Seats: seats, Kind: kind,
		Candidates: []tally.Candidate{{Name: "A"}, {Name: "B"}, {Name: "C"}}}
	for i, m := range marks {
		if err := e.Ballots.Add(w[i], m); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestBallotsAddRefuses(t *testing.T) {
	tests := []struct {
		name   string
		weight int64
		marks  []tally.Mark
	}{
		{"weight 0", 0, nil},
		{"negative weight", -1, nil},
		{"weight over MaxTotalWeight", tally.MaxTotalWeight + 1, nil},
		{"negative candidate", 1, []tally.Mark{{Candidate: -1, Value: 1}}},
		{"candidate twice", 1, []tally.Mark{{Candidate: 0, Value: 1}, {Candidate: 0, Value: 2}}},
		// Values are stored as int32: larger ones used to be truncated silently (2^32 + 1 → 1).
		{"value over int32", 1, []tally.Mark{{Candidate: 0, Value: math.MaxInt32 + 1}}},
		{"value 2^32+1", 1, []tally.Mark{{Candidate: 0, Value: 1<<32 + 1}}},
		{"value under int32", 1, []tally.Mark{{Candidate: 0, Value: math.MinInt32 - 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b tally.Ballots
			if err := b.Add(tt.weight, tt.marks); err == nil {
				t.Errorf("Add(%d, %v) accepted", tt.weight, tt.marks)
			}
			if b.Len() != 0 {
				t.Errorf("a refused ballot was added")
			}
		})
	}
	var b tally.Ballots
	if err := b.Add(tally.MaxTotalWeight, []tally.Mark{{Candidate: 0, Value: math.MaxInt32}}); err != nil {
		t.Errorf("Add refused the largest weight and value: %v", err)
	}
}

// TestValidateTotalWeight: the total may reach MaxTotalWeight, not exceed it. Each ballot is
// within bounds, so only the sum (which Validate must compute without wrapping) is refused.
func TestValidateTotalWeight(t *testing.T) {
	one := []tally.Mark{{Candidate: 0, Value: 1}}
	half := int64(tally.MaxTotalWeight / 2)
	ok := kindElection(t, 1, "", []int64{half, half}, one, one)
	if err := ok.Validate(); err != nil {
		t.Errorf("total MaxTotalWeight: %v", err)
	}
	over := kindElection(t, 1, "", []int64{half, half, 1}, one, one, one)
	err := over.Validate()
	if !errors.Is(err, tally.ErrInvalid) || !strings.Contains(err.Error(), "ballot 3: the total weight") {
		t.Errorf("total MaxTotalWeight+1: err = %v, want ErrInvalid naming ballot 3", err)
	}
	// Many ballots of the largest weight: the sum would wrap int64 after 2^31 of them, but
	// the second one already exceeds the bound.
	big := []int64{tally.MaxTotalWeight, tally.MaxTotalWeight, tally.MaxTotalWeight, tally.MaxTotalWeight}
	wrap := kindElection(t, 1, "", big, one, one, one, one)
	if err := wrap.Validate(); err == nil || !strings.Contains(err.Error(), "ballot 2:") {
		t.Errorf("err = %v, want the second ballot refused", err)
	}
	for _, m := range tally.Methods() {
		if _, err := tally.Count(m, over, tally.Options{}); !errors.Is(err, tally.ErrInvalid) {
			t.Errorf("Count(%s) of a total over MaxTotalWeight: err = %v, want ErrInvalid", m, err)
		}
	}
}

func TestValidateMarks(t *testing.T) {
	m := func(pairs ...int) []tally.Mark { // candidate, value, candidate, value…
		var out []tally.Mark
		for k := 0; k < len(pairs); k += 2 {
			out = append(out, tally.Mark{Candidate: pairs[k], Value: pairs[k+1]})
		}
		return out
	}
	tests := []struct {
		name  string
		kind  tally.BallotKind
		marks []tally.Mark
		want  string // substring of the error, "" when valid
	}{
		{"ranking", tally.KindRanking, m(0, 1, 1, 2, 2, 3), ""},
		{"zero kind is ranking", "", m(0, 1, 1, 0), "ballot 2: preference level 0 is not ≥ 1"},
		{"equal ranking", "", m(0, 1, 1, 1, 2, 2), ""},
		{"skipped level", "", m(0, 1, 1, 3), ""},
		{"level 0", tally.KindRanking, m(0, 0), "ballot 2: preference level 0"},
		{"negative level", tally.KindRanking, m(0, -1), "ballot 2: preference level -1"},
		{"decreasing levels", tally.KindRanking, m(0, 1, 1, 3, 2, 2), "ballot 2: preference levels decrease (2 after 3)"},
		{"unknown candidate", tally.KindRanking, m(3, 1), "ballot 2: candidate 4 is not in 1..3"},
		{"approval", tally.KindApproval, m(0, 1, 2, 1), ""},
		{"approval value 2", tally.KindApproval, m(0, 1, 2, 2), "ballot 2: approval mark 2 is not 1"},
		{"points", tally.KindPoints, m(0, 3, 1, 0, 2, 2), ""},
		{"negative points", tally.KindPoints, m(0, 3, 1, -1), "ballot 2: points -1 are negative"},
		{"confidence", tally.KindConfidence, m(0, 1, 1, -1, 2, 0), ""},
		{"confidence 2", tally.KindConfidence, m(0, 2), "ballot 2: confidence mark 2 is not -1"},
		{"confidence -2", tally.KindConfidence, m(1, -2), "ballot 2: confidence mark -2"},
		{"unknown kind", "borda", m(0, 1), `unknown ballot kind "borda"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := kindElection(t, 1, tt.kind, []int64{1, 2}, m(0, 1)[:0], tt.marks)
			err := e.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (!errors.Is(err, tally.ErrInvalid) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
}

// TestCountBallotKind: each method counts only the kinds it understands; any other is refused,
// whatever the marks, rather than misread (a ranking's levels taken for points, an approval
// counted as an all-equal ranking).
func TestCountBallotKind(t *testing.T) {
	accepts := map[string][]tally.BallotKind{
		"plurality":   {tally.KindRanking, tally.KindApproval},
		"approval":    {tally.KindRanking, tally.KindApproval},
		"cumulative":  {tally.KindPoints},
		"confidence":  {tally.KindConfidence},
		"irv":         {tally.KindRanking},
		"meek":        {tally.KindRanking},
		"scottish":    {tally.KindRanking},
		"ers97":       {tally.KindRanking},
		"schulze":     {tally.KindRanking},
		"rankedpairs": {tally.KindRanking},
	}
	if diff := cmp.Diff(tally.Methods(), slices.Sorted(maps.Keys(accepts))); diff != "" {
		t.Fatalf("methods (-registered +tested):\n%s", diff)
	}
	// One ballot valid for every kind: A at level (or value) 1.
	mark := []tally.Mark{{Candidate: 0, Value: 1}}
	for _, method := range tally.Methods() {
		for _, kind := range []tally.BallotKind{"", tally.KindRanking, tally.KindApproval, tally.KindPoints, tally.KindConfidence} {
			e := kindElection(t, 1, kind, []int64{1}, mark)
			_, err := tally.Count(method, e, tally.Options{})
			want := kind
			if want == "" {
				want = tally.KindRanking
			}
			ok := false
			for _, k := range accepts[method] {
				ok = ok || k == want
			}
			switch {
			case ok && err != nil:
				t.Errorf("%s on %q ballots: %v", method, kind, err)
			case !ok && (!errors.Is(err, tally.ErrInvalid) || !strings.Contains(err.Error(), "not "+string(want)+" ballots")):
				t.Errorf("%s on %q ballots: err = %v, want ErrInvalid naming the kind", method, kind, err)
			}
			// Without ballots nothing can be misread: every kind is counted.
			if _, err := tally.Count(method, kindElection(t, 1, kind, nil), tally.Options{}); err != nil {
				t.Errorf("%s on no %q ballots: %v", method, kind, err)
			}
		}
	}
}

// TestCountMaxTotalWeight counts, with every method, an election whose total weight is exactly
// MaxTotalWeight (2^32), and checks the winner and that no round total is negative or exceeds
// the total: the bound is chosen so that every method's fixed point fits int64.
//
// Ranked ballots (H = 2^31): H × "A B", H−2 × "B", 2 × "C". First preferences A H, B H−2, C 2:
// A wins plurality and IRV (C then B excluded); the STV methods elect A (the last continuing
// candidate with the most votes); A beats B H to H−2 and C H to 2 pairwise (Condorcet winner).
// Approval counts every ranked candidate: B has H−2 + H, A H, so B wins.
// Points: the same ballots with 1 point each: A. Confidence: H × (A yes, B no),
// H−2 × (A no, B yes), 2 × (A yes): A 2^31+2 yes to 2^31−2 no is seated; B is not.
func TestCountMaxTotalWeight(t *testing.T) {
	const h = int64(1) << 31
	w := []int64{h, h - 2, 2}
	mk := func(c, v int) tally.Mark { return tally.Mark{Candidate: c, Value: v} }
	ranked := kindElection(t, 1, tally.KindRanking, w,
		[]tally.Mark{mk(0, 1), mk(1, 2)}, []tally.Mark{mk(1, 1)}, []tally.Mark{mk(2, 1)})
	points := kindElection(t, 1, tally.KindPoints, w,
		[]tally.Mark{mk(0, 1)}, []tally.Mark{mk(1, 1)}, []tally.Mark{mk(2, 1)})
	confidence := kindElection(t, 1, tally.KindConfidence, w,
		[]tally.Mark{mk(0, 1), mk(1, -1)}, []tally.Mark{mk(0, -1), mk(1, 1)}, []tally.Mark{mk(0, 1)})
	if got := ranked.Ballots.TotalWeight(); got != tally.MaxTotalWeight {
		t.Fatalf("total %d, want MaxTotalWeight", got)
	}
	for _, method := range tally.Methods() {
		e, want := ranked, "A"
		switch method {
		case "approval":
			want = "B"
		case "cumulative":
			e = points
		case "confidence":
			e = confidence
		}
		t.Run(method, func(t *testing.T) {
			r, err := tally.Count(method, e, tally.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Elected) != 1 || e.Candidates[r.Elected[0]].Name != want {
				t.Errorf("elected %v, want %s", r.Elected, want)
			}
			for _, round := range r.Rounds {
				for c, v := range round.Votes {
					limit := tally.Int(tally.MaxTotalWeight, v.Scale)
					if v.Units < 0 || v.Cmp(limit) > 0 {
						t.Errorf("round %d: %s has %s votes", round.Number, e.Candidates[c].Name, v)
					}
				}
			}
		})
	}
}

func TestAffiliationHeldValidated(t *testing.T) {
	e := kindElection(t, 1, "", []int64{1}, []tally.Mark{{Candidate: 0, Value: 1}})
	opts := tally.Options{AffiliationCap: 1, AffiliationHeld: map[string]int{"X": 1, "Y": -1}}
	_, err := tally.Count("plurality", e, opts)
	if !errors.Is(err, tally.ErrInvalid) || !strings.Contains(err.Error(), `"Y" holds -1 seats`) {
		t.Errorf("err = %v, want ErrInvalid naming Y", err)
	}
}

// TestAffiliationHeld: the cap applies across the board. Candidates A and B of X, C of Y, 2
// seats, cap 2. Votes (plurality): A 5, B 4, C 1. Without held seats A and B win. X already
// holds one seat outside this count, so only one more X candidate may win: A, then B is passed
// over and C takes the second seat. With X holding 2 seats, no X candidate may win: C is
// elected and the second seat stays empty (A and B passed over).
func TestAffiliationHeld(t *testing.T) {
	e := &tally.Election{Seats: 2, Candidates: []tally.Candidate{
		{Name: "A", Affiliation: "X"}, {Name: "B", Affiliation: "X"}, {Name: "C", Affiliation: "Y"}}}
	for _, b := range []struct {
		w int64
		c int
	}{{5, 0}, {4, 1}, {1, 2}} {
		if err := e.Ballots.AddRanking(b.w, [][]int{{b.c}}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		held       map[string]int
		elected    []int
		passedOver []int
	}{
		{nil, []int{0, 1}, nil},
		{map[string]int{"X": 0, "Y": 5}, []int{0, 1}, nil}, // Y's held seats do not limit X
		{map[string]int{"X": 1}, []int{0, 2}, []int{1}},
		{map[string]int{"X": 2}, []int{2}, []int{0, 1}},
	}
	for _, tt := range tests {
		r, err := tally.Count("plurality", e, tally.Options{AffiliationCap: 2, AffiliationHeld: tt.held})
		if err != nil {
			t.Fatal(err)
		}
		var passed []int
		for _, p := range r.PassedOver {
			passed = append(passed, p.Candidate)
		}
		if diff := cmp.Diff(tt.elected, r.Elected); diff != "" {
			t.Errorf("held %v: elected (-want +got):\n%s", tt.held, diff)
		}
		if diff := cmp.Diff(tt.passedOver, passed); diff != "" {
			t.Errorf("held %v: passed over (-want +got):\n%s", tt.held, diff)
		}
		// Without a cap, held seats change nothing.
		r, err = tally.Count("plurality", e, tally.Options{AffiliationHeld: tt.held})
		if err != nil || !cmp.Equal(r.Elected, []int{0, 1}) {
			t.Errorf("held %v without a cap: elected %v, err %v", tt.held, r.Elected, err)
		}
	}
}

func TestInputError(t *testing.T) {
	_, err := tally.Count("borda", &tally.Election{}, tally.Options{})
	var ie *tally.InputError
	if !errors.As(err, &ie) || !errors.Is(err, tally.ErrInvalid) {
		t.Fatalf("err = %#v, want an *InputError matching ErrInvalid", err)
	}
	if want := "invalid count input: " + ie.Reason; err.Error() != want || !strings.HasPrefix(ie.Reason, `unknown counting method "borda"`) {
		t.Errorf("err %q, reason %q", err, ie.Reason)
	}
}
