package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newTallyCmd is being written: counts a ballot file offline.
func newTallyCmd() *cobra.Command {
	return &cobra.Command{Use: "tally", RunE: func(*cobra.Command, []string) error { return errors.New("being written") }}
}
