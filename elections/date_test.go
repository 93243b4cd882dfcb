package elections_test

import (
	"testing"

	"github.com/govboard/govboard/elections"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string // the date written back; "" with ok for the zero Date
		wantErr bool
	}{
		{in: "", want: ""},
		{in: "2026-05-15", want: "2026-05-15"},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "2025-02-29", wantErr: true},
		{in: "2026-5-15", wantErr: true},
		{in: "2026-05-15T00:00:00Z", wantErr: true},
		{in: "9999-12-31", want: "9999-12-31"},
		{in: "0001-01-02", want: "0001-01-02"},
		// The zero time.Time: as a Date it would read as "no date" (and an at= of that day
		// as today), so it is refused.
		{in: "0001-01-01", wantErr: true},
	}
	for _, tt := range tests {
		d, err := elections.ParseDate(tt.in)
		switch {
		case tt.wantErr && elections.ErrorCode(err) != elections.EINVALID:
			t.Errorf("ParseDate(%q) = %q, %v; want EINVALID", tt.in, d, err)
		case !tt.wantErr && (err != nil || d.String() != tt.want):
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, d, err, tt.want)
		}
	}
}
