package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

func newServeCmd() *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP service (embedded SQLite in ./govboard-data unless configured)",
		Long: "Run the HTTP service (embedded SQLite in ./govboard-data unless configured).\n\n" +
			"--demo seeds an empty database with the Matrix.org Foundation's board, fictional members and a 2026\n" +
			"election in its voting phase, and prints an officer login and a few member access codes; on a\n" +
			"database it seeded before, it prints a new officer password and new codes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				stop() // a second SIGINT/SIGTERM during the graceful shutdown ends the process
			}()
			m := NewMain(cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
			defer m.Close()
			if err := m.Open(ctx); err != nil {
				return err
			}
			var login *demoLogin
			if demo {
				if login, err = m.SeedDemo(ctx); err != nil {
					return err
				}
			}
			if err := m.Listen(); err != nil {
				return err
			}
			if err := m.printWelcome(ctx, cmd.OutOrStdout()); err != nil {
				return err
			}
			if login != nil {
				if err := printDemo(cmd.OutOrStdout(), m.URL(), login); err != nil {
					return err
				}
			}
			return m.Serve(ctx)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "seed a demo board, members and a 2026 election in voting; print an officer login and member codes")
	return cmd
}

// printWelcome tells the operator where the service listens and how to sign in; with no
// account yet, how to create the first admin.
func (m *Main) printWelcome(ctx context.Context, w io.Writer) error {
	fmt.Fprintf(w, "govboard %s listening on %s (data in %s, database %s)\n",
		version, m.URL(), m.Config.DataDir, m.Config.DB.Driver)
	has, err := m.Service.HasUsers(ctx)
	if err != nil {
		return err
	}
	if !has {
		fmt.Fprintf(w, "No accounts yet. Create the first admin (password on standard input, at least 12 characters):\n"+
			"  printf '%%s' 'choose-a-long-password' | %s admin add-user --email you@example.org --role admin --password-stdin\n",
			selfCommand())
	}
	fmt.Fprintf(w, "Log in: curl -s -X POST %s/api/v1/auth/login -H 'Content-Type: application/json' -d '{\"email\":\"you@example.org\",\"password\":\"…\"}'\n", m.URL())
	return nil
}

// selfCommand is how the operator runs this program again: "go run ./cmd/govboard" when it was
// started with go run (a binary in the build cache), "govboard" otherwise.
func selfCommand() string {
	if strings.Contains(os.Args[0], "go-build") {
		return "go run ./cmd/govboard"
	}
	return "govboard"
}
