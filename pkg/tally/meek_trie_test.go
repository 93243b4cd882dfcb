package tally

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// naiveMeekVotes is Droop's distributeVotes written plainly, ballot by ballot: the reference
// the prefix trees must reproduce exactly.
func naiveMeekVotes(b *Ballots, status []meekStatus, kf []int64) []int64 {
	votes := make([]int64, len(kf))
	for i := range b.Len() {
		cands, values := b.Marks(i)
		var levels [][]int32
		for k, c := range cands {
			if status[c] == meekWithdrawn {
				continue
			}
			if len(levels) == 0 || values[k] != values[slices.Index(cands, levels[len(levels)-1][0])] {
				levels = append(levels, nil)
			}
			levels[len(levels)-1] = append(levels[len(levels)-1], c)
		}
		tie := slices.ContainsFunc(levels, func(l []int32) bool { return len(l) > 1 })
		w := b.Weight(i)
		if !tie {
			naiveStrict(levels, kf, w, votes)
			continue
		}
		var dist func(level int, weight int64)
		dist = func(level int, weight int64) {
			if weight == 0 || level >= len(levels) {
				return
			}
			var live []int32
			for _, c := range levels[level] {
				if kf[c] != 0 {
					live = append(live, c)
				}
			}
			if len(live) == 0 {
				return
			}
			share := floorDiv(weight, int64(len(live)))
			for _, c := range live {
				votes[c] += floorDiv(share*kf[c], meekOne) * w
				dist(level+1, floorDiv(share*(meekOne-kf[c]), meekOne))
			}
		}
		dist(0, meekOne)
	}
	return votes
}

func naiveStrict(levels [][]int32, kf []int64, w int64, votes []int64) {
	weight := meekOne
	for _, l := range levels {
		c := l[0]
		if kf[c] == 0 {
			continue
		}
		votes[c] += floorDiv(weight*kf[c], meekOne) * w
		if weight = floorDiv(weight*(meekOne-kf[c]), meekOne); weight <= 0 {
			return
		}
	}
}

// TestMeekTrieMatchesNaive drives the prefix trees through random elections and random
// sequences of elections and exclusions, with random keep values (some above 1, which the
// fixed-point update can produce), and compares every distribution with naiveMeekVotes.
func TestMeekTrieMatchesNaive(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			n := 3 + rng.IntN(7)
			b, status := randomTieBallots(rng, n, 1+rng.IntN(300))
			kf := make([]int64, n)
			for c := range kf {
				if status[c] == meekHopeful {
					kf[c] = meekOne
				}
			}
			trie, err := newMeekTrie(b, status)
			if err != nil {
				t.Fatal(err)
			}
			check := func(step string) {
				got := make([]int64, n)
				trie.distribute(kf, got)
				if diff := cmp.Diff(naiveMeekVotes(b, status, kf), got); diff != "" {
					t.Fatalf("%s: votes (-naive +trie):\n%s", step, diff)
				}
			}
			check("start")
			for step := 0; ; step++ {
				var hopeful []int
				for c, s := range status {
					if s == meekHopeful {
						hopeful = append(hopeful, c)
					}
				}
				if len(hopeful) == 0 {
					break
				}
				c := hopeful[rng.IntN(len(hopeful))]
				if rng.IntN(2) == 0 {
					status[c] = meekElected
					trie.elect(c)
				} else {
					status[c], kf[c] = meekExcluded, 0
					trie.exclude(c)
				}
				for e, s := range status {
					if s == meekElected {
						kf[e] = 1 + rng.Int64N(meekOne+meekOne/50)
					}
				}
				check(fmt.Sprintf("step %d (%v)", step, status))
			}
		})
	}
}

// randomTieBallots makes random ballots over n candidates, a few of them withdrawn, with
// equal rankings on some ballots and repeated prefixes so that the trees share nodes.
func randomTieBallots(rng *rand.Rand, n, ballots int) (*Ballots, []meekStatus) {
	status := make([]meekStatus, n)
	for c := range status {
		if rng.IntN(6) == 0 {
			status[c] = meekWithdrawn
		}
	}
	b := &Ballots{}
	for range ballots {
		perm := rng.Perm(n)[:1+rng.IntN(n)]
		if rng.IntN(3) == 0 {
			slices.Sort(perm[:min(2, len(perm))]) // common prefixes
		}
		var r [][]int
		ties := rng.IntN(2) == 0
		for _, c := range perm {
			if ties && len(r) > 0 && rng.IntN(3) == 0 {
				r[len(r)-1] = append(r[len(r)-1], c)
			} else {
				r = append(r, []int{c})
			}
		}
		if err := b.AddRanking(1+rng.Int64N(3), r); err != nil {
			panic(err)
		}
	}
	return b, status
}
