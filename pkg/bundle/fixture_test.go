package bundle

import (
	"crypto/ed25519"
	"testing"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/bundle/bundletest"
)

// The election of these tests is bundletest's.

const testRound = bundletest.RoundID

var testAt = bundletest.At

func testKey(name string) ed25519.PrivateKey { return bundletest.Key(name) }

func testData(t *testing.T) *elections.BundleData {
	t.Helper()
	return bundletest.Data()
}
