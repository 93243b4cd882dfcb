package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations and print what was applied",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			m := NewMain(cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
			defer m.Close()
			if err := m.OpenStore(cmd.Context()); err != nil {
				return err
			}
			applied, err := m.Store.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(applied) == 0 {
				fmt.Fprintln(out, "schema is current: nothing to apply")
			}
			for _, a := range applied {
				fmt.Fprintf(out, "applied %04d_%s\n", a.Version, a.Name)
			}
			return nil
		},
	}
}
