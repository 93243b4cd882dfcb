package sqlstore

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// Sizes of the statements that handle many rows. batchSize rows of the widest table stay far
// below the bound parameters either engine accepts (32,766 for SQLite, 65,535 for PostgreSQL);
// inChunk ids are looked up per IN list.
const (
	batchSize = 500
	inChunk   = 500
)

// dbDate is a day as the database keeps it: TEXT 'YYYY-MM-DD' on every engine, so that days
// compare as text and read back the same everywhere; the zero Date ("no date") is NULL.
type dbDate elections.Date

// Value writes the day as YYYY-MM-DD, or NULL for the zero Date.
func (d dbDate) Value() (driver.Value, error) {
	if elections.Date(d).IsZero() {
		return nil, nil
	}
	return elections.Date(d).String(), nil
}

// Scan reads a day written YYYY-MM-DD; NULL is the zero Date.
func (d *dbDate) Scan(src any) error {
	s, ok, err := scanText(src)
	if err != nil || !ok {
		*d = dbDate{}
		return err
	}
	v, err := elections.ParseDate(s)
	if err != nil {
		return fmt.Errorf("sqlstore: stored day %q: %w", s, err)
	}
	*d = dbDate(v)
	return nil
}

// dbMonthDay is a day of the year as the database keeps it: TEXT 'MM-DD', NULL when unset.
type dbMonthDay elections.MonthDay

// Value writes the day as MM-DD, or NULL when unset.
func (md dbMonthDay) Value() (driver.Value, error) {
	if elections.MonthDay(md).IsZero() {
		return nil, nil
	}
	return elections.MonthDay(md).String(), nil
}

// Scan reads a day of the year written MM-DD; NULL is unset.
func (md *dbMonthDay) Scan(src any) error {
	s, ok, err := scanText(src)
	if err != nil || !ok {
		*md = dbMonthDay{}
		return err
	}
	v, err := elections.ParseMonthDay(s)
	if err != nil {
		return fmt.Errorf("sqlstore: stored day of the year %q: %w", s, err)
	}
	*md = dbMonthDay(v)
	return nil
}

// scanText returns the text a driver gives for a TEXT column, with ok false for NULL.
func scanText(src any) (s string, ok bool, err error) {
	switch v := src.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case []byte:
		return string(v), true, nil
	default:
		return "", false, fmt.Errorf("sqlstore: cannot read %T as a day", src)
	}
}

// nullString is s, or nil (NULL) when s is empty, for optional text columns.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nullInt is n, or nil (NULL) when n is 0, for optional number columns.
func nullInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// deref returns *p, or the zero value when p is nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// unstorable reports whether s holds a NUL character or is not UTF-8. PostgreSQL refuses such
// a text parameter (SQLite takes it), and no stored key or name is one (the domain and the
// file readers refuse them): a lookup by such a string finds nothing, on every engine, without
// asking the database. They come from URLs, e.g. /members/a%00b or ?constituency=%FF.
func unstorable(s string) bool { return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) }

// lookupKeys returns the distinct keys of ids, sorted, without the unstorable ones (which match
// nothing).
func lookupKeys(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range distinct(ids) {
		if !unstorable(id) {
			out = append(out, id)
		}
	}
	return out
}

// findByKeys returns the rows of R that query finds whose column holds one of ids, asking for
// the distinct storable ids inChunk at a time, so that any number of ids may be given; an
// unstorable one matches nothing. query starts a fresh statement on each call.
func findByKeys[R any](query func() *gorm.DB, column string, ids []string) ([]R, error) {
	var found []R
	for chunk := range slices.Chunk(lookupKeys(ids), inChunk) {
		var rows []R
		if err := query().Where(column+" IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		found = append(found, rows...)
	}
	return found, nil
}
