package elections

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// The group commit alone, on a store that records its batches and holds each until the test
// lets it go, so that the tests decide what is queued while a batch is being stored.

// gateStore is a Store with only CastBallots. Each call reports its receipts on entered,
// waits for a value on release, and then refuses the casts named in refuse and fails when
// fail is set.
type gateStore struct {
	Store
	entered chan []string
	release chan error
	refuse  map[string]error
}

func newGateStore() *gateStore {
	return &gateStore{entered: make(chan []string, 16), release: make(chan error, 16), refuse: map[string]error{}}
}

func (s *gateStore) CastBallots(_ context.Context, _ time.Time, casts []*BallotCast) error {
	var receipts []string
	for _, c := range casts {
		receipts = append(receipts, c.Ballot.Receipt)
	}
	s.entered <- receipts
	if err := <-s.release; err != nil {
		return err
	}
	for _, c := range casts {
		c.Err = s.refuse[c.Ballot.Receipt]
	}
	return nil
}

// fixedClock is a Clock that does not move.
type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) }

// castOutcome is what one submit returned.
type castOutcome struct {
	receipt string
	err     error
	cast    *BallotCast
}

// submitAsync submits a cast with receipt r in a goroutine; its outcome arrives on out.
func submitAsync(ctx context.Context, q *castQueue, st Store, r string, out chan<- castOutcome) {
	go func() {
		c := &BallotCast{Ballot: StoredBallot{Receipt: r}}
		err := q.submit(ctx, st, fixedClock{}, c)
		out <- castOutcome{r, err, c}
	}()
}

// waitQueued waits until n casts are queued behind the batch being stored. It polls, as
// nothing signals a send on a channel; it asserts nothing about time.
func waitQueued(q *castQueue, n int) {
	for len(q.queue) < n {
		runtime.Gosched()
	}
}

// outcomes collects n outcomes by receipt.
func outcomes(out <-chan castOutcome, n int) map[string]castOutcome {
	got := map[string]castOutcome{}
	for range n {
		o := <-out
		got[o.receipt] = o
	}
	return got
}

// TestCastQueueBatches checks that the casts queued while a batch is stored go to the store
// together in the next call, in order, and that each caller gets its own cast's outcome.
func TestCastQueueBatches(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	defer q.close()
	ctx := context.Background()
	out := make(chan castOutcome, 8)
	submitAsync(ctx, q, st, "r0", out)
	if got := <-st.entered; !slices.Equal(got, []string{"r0"}) {
		t.Fatalf("first batch %v, want [r0]", got)
	}
	for i := 1; i <= 5; i++ {
		waitQueued(q, i-1)
		submitAsync(ctx, q, st, fmt.Sprintf("r%d", i), out)
	}
	waitQueued(q, 5)
	st.refuse["r3"] = Errorf(ECONFLICT, "refused")
	st.release <- nil
	if o := <-out; o.receipt != "r0" || o.err != nil || o.cast.Err != nil {
		t.Fatalf("first cast: %+v", o)
	}
	if got := <-st.entered; !slices.Equal(got, []string{"r1", "r2", "r3", "r4", "r5"}) {
		t.Fatalf("second batch %v, want [r1 … r5] in one call", got)
	}
	st.release <- nil
	for r, o := range outcomes(out, 5) {
		if o.err != nil || (o.cast.Err != nil) != (r == "r3") {
			t.Errorf("%s: error %v, cast error %v; want only r3 refused", r, o.err, o.cast.Err)
		}
	}
}

// TestCastQueueMaxBatch checks that a batch holds at most maxCastBatch casts.
func TestCastQueueMaxBatch(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	defer q.close()
	ctx := context.Background()
	out := make(chan castOutcome, maxCastBatch+2)
	submitAsync(ctx, q, st, "first", out)
	<-st.entered
	for i := range maxCastBatch + 1 {
		submitAsync(ctx, q, st, fmt.Sprint(i), out)
	}
	waitQueued(q, maxCastBatch+1)
	for range 3 {
		st.release <- nil
	}
	if got := <-st.entered; len(got) != maxCastBatch {
		t.Errorf("second batch of %d casts, want %d", len(got), maxCastBatch)
	}
	if got := <-st.entered; len(got) != 1 {
		t.Errorf("third batch of %d casts, want 1", len(got))
	}
	for r, o := range outcomes(out, maxCastBatch+2) {
		if o.err != nil {
			t.Errorf("%s: %v", r, o.err)
		}
	}
}

