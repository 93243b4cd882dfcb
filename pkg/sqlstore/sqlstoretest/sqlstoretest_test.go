package sqlstoretest

import "testing"

func TestWithSearchPath(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"host=127.0.0.1 user=postgres dbname=test sslmode=disable",
			"host=127.0.0.1 user=postgres dbname=test sslmode=disable search_path=t_1"},
		{"postgres://u:p@db:5432/test?sslmode=disable",
			"postgres://u:p@db:5432/test?search_path=t_1&sslmode=disable"},
		{"postgresql://db/test", "postgresql://db/test?search_path=t_1"},
	}
	for _, tt := range tests {
		if got := WithSearchPath(tt.dsn, "t_1"); got != tt.want {
			t.Errorf("WithSearchPath(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}
