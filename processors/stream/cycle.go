package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// cycle is one transaction: poll and fold for up to FlushInterval, then
// tick (presence, clocks, timers, gauges, watermarks), write the
// changelog and commit outputs, changelog and offsets together (or, at
// least once, one after the other). When the commit fails (rebalance,
// fencing), the touched partitions are restored again from the changelog
// and the client rewinds to the committed offsets, so nothing of the
// aborted work survives.
func (r *Runner) cycle(ctx context.Context) error {
	if err := r.sess.begin(); err != nil {
		return fmt.Errorf("stream: begin transaction: %w", err)
	}
	out := emitFunc(r.produce)
	deadline := time.Now().Add(r.opts.FlushInterval)
	for {
		pctx, cancel := context.WithDeadline(ctx, deadline)
		fs := r.sess.poll(pctx, r.opts.MaxPollRecords)
		cancel()
		if fs.IsClientClosed() {
			return errors.New("stream: client closed")
		}
		if err := pollError(fs); err != nil {
			if errors.Is(err, kerr.InvalidSessionTimeout) {
				return fmt.Errorf("stream: the broker refuses the session timeout %v (it must be within the broker's group.min.session.timeout.ms and group.max.session.timeout.ms): %w", r.opts.SessionTimeout, err)
			}
			return err
		}
		r.mu.Lock()
		r.process(fs, out)
		r.mu.Unlock()
		if ctx.Err() != nil || !time.Now().Before(deadline) {
			break
		}
	}
	r.mu.Lock()
	fatal := r.fatal
	if fatal == nil {
		r.tick(out)
	}
	r.mu.Unlock()
	if fatal != nil {
		return fatal
	}
	return r.commit()
}

// pollError returns the first error worth stopping for.
func pollError(fs kgo.Fetches) error {
	var err error
	fs.EachError(func(t string, p int32, e error) {
		if err == nil && !errors.Is(e, context.DeadlineExceeded) && !errors.Is(e, context.Canceled) {
			err = fmt.Errorf("stream: fetch %s/%d: %w", t, p, e)
		}
	})
	return err
}

// process folds polled events into their partitions.
func (r *Runner) process(fs kgo.Fetches, out emitter) {
	wall := r.opts.Now()
	r.core.setWall(wall)
	fs.EachPartition(func(fp kgo.FetchTopicPartition) {
		if len(fp.Records) == 0 {
			return
		}
		p := r.parts[fp.Partition]
		if p == nil {
			// Not owned (revoked or lost meanwhile): committing would
			// commit these offsets unprocessed, so the transaction aborts.
			r.stray = true
			return
		}
		for _, rec := range fp.Records {
			r.metrics.events.Inc()
			r.apply(p, rec, out, wall)
		}
		p.lastRecord = wall
		p.fireDue(r.core, out)
		last := fp.Records[len(fp.Records)-1].Offset
		r.metrics.lag.WithLabelValues(label(p.id)).Set(float64(fp.HighWatermark - last - 1))
	})
}

func (r *Runner) apply(p *partition, rec *kgo.Record, out emitter, wall time.Time) {
	e, err := schemas.UnmarshalEvent(rec.Value)
	if err == nil {
		err = p.applyEvent(r.core, out, &e, rec.Key, wall)
	}
	if err != nil {
		r.metrics.deadLetters.Inc()
		r.core.deadLetter(out, rec.Partition, rec.Offset, rec.Value, e.Tenant, err, wall)
		r.opts.Logger.Warn("event dead-lettered", "topic", rec.Topic, "partition", rec.Partition,
			"offset", rec.Offset, "tenant", e.Tenant, "err", err)
	}
}

// tick advances clocks (from the wall clock on idle partitions), fires
// timers, re-evaluates conversations of operators whose presence
// changed, writes gauges when due, and flushes every partition.
func (r *Runner) tick(out emitter) {
	wall := r.opts.Now()
	r.core.setWall(wall)
	wakes := r.takeWakes()
	gauges := wall.Sub(r.lastGauge) >= r.opts.GaugeInterval
	if gauges {
		r.lastGauge = wall
	}
	for _, p := range r.parts {
		p.settlePending(r.core, out)
		p.rechecks(r.core, out)
		for _, w := range wakes {
			p.wake(r.core, out, w.tenant, w.operator)
		}
		p.idle(r.core, out, wall, r.opts.IdleAdvance)
		p.fireDue(r.core, out)
		if gauges {
			p.snapshot(r.core, out, wall)
		}
		p.flush(r.core, out, wall)
		r.metrics.open.WithLabelValues(label(p.id)).Set(float64(p.openConversations()))
		r.metrics.stateBytes.WithLabelValues(label(p.id)).Set(float64(p.stateBytes))
	}
	r.core.box.drain(r.core, out)
}

// commit ends the transaction; a failed one is rolled back in memory.
func (r *Runner) commit() error {
	start := time.Now()
	r.mu.Lock()
	stray := r.stray
	r.stray = false
	r.mu.Unlock()
	r.prodMu.Lock()
	prodErr := r.prodErr
	r.prodErr = nil
	r.prodMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.TransactionTimeout)
	defer cancel()
	committed, err := r.sess.end(ctx, prodErr, stray)
	if err != nil {
		return fmt.Errorf("stream: end transaction: %w", err)
	}
	r.released()
	r.metrics.txnSeconds.Observe(time.Since(start).Seconds())
	if committed {
		return nil
	}
	r.metrics.aborts.Inc()
	r.opts.Logger.Warn("transaction aborted; restoring partitions", "err", prodErr, "unowned_records", stray)
	return r.reload()
}

// reload replaces every owned partition by its committed state.
func (r *Runner) reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]int32, 0, len(r.parts))
	for id := range r.parts {
		ids = append(ids, id)
	}
	r.core.box.reset() // what the aborted transaction gathered
	parts, err := r.restore(context.Background(), ids)
	if err != nil {
		return err
	}
	r.parts = parts
	return nil
}

// emitFunc adapts a function to the emitter interface.
type emitFunc func(topic string, partition int32, key, value []byte)

func (f emitFunc) emit(topic string, partition int32, key, value []byte) {
	f(topic, partition, key, value)
}

// produce adds a record to the open transaction.
func (r *Runner) produce(topic string, partition int32, key, value []byte) {
	// Records come from a slab, many to an allocation; the producer
	// keeps each until the broker acknowledged it.
	if len(r.slab) == cap(r.slab) {
		r.slab = r.slabs.get(0)
	}
	r.slab = append(r.slab, kgo.Record{Topic: topic, Partition: partition, Key: key, Value: value})
	r.sess.produce(&r.slab[len(r.slab)-1])
}

// produced keeps the first failure of the open transaction's records.
func (r *Runner) produced(rec *kgo.Record, err error) {
	if err != nil {
		r.prodMu.Lock()
		if r.prodErr == nil {
			r.prodErr = fmt.Errorf("produce to %s: %w", rec.Topic, err)
		}
		r.prodMu.Unlock()
	}
}

// released is called once a cycle ended: the delivery flushed, or
// aborted, every record of it, so the producer holds none of them and
// their memory (records, encoded keys and values) serves the next cycles.
func (r *Runner) released() {
	r.slabs.release()
	r.slab = nil
	r.core.box.released()
}

func label(p int32) string { return strconv.Itoa(int(p)) }