// TestCastQueueStoreError checks that a failure of the store fails every cast of its batch,
// none acknowledged, and that the queue goes on with the next batch.
func TestCastQueueStoreError(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	defer q.close()
	ctx := context.Background()
	out := make(chan castOutcome, 8)
	submitAsync(ctx, q, st, "a", out)
	<-st.entered
	submitAsync(ctx, q, st, "b", out)
	waitQueued(q, 1)
	submitAsync(ctx, q, st, "c", out)
	waitQueued(q, 2)
	fault := errors.New("disk full")
	st.release <- nil
	if o := <-out; o.receipt != "a" || o.err != nil {
		t.Fatalf("a: %+v", o)
	}
	<-st.entered
	st.release <- fault
	for r, o := range outcomes(out, 2) {
		if !errors.Is(o.err, fault) {
			t.Errorf("%s: error %v, want the store's", r, o.err)
		}
	}
	submitAsync(ctx, q, st, "d", out)
	<-st.entered
	st.release <- nil
	if o := <-out; o.err != nil {
		t.Errorf("d after the failure: %v", o.err)
	}
}

// TestCastQueueClose checks that Close lets the batch being stored finish and be
// acknowledged, fails the casts still queued without storing them, and refuses later casts.
func TestCastQueueClose(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	ctx := context.Background()
	out := make(chan castOutcome, 8)
	submitAsync(ctx, q, st, "stored", out)
	<-st.entered
	for i := range 3 {
		submitAsync(ctx, q, st, fmt.Sprintf("queued%d", i), out)
		waitQueued(q, i+1)
	}
	closed := make(chan struct{})
	go func() {
		q.close()
		close(closed)
	}()
	for {
		q.mu.RLock()
		c := q.closed
		q.mu.RUnlock()
		if c {
			break
		}
		runtime.Gosched()
	}
	st.release <- nil
	<-closed
	for r, o := range outcomes(out, 4) {
		if r == "stored" {
			if o.err != nil {
				t.Errorf("the cast being stored: %v", o.err)
			}
		} else if !errors.Is(o.err, errServiceClosed) {
			t.Errorf("%s: %v, want errServiceClosed", r, o.err)
		}
	}
	c := &BallotCast{Ballot: StoredBallot{Receipt: "late"}}
	if err := q.submit(ctx, st, fixedClock{}, c); !errors.Is(err, errServiceClosed) {
		t.Errorf("a cast after Close: %v", err)
	}
	select {
	case got := <-st.entered:
		t.Errorf("the store got %v after Close", got)
	default:
	}
	q.close() // a second Close returns
}

// TestCastQueueCloseUnstarted checks Close of a queue that never stored anything.
func TestCastQueueCloseUnstarted(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	q.close()
	if err := q.submit(context.Background(), st, fixedClock{}, &BallotCast{}); !errors.Is(err, errServiceClosed) {
		t.Errorf("a cast after Close: %v", err)
	}
}

// TestCastQueueCancelled checks that a cast whose caller gives up while it is queued is
// dropped unstored, and one given up before it is queued never reaches the store.
func TestCastQueueCancelled(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	defer q.close()
	out := make(chan castOutcome, 8)
	submitAsync(context.Background(), q, st, "a", out)
	<-st.entered
	ctx, cancel := context.WithCancel(context.Background())
	submitAsync(ctx, q, st, "gave-up", out)
	waitQueued(q, 1)
	cancel()
	st.release <- nil
	for r, o := range outcomes(out, 2) {
		if want := map[string]error{"a": nil, "gave-up": context.Canceled}[r]; !errors.Is(o.err, want) {
			t.Errorf("%s: %v, want %v", r, o.err, want)
		}
	}
	if err := q.submit(ctx, st, fixedClock{}, &BallotCast{}); !errors.Is(err, context.Canceled) {
		t.Errorf("a cast with a cancelled context: %v", err)
	}
	select {
	case got := <-st.entered:
		t.Errorf("the store got %v", got)
	default:
	}
}

// TestCastQueueConcurrent casts from many goroutines at once: every cast is answered, and
// the store sees each exactly once.
func TestCastQueueConcurrent(t *testing.T) {
	st, q := newGateStore(), &castQueue{}
	defer q.close()
	const n = 2000
	st.release = make(chan error, n) // at most one call per cast: none waits
	for range n {
		st.release <- nil
	}
	seen := map[string]int{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for total := 0; total < n; {
			batch := <-st.entered
			for _, r := range batch {
				seen[r]++
			}
			total += len(batch)
		}
	}()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := q.submit(context.Background(), st, fixedClock{}, &BallotCast{Ballot: StoredBallot{Receipt: fmt.Sprint(i)}}); err != nil {
				t.Errorf("%d: %v", i, err)
			}
		})
	}
	wg.Wait()
	<-done
	for i := range n {
		if seen[fmt.Sprint(i)] != 1 {
			t.Errorf("cast %d stored %d times", i, seen[fmt.Sprint(i)])
		}
	}
}
