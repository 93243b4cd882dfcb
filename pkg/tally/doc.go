// Package tally counts ballots. Every counting method of govboard (DESIGN.md §5) is a pure
// function from an Election (candidates, seats, weighted ballots) and Options (tie-break seed,
// affiliation cap, term labels) to a Result that records every round or stage, every transfer,
// every exclusion and every tie with the rule that broke it.
//
// The package uses the standard library only and knows nothing of the rest of govboard, so it can
// be used on its own. Methods that fix their decimals (Scottish STV 5, ERS97 2, Meek 9) compute
// with integers in that fixed point, never with floating point, so that two correct
// implementations agree to the last digit.
//
// Ties are never broken silently: each method applies its own rule first and reports what remains
// to a TieBreaker, which decides with a documented function of a committed seed (see TieBreaker).
package tally
