// Package tallytest helps test counting methods: it loads the shared conformance corpus
// (real and textbook elections with known results, see shared/conformance/README.md) and
// generates realistic random elections for benchmarks and property tests.
package tallytest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/blt"
)

// EnvDir names the environment variable that points at the corpus: either the conformance
// directory (holding cases/) or the cases directory itself.
const EnvDir = "GOVBOARD_CONFORMANCE_DIR"

// Case is one election of the conformance corpus.
type Case struct {
	// ID is the directory name, e.g. "scot-stv-aberdeen-2017-ward1".
	ID string
	// Dir is the case directory (holding ballots.blt, expected.json and refs/).
	Dir string
	// Election is ballots.blt, with Seats taken from expected.json "seats" when present
	// (the README says to prefer it to the BLT header).
	Election *tally.Election
	// Expected is expected.json decoded with encoding/json defaults (numbers are float64);
	// decode Raw or use ReadJSON for exact types.
	Expected map[string]any
	// Raw is the bytes of expected.json.
	Raw []byte
}

// CasesDir returns the corpus cases directory, or "" when it cannot be found.
func CasesDir() string {
	if d := os.Getenv(EnvDir); d != "" {
		if isDir(filepath.Join(d, "cases")) {
			return filepath.Join(d, "cases")
		}
		if isDir(d) {
			return d
		}
		return ""
	}
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	d := filepath.Join(root, "..", "shared", "conformance", "cases")
	if !isDir(d) {
		return ""
	}
	return d
}

// ModuleRoot returns the directory of the go.mod above the working directory, or "".
func ModuleRoot() string {
	d, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// Cases loads every case whose ID starts with prefix ("" for all), sorted by ID. It skips the
// test when the corpus is absent and fails it when a case cannot be read.
func Cases(t testing.TB, prefix string) []Case {
	t.Helper()
	dir := CasesDir()
	if dir == "" {
		t.Skipf("conformance corpus not found: set $%s or place it at <module root>/../shared/conformance/cases", EnvDir)
	}
	ids := CaseIDs(t, dir)
	var out []Case
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			out = append(out, LoadCase(t, filepath.Join(dir, id)))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no conformance case in %s starts with %q", dir, prefix)
	}
	return out
}

// CaseIDs lists the case directories in dir, sorted.
func CaseIDs(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("conformance corpus: %v", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	slices.Sort(ids)
	return ids
}

// LoadCase reads the case in dir.
func LoadCase(t testing.TB, dir string) Case {
	t.Helper()
	c := Case{ID: filepath.Base(dir), Dir: dir}
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatalf("case %s: %v", c.ID, err)
	}
	c.Raw = raw
	if err := json.Unmarshal(raw, &c.Expected); err != nil {
		t.Fatalf("case %s: expected.json: %v", c.ID, err)
	}
	e, err := blt.ReadFile(filepath.Join(dir, "ballots.blt"))
	if err != nil {
		t.Fatalf("case %s: %v", c.ID, err)
	}
	if s, ok := c.Expected["seats"].(float64); ok && s >= 1 {
		e.Seats = int(s)
	}
	c.Election = e
	return c
}

// ReadJSON decodes the file rel (relative to the case directory, e.g. "expected.json" or
// "refs/droop-meek.json") into v, failing the test on error. Numbers decode as json.Number when
// v holds interfaces, so that no digit is lost to float64.
func (c Case) ReadJSON(t testing.TB, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.Dir, rel))
	if err != nil {
		t.Fatalf("case %s: %v", c.ID, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("case %s: %s: %v", c.ID, rel, err)
	}
}

// String returns the expected.json field key as a string ("" when absent or not a string).
func (c Case) String(key string) string {
	s, _ := c.Expected[key].(string)
	return s
}

// Strings returns the expected.json field key as a list of strings (nil when absent).
func (c Case) Strings(key string) []string {
	list, _ := c.Expected[key].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Method returns the govboard counting method that the case checks, from its method and
// variant as mapped in the conformance README table, or "" when the pair is unknown.
func (c Case) Method() string {
	return MethodFor(c.String("method"), c.String("variant"))
}

// MethodFor maps an expected.json method/variant pair to a govboard method name ("" when
// unknown), following the table "What must match" of shared/conformance/README.md.
func MethodFor(method, variant string) string {
	switch method {
	case "stv":
		switch variant {
		case "scottish-stv":
			return "scottish"
		case "ers97":
			return "ers97"
		case "meek", "meek-droop":
			return "meek"
		}
		return ""
	case "irv", "schulze", "plurality", "approval":
		return method
	case "ranked_pairs", "ranked-pairs", "rankedpairs":
		return "rankedpairs"
	}
	return ""
}

// Names returns the candidate names of e, indexed like e.Candidates.
func Names(e *tally.Election) []string {
	out := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		out[i] = c.Name
	}
	return out
}
