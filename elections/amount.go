package elections

import (
	"strconv"
	"strings"
)

// Amount is a sum of money in hundredths of the charter's currency (cents for USD): donations
// and the donation threshold of an eligibility rule. Whole numbers keep sums exact.
type Amount int64

// MaxAmount is the largest Amount accepted from input (ten billion units), far above any
// donation, so that sums of many donations cannot overflow.
const MaxAmount Amount = 10_000_000_000_00

// ParseAmount reads a non-negative amount written with a dot and at most two decimals, e.g.
// "60", "60.5", "60.00". No signs, thousands separators or currency symbols.
func ParseAmount(s string) (Amount, error) {
	bad := Errorf(EINVALID, "%q is not an amount such as 60.00 (digits, at most two decimals)", s)
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || len(frac) > 2 || (hasDot && (frac == "" || !allDigits(frac))) {
		return 0, bad
	}
	if len(whole) > 11 {
		return 0, Errorf(EINVALID, "amount %s is too large", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	a := Amount(w*100 + f)
	if a > MaxAmount {
		return 0, Errorf(EINVALID, "amount %s is too large", s)
	}
	return a, nil
}

// IsDecimal reports whether s is a non-negative decimal number (digits, an optional dot and
// more digits), as donations in another currency are written.
func IsDecimal(s string) bool {
	whole, frac, hasDot := strings.Cut(s, ".")
	return whole != "" && allDigits(whole) && len(s) <= 32 && (!hasDot || (frac != "" && allDigits(frac)))
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String writes a with two decimals, e.g. "45.00".
func (a Amount) String() string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return sign + strconv.FormatInt(int64(a/100), 10) + "." + strconv.FormatInt(int64(a%100)/10, 10) + strconv.FormatInt(int64(a%10), 10)
}
