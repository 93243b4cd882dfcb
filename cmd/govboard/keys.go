package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/pkg/jwtauth"
)

func newKeysCmd() *cobra.Command {
	keys := &cobra.Command{Use: "keys", Short: "Manage the service's Ed25519 signing key"}
	var out string
	gen := &cobra.Command{
		Use:   "generate [--out FILE]",
		Short: "Create the signing key file (mode 0600) that every replica of a PostgreSQL deployment shares",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				cfg, err := loadConfig(cmd)
				if err != nil {
					return err
				}
				out = cfg.Auth.SigningKeyFile
			}
			_, created, err := jwtauth.LoadOrCreateEd25519(out)
			if err != nil {
				return err
			}
			if !created {
				return badInput(errors.New(out + " exists already: keys generate never replaces a key (to rotate, list the old file in auth.previous_key_files first)"))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created %s\n", out)
			return nil
		},
	}
	gen.Flags().StringVar(&out, "out", "", "key file to create (default: auth.signing_key_file)")
	keys.AddCommand(gen)
	return keys
}
