package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
)

func newCharterCmd() *cobra.Command {
	c := &cobra.Command{Use: "charter", Short: "Manage the board's charter: constituencies, seats, terms and rules"}
	c.AddCommand(newCharterApplyCmd())
	return c
}

func newCharterApplyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apply FILE",
		Short: "Apply a charter file (YAML, or JSON) as the board's next charter version",
		Long: "Apply a charter file as the board's next charter version, in force from its effective_from.\n" +
			"Applying the same content as the latest version changes nothing. The format is in the README;\n" +
			"testdata/boards/matrix.yaml is the Matrix.org Foundation's board.\n" +
			"Exit status 2 on a bad file, with every problem and its line.",
		Args: oneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			data, err := os.ReadFile(path)
			if err != nil {
				return badInput(err)
			}
			c, err := charterfile.Parse(data, path)
			if err != nil {
				return fileError(path, err)
			}
			m, err := openDomain(cmd)
			if err != nil {
				return err
			}
			defer m.Close()
			applied, changed, err := m.Service.ApplyCharter(cmd.Context(), elections.CLIActor(), c)
			if err != nil {
				return fileError(path, err)
			}
			if !changed {
				fmt.Fprintf(cmd.OutOrStdout(), "charter unchanged: version %d is the same\n", applied.Version)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "applied charter version %d (in force from %s, fingerprint %s…)\n",
				applied.Version, applied.EffectiveFrom, applied.Fingerprint[:min(12, len(applied.Fingerprint))])
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	return cmd
}

// oneFile accepts exactly one argument, the file; anything else is bad input.
func oneFile(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return badInput(fmt.Errorf("%s: expected one file, got %d arguments", cmd.CommandPath(), len(args)))
	}
	return nil
}

// openDomain opens the database (migrating it when db.auto_migrate is on) and the service,
// for commands that work on the database directly, as the command line actor.
func openDomain(cmd *cobra.Command) (*Main, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	m := NewMain(cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
	if err := m.openSchema(cmd.Context()); err != nil {
		m.Close()
		return nil, err
	}
	if err := m.openService(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// detailLine finds the line of a domain or file problem written "line N: …".
var detailLine = regexp.MustCompile(`^line (\d+): `)

// fileError turns an error about the file at path into a CLI error listing every problem on
// its own line: "PATH line N: problem" for the problems of a row, "PATH: problem" for the
// others (a charter file's problems, "PATH:N: problem", stay as they are). Problems with the
// input exit with status 2; internal errors are left to domainError.
func fileError(path string, err error) error {
	var e *elections.Error
	if !errors.As(err, &e) || e.Code == elections.EINTERNAL {
		return domainError(err)
	}
	problems := e.Details
	if len(problems) == 0 {
		problems = []string{e.Message}
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		switch {
		case detailLine.MatchString(p):
			lines[i] = path + " " + p
		case strings.HasPrefix(p, path+":"):
			lines[i] = p
		default:
			lines[i] = path + ": " + p
		}
	}
	return badInput(errors.New(strings.Join(lines, "\n")))
}
