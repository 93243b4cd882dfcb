package elections

import "testing"

func TestSuppressTurnout(t *testing.T) {
	tests := []struct {
		roll, voters, min int
		want              bool
	}{
		{roll: 100, voters: 50, min: 10, want: false},
		{roll: 100, voters: 100, min: 10, want: false}, // everyone voted: nobody singled out
		{roll: 100, voters: 95, min: 10, want: true},   // the 5 who did not vote
		{roll: 100, voters: 90, min: 10, want: false},
		{roll: 100, voters: 9, min: 10, want: true},
		{roll: 100, voters: 0, min: 10, want: true},
		{roll: 9, voters: 9, min: 10, want: true},
		{roll: 3, voters: 3, min: 1, want: false},
	}
	for _, tt := range tests {
		if got := suppressTurnout(tt.roll, tt.voters, tt.min); got != tt.want {
			t.Errorf("suppressTurnout(%d, %d, %d) = %t, want %t", tt.roll, tt.voters, tt.min, got, tt.want)
		}
	}
}
