package api

import "testing"

// Cells that a spreadsheet would run as formulas are written as text.
func TestSpreadsheetSafe(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example","x")`: `'=HYPERLINK("http://evil.example","x")`,
		"+1":                                    "'+1",
		"-2+3":                                  "'-2+3",
		"@SUM(A1)":                              "'@SUM(A1)",
		"\tx":                                   "'\tx",
		"Ada Lovelace":                          "Ada Lovelace",
		"":                                      "",
	} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
