package tally_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/tallytest"
)

// TestConfidenceMoreQualifiedThanSeats: 2 seats, 7 voters of which one ballot is invalid.
//
//	3 × A yes, B yes, C no
//	2 × A no,  B no,  C yes, D yes
//	1 × A abstains explicitly, D yes (B and C unmarked: abstain)
//
// Weight 6. A 3 yes 2 no 1 abstain (3/5 > 1/2), B the same, C 2/3/1 (2/5: no),
// D 3 yes 0 no 3 abstain (3/3). A, B and D qualify for 2 seats: D has the largest margin (3),
// A and B tie on margin 1 for the second seat and the seed decides.
func TestConfidenceMoreQualifiedThanSeats(t *testing.T) {
	chosen := map[int]bool{}
	for k := range 8 {
		seed := []byte(fmt.Sprintf("confidence-%d", k))
		e := nsElection(t, 2, "A B C D",
			nsBallot{3, "A:1 B:1 C:-1"}, nsBallot{2, "A:-1 B:-1 C:1 D:1"}, nsBallot{1, "A:0 D:1"})
		r := nsCount(t, "confidence", e, tally.Options{Seed: seed})
		wantCounts := []tally.ConfidenceCount{{3, 2, 1}, {3, 2, 1}, {2, 3, 1}, {3, 0, 3}}
		if diff := cmp.Diff(wantCounts, r.Confidence); diff != "" {
			t.Fatalf("counts (-want +got):\n%s", diff)
		}
		second := tally.NewTieBreaker(e, seed).Order(1, "elect", []int{0, 1})[0]
		chosen[second] = true
		got := nsOutcomeOf(t, e, r)
		want := nsOutcome{Elected: namesOf(tallytest.Names(e), []int{3, second}), Votes: []int64{3, 3, 2, 3},
			PassedOver: []string{}, Ties: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %s outcome (-want +got):\n%s", seed, diff)
		}
	}
	if len(chosen) != 2 {
		t.Errorf("8 seeds always chose %v; the seed must matter", chosen)
	}
	bad := nsElection(t, 2, "A B", nsBallot{1, "A:2"})
	bad.Kind = tally.KindConfidence
	if _, err := tally.Count("confidence", bad, tally.Options{}); !errors.Is(err, tally.ErrInvalid) {
		t.Errorf("a mark of 2: err = %v, want ErrInvalid", err)
	}
}

// TestConfidenceThreshold: 3 seats, so the threshold alone decides.
//
//	2 × A yes, B yes, C yes
//	2 × A no,  B no
//	1 × B yes, C abstain
//
// A 2 yes 2 no (exactly 1/2), B 3 yes 2 no (3/5), C 2 yes 0 no (1). Seats go by margin:
// C (2), B (1), A (0).
func TestConfidenceThreshold(t *testing.T) {
	tests := []struct {
		name      string
		threshold tally.Ratio
		want      []string
	}{
		{"default 1/2: yes == no is not enough", tally.Ratio{}, []string{"C", "B"}},
		{"explicit 1/2", tally.Ratio{Num: 1, Den: 2}, []string{"C", "B"}},
		{"2/5 seats A at exactly 1/2", tally.Ratio{Num: 2, Den: 5}, []string{"C", "B", "A"}},
		{"3/5 refuses B at exactly 3/5", tally.Ratio{Num: 3, Den: 5}, []string{"C"}},
		{"0 seats every candidate with a yes", tally.Ratio{Num: 0, Den: 1}, []string{"C", "B", "A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := nsElection(t, 3, "A B C",
				nsBallot{2, "A:1 B:1 C:1"}, nsBallot{2, "A:-1 B:-1"}, nsBallot{1, "B:1 C:0"})
			r := nsCount(t, "confidence", e, tally.Options{ConfidenceThreshold: tt.threshold})
			if diff := cmp.Diff(tt.want, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
				t.Errorf("elected (-want +got):\n%s", diff)
			}
			want := []tally.ConfidenceCount{{2, 2, 1}, {3, 2, 0}, {2, 0, 3}}
			if diff := cmp.Diff(want, r.Confidence); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfidenceEdges(t *testing.T) {
	// B withdrew: its marks are ignored and it is never seated. C is abstained on by everyone:
	// no yes and no no, so not even a threshold of 0 seats it.
	e := nsElection(t, 3, "A B C", nsBallot{2, "A:1 B:1"}, nsBallot{1, "A:-1 B:1"})
	e.Candidates[1].Withdrawn = true
	r := nsCount(t, "confidence", e, tally.Options{ConfidenceThreshold: tally.Ratio{Num: 0, Den: 1}})
	if diff := cmp.Diff([]string{"A"}, namesOf(tallytest.Names(e), r.Elected)); diff != "" {
		t.Errorf("elected (-want +got):\n%s", diff)
	}
	want := []tally.ConfidenceCount{{2, 1, 0}, {}, {0, 0, 3}}
	if diff := cmp.Diff(want, r.Confidence); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	for _, th := range []tally.Ratio{{Num: 1, Den: 0}, {Num: 2, Den: 2}, {Num: -1, Den: 2}, {Num: 1, Den: -2}} {
		_, err := tally.Count("confidence", e, tally.Options{ConfidenceThreshold: th})
		if !errors.Is(err, tally.ErrInvalid) {
			t.Errorf("threshold %v: error %v, want ErrInvalid", th, err)
		}
	}
}
