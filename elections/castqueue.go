package elections

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit of ballots. A durable commit costs a disk flush, and one flush per ballot
// bounds a server to a few thousand ballots a second. So casts are queued, and one writer
// goroutine per Service stores whatever is queued (up to maxCastBatch) in one call of
// VotingStore.CastBallots, one transaction; each caller gets its answer only once that call
// has returned, so that an acknowledged ballot is always committed. Under load the batches
// grow by themselves: while one commits, the next fills.

// maxCastBatch is the most ballots committed in one transaction: enough to amortise the
// flush, few enough that a batch stays a short transaction.
const maxCastBatch = 512

// errServiceClosed refuses a cast once the service is closing (Service.Close). Nothing of
// the ballot was stored.
var errServiceClosed = errors.New("elections: the service is shutting down; the ballot was not stored")

// castRequest is one queued cast and where its answer goes.
type castRequest struct {
	ctx  context.Context
	cast *BallotCast
	// done receives the error of the store call (nil when it succeeded; cast.Err then says
	// whether this ballot was stored).
	done chan error
}

// castRequests recycles requests and their answer channels, so that a cast allocates
// neither.
var castRequests = sync.Pool{New: func() any { return &castRequest{done: make(chan error, 1)} }}

// castQueue is the group commit. Its zero value is ready: the writer starts with the first
// cast.
type castQueue struct {
	// arriving counts the casts on their way to the queue: validated and looked up by
	// CastBallot but not queued yet. The writer waits for them (up to castGatherWait) before
	// committing, so that concurrent ballots share one commit rather than each paying for its
	// own; with no other cast on its way, a lone ballot is committed at once.
	arriving atomic.Int64
	// mu guards started and closed; submitters hold it shared while they queue a request,
	// so that close, which takes it exclusively, knows that no request arrives after it.
	mu      sync.RWMutex
	started bool
	closed  bool
	queue   chan *castRequest
	stop    chan struct{}
	done    chan struct{}
}

// submit queues c, waits until the writer has stored its batch and returns the store's
// error, if any; c.Err and c.Replaced are then set as CastBallots sets them. A caller whose
// ctx ends before the cast is stored gets ctx's error and nothing is stored; once its batch
// is being stored it waits for the outcome, so that a ballot is never stored unacknowledged
// because its caller gave up.
func (q *castQueue) submit(ctx context.Context, st Store, clock Clock, c *BallotCast) error {
	if err := ctx.Err(); err != nil {
		q.leave()
		return err
	}
	r := castRequests.Get().(*castRequest)
	r.ctx, r.cast = ctx, c
	defer func() {
		r.ctx, r.cast = nil, nil
		castRequests.Put(r)
	}()
	err := q.enqueue(ctx, st, clock, r)
	q.leave()
	if err != nil {
		return err
	}
	return <-r.done
}

// arrive counts a cast on its way to the queue; submit (or the caller, when it gives up
// before submitting) calls leave once for it.
func (q *castQueue) arrive() { q.arriving.Add(1) }

// leave counts a cast as no longer on its way: queued, or given up.
func (q *castQueue) leave() { q.arriving.Add(-1) }

// enqueue hands r to the writer, starting it when it is not running yet.
func (q *castQueue) enqueue(ctx context.Context, st Store, clock Clock, r *castRequest) error {
	q.mu.RLock()
	if !q.started && !q.closed {
		q.mu.RUnlock()
		q.start(st, clock)
		q.mu.RLock()
	}
	defer q.mu.RUnlock()
	if q.closed {
		return errServiceClosed
	}
	select {
	case q.queue <- r:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// start starts the writer once.
func (q *castQueue) start(st Store, clock Clock) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started || q.closed {
		return
	}
	q.started = true
	q.queue = make(chan *castRequest, 2*maxCastBatch)
	q.stop, q.done = make(chan struct{}), make(chan struct{})
	go q.run(st, clock)
}

// close stops the writer: the batch being stored finishes and is answered, the casts still
// queued get errServiceClosed, later casts too. It returns once the writer has ended.
func (q *castQueue) close() {
	q.mu.Lock()
	wasClosed, started := q.closed, q.started
	q.closed = true
	q.mu.Unlock()
	if !started {
		return
	}
	if !wasClosed {
		close(q.stop)
	}
	<-q.done
}

// run is the writer: it takes the first queued cast, whatever else is queued up to
// maxCastBatch, stores them in one CastBallots call and answers each.
func (q *castQueue) run(st Store, clock Clock) {
	defer close(q.done)
	batch := make([]*castRequest, 0, maxCastBatch)
	casts := make([]*BallotCast, 0, maxCastBatch)
	for {
		var first *castRequest
		select {
		case <-q.stop:
			q.failQueued()
			return
		case first = <-q.queue:
		}
		// A stop that arrived with the cast wins: the cast fails like the others queued.
		select {
		case <-q.stop:
			first.done <- errServiceClosed
			q.failQueued()
			return
		default:
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxCastBatch {
			select {
			case r := <-q.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		batch = q.gather(batch)
		// Casts whose callers gave up while queued are dropped unstored.
		live := batch[:0]
		casts = casts[:0]
		for _, r := range batch {
			if err := r.ctx.Err(); err != nil {
				r.done <- err
				continue
			}
			live = append(live, r)
			casts = append(casts, r.cast)
		}
		if len(casts) == 0 {
			continue
		}
		// The store call is not tied to any caller's context: one caller leaving must not
		// fail the batch of the others.
		err := st.CastBallots(context.Background(), clock.Now(), casts)
		for _, r := range live {
			r.done <- err
		}
		clear(batch) // the requests go back to the pool
		clear(casts)
	}
}

// failQueued answers every queued cast with errServiceClosed. close has marked the queue
// closed before stopping the writer, so no cast is queued after this.
// castGatherWait bounds how long the writer waits for the casts on their way before it
// commits a batch: a little latency for many fewer commits under load (the commit, with its
// flush to disk, costs about as much as dozens of ballots' statements).
const castGatherWait = 2 * time.Millisecond

// gather adds to batch the casts that arrive while others are still on their way, for up to
// castGatherWait.
func (q *castQueue) gather(batch []*castRequest) []*castRequest {
	if len(batch) >= maxCastBatch || q.arriving.Load() <= 0 {
		return batch
	}
	t := time.NewTimer(castGatherWait)
	defer t.Stop()
	for len(batch) < maxCastBatch && q.arriving.Load() > 0 {
		select {
		case r := <-q.queue:
			batch = append(batch, r)
		case <-t.C:
			return batch
		case <-q.stop:
			return batch
		}
	}
	return batch
}

func (q *castQueue) failQueued() {
	for {
		select {
		case r := <-q.queue:
			r.done <- errServiceClosed
		default:
			return
		}
	}
}
