package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/elections"
)

func newAdminCmd() *cobra.Command {
	admin := &cobra.Command{Use: "admin", Short: "Manage accounts from the server's command line"}
	admin.AddCommand(newAddUserCmd())
	return admin
}

func newAddUserCmd() *cobra.Command {
	var email, role string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add-user --email E --role officer|auditor|admin --password-stdin",
		Short: "Create an officer, auditor or admin account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !fromStdin {
				return badInput(errors.New("the password is read from standard input only: pass --password-stdin"))
			}
			pw, err := readPassword(cmd)
			if err != nil {
				return err
			}
			r, err := elections.ParseRole(role)
			if err != nil {
				return badInput(errors.New(elections.ErrorMessage(err)))
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			m := NewMain(cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
			defer m.Close()
			if err := m.openSchema(cmd.Context()); err != nil {
				return err
			}
			if err := m.openService(); err != nil {
				return err
			}
			u, err := m.Service.AddUser(cmd.Context(), elections.CLIActor(), email, r, pw)
			if err != nil {
				return domainError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created %s account %s (id %d)\n", u.Role, u.Email, u.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "e-mail address of the account (required)")
	cmd.Flags().StringVar(&role, "role", "", "officer, auditor or admin (required)")
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	_ = cmd.MarkFlagRequired("email")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

// readPassword reads the first line of standard input, without its line ending.
func readPassword(cmd *cobra.Command) (string, error) {
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return "", badInput(errors.New("no password on standard input"))
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// domainError turns a domain error into a CLI error: the domain's message, exit status 2 for
// problems with the input, 1 otherwise.
func domainError(err error) error {
	var e *elections.Error
	if !errors.As(err, &e) {
		return err
	}
	msg := e.Message
	if len(e.Details) > 1 {
		msg = strings.Join(e.Details, "; ")
	}
	if e.Code == elections.EINTERNAL {
		return errors.New(msg)
	}
	return badInput(errors.New(msg))
}
