package main

import (
	"bufio"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/pkg/bundle"
)

// verifyFlags are the options of `govboard verify`.
type verifyFlags struct {
	key, receipt string
}

// newVerifyCmd returns `govboard verify`, which checks an election's results bundle offline
// (DESIGN.md §6, §8).
func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify BUNDLE [--key PUBKEY] [--receipt RECEIPT]",
		Short: "Check an election's results bundle offline: signature, files, seeds, receipts, recount, audit chain",
		Long: "Check an election's results bundle (GET /api/v1/elections/{id}/bundle) offline: the signature of\n" +
			"its manifest, every file against the manifest, each round's seed against its commitment, every\n" +
			"ballot's receipt and the receipts against the audit log, a recount of every contest compared with\n" +
			"its report round by round, and the audit log's hash chain. Each check is printed on a line.\n\n" +
			"--key is the service's public key, as you obtained it yourself: a PEM public key, the JWKS of\n" +
			"/api/v1/auth/keys or one JWK. Without it the bundle's own key is used, which shows the bundle is\n" +
			"intact but not who signed it. --receipt also tells where a ballot is and with which choices.\n\n" +
			"Exit status 0 when every check passes (and the receipt, if given, is found), 1 when one fails,\n" +
			"2 on bad input (no such file, not a bundle, an unreadable key).",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return badInput(fmt.Errorf("verify: expected one bundle file, got %d arguments", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.OutOrStdout(), f, args[0])
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	cmd.Flags().StringVar(&f.key, "key", "", "file with the service's public key: PEM, JWKS (/api/v1/auth/keys) or JWK")
	cmd.Flags().StringVar(&f.receipt, "receipt", "", "a ballot receipt to look up in the bundle")
	return cmd
}

// runVerify verifies the bundle at path and prints the checks to w.
func runVerify(w io.Writer, f verifyFlags, path string) error {
	file, err := os.Open(path)
	if err != nil {
		return badInput(err)
	}
	defer file.Close()
	b, err := bundle.Open(bufio.NewReaderSize(file, 1<<20))
	if err != nil {
		return badInput(fmt.Errorf("%s: %w", path, err))
	}
	var trusted ed25519.PublicKey
	if f.key != "" {
		data, err := os.ReadFile(f.key)
		if err != nil {
			return badInput(err)
		}
		if trusted, err = bundle.ParsePublicKey(data, b.Manifest().KeyID); err != nil {
			return badInput(fmt.Errorf("--key %s: %w", f.key, err))
		}
	}
	rep := b.Verify(trusted)
	out := bufio.NewWriter(w)
	for _, c := range rep.Checks {
		status := "ok  "
		if !c.OK {
			status = "FAIL"
		}
		fmt.Fprintf(out, "%s %s: %s\n", status, c.Name, c.Detail)
	}
	failed := len(rep.Failed())
	if failed == 0 {
		fmt.Fprintf(out, "%s: all %d checks pass\n", path, len(rep.Checks))
	} else {
		fmt.Fprintf(out, "%s: %d of %d checks FAIL\n", path, failed, len(rep.Checks))
	}
	found := true
	if f.receipt != "" {
		found = printLookup(out, b.FindReceipt(f.receipt, trusted))
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch {
	case failed > 0:
		return fmt.Errorf("%s does not verify: %d check(s) failed", path, failed)
	case !found:
		return fmt.Errorf("receipt %s is not in %s", f.receipt, path)
	}
	return nil
}

// printLookup prints where a receipt is and reports whether it was found.
func printLookup(w io.Writer, lk *bundle.Lookup) bool {
	if !lk.Found {
		fmt.Fprintf(w, "receipt %s: not in this bundle\n", lk.Receipt)
		return false
	}
	status := "counted"
	if lk.Superseded {
		status = "superseded by a later ballot of the same voter (not counted)"
	}
	runoff := ""
	if lk.Runoff {
		runoff = ", a runoff"
	}
	fmt.Fprintf(w, "receipt %s: %s in contest %d (%s), round %d%s\n", lk.Receipt, status, lk.ContestID, lk.Contest, lk.Round, runoff)
	if len(lk.Choices) == 0 {
		fmt.Fprintln(w, "  an explicit abstention")
	}
	for _, c := range lk.Choices {
		fmt.Fprintf(w, "  %s\n", c)
	}
	if !lk.Trusted {
		fmt.Fprintln(w, "  (the bundle's signature or manifest does not check: this answer proves nothing)")
	}
	return true
}
