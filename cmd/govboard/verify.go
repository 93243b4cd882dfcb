package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/pkg/bundle"
)

// verifyFlags are the options of `govboard verify`.
type verifyFlags struct {
	key, receipt   string
	trustBundleKey bool
	maxSize        string
	// heads are the audit heads (ID:HASH) known from outside the bundle.
	heads []string
}

// newVerifyCmd returns `govboard verify`, which checks an election's results bundle offline
// (DESIGN.md §6, §8).
func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify BUNDLE --key KEYS [--head ID:HASH]... [--receipt RECEIPT] [--max-size SIZE]",
		Short: "Check an election's results bundle offline: signature, files, audit log, seeds, receipts, recount",
		Long: "Check an election's results bundle (GET /api/v1/elections/{id}/bundle) offline: the signature of\n" +
			"its manifest, every file against the manifest, the audit log's hash chain (every record's hash\n" +
			"recomputed) and the election's entries in full, every contest, round, ballot list, roll, count and\n" +
			"result against what the log recorded, each round's seed against its commitment, every ballot's\n" +
			"receipt and the receipts against the log, and a recount of every contest compared with its report\n" +
			"round by round. Each check is printed on a line.\n\n" +
			"--key is the service's public key, as you obtained it yourself: the JWKS of /api/v1/auth/keys (the\n" +
			"key whose kid is the bundle's key_id is used), a PEM public key or one JWK. Without it the signature\n" +
			"check fails, unless --trust-bundle-key accepts the key inside the bundle, which shows the bundle is\n" +
			"intact but not who signed it. --receipt also tells where a ballot is and with which choices.\n" +
			"--head ID:HASH (repeatable) is an audit head you noted or saw published earlier (the \"head\" of\n" +
			"GET /api/v1/audit/verify, or another bundle's manifest): the bundle's log must hold that entry with\n" +
			"that hash, which shows the log was only extended since; the anchor check lists the entries appended\n" +
			"after it. Without an anchor, whoever holds the service's database and key could rewrite the whole\n" +
			"log consistently.\n" +
			"--max-size bounds what the bundle may hold once decompressed (default 1GiB).\n\n" +
			"Exit status 0 when every check passes (and the receipt, if given, is found), 1 when one fails,\n" +
			"2 on bad input (no such file, not a bundle, over --max-size, an unreadable key).",
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
	cmd.Flags().StringVar(&f.key, "key", "", "file with the service's public keys: JWKS (/api/v1/auth/keys), PEM or JWK")
	cmd.Flags().BoolVar(&f.trustBundleKey, "trust-bundle-key", false,
		"without --key, accept the key inside the bundle (proves the bundle intact, not who signed it)")
	cmd.Flags().StringVar(&f.receipt, "receipt", "", "a ballot receipt to look up in the bundle")
	cmd.Flags().StringArrayVar(&f.heads, "head", nil,
		"an audit entry known from outside the bundle, ID:HASH (repeatable): the bundle's log must hold it")
	cmd.Flags().StringVar(&f.maxSize, "max-size", "1GiB", "the most the bundle may hold decompressed: bytes, or with KiB, MiB, GiB")
	return cmd
}

// runVerify verifies the bundle at path and prints the checks to w.
func runVerify(w io.Writer, f verifyFlags, path string) error {
	maxSize, err := parseSize(f.maxSize)
	if err != nil {
		return badInput(fmt.Errorf("--max-size: %w", err))
	}
	opts := bundle.Options{TrustBundleKey: f.trustBundleKey}
	if f.key != "" {
		data, err := os.ReadFile(f.key)
		if err != nil {
			return badInput(err)
		}
		if opts, err = bundle.ParseTrustedKeys(data); err != nil {
			return badInput(fmt.Errorf("--key %s: %w", f.key, err))
		}
	}
	for _, h := range f.heads {
		a, err := bundle.ParseAnchor(h)
		if err != nil {
			return badInput(fmt.Errorf("--head: %w", err))
		}
		opts.Anchors = append(opts.Anchors, a)
	}
	file, err := os.Open(path)
	if err != nil {
		return badInput(err)
	}
	defer file.Close()
	lim := bundle.DefaultLimits
	lim.MaxTotal = maxSize
	b, err := bundle.OpenLimited(bufio.NewReaderSize(file, 1<<20), lim)
	if err != nil {
		return badInput(fmt.Errorf("%s: %w", path, err))
	}
	rep := b.VerifyWith(opts)
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
		found = printLookup(out, b.FindReceiptWith(f.receipt, opts))
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

// parseSize reads a size in bytes, with an optional binary unit: "1048576", "512MiB", "1GiB"
// (K, M, G and KB, MB, GB are read as KiB, MiB, GiB).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (bytes, or a number with KiB, MiB or GiB)", s)
	}
	return n * mult, nil
}
