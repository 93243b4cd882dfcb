package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/rollfile"
)

func newImportCmd() *cobra.Command {
	c := &cobra.Command{Use: "import", Short: "Import members or donations from CSV or JSON files"}
	c.AddCommand(
		newImportFileCmd("members", "Create and update members from a file (key: external_id)",
			rollfile.ReadMembers, (*elections.Service).ImportMembers),
		newImportFileCmd("donations", "Record and correct donations from a file (key: external_id)",
			rollfile.ReadDonations, (*elections.Service).ImportDonations),
	)
	return c
}

// importFunc is a Service import method as a method expression.
type importFunc[T any] func(*elections.Service, context.Context, elections.Actor, []T, elections.ImportSource) (*elections.ImportResult, error)

// newImportFileCmd returns `govboard import WHAT FILE`, which reads rows with read and imports
// them with imp, all or nothing.
func newImportFileCmd[T any](what, short string, read func(io.Reader, string) ([]T, error), imp importFunc[T]) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   what + " FILE [--format csv|json]",
		Short: short,
		Long: short + ".\nImports are all or nothing and idempotent: importing the same file again changes nothing.\n" +
			"The README describes the columns. Exit status 2 on bad rows, each reported as \"FILE line N: problem\";\n" +
			"nothing is written then.",
		Args: oneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			src, data, err := importSource(path, format)
			if err != nil {
				return err
			}
			rows, err := read(bytes.NewReader(data), src.Format)
			if err != nil {
				return fileError(path, err)
			}
			m, err := openDomain(cmd)
			if err != nil {
				return err
			}
			defer m.Close()
			res, err := imp(m.Service, cmd.Context(), elections.CLIActor(), rows, src)
			if err != nil {
				return fileError(path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d rows: %d created, %d updated, %d unchanged\n",
				res.Rows, res.Created, res.Updated, res.Unchanged)
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	cmd.Flags().StringVar(&format, "format", "", "csv or json (default: by the file's extension)")
	return cmd
}

// importSource reads the file at path and describes it for the audit trail: base name,
// SHA-256 and format (format, or the one its extension says).
func importSource(path, format string) (elections.ImportSource, []byte, error) {
	switch format {
	case "":
		f, err := rollfile.FormatFromName(path)
		if err != nil {
			return elections.ImportSource{}, nil, badInput(fmt.Errorf("%s (--format csv|json)", elections.ErrorMessage(err)))
		}
		format = f
	case rollfile.FormatCSV, rollfile.FormatJSON:
	default:
		return elections.ImportSource{}, nil, badInput(fmt.Errorf("--format %q: want csv or json", format))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return elections.ImportSource{}, nil, badInput(err)
	}
	sum := sha256.Sum256(data)
	return elections.ImportSource{Name: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Format: format}, data, nil
}
