package tally_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/tally"
)

// The TieBreaker's key is a published function that auditors recompute with their own tools
// (DESIGN.md §5), so these vectors pin it byte for byte. The hex keys were computed once
// outside Go, with the shell, e.g. for seed 5eed, round 3, "exclude", "Ann":
//
//	printf 'govboard-tie-v1\x00\x5e\xed\x00\x00\x00\x00\x00\x00\x00\x03exclude\x00Ann' | sha256sum
//
// Any change to the key function (domain string, separators, round width or byte order) breaks
// these tests, as it would break every published recount.
var tieVectors = []struct {
	name    string
	seed    string // hex
	round   int
	purpose string
	names   []string
	keys    []string // hex SHA-256 of each candidate, indexed like names
	order   []int    // candidates by key, smallest (chosen) first
}{
	{
		name: "seed 5eed, round 3, exclude", seed: "5eed", round: 3, purpose: "exclude",
		names: []string{"Ann", "Bo", "Cy"},
		keys: []string{
			"9fba71d90530f73c16d89fd095d276123a5a2bacc7a8bdb3171b05c75730b6a7",
			"7989d6ff93531ac3776e51b314c5a35c2821c79867d4f9ce6e05433026434dc0",
			"0d6cd4af2357de2e9dd01b7e87bb9b4eda75df1fd503d8777dced3657d5328d5",
		},
		order: []int{2, 1, 0},
	},
	{
		// Same seed, names and round: only the purpose differs, and the choice changes.
		name: "seed 5eed, round 3, elect", seed: "5eed", round: 3, purpose: "elect",
		names: []string{"Ann", "Bo", "Cy"},
		keys: []string{
			"071970951648ac51c66f3fadaf1f8965b7dee5d694f9cd8f9ab53ced84e15849",
			"c8e63775b49147a9db8d201b7919be3dfc5be095f59a34edf43833f1080db248",
			"940a29cb9a2234aad3239d4b7b920d99fb09e575034ae381865fb6565e9d4510",
		},
		order: []int{0, 2, 1},
	},
	{
		name: "empty seed, round 1, order", seed: "", round: 1, purpose: "order",
		names: []string{"Ann", "Bo", "Cy"},
		keys: []string{
			"942af73f1e86df6d6379fb98559b0c87667ba868d5cbd707ae4e677b05881f0e",
			"eaeeae86b978c2bdf325242c6e86317fe2ef489016a7f577303d60b4a91f2f71",
			"eb77bc1083ddc2f889d094de4846aa41492b5a186d198384fc88a9ac055f0536",
		},
		order: []int{0, 1, 2},
	},
	{
		// Round 258 = 0x0102 pins the round's byte order; names are hashed as UTF-8.
		name: "seed 5eed, round 258, surplus, UTF-8 names", seed: "5eed", round: 258, purpose: "surplus",
		names: []string{"Zoë", "Élan"},
		keys: []string{
			"f6717fa40352328861c8a2d9b1a8cb8a11d69e86851f7fa530425be6a1d3b41c",
			"60e32f5a207563dbf823d5210e28bfd12e5da547609c001d39e638e9dbcabd3e",
		},
		order: []int{1, 0},
	},
}

// tieMessage builds the hashed message of the TieBreaker documentation by hand, byte by byte,
// without the package's code: "govboard-tie-v1", 0x00, seed, round as 8 bytes big-endian,
// purpose, 0x00, name.
func tieMessage(seed []byte, round int, purpose, name string) []byte {
	msg := append([]byte("govboard-tie-v1"), 0)
	msg = append(msg, seed...)
	for shift := 56; shift >= 0; shift -= 8 {
		msg = append(msg, byte(round>>shift))
	}
	msg = append(msg, purpose...)
	msg = append(msg, 0)
	return append(msg, name...)
}

func TestTieBreakerVectors(t *testing.T) {
	for _, v := range tieVectors {
		t.Run(v.name, func(t *testing.T) {
			seed, err := hex.DecodeString(v.seed)
			if err != nil {
				t.Fatal(err)
			}
			tb := tally.TieBreaker{Seed: seed, Names: v.names}
			all := make([]int, len(v.names))
			for c, name := range v.names {
				all[c] = c
				// The documented message, hashed here, gives the shell's digest: the vector and
				// the documentation agree.
				byHand := sha256.Sum256(tieMessage(seed, v.round, v.purpose, name))
				if got := hex.EncodeToString(byHand[:]); got != v.keys[c] {
					t.Errorf("%s: documented message hashes to %s, vector %s", name, got, v.keys[c])
				}
				key := tb.Key(v.round, v.purpose, c)
				if got := hex.EncodeToString(key[:]); got != v.keys[c] {
					t.Errorf("%s: Key = %s, want %s", name, got, v.keys[c])
				}
			}
			if diff := cmp.Diff(v.order, tb.Order(v.round, v.purpose, all)); diff != "" {
				t.Errorf("Order (-want +got):\n%s", diff)
			}
			// Choose takes the first of the order whatever order the tied list is given in,
			// and records the tie with the tied candidates sorted.
			reversed := make([]int, len(all))
			for k, c := range all {
				reversed[len(all)-1-k] = c
			}
			chosen, tie := tb.Choose(v.round, v.purpose, reversed)
			want := tally.Tie{Round: v.round, Tied: all, Rule: "seed", Chosen: v.order[0], Purpose: v.purpose}
			if chosen != v.order[0] {
				t.Errorf("Choose = %d, want %d", chosen, v.order[0])
			}
			if diff := cmp.Diff(want, tie); diff != "" {
				t.Errorf("Tie (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewTieBreakerUsesNames: the key hashes the candidate's name, so NewTieBreaker must take
// the names from the election in candidate order.
func TestNewTieBreakerUsesNames(t *testing.T) {
	e := &tally.Election{Candidates: []tally.Candidate{{Name: "Ann"}, {Name: "Bo"}, {Name: "Cy", Withdrawn: true}}}
	seed, _ := hex.DecodeString("5eed")
	got := tally.NewTieBreaker(e, seed)
	want := tally.TieBreaker{Seed: seed, Names: []string{"Ann", "Bo", "Cy"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewTieBreaker (-want +got):\n%s", diff)
	}
	key := got.Key(3, "exclude", 2)
	if hex.EncodeToString(key[:]) != tieVectors[0].keys[2] {
		t.Errorf("Key of Cy = %x, want the vector %s", key, tieVectors[0].keys[2])
	}
}
