package stream

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// delivery is how one cycle's records and consumed offsets reach Kafka.
// The runner calls begin, then poll and produce any number of times, then
// end, then allowRebalance, from one goroutine; close once at the end.
//
// end reports whether the cycle's work is kept (committed). When it is
// not, the client has rewound to the committed offsets and the runner
// restores its partitions from the changelog. An error from end is fatal.
type delivery interface {
	begin() error
	poll(ctx context.Context, max int) kgo.Fetches
	// produce adds rec to the cycle; the delivery calls the runner's
	// callback (given when it was built) once the record is written or
	// failed.
	produce(rec *kgo.Record)
	// end gets the first produce failure of the cycle and whether it
	// polled records of a partition that is no longer owned.
	end(ctx context.Context, prodErr error, stray bool) (committed bool, err error)
	allowRebalance()
	close()
}

// transactional commits outputs, changelog and offsets in one Kafka
// transaction (exactly once).
type transactional struct {
	s    *kgo.GroupTransactSession
	done func(*kgo.Record, error)
}

func (d transactional) begin() error { return d.s.Begin() }

func (d transactional) poll(ctx context.Context, max int) kgo.Fetches {
	return d.s.PollRecords(ctx, max)
}

func (d transactional) produce(rec *kgo.Record) { d.s.Produce(context.Background(), rec, d.done) }

func (d transactional) end(ctx context.Context, prodErr error, stray bool) (bool, error) {
	return d.s.End(ctx, kgo.TransactionEndTry(prodErr == nil && !stray))
}

func (d transactional) allowRebalance() { d.s.AllowRebalance() }
func (d transactional) close()          { d.s.CloseAllowingRebalance() }

// atLeastOnce writes a cycle with an idempotent producer and a plain
// consumer group, in three acknowledged steps: the outputs, then the
// changelog, then the consumed offsets. A crash between two steps repeats
// the cycle's events on restart: the changelog, when it was written,
// drops them as duplicates; when it was not, the outputs are written
// again (the duplicates this mode trades for throughput).
type atLeastOnce struct {
	cl    *kgo.Client
	state string // changelog topic
	log   *slog.Logger

	held []*kgo.Record // the cycle's changelog records, held until the outputs are acknowledged

	// done is the runner's callback; promise calls it after failed, made
	// once so that no closure is allocated per record.
	done, promise func(*kgo.Record, error)

	mu  sync.Mutex
	err error // first produce failure; the client retries until then
}

func (d *atLeastOnce) begin() error { return nil }

func (d *atLeastOnce) poll(ctx context.Context, max int) kgo.Fetches {
	return d.cl.PollRecords(ctx, max)
}

func newAtLeastOnce(cl *kgo.Client, state string, log *slog.Logger, done func(*kgo.Record, error)) *atLeastOnce {
	d := &atLeastOnce{cl: cl, state: state, log: log, done: done}
	d.promise = func(r *kgo.Record, err error) {
		d.failed(err)
		d.done(r, err)
	}
	return d
}

func (d *atLeastOnce) produce(rec *kgo.Record) {
	if rec.Topic == d.state {
		d.held = append(d.held, rec)
		return
	}
	d.cl.Produce(context.Background(), rec, d.promise)
}

func (d *atLeastOnce) failed(err error) {
	if err != nil {
		d.mu.Lock()
		if d.err == nil {
			d.err = err
		}
		d.mu.Unlock()
	}
}

// end needs no rollback for stray records: the client forgot the offsets
// of a partition it lost, so they are not committed and the partition's
// new owner reads them. A failed produce cannot be rolled back: the
// error stops the runner, and the restart resumes from the committed
// offsets.
func (d *atLeastOnce) end(ctx context.Context, _ error, _ bool) (bool, error) {
	if err := d.flush(ctx); err != nil {
		return false, err
	}
	for _, rec := range d.held {
		d.cl.Produce(ctx, rec, func(_ *kgo.Record, err error) { d.failed(err) })
	}
	d.held = d.held[:0]
	if err := d.flush(ctx); err != nil {
		return false, err
	}
	if err := d.cl.CommitUncommittedOffsets(ctx); err != nil {
		// Outputs and changelog are written: whoever reads these events
		// again finds them in the changelog and writes nothing.
		d.log.Warn("offset commit failed; its events will be read again", "err", err)
	}
	return true, nil
}

func (d *atLeastOnce) flush(ctx context.Context) error {
	if err := d.cl.Flush(ctx); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return fmt.Errorf("produce failed, restart to resume from the committed offsets: %w", d.err)
	}
	return nil
}

func (d *atLeastOnce) allowRebalance() { d.cl.AllowRebalance() }
func (d *atLeastOnce) close()          { d.cl.CloseAllowingRebalance() }
