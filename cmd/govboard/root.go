package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/config"
)

// exitError carries the process exit status of a failed command: 2 for bad input (DESIGN.md §8),
// 1 for anything else.
type exitError struct {
	Code int
	Err  error
}

func (e *exitError) Error() string { return e.Err.Error() }
func (e *exitError) Unwrap() error { return e.Err }

// badInput marks err as caused by the user's input (exit status 2).
func badInput(err error) error { return &exitError{Code: 2, Err: err} }

// run executes the command line and returns the process exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run with a context whose cancellation stops long-running commands (serve) as
// SIGINT would; tests use it.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "govboard:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "govboard",
		Short:         "Governing Board elections: board, members, ballots, exact counts, verifiable results",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().String("config", "", "configuration file (YAML); GOVBOARD_CONFIG also names one")
	config.BindFlags(root.PersistentFlags())
	root.AddCommand(newServeCmd(), newMigrateCmd(), newAdminCmd(), newKeysCmd(), newVersionCmd(), newTallyCmd(), newCharterCmd(), newImportCmd())
	root.AddCommand(newVerifyCmd())
	return root
}

// loadConfig reads and validates the configuration of a command: flags, GOVBOARD_*
// environment, the file named by --config or GOVBOARD_CONFIG, and defaults. Invalid
// configuration is bad input, reported with every problem at once.
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	file, _ := cmd.Flags().GetString("config")
	cfg, err := config.Load(config.Options{File: file, Flags: cmd.Flags()})
	if err != nil {
		return cfg, badInput(err)
	}
	return cfg, nil
}
