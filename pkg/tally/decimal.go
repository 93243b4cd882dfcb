package tally

import (
	"fmt"
	"strconv"
	"strings"
)

// Decimal is an exact fixed-point number: Units / 10^Scale. It is how results report vote
// totals, so that a report says exactly what the method computed, digit for digit.
type Decimal struct {
	Units int64
	Scale int
}

// Int returns the whole number n as a Decimal with the given scale.
func Int(n int64, scale int) Decimal {
	return Decimal{Units: n * pow10(scale), Scale: scale}
}

// String formats d with exactly Scale decimals, e.g. "744.00000".
func (d Decimal) String() string {
	if d.Scale <= 0 {
		return strconv.FormatInt(d.Units, 10)
	}
	neg := d.Units < 0
	u := d.Units
	if neg {
		u = -u
	}
	p := pow10(d.Scale)
	s := fmt.Sprintf("%d.%0*d", u/p, d.Scale, u%p)
	if neg {
		s = "-" + s
	}
	return s
}

// ParseDecimal reads a decimal string such as "744.00000" or "12" into a Decimal whose scale is
// the number of digits after the point.
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return Decimal{}, fmt.Errorf("tally: %q is not a decimal number", s)
	}
	digits := whole + frac
	u, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || strings.ContainsAny(digits, "+-") {
		return Decimal{}, fmt.Errorf("tally: %q is not a decimal number", s)
	}
	if neg {
		u = -u
	}
	return Decimal{Units: u, Scale: len(frac)}, nil
}

// Rescale returns d at scale, truncating toward zero when scale is smaller.
func (d Decimal) Rescale(scale int) Decimal {
	switch {
	case scale == d.Scale:
		return d
	case scale > d.Scale:
		return Decimal{Units: d.Units * pow10(scale-d.Scale), Scale: scale}
	default:
		return Decimal{Units: d.Units / pow10(d.Scale-scale), Scale: scale}
	}
}

// Cmp compares d and e exactly, whatever their scales: -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	s := max(d.Scale, e.Scale)
	a, b := d.Rescale(s).Units, e.Rescale(s).Units
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}
