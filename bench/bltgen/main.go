// Command bltgen writes a random BLT ballot file for benchmarks, one line per voter:
//
//	go run ./bench/bltgen -ballots 1000000 -candidates 20 -seats 10 -seed 1 -o /tmp/x.blt
//
// The same flags always give the same file (see tallytest.Generate for what the rankings
// look like).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/govboard/govboard/pkg/tally/tallytest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bltgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bltgen", flag.ContinueOnError)
	ballots := fs.Int("ballots", 1000, "number of voters (one BLT line each)")
	candidates := fs.Int("candidates", 10, "number of candidates")
	seats := fs.Int("seats", 3, "number of seats")
	seed := fs.Int64("seed", 1, "random seed")
	out := fs.String("o", "", "output file (default standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ballots < 0 || *candidates < 1 || *seats < 1 {
		return fmt.Errorf("need -ballots ≥ 0, -candidates ≥ 1 and -seats ≥ 1")
	}
	e := tallytest.Generate(*seed, *ballots, *candidates, *seats)
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := tallytest.WriteBLT(bw, e); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && *out != "" {
		return f.Close()
	}
	return nil
}
