package elections

import "strings"

// nulProblem is what is wrong with a text holding a NUL character.
const nulProblem = "must not contain a NUL character (\\u0000)"

// hasNUL reports whether s holds a NUL character. Names, notes and other free text must not:
// PostgreSQL cannot store one in a text column (SQLite can), so the same request would be
// stored on one engine and fail with an internal error on the other.
func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }
