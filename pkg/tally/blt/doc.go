// Package blt reads and writes ballot files in the BLT format, the de facto exchange format of
// OpenSTV, OpaVote, Droop and most STV counters (DESIGN.md §5).
//
// A BLT file is:
//
//	7 4                 number of candidates, number of seats
//	-2 -6               optional: withdrawn candidates as negative ids (any number of such lines)
//	64 1 0              ballot lines: weight, preferences, 0
//	(b17) 2 1 2=3 - 4 0 optional ballot id in parentheses; "a=b" ranks equally; "-" skips a rank
//	0                   end of ballots
//	"Barney CROCKETT"   one quoted name per candidate, in id order
//	…
//	"Dyce Ward"         the title
//
// Blank lines are ignored and "#" starts a comment outside quotes. Inside quotes, \" and \\
// stand for a quote and a backslash (Write escapes them so that any name round-trips).
//
// Every error names the line and the reason ("line 17: candidate 9 is not in 1..7"); it is an
// *Error, matches ErrSyntax and tally.ErrInvalid with errors.Is.
//
// Read merges identical short ballots (tally.MergeShort) by adding their weights, keeping the
// first-seen order; ReadWith chooses the merging. Counts are the same either way, since a weight
// stands for that many identical ballots. Ballot ids are not kept. Reading parses bytes by hand
// with no allocation per line: a million-line file reads in a fraction of a second.
package blt
