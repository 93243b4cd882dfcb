package tally_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// gsElection builds an election from candidate names ("A B C", "A:X" for affiliation X, "W-"
// for a withdrawn candidate) and ballots written "weight: A B=C D" (preferences in order,
// equal rankings joined by "=").
func gsElection(t testing.TB, seats int, names string, ballots ...string) *tally.Election {
	t.Helper()
	e := &tally.Election{Seats: seats}
	index := map[string]int{}
	for k, f := range strings.Fields(names) {
		name, aff, _ := strings.Cut(f, ":")
		name, withdrawn := strings.CutSuffix(name, "-")
		e.Candidates = append(e.Candidates, tally.Candidate{Name: name, Affiliation: aff, Withdrawn: withdrawn})
		index[name] = k
	}
	for _, b := range ballots {
		var w int64
		var prefs string
		if _, err := fmt.Sscanf(b, "%d:", &w); err != nil {
			t.Fatalf("ballot %q: %v", b, err)
		}
		_, prefs, _ = strings.Cut(b, ":")
		var ranking [][]int
		for _, level := range strings.Fields(prefs) {
			var group []int
			for _, n := range strings.Split(level, "=") {
				c, ok := index[n]
				if !ok {
					t.Fatalf("ballot %q names unknown candidate %q", b, n)
				}
				group = append(group, c)
			}
			ranking = append(ranking, group)
		}
		if err := e.Ballots.AddRanking(w, ranking); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// gsOutcome is what the hand-worked STV tests compare: who was elected and excluded at which
// round, every round's totals in candidate order and non-transferable value, ties and
// pass-overs.
type gsOutcome struct {
	Quota      string
	Elected    []string
	Excluded   []string
	Rounds     []string // "round: votes… | non-transferable"
	Ties       []tally.Tie
	PassedOver []string // "name@round"
	Notes      []string
}

func gsOutcomeOf(e *tally.Election, r *tally.Result) gsOutcome {
	o := gsOutcome{Quota: r.Quota.String(), Ties: r.Ties, Notes: r.Notes}
	at := map[int]int{}
	for _, rd := range r.Rounds {
		for _, c := range rd.Elected {
			at[c] = rd.Number
		}
	}
	for _, c := range r.Elected {
		o.Elected = append(o.Elected, fmt.Sprintf("%s@%d", e.Candidates[c].Name, at[c]))
	}
	for _, rd := range r.Rounds {
		for _, c := range rd.Excluded {
			o.Excluded = append(o.Excluded, fmt.Sprintf("%s@%d", e.Candidates[c].Name, rd.Number))
		}
		var v []string
		for _, d := range rd.Votes {
			v = append(v, d.String())
		}
		o.Rounds = append(o.Rounds, fmt.Sprintf("%d: %s | %s", rd.Number, strings.Join(v, " "), rd.NonTransferable))
	}
	for _, p := range r.PassedOver {
		o.PassedOver = append(o.PassedOver, fmt.Sprintf("%s@%d", e.Candidates[p.Candidate].Name, p.Round))
	}
	return o
}

// gsAffiliate gives the candidates of e the affiliations listed in affs (space-separated, in
// candidate order) and returns e.
func gsAffiliate(e *tally.Election, affs string) *tally.Election {
	for c, a := range strings.Fields(affs) {
		e.Candidates[c].Affiliation = a
	}
	return e
}

// gsTieLoser returns the candidate that the seeded TieBreaker chooses among tied.
func gsTieLoser(e *tally.Election, seed string, round int, purpose string, tied ...int) int {
	return tally.NewTieBreaker(e, []byte(seed)).Order(round, purpose, tied)[0]
}

// TestScottishHandWorked checks Scottish STV on small elections worked out by hand (in the
// comments) from the Order's rules.
func TestScottishHandWorked(t *testing.T) {
	tests := []struct {
		name string
		e    *tally.Election
		opts tally.Options
		want gsOutcome
	}{{
		// 20 papers, 3 seats: quota = floor(20/4)+1 = 6.
		// Stage 1: A 10 (elected, surplus 4), B 3, C 4, D 2, E 1.
		// Stage 2: A's 10 papers at floor5(1×4/10) = 0.40000: 8 to C (+3.20000), 2 to E
		//   (+0.80000). C 7.20000 is elected, surplus 1.20000.
		// Stage 3: every paper of C, by its own value (rule 48(3)): the 4 first preferences at
		//   floor5(1×1.2/7.2) = 0.16666 go to E (+0.66664); the 8 papers from A at
		//   floor5(0.4×1.2/7.2) = 0.06666 go to D (+0.53328). Truncation loses 0.00008.
		// Stage 4: E (2.46664) is lowest: none of their papers has a next preference, so
		//   1 + 0.8 + 0.66664 = 2.46664 becomes non-transferable.
		// Stage 5: D (2.53328) is lowest: 2 + 0.53328 non-transferable (total 4.99992); B is
		//   the only continuing candidate for the last seat (rule 52) and is elected.
		name: "WIGM transfer of papers of different values",
		// "8: A C D", "2: A E", "4: C E", "3: B", "2: D", "1: E"
		e: readTestBLT(t, "scottish", "wigm.blt"),
		want: gsOutcome{
			Quota:    "6.00000",
			Elected:  []string{"A@1", "C@2", "B@5"},
			Excluded: []string{"E@4", "D@5"},
			Rounds: []string{
				"1: 10.00000 3.00000 4.00000 2.00000 1.00000 | 0.00000",
				"2: 6.00000 3.00000 7.20000 2.00000 1.80000 | 0.00000",
				"3: 6.00000 3.00000 6.00000 2.53328 2.46664 | 0.00000",
				"4: 6.00000 3.00000 6.00000 2.53328 0.00000 | 2.46664",
				"5: 6.00000 3.00000 6.00000 0.00000 0.00000 | 4.99992",
			},
			Notes: []string{"stage 3: 0.00008 of the surplus lost to truncation of transfer values (0.00008 in all so far); not counted as non-transferable"},
		},
	}, {
		// 47 papers, 3 seats: quota = floor(47/4)+1 = 12.
		// Stage 1: A 24, D 16 elected; B 3, C 4.
		// Stage 2: A's surplus 12 first (largest), at 0.5: B +2 = 5; 10 non-transferable.
		// Stage 3: D's surplus 4 at 0.25: C +1 = 5; 3 non-transferable.
		// Stage 4: B and C tie on 5. At stage 3 they were equal; at stage 2, the most recent
		//   stage where they differed, C had fewer (4 < 5), so C is excluded (rule 51(2)(a)),
		//   although at stage 1 B had fewer. B is then the only continuing candidate.
		name: "exclusion tie: most recent earlier stage",
		// "4: A B", "20: A", "4: D C", "12: D", "3: B", "4: C"
		e: readTestBLT(t, "scottish", "earlier-stage-tie.blt"),
		want: gsOutcome{
			Quota:    "12.00000",
			Elected:  []string{"A@1", "D@1", "B@4"},
			Excluded: []string{"C@4"},
			Rounds: []string{
				"1: 24.00000 3.00000 4.00000 16.00000 | 0.00000",
				"2: 12.00000 5.00000 4.00000 16.00000 | 10.00000",
				"3: 12.00000 5.00000 5.00000 12.00000 | 13.00000",
				"4: 12.00000 5.00000 0.00000 12.00000 | 18.00000",
			},
			Ties: []tally.Tie{{Round: 4, Tied: []int{1, 2}, Rule: "earlier-stage", Chosen: 2, Purpose: "exclude"}},
		},
	}, {
		// 32 papers, 2 seats, at most 1 seat per affiliation: quota = floor(32/3)+1 = 11.
		// Stage 1: A (X) 12 is elected; B (X) 11 reaches the quota but X already holds its
		//   seat, so B is passed over and excluded.
		// Stage 2: B's 11 papers go to C at full value: C 16 is elected; no further transfer
		//   (A's surplus of 1 is never needed) and D is excluded formally.
		name: "affiliation cap passes over a candidate reaching the quota",
		e: gsElection(t, 2, "A:X B:X C:Y D:Z",
			"12: A B", "11: B C", "5: C", "4: D"),
		opts: tally.Options{AffiliationCap: 1},
		want: gsOutcome{
			Quota:    "11.00000",
			Elected:  []string{"A@1", "C@2"},
			Excluded: []string{"B@1", "D@2"},
			Rounds: []string{
				"1: 12.00000 11.00000 5.00000 4.00000 | 0.00000",
				"2: 12.00000 0.00000 16.00000 4.00000 | 0.00000",
			},
			PassedOver: []string{"B@1"},
		},
	}, {
		// 36 papers, 2 seats, A and B of X, C and D of Y, at most 1 seat per affiliation:
		// quota = floor(36/3)+1 = 13.
		// Stage 1: A 20 is elected (surplus 7); B 8, C 5, D 3. B can no longer be elected (X
		//   holds its seat), but C and D compete for Y's seat: the count goes on.
		// Stage 2: A's 20 papers "A D" at floor5(7/20) = 0.35: D +7 = 10.
		// Stage 3: nobody has the quota; C (5) is lowest and excluded, 5 papers non-transferable.
		//   D is now the only continuing candidate who can take a seat, one seat is left: D is
		//   elected (rule 52) and B excluded. Nobody reached the quota under a full cap, so
		//   nobody is passed over.
		name: "affiliation cap with a surplus pending",
		e:    gsAffiliate(readTestBLT(t, "scottish", "cap-pending-surplus.blt"), "X X Y Y"),
		opts: tally.Options{AffiliationCap: 1},
		want: gsOutcome{
			Quota:    "13.00000",
			Elected:  []string{"A@1", "D@3"},
			Excluded: []string{"C@3", "B@3"},
			Rounds: []string{
				"1: 20.00000 8.00000 5.00000 3.00000 | 0.00000",
				"2: 13.00000 8.00000 5.00000 10.00000 | 0.00000",
				"3: 13.00000 8.00000 0.00000 10.00000 | 5.00000",
			},
		},
	}, {
		// 42 papers, 2 seats, A and B of X, C of Z, D of Y, cap 1: quota = floor(42/3)+1 = 15.
		// Stage 1: A 20 is elected (surplus 5); B 12, C 4, D 6. B can no longer be elected;
		//   C and D both could, for one seat: the count goes on.
		// Stage 2: A's 20 papers have no next preference: 20 × 0.25 = 5 non-transferable.
		// Stage 3: C (4) is excluded: 4 papers to D, 10. D is the only continuing candidate who
		//   can take a seat, so the count ends: B (12) comes first by votes but is passed over,
		//   and D takes the seat. (Keeping B in the count would exclude D next and leave the
		//   seat empty.)
		name: "affiliation cap: a candidate whose affiliation is full does not hold a seat open",
		e:    gsAffiliate(readTestBLT(t, "scottish", "cap-full-affiliation.blt"), "X X Z Y"),
		opts: tally.Options{AffiliationCap: 1},
		want: gsOutcome{
			Quota:    "15.00000",
			Elected:  []string{"A@1", "D@3"},
			Excluded: []string{"C@3", "B@3"},
			Rounds: []string{
				"1: 20.00000 12.00000 4.00000 6.00000 | 0.00000",
				"2: 15.00000 12.00000 4.00000 6.00000 | 5.00000",
				"3: 15.00000 12.00000 0.00000 10.00000 | 5.00000",
			},
			PassedOver: []string{"B@3"},
		},
	}, {
		// 36 papers, 2 seats: quota = floor(36/3)+1 = 13.
		// Stage 1: A 26 is elected (surplus 13); B 5, C 4, D 1.
		// Stage 2: A's 26 papers at floor5(13/26) = 0.5: 24 to D (+12 = 13), 2 to C (+1 = 5).
		//   D reaches the quota and fills the last seat. B and C, both 5, are excluded
		//   formally, fewest votes first; their order is a tie (purpose "order") decided like
		//   any other by rule 51: at stage 1, the most recent stage where they differed, B had
		//   more (5 > 4), so B ranks first and C is excluded first.
		name: "last exclusions with equal votes: ordered by the earlier stage",
		e:    readTestBLT(t, "scottish", "order-tie.blt"),
		want: gsOutcome{
			Quota:    "13.00000",
			Elected:  []string{"A@1", "D@2"},
			Excluded: []string{"C@2", "B@2"},
			Rounds: []string{
				"1: 26.00000 5.00000 4.00000 1.00000 | 0.00000",
				"2: 13.00000 5.00000 5.00000 13.00000 | 0.00000",
			},
			Ties: []tally.Tie{{Round: 2, Tied: []int{1, 2}, Rule: "earlier-stage", Chosen: 1, Purpose: "order"}},
		},
	}, {
		// Without the cap, A and B both reach the quota at stage 1 and fill the seats.
		name: "same election without the cap",
		e: gsElection(t, 2, "A:X B:X C:Y D:Z",
			"12: A B", "11: B C", "5: C", "4: D"),
		want: gsOutcome{
			Quota:    "11.00000",
			Elected:  []string{"A@1", "B@1"},
			Excluded: []string{"D@1", "C@1"},
			Rounds:   []string{"1: 12.00000 11.00000 5.00000 4.00000 | 0.00000"},
		},
	}, {
		// W is withdrawn: skipped on every paper, and a paper naming only W is not valid.
		// Valid papers: 2 + 3 + 4 = 9, 1 seat: quota = floor(9/2)+1 = 5.
		// Stage 1: A 2, B 3, C 4. Stage 2: A is excluded; their papers rank B and C equally
		//   next, both continuing, so the preference is uncertain and they are non-transferable.
		// Stage 3: B is excluded (3 more non-transferable); C is the only continuing candidate.
		name: "withdrawn candidate and an uncertain equal preference",
		e:    gsElection(t, 1, "A B C W-", "2: W A B=C", "3: B", "4: C", "1: W"),
		want: gsOutcome{
			Quota:    "5.00000",
			Elected:  []string{"C@3"},
			Excluded: []string{"A@2", "B@3"},
			Rounds: []string{
				"1: 2.00000 3.00000 4.00000 0.00000 | 0.00000",
				"2: 0.00000 3.00000 4.00000 0.00000 | 2.00000",
				"3: 0.00000 0.00000 4.00000 0.00000 | 5.00000",
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tally.Count("scottish", tt.e, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, gsOutcomeOf(tt.e, r)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScottishSeedTie checks the last tie rule: 5 papers, 1 seat, quota floor(5/2)+1 = 3.
// Stage 1: A 2, B 2, C 1; C is excluded (stage 2) and their paper has no next preference.
// At stage 3 A and B tie on 2 and were equal at every stage, so the lot decides (rule
// 51(2)(b)): the seeded TieBreaker, purpose "exclude" at stage 3. The other one is elected.
// Two seeds that choose differently show the choice really follows the seed.
func TestScottishSeedTie(t *testing.T) {
	e := gsElection(t, 1, "A B C", "2: A", "2: B", "1: C")
	seen := map[int]bool{}
	for _, seed := range []string{"seed-1", "seed-2", "seed-3", "seed-4", "seed-5", "seed-6", "seed-7", "seed-8"} {
		loser := gsTieLoser(e, seed, 3, "exclude", 0, 1)
		seen[loser] = true
		r, err := tally.Count("scottish", e, tally.Options{Seed: []byte(seed)})
		if err != nil {
			t.Fatal(err)
		}
		want := gsOutcome{
			Quota:    "3.00000",
			Elected:  []string{fmt.Sprintf("%s@3", e.Candidates[1-loser].Name)},
			Excluded: []string{"C@2", fmt.Sprintf("%s@3", e.Candidates[loser].Name)},
			Rounds: []string{
				"1: 2.00000 2.00000 1.00000 | 0.00000",
				"2: 2.00000 2.00000 0.00000 | 1.00000",
				fmt.Sprintf("3: %s | 3.00000", map[int]string{0: "0.00000 2.00000 0.00000", 1: "2.00000 0.00000 0.00000"}[loser]),
			},
			Ties: []tally.Tie{{Round: 3, Tied: []int{0, 1}, Rule: "seed", Chosen: loser, Purpose: "exclude"}},
		}
		if diff := cmp.Diff(want, gsOutcomeOf(e, r)); diff != "" {
			t.Errorf("seed %q (-want +got):\n%s", seed, diff)
		}
	}
	if len(seen) != 2 {
		t.Errorf("the seeds all chose the same candidate; pick seeds that differ")
	}
}

// TestScottishWeightsAreIdenticalPapers checks that a ballot of weight w counts exactly like
// w identical ballots, stage by stage, on a generated election.
func TestScottishWeightsAreIdenticalPapers(t *testing.T) {
	for _, method := range []string{"scottish", "ers97"} {
		t.Run(method, func(t *testing.T) {
			e := tallytest.Generate(7, 3000, 9, 3)
			if err := e.Ballots.Compact(); err != nil {
				t.Fatal(err)
			}
			merged, err := tally.Count(method, e, tally.Options{})
			if err != nil {
				t.Fatal(err)
			}
			single, err := tally.Count(method, tallytest.Expand(e), tally.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(gsOutcomeOf(e, merged), gsOutcomeOf(e, single)); diff != "" {
				t.Errorf("merged vs one entry per voter (-merged +single):\n%s", diff)
			}
		})
	}
}

// TestScottishConservation checks on generated elections that at every stage the candidates'
// votes, the non-transferable papers and the truncation losses reported in Notes add up to the
// valid poll exactly, and that the count fills every seat.
func TestScottishConservation(t *testing.T) {
	loss := regexp.MustCompile(`^stage (\d+): (\S+) of the surplus lost`)
	for seed := range int64(5) {
		e := tallytest.Generate(seed, 2000+int(seed)*500, 6+int(seed)*3, 2+int(seed))
		r, err := tally.Count("scottish", e, tally.Options{})
		if err != nil {
			t.Fatal(err)
		}
		lost := map[int]int64{}
		for _, n := range r.Notes {
			m := loss.FindStringSubmatch(n)
			if m == nil {
				t.Fatalf("seed %d: unexpected note %q", seed, n)
			}
			d, err := tally.ParseDecimal(m[2])
			if err != nil {
				t.Fatal(err)
			}
			stage, _ := strconv.Atoi(m[1])
			lost[stage] = d.Units
		}
		var lostSoFar int64
		for _, rd := range r.Rounds {
			lostSoFar += lost[rd.Number]
			sum := rd.NonTransferable.Units + lostSoFar
			for _, v := range rd.Votes {
				sum += v.Units
			}
			if want := e.Ballots.TotalWeight() * 100000; sum != want {
				t.Errorf("seed %d stage %d: votes + non-transferable + lost = %d, want %d", seed, rd.Number, sum, want)
			}
		}
		if len(r.Elected) != e.Seats {
			t.Errorf("seed %d: %d elected for %d seats", seed, len(r.Elected), e.Seats)
		}
	}
}

// BenchmarkScottish counts generated elections of the sizes of the benchmark target.
func BenchmarkScottish(b *testing.B) { gsBench(b, "scottish") }

// BenchmarkERS97 counts the same generated elections with ERS97.
func BenchmarkERS97(b *testing.B) { gsBench(b, "ers97") }

func gsBench(b *testing.B, method string) {
	for _, size := range []struct{ ballots, cands, seats int }{{1_000_000, 20, 10}, {100_000, 50, 10}} {
		b.Run(fmt.Sprintf("%dx%d", size.ballots, size.cands), func(b *testing.B) {
			e := tallytest.Generate(1, size.ballots, size.cands, size.seats)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tally.Count(method, e, tally.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
