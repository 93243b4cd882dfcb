package tally

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
)

// TieBreaker decides the ties that a method's own rules leave open, as a deterministic function
// of the revealed seed, so that anyone can recompute the choice and nobody could steer it while
// voting ran (the seed's SHA-256 was published when the round opened).
//
// The function: for each tied candidate c, key(c) = SHA-256("govboard-tie-v1" ‖ 0x00 ‖ seed ‖
// round as 8-byte big-endian ‖ purpose ‖ 0x00 ‖ name of c). The tied candidates are ordered by
// key, smallest first (bytes compared as unsigned big-endian numbers), and the first one is
// chosen for the purpose ("exclude", "elect", "surplus", "order"). With an empty seed the order is
// still deterministic, but predictable: a service always supplies a seed.
type TieBreaker struct {
	Seed  []byte
	Names []string
}

// Key returns the ordering key of candidate c in a tie at the given round for the given purpose.
func (t TieBreaker) Key(round int, purpose string, c int) [32]byte {
	h := sha256.New()
	h.Write([]byte("govboard-tie-v1\x00"))
	h.Write(t.Seed)
	var r [8]byte
	binary.BigEndian.PutUint64(r[:], uint64(round))
	h.Write(r[:])
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(t.Names[c]))
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

// Order returns the tied candidates sorted by their keys, the chosen one first.
func (t TieBreaker) Order(round int, purpose string, tied []int) []int {
	out := slices.Clone(tied)
	keys := make(map[int][32]byte, len(out))
	for _, c := range out {
		keys[c] = t.Key(round, purpose, c)
	}
	slices.SortFunc(out, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		return bytes.Compare(ka[:], kb[:])
	})
	return out
}

// Choose returns the candidate chosen among tied and the Tie event that records it.
func (t TieBreaker) Choose(round int, purpose string, tied []int) (int, Tie) {
	c := t.Order(round, purpose, tied)[0]
	sorted := slices.Clone(tied)
	slices.Sort(sorted)
	return c, Tie{Round: round, Tied: sorted, Rule: "seed", Chosen: c, Purpose: purpose}
}

// NewTieBreaker returns the tie breaker of an election with the given seed.
func NewTieBreaker(e *Election, seed []byte) TieBreaker {
	names := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		names[i] = c.Name
	}
	return TieBreaker{Seed: seed, Names: names}
}
