package elections

import (
	"fmt"
	"time"
)

// Date is a calendar day without a time of day or a zone: a membership period, a donation,
// a term of office. The zero Date means "no date" (e.g. an open-ended membership).
type Date struct {
	t time.Time // midnight UTC of the day; zero for the zero Date
}

// dateLayout is the only text form of a Date: ISO 8601, e.g. 2026-05-15.
const dateLayout = "2006-01-02"

// NewDate returns the day year-month-day; out-of-range values are refused by ParseDate only,
// NewDate normalises them like time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return Date{t: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the day of t in UTC.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return NewDate(y, m, d)
}

// ParseDate reads a date written YYYY-MM-DD. The empty string is the zero Date; 0001-01-01,
// which would be indistinguishable from it, is refused.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		return Date{}, Errorf(EINVALID, "%q is not a date written YYYY-MM-DD", s)
	}
	if t.IsZero() {
		// 0001-01-01 is the zero time.Time: as a Date it would read as "no date".
		return Date{}, Errorf(EINVALID, "%q is too early: the earliest date is 0001-01-02", s)
	}
	return Date{t: t}, nil
}

// MustDate is ParseDate for constants in tests and examples; it panics on a bad date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil || d.IsZero() {
		panic(fmt.Sprintf("elections.MustDate(%q): not a date", s))
	}
	return d
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d.t.IsZero() }

// String writes d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// Year returns d's year.
func (d Date) Year() int { return d.t.Year() }

// Month returns d's month.
func (d Date) Month() time.Month { return d.t.Month() }

// Day returns d's day of the month.
func (d Date) Day() int { return d.t.Day() }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return d.t }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// Compare returns -1, 0 or +1 as d is before, the same day as, or after o.
func (d Date) Compare(o Date) int { return d.t.Compare(o.t) }

// AddDays returns the day n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// AddYears returns the same day n years later. 29 February becomes 28 February in a year
// that has no 29 February (a term does not end in March).
func (d Date) AddYears(n int) Date {
	y, m, day := d.t.Date()
	if m == time.February && day == 29 && !isLeap(y+n) {
		day = 28
	}
	return NewDate(y+n, m, day)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// MarshalText writes d as YYYY-MM-DD (empty for the zero Date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MonthDay is a day of the year without the year, such as the start of a donation window
// ("04-20": 20 April).
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseMonthDay reads a day of the year written MM-DD. 29 February is refused: a window
// start must exist every year.
func ParseMonthDay(s string) (MonthDay, error) {
	t, err := time.Parse("01-02", s)
	if err != nil || len(s) != 5 || (t.Month() == time.February && t.Day() == 29) {
		return MonthDay{}, Errorf(EINVALID, "%q is not a day of the year written MM-DD", s)
	}
	return MonthDay{Month: t.Month(), Day: t.Day()}, nil
}

// IsZero reports whether md is unset.
func (md MonthDay) IsZero() bool { return md.Month == 0 }

// String writes md as MM-DD, or "" when unset.
func (md MonthDay) String() string {
	if md.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day)
}

// In returns md in the given year.
func (md MonthDay) In(year int) Date { return NewDate(year, md.Month, md.Day) }

// Equal reports whether d and o are the same day (go-cmp uses it to compare Dates).
func (d Date) Equal(o Date) bool { return d.t.Equal(o.t) }
