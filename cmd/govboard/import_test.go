package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

var (
	matrixFile    = filepath.Join("..", "..", "testdata", "boards", "matrix.yaml")
	membersSample = filepath.Join("..", "..", "testdata", "members")
)

// cliEnv returns the environment of commands working on a fresh database of the engine.
func cliEnv(t *testing.T, opts sqlstore.Options) map[string]string {
	t.Helper()
	env := map[string]string{"GOVBOARD_DATA_DIR": filepath.Join(t.TempDir(), "data"),
		"GOVBOARD_DB_DRIVER": opts.Driver, "GOVBOARD_DB_DSN": opts.DSN}
	if opts.Driver == sqlstore.DriverPostgres {
		if code, out, errOut := govboard(t, "", env, "migrate"); code != 0 {
			t.Fatalf("migrate: %d %s %s", code, out, errOut)
		}
	}
	return env
}

// writeFile writes a file in a temporary directory and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// cliStep is one command and what it must do: exit status, and texts its output (stdout
// when it succeeds, stderr when it fails) must contain.
type cliStep struct {
	name string
	args []string
	code int
	want []string
}

func runSteps(t *testing.T, env map[string]string, steps []cliStep) {
	t.Helper()
	for _, s := range steps {
		code, out, errOut := govboard(t, "", env, s.args...)
		got := out
		if s.code != 0 {
			got = errOut
		}
		if code != s.code {
			t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", s.name, code, s.code, out, errOut)
		}
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: output %q does not contain %q", s.name, got, w)
			}
		}
	}
}

func TestCharterApply(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		env := cliEnv(t, opts)
		badShape := writeFile(t, "bad.yaml", "name: B\neffective_from: 2025-13-01\nseats: 4\n")
		badRules := writeFile(t, "rules.yaml", "name: B\neffective_from: 2030-01-01\ncurrency: USD\nterm_years: 2\n"+
			"first_election: 2030\nconstituencies:\n  - {key: x, name: X, category: C, seats: 1, seating: elected,\n"+
			"     elected_in: odd, method: foo, uncontested: acclamation, eligibility: {rule: membership}}\n")
		runSteps(t, env, []cliStep{
			{"bad shape", []string{"charter", "apply", badShape}, 2,
				[]string{badShape + ":2: effective_from:", badShape + `:3: charter: unknown key "seats"`}},
			{"no such file", []string{"charter", "apply", badShape + ".missing"}, 2, []string{"bad.yaml.missing"}},
			{"two files", []string{"charter", "apply", badShape, badShape}, 2, []string{"expected one file"}},
			{"apply", []string{"charter", "apply", matrixFile}, 0,
				[]string{"applied charter version 1 (in force from 2024-01-01, fingerprint "}},
			{"apply again", []string{"charter", "apply", matrixFile}, 0,
				[]string{"charter unchanged: version 1 is the same"}},
			{"rules broken", []string{"charter", "apply", badRules}, 2, []string{badRules + `: constituency "x"`, "foo"}},
			{"not applied", []string{"charter", "apply", matrixFile}, 0,
				[]string{"charter unchanged: version 1 is the same"}},
		})
	})
}

func TestImport(t *testing.T) {
	sqlstoretest.EachEngine(t, func(t *testing.T, opts sqlstore.Options) {
		env := cliEnv(t, opts)
		members := filepath.Join(membersSample, "members.csv")
		const header = "external_id,kind,name,email,constituency,joined\n"
		newGood := "new-1,person,New Person,new@example.org,individual,2025-01-01\n"
		badRow := writeFile(t, "new.csv", header+newGood+"new-2,robot,R2,,individual,2025-01-01\n")
		badShape := writeFile(t, "shape.csv", header+newGood+"new-2,person\n")
		good := writeFile(t, "good.csv", header+newGood)
		noExt := writeFile(t, "members", header+newGood)
		runSteps(t, env, []cliStep{
			{"before the charter", []string{"import", "members", members}, 2,
				[]string{members + ": apply a charter"}},
			{"charter", []string{"charter", "apply", matrixFile}, 0, nil},
			{"members", []string{"import", "members", members}, 0,
				[]string{"6 rows: 6 created, 0 updated, 0 unchanged"}},
			{"members again", []string{"import", "members", members}, 0,
				[]string{"6 rows: 0 created, 0 updated, 6 unchanged"}},
			{"members as json", []string{"import", "members", filepath.Join(membersSample, "members.json")}, 0,
				[]string{"6 rows: 0 created, 0 updated, 6 unchanged"}},
			{"donations", []string{"import", "donations", filepath.Join(membersSample, "donations.csv")}, 0,
				[]string{"3 rows: 3 created, 0 updated, 0 unchanged"}},
			{"donations as json", []string{"import", "donations", filepath.Join(membersSample, "donations.json")}, 0,
				[]string{"3 rows: 0 created, 0 updated, 3 unchanged"}},
			{"bad row", []string{"import", "members", badRow}, 2, []string{badRow + " line 3: "}},
			{"bad shape", []string{"import", "members", badShape}, 2,
				[]string{badShape + " line 3: 2 fields, but the header names 6 columns"}},
			{"no extension", []string{"import", "members", noExt}, 2, []string{"--format"}},
			{"bad format", []string{"import", "members", noExt, "--format", "xml"}, 2, []string{`--format "xml"`}},
			{"nothing written", []string{"import", "members", good}, 0,
				[]string{"1 rows: 1 created, 0 updated, 0 unchanged"}},
			{"format flag", []string{"import", "members", noExt, "--format", "csv"}, 0,
				[]string{"1 rows: 0 created, 0 updated, 1 unchanged"}},
		})
	})
}
