package tally

import (
	"fmt"
	"slices"
)

// Mark is one entry of a ballot: a candidate (0-based index into Election.Candidates) and a
// value whose meaning depends on the ballot kind:
//   - ranking: the preference level, 1 for the first preference; equal levels are equal rankings
//     (BLT "a=b"); levels never decrease along a ballot;
//   - approval and plurality: 1 for every marked candidate (a ranking counts its first level for
//     plurality and all its levels for approval);
//   - cumulative: the points given to the candidate;
//   - confidence: +1 yes, -1 no, 0 abstain (a candidate without a mark abstains).
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

// TotalWeight returns the sum of all weights.
func (b *Ballots) TotalWeight() int64 {
	var t int64
	for _, w := range b.weight {
		t += w
	}
	return t
}

// Add appends a ballot with the given weight and marks. It checks only the shape (positive
// weight, non-negative candidate indices, no candidate twice); Election.Validate checks the
// marks against the candidates.
func (b *Ballots) Add(weight int64, marks []Mark) error {
	if weight <= 0 {
		return fmt.Errorf("tally: ballot weight %d is not positive", weight)
	}
	for i, m := range marks {
		if m.Candidate < 0 {
			return fmt.Errorf("tally: candidate index %d is negative", m.Candidate)
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

// validate checks every ballot against n candidates.
func (b *Ballots) validate(n int) error {
	for i := range b.Len() {
		cands, _ := b.Marks(i)
		if slices.ContainsFunc(cands, func(c int32) bool { return int(c) >= n }) {
			return fmt.Errorf("tally: ballot %d names a candidate outside 1..%d", i+1, n)
		}
	}
	return nil
}
