package stream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// restore reads partitions ps of the changelog, read_committed, from the
// start to the last stable offset, into fresh partitions. It first waits
// (up to twice the transaction timeout) until no transaction is open on
// them, so a dead owner's pending commit cannot land after the read.
func (r *Runner) restore(ctx context.Context, ps []int32) (map[int32]*partition, error) {
	start := time.Now()
	topic := r.opts.Topics.State
	offsets := map[int32]kgo.Offset{}
	out := map[int32]*partition{}
	for _, p := range ps {
		offsets[p] = kgo.NewOffset().AtStart()
		out[p] = newPartition(p)
	}
	cl, err := r.opts.client("-restore",
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}), kgo.FetchMaxBytes(64<<20))
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends, err := r.stableEnds(ctx, adm, ps)
	if err != nil {
		return nil, err
	}
	pending := map[int32]bool{}
	for p, end := range ends {
		if end > 0 {
			pending[p] = true
		}
	}
	for len(pending) > 0 {
		if err := r.restoreBatch(ctx, cl, out, ends, pending); err != nil {
			return nil, err
		}
	}
	wall := r.opts.Now()
	for _, p := range out {
		p.restored(r.core, wall)
	}
	r.metrics.restoreSecs.Observe(time.Since(start).Seconds())
	r.opts.Logger.Info("restored partitions", "topic", topic, "partitions", ps, "took", time.Since(start).String())
	return out, nil
}

// restoreBatch applies one poll of changelog records.
func (r *Runner) restoreBatch(ctx context.Context, cl *kgo.Client, out map[int32]*partition, ends map[int32]int64, pending map[int32]bool) error {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	fs := cl.PollFetches(pctx)
	cancel()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var errs []error
	fs.EachError(func(t string, p int32, err error) {
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("restore %s/%d: %w", t, p, err))
		}
	})
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if fs.NumRecords() == 0 {
		// Compaction may have removed the records just below the end:
		// an idle fetch means everything readable was read.
		r.opts.Logger.Warn("changelog ended below its stable offset; treating as restored", "topic", r.opts.Topics.State)
		clear(pending)
		return nil
	}
	var loadErr error
	fs.EachRecord(func(rec *kgo.Record) {
		if !rec.Attrs.IsControl() && loadErr == nil {
			if err := out[rec.Partition].load(r.core, rec.Key, rec.Value); err != nil {
				loadErr = fmt.Errorf("restore %s/%d@%d: %w", rec.Topic, rec.Partition, rec.Offset, err)
			}
		}
		if rec.Offset+1 >= ends[rec.Partition] {
			delete(pending, rec.Partition)
		}
	})
	return loadErr
}

// stableEnds waits until each partition's last stable offset reaches its
// high watermark (no open transaction) and returns those offsets. After
// twice the transaction timeout it settles for the last stable offset.
func (r *Runner) stableEnds(ctx context.Context, adm *kadm.Client, ps []int32) (map[int32]int64, error) {
	topic := r.opts.Topics.State
	deadline := time.Now().Add(2 * r.opts.TransactionTimeout)
	for {
		lso, err := adm.ListCommittedOffsets(ctx, topic)
		if err != nil {
			return nil, fmt.Errorf("restore: list stable offsets of %s: %w", topic, err)
		}
		hwm, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			return nil, fmt.Errorf("restore: list end offsets of %s: %w", topic, err)
		}
		ends, settled := map[int32]int64{}, true
		for _, p := range ps {
			l, ok1 := lso.Lookup(topic, p)
			h, ok2 := hwm.Lookup(topic, p)
			if !ok1 || !ok2 || l.Err != nil || h.Err != nil {
				return nil, fmt.Errorf("restore: offsets of %s/%d unavailable: %v", topic, p, errors.Join(l.Err, h.Err))
			}
			ends[p] = l.Offset
			settled = settled && l.Offset >= h.Offset
		}
		if settled || time.Now().After(deadline) {
			return ends, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// fence initializes this instance's transactional id before it joins the
// group: the coordinator aborts whatever a killed predecessor with the
// same id left open, so restores do not wait for the transaction timeout.
func (r *Runner) fence(ctx context.Context) error {
	cl, err := r.opts.client("-fence")
	if err != nil {
		return fmt.Errorf("fence: %w", err)
	}
	defer cl.Close()
	return r.initProducerID(ctx, cl, r.opts.transactionalID())
}

// initProducerID bumps the epoch of transactional id, which fences its
// current producer and aborts its open transaction.
func (r *Runner) initProducerID(ctx context.Context, cl *kgo.Client, id string) error {
	for {
		req := kmsg.NewPtrInitProducerIDRequest()
		req.TransactionalID = &id
		req.TransactionTimeoutMillis = int32(r.opts.TransactionTimeout.Milliseconds())
		resp, err := req.RequestWith(ctx, cl)
		if err == nil {
			err = kerr.ErrorForCode(resp.ErrorCode)
		}
		if err == nil {
			return nil
		}
		if !kerr.IsRetriable(err) && !errors.Is(err, kerr.ConcurrentTransactions) {
			return fmt.Errorf("fence transactional id %s: %w", id, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
