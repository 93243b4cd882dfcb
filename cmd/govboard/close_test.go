package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govboard/govboard/elections"
)

// movedClock is the system clock moved by a fixed offset.
type movedClock time.Duration

func (c movedClock) Now() time.Time { return time.Now().UTC().Add(time.Duration(c)) }

// TestScheduledCloseSurvivesRestart seeds the demo (its round 1 closes at the end of the voting
// days), stops the service, and starts it again with the clock past that close: the round
// closes by itself at the restart, by the schedule, without an officer.
func TestScheduledCloseSurvivesRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv("GOVBOARD_DATA_DIR", dir)
	t.Setenv("GOVBOARD_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("GOVBOARD_AUTH_BCRYPT_COST", "4")
	t.Setenv("GOVBOARD_VOTING_CLOSE_CHECK_INTERVAL", "20ms")
	cfg, err := loadConfig(newRootCmd(strings.NewReader(""), io.Discard, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	first := NewMain(cfg, io.Discard, io.Discard)
	if err := first.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := first.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	rounds, err := first.Service.Rounds(ctx, 1)
	if err != nil || len(rounds) != 1 || rounds[0].Round.State != elections.RoundOpen {
		t.Fatalf("demo rounds: %+v, %v; want one open round", rounds, err)
	}
	closesAt := rounds[0].Round.ClosesAt
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	// While the service is down, the close falls due.
	second := NewMain(cfg, io.Discard, io.Discard)
	second.Clock = movedClock(time.Until(closesAt) + time.Minute)
	if err := second.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.Listen(); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- second.Serve(sctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); ; {
		r, err := second.Service.Round(ctx, rounds[0].Round.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Round.State == elections.RoundClosed {
			if r.Round.ClosedBy != elections.ClosedBySchedule || len(r.Round.Seed) != 32 {
				t.Fatalf("round closed by %q with a %d-byte seed; want the schedule and the revealed seed", r.Round.ClosedBy, len(r.Round.Seed))
			}
			events, err := second.Service.ListEvents(ctx, elections.EventFilter{Kind: elections.EventRoundClosed})
			if err != nil || len(events) != 1 || !strings.Contains(string(events[0].Payload), "schedule") || events[0].Actor != "system" {
				t.Fatalf("round.closed events: %+v, %v; want one by the system, closed by the schedule", events, err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the round past its close time is still open 20 s after the restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
