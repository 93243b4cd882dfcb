package main

import (
	"bufio"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govboard/govboard/pkg/tally"
	"github.com/govboard/govboard/pkg/tally/ballotfile"
	"github.com/govboard/govboard/pkg/tally/report"
)

// tallyFlags are the options of `govboard tally`.
type tallyFlags struct {
	method, seed, format, affiliations, threshold string
	seats, affiliationCap, points                 int
	terms                                         []string
	held                                          map[string]int
}

// newTallyCmd returns `govboard tally`, which counts a ballot file offline (DESIGN.md §8).
func newTallyCmd() *cobra.Command {
	var f tallyFlags
	cmd := &cobra.Command{
		Use:   "tally --method M [--seats N] [--seed HEX] [--format json|text|csv] FILE",
		Short: "Count a ballot file (.blt, .json or .csv) offline with any counting method",
		Long: "Count a ballot file offline and print the count: every round, every transfer, every\n" +
			"exclusion and every tie. Methods: " + strings.Join(tally.Methods(), ", ") + ".\n" +
			"BLT files hold rankings; cumulative and confidence ballots come as .json or .csv.\n" +
			"Exit status 2 on bad input, with a message naming the file and line; 1 on an internal error.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return badInput(fmt.Errorf("tally: expected one ballot file, got %d arguments", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTally(cmd, f, args[0])
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	fl := cmd.Flags()
	fl.StringVar(&f.method, "method", "", "counting method: "+strings.Join(tally.Methods(), ", "))
	fl.IntVar(&f.seats, "seats", 0, "number of seats (default: as the ballot file says)")
	fl.StringVar(&f.seed, "seed", "", "revealed tie-break seed, in hexadecimal")
	fl.StringVar(&f.format, "format", "text", "output: json, text or csv")
	fl.IntVar(&f.affiliationCap, "affiliation-cap", 0, "at most this many seats per affiliation (0: no cap)")
	fl.StringVar(&f.affiliations, "affiliations", "", "CSV file of candidate,affiliation rows (for --affiliation-cap)")
	fl.StringToIntVar(&f.held, "held", nil,
		"seats each affiliation already holds on the board, counted towards --affiliation-cap (e.g. \"Org A=1,Org B=2\")")
	fl.IntVar(&f.points, "points", 0, "points per cumulative ballot (default: the number of seats)")
	fl.StringVar(&f.threshold, "threshold", "", "confidence: share of yes among yes+no to exceed, as N/D (default 1/2)")
	fl.StringSliceVar(&f.terms, "terms", nil, "term label of each seat, full terms first (e.g. \"2 years,1 year\")")
	return cmd
}

// countFunc counts; tests replace it to check how runTally handles a failing count.
var countFunc = tally.Count

func runTally(cmd *cobra.Command, f tallyFlags, path string) error {
	opts, err := f.options()
	if err != nil {
		return badInput(err)
	}
	e, err := f.election(path, cmd.Flags().Changed("seats"), opts)
	if err != nil {
		return badInput(err)
	}
	res, err := safeCount(f.method, e, opts)
	if err != nil {
		if errors.Is(err, tally.ErrInvalid) {
			return badInput(fmt.Errorf("%s: %w", path, err))
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	rep := report.New(res, e, opts.Seed)
	out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
	switch f.format {
	case "json":
		err = rep.WriteJSON(out)
	case "csv":
		err = rep.WriteCSV(out)
	default:
		err = rep.WriteText(out)
	}
	if err != nil {
		return err
	}
	return out.Flush()
}

// election reads the ballot file and applies the flags that complete it (seats, affiliations).
// Every error is bad input.
func (f tallyFlags) election(path string, seatsSet bool, opts tally.Options) (*tally.Election, error) {
	if seatsSet && f.seats < 1 {
		return nil, fmt.Errorf("tally: --seats must be at least 1, got %d", f.seats)
	}
	kind := ballotfile.KindFor(f.method)
	if isBLT(path) && (kind == ballotfile.Points || kind == ballotfile.Confidence) {
		return nil, fmt.Errorf("%s: a BLT file holds rankings, but --method %s counts %s ballots: give them as .json or .csv",
			path, f.method, kind)
	}
	e, err := ballotfile.ReadAny(path, kind)
	if err != nil {
		return nil, err
	}
	if seatsSet {
		e.Seats = f.seats
	}
	if e.Seats < 1 {
		return nil, fmt.Errorf("%s: the file does not give the number of seats: use --seats", path)
	}
	if f.affiliations != "" {
		if err := readAffiliations(f.affiliations, e); err != nil {
			return nil, err
		}
	}
	if opts.AffiliationCap > 0 && !slices.ContainsFunc(e.Candidates, func(c tally.Candidate) bool { return c.Affiliation != "" }) {
		// Without affiliations the cap would silently do nothing.
		return nil, fmt.Errorf("%s: --affiliation-cap needs the candidates' affiliations, which the file does not give: use --affiliations", path)
	}
	return e, nil
}

// safeCount counts, turning a panic into an error: a panic is a bug of the counting code, never
// bad input, so it must exit with status 1 (Go's own panic exit status, 2, is the status of bad
// input) and ask for a report rather than crash.
func safeCount(method string, e *tally.Election, opts tally.Options) (res *tally.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("internal error in the %s count, please report it with the ballot file: %v\n%s",
				method, p, debug.Stack())
		}
	}()
	return countFunc(method, e, opts)
}

func isBLT(path string) bool { return strings.EqualFold(filepath.Ext(path), ".blt") }

// options checks the flags that do not need the ballot file and turns them into tally.Options.
func (f tallyFlags) options() (tally.Options, error) {
	var opts tally.Options
	if !slices.Contains(tally.Methods(), f.method) {
		if f.method == "" {
			return opts, fmt.Errorf("tally: --method is required (one of %s)", strings.Join(tally.Methods(), ", "))
		}
		return opts, fmt.Errorf("tally: unknown method %q (one of %s)", f.method, strings.Join(tally.Methods(), ", "))
	}
	if !slices.Contains([]string{"json", "text", "csv"}, f.format) {
		return opts, fmt.Errorf("tally: unknown --format %q (json, text or csv)", f.format)
	}
	if f.seed != "" {
		seed, err := hex.DecodeString(f.seed)
		if err != nil {
			return opts, fmt.Errorf("tally: --seed %q is not hexadecimal: %v", f.seed, err)
		}
		opts.Seed = seed
	}
	if f.affiliationCap < 0 || f.points < 0 || f.seats < 0 {
		return opts, fmt.Errorf("tally: --seats, --points and --affiliation-cap cannot be negative")
	}
	opts.AffiliationCap, opts.Points, opts.TermLabels = f.affiliationCap, f.points, f.terms
	if len(f.held) > 0 {
		if f.affiliationCap == 0 {
			return opts, fmt.Errorf("tally: --held needs --affiliation-cap")
		}
		for _, a := range slices.Sorted(maps.Keys(f.held)) {
			if f.held[a] < 0 {
				return opts, fmt.Errorf("tally: --held %s=%d: a number of seats cannot be negative", a, f.held[a])
			}
		}
		opts.AffiliationHeld = f.held
	}
	if f.threshold != "" {
		num, den, ok := strings.Cut(f.threshold, "/")
		n, err1 := strconv.ParseInt(num, 10, 64)
		d, err2 := strconv.ParseInt(den, 10, 64)
		if !ok || err1 != nil || err2 != nil || n < 0 || d <= 0 || n >= d {
			return opts, fmt.Errorf("tally: --threshold %q is not a fraction N/D with 0 ≤ N < D", f.threshold)
		}
		opts.ConfidenceThreshold = tally.Ratio{Num: n, Den: d}
	}
	return opts, nil
}

// readAffiliations reads "candidate,affiliation" rows (a first row "candidate,affiliation"
// or "name,affiliation" is a header) and sets the candidates' affiliations.
func readAffiliations(path string, e *tally.Election) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	index := map[string]int{}
	for i, c := range e.Candidates {
		index[c.Name] = i
	}
	r := csv.NewReader(file)
	r.FieldsPerRecord = 2
	r.TrimLeadingSpace = true
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		name := strings.TrimSpace(rec[0])
		if first && strings.EqualFold(strings.TrimSpace(rec[1]), "affiliation") {
			continue
		}
		c, ok := index[name]
		if !ok {
			return fmt.Errorf("%s: line %d: %q is not a candidate of the ballot file", path, line, name)
		}
		e.Candidates[c].Affiliation = strings.TrimSpace(rec[1])
	}
}
