package password

import (
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashAndCompare(t *testing.T) {
	h := Hasher{Cost: bcrypt.MinCost}
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if hash == "correct horse battery" {
		t.Fatal("hash equals the password")
	}
	if err := h.Compare(hash, "correct horse battery"); err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if err := h.Compare(hash, "correct horse batterx"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: got %v, want ErrMismatch", err)
	}
	again, _ := h.Hash("correct horse battery")
	if again == hash {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if h.NeedsRehash(hash) {
		t.Error("NeedsRehash of a hash of the current cost = true")
	}
	if !(Hasher{Cost: bcrypt.MinCost + 1}).NeedsRehash(hash) {
		t.Error("NeedsRehash after the cost was raised = false")
	}
	if !h.NeedsRehash("not a bcrypt hash") {
		t.Error("NeedsRehash of garbage = false")
	}
}
