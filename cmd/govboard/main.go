// Command govboard runs the govboard election service and its tools (DESIGN.md §8).
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
