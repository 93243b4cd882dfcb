package tally

// countSchulze counts by the Schulze method with winning votes (Schulze 2011, §2): the link from
// i to j has strength d[i][j] when d[i][j] > d[j][i] and none otherwise; the strength of a path
// is its weakest link, and p[i][j] is the strength of the strongest (widest) path from i to j.
// i beats j when p[i][j] > p[j][i]; that relation is a strict partial order. Result.Order groups
// it into layers (the unbeaten candidates, then the unbeaten among the rest, …), so the first
// group is the Schulze winner set. The seats go to the top of the order (as Debian ranks its
// options); a group that must be split is ordered by the seed (purpose "order") and recorded as
// a Tie. Withdrawn candidates are left out of the order.
func countSchulze(e *Election, opts Options) (*Result, error) {
	d, blank := pairwise(e)
	cands := continuing(e)
	p := pathStrengths(d, cands)
	beats := func(a, b int) bool { return p[a][b] > p[b][a] }
	order := layers(cands, beats)
	wins := make([]int64, len(e.Candidates))
	for _, a := range cands {
		for _, b := range cands {
			if a != b && beats(a, b) {
				wins[a]++
			}
		}
	}
	return condorcetResult(e, opts, d, blank, order, wins, "Schulze"), nil
}

// pathStrengths computes the widest-path strengths between the candidates cands with the
// Floyd–Warshall scheme, using winning votes as link strengths.
func pathStrengths(d [][]int64, cands []int) [][]int64 {
	n := len(d)
	p := make([][]int64, n)
	for i := range p {
		p[i] = make([]int64, n)
	}
	for _, i := range cands {
		for _, j := range cands {
			if i != j && d[i][j] > d[j][i] {
				p[i][j] = d[i][j]
			}
		}
	}
	for _, k := range cands {
		for _, i := range cands {
			if i == k {
				continue
			}
			for _, j := range cands {
				if j != k && j != i {
					p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
				}
			}
		}
	}
	return p
}
