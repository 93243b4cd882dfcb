package tally

import (
	"fmt"
	"math"
	"slices"
)

// Mark is one entry of a ballot: a candidate (0-based index into Election.Candidates) and a
// value whose meaning depends on the ballot kind (Election.Kind):
//   - KindRanking: the preference level, 1 for the first preference; equal levels are equal
//     rankings (BLT "a=b"); levels never decrease along a ballot;
//   - KindApproval (approval and plurality): 1 for every marked candidate (a ranking counts its
//     first level for plurality and all its levels for approval);
//   - KindPoints (cumulative): the points given to the candidate, ≥ 0;
//   - KindConfidence: +1 yes, -1 no, 0 abstain (a candidate without a mark abstains).
//
// Election.Validate refuses values outside these ranges. Value must fit an int32, the
// storage of Ballots.
type Mark struct {
	Candidate int
	Value     int
}

// Ballots is a list of weighted ballots kept in flat arrays, so that a million ballots cost a
// few arrays rather than a million small allocations. The zero value is an empty list.
type Ballots struct {
	weight []int64
	start  []int32 // start[i] is where ballot i begins in cand/value; len = Len()+1 once non-empty
	cand   []int32
	value  []int32
}

// Len returns the number of ballot entries (a weighted entry counts once).
func (b *Ballots) Len() int { return len(b.weight) }

// Weight returns the weight of ballot i: how many identical ballots it stands for.
func (b *Ballots) Weight(i int) int64 { return b.weight[i] }

// Marks returns the candidates and values of ballot i, in ballot order. The slices alias the
// list's storage and must not be modified.
func (b *Ballots) Marks(i int) (cands, values []int32) {
	s, e := b.start[i], b.start[i+1]
	return b.cand[s:e], b.value[s:e]
}

// TotalWeight returns the sum of all weights. It is exact for a list that Election.Validate
// accepted (at most MaxTotalWeight); larger sums wrap around.
func (b *Ballots) TotalWeight() int64 {
	var t int64
	for _, w := range b.weight {
		t += w
	}
	return t
}

// Add appends a ballot with the given weight and marks. It checks only the shape (weight in
// 1..MaxTotalWeight, non-negative candidate indices, no candidate twice, values that fit an
// int32); Election.Validate checks the marks against the candidates and the kind, and the
// total weight.
func (b *Ballots) Add(weight int64, marks []Mark) error {
	if weight <= 0 || weight > MaxTotalWeight {
		return fmt.Errorf("tally: ballot weight %d is not in 1..%d", weight, int64(MaxTotalWeight))
	}
	for i, m := range marks {
		if m.Candidate < 0 || m.Candidate > math.MaxInt32 {
			return fmt.Errorf("tally: candidate index %d is out of range", m.Candidate)
		}
		if m.Value < math.MinInt32 || m.Value > math.MaxInt32 {
			return fmt.Errorf("tally: mark value %d does not fit 32 bits", m.Value)
		}
		for _, o := range marks[:i] {
			if o.Candidate == m.Candidate {
				return fmt.Errorf("tally: candidate %d appears twice on one ballot", m.Candidate)
			}
		}
	}
	if len(b.start) == 0 {
		b.start = append(b.start, 0)
	}
	for _, m := range marks {
		b.cand = append(b.cand, int32(m.Candidate))
		b.value = append(b.value, int32(m.Value))
	}
	b.weight = append(b.weight, weight)
	b.start = append(b.start, int32(len(b.cand)))
	return nil
}

// AddRanking appends a ranking ballot: ranking[k] is the group of candidates ranked equally at
// preference level k+1.
func (b *Ballots) AddRanking(weight int64, ranking [][]int) error {
	var marks []Mark
	for level, group := range ranking {
		for _, c := range group {
			marks = append(marks, Mark{Candidate: c, Value: level + 1})
		}
	}
	return b.Add(weight, marks)
}

// Ranking returns ballot i as groups of equally ranked candidates, best first.
func (b *Ballots) Ranking(i int) [][]int {
	cands, values := b.Marks(i)
	var out [][]int
	for k, c := range cands {
		if k == 0 || values[k] != values[k-1] {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], int(c))
	}
	return out
}

// validate checks every ballot against n candidates and the kind of the election, and that the
// total weight is at most MaxTotalWeight (checked before each addition, so it cannot wrap).
func (b *Ballots) validate(n int, kind BallotKind) error {
	kind = kind.orDefault()
	if !slices.Contains(allKinds, kind) {
		return invalidf("unknown ballot kind %q (known: %s)", kind, kindList(allKinds))
	}
	var total int64
	for i := range b.Len() {
		w := b.weight[i]
		if w <= 0 || w > MaxTotalWeight-total {
			return invalidf("ballot %d: the total weight of the ballots exceeds %d, the most a count accepts",
				i+1, int64(MaxTotalWeight))
		}
		total += w
		if err := checkMarks(b, i, n, kind); err != nil {
			return invalidf("ballot %d: %s", i+1, err)
		}
	}
	return nil
}

// checkMarks checks the marks of ballot i (see Mark for what each kind allows).
func checkMarks(b *Ballots, i, n int, kind BallotKind) error {
	cands, values := b.Marks(i)
	for k, c := range cands {
		v := values[k]
		switch {
		case int(c) >= n:
			return fmt.Errorf("candidate %d is not in 1..%d", c+1, n)
		case kind == KindRanking && v < 1:
			return fmt.Errorf("preference level %d is not ≥ 1", v)
		case kind == KindRanking && k > 0 && v < values[k-1]:
			return fmt.Errorf("preference levels decrease (%d after %d)", v, values[k-1])
		case kind == KindApproval && v != 1:
			return fmt.Errorf("approval mark %d is not 1", v)
		case kind == KindPoints && v < 0:
			return fmt.Errorf("points %d are negative", v)
		case kind == KindConfidence && (v < -1 || v > 1):
			return fmt.Errorf("confidence mark %d is not -1 (no), 0 (abstain) or 1 (yes)", v)
		}
	}
	return nil
}
