package clickhouse

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// flush writes every batch that is due: plans committed first, then the
// inserts, then the offsets after them. It returns an error only from the
// test hook.
func (s *Sink) flush(ctx context.Context, now time.Time, interval time.Duration) error {
	var due []*batch
	for _, ps := range s.parts {
		for _, p := range ps {
			if b := p.cut(now, s.opt.BatchRows, interval); b != nil {
				due = append(due, b)
			}
		}
	}
	if len(due) == 0 {
		return nil
	}
	if !s.commitPlans(ctx, due) {
		return nil // retried on the next step, if we still own the partitions
	}
	ok := s.writeAll(ctx, due)
	if s.opt.afterWrite != nil {
		for _, b := range ok {
			if err := s.opt.afterWrite(b); err != nil {
				return err
			}
		}
	}
	s.commitDone(ctx, ok)
	done := time.Now()
	for _, b := range ok {
		s.parts[b.topic][b.partition].done(b, done)
		s.m.batches.WithLabelValues(b.topic).Inc()
	}
	s.pauseBacklogged()
	return nil
}

// commitPlans commits, for batches without a committed plan, offset start
// with metadata "end". It reports whether every due batch is planned.
func (s *Sink) commitPlans(ctx context.Context, due []*batch) bool {
	offsets := map[string]map[int32]kgo.EpochOffset{}
	meta := map[string]map[int32]string{}
	var todo []*batch
	for _, b := range due {
		if s.parts[b.topic][b.partition].planEnd == b.end {
			continue
		}
		if offsets[b.topic] == nil {
			offsets[b.topic], meta[b.topic] = map[int32]kgo.EpochOffset{}, map[int32]string{}
		}
		offsets[b.topic][b.partition] = kgo.EpochOffset{Epoch: b.records[0].LeaderEpoch, Offset: b.start}
		meta[b.topic][b.partition] = encodePlan(b.end)
		todo = append(todo, b)
	}
	if len(todo) == 0 {
		return true
	}
	if err := commitWithMetadata(ctx, s.cl, offsets, meta); err != nil {
		s.log.Warn("commit of batch plans failed", "batches", len(todo), "err", err)
		return false
	}
	for _, b := range todo {
		s.parts[b.topic][b.partition].planned(b)
	}
	return true
}

// writeAll writes the batches concurrently and returns those that made it.
func (s *Sink) writeAll(ctx context.Context, due []*batch) []*batch {
	var wg sync.WaitGroup
	errs := make([]error, len(due))
	sem := make(chan struct{}, 4)
	for i, b := range due {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			start := time.Now()
			bt, err := b.write(ctx, s.conn, s.opt.Topics)
			errs[i] = err
			if err != nil {
				return
			}
			s.m.latency.WithLabelValues(b.topic).Observe(time.Since(start).Seconds())
			s.m.written(bt.tables[TableWatermarks])
			for t, rows := range bt.tables {
				s.m.rows.WithLabelValues(t).Add(float64(len(rows)))
			}
			s.m.deadLetters.WithLabelValues(b.topic).Add(float64(bt.dead))
		}()
	}
	wg.Wait()
	var ok []*batch
	now := time.Now()
	for i, b := range due {
		if errs[i] == nil {
			ok = append(ok, b)
			continue
		}
		wait := s.parts[b.topic][b.partition].failed(now)
		s.m.retries.WithLabelValues(b.topic).Inc()
		s.log.Warn("batch write failed, will retry", "topic", b.topic, "partition", b.partition,
			"offset", b.start, "end", b.end, "table", failedTable(errs[i]), "retry_in", wait, "err", errs[i])
	}
	return ok
}

// failedTable names the table an insert error is about ("" when none is).
func failedTable(err error) string {
	var be *blockError
	if errors.As(err, &be) {
		return be.table
	}
	var re *rowError
	if errors.As(err, &re) {
		return re.table
	}
	return ""
}

// commitDone commits end+1 for written batches. A failure is only logged:
// whoever resumes the partition redoes the batch, and ClickHouse drops it.
func (s *Sink) commitDone(ctx context.Context, ok []*batch) {
	if len(ok) == 0 {
		return
	}
	offsets := map[string]map[int32]kgo.EpochOffset{}
	meta := map[string]map[int32]string{}
	for _, b := range ok {
		if offsets[b.topic] == nil {
			offsets[b.topic], meta[b.topic] = map[int32]kgo.EpochOffset{}, map[int32]string{}
		}
		last := b.records[len(b.records)-1]
		offsets[b.topic][b.partition] = kgo.EpochOffset{Epoch: last.LeaderEpoch, Offset: b.end + 1}
		meta[b.topic][b.partition] = ""
	}
	if err := commitWithMetadata(ctx, s.cl, offsets, meta); err != nil {
		s.log.Warn("offset commit after write failed", "batches", len(ok), "err", err)
	}
}

// pauseBacklogged stops fetching partitions whose writes fail or whose
// buffer is full, and resumes the others.
func (s *Sink) pauseBacklogged() {
	pause, resume := map[string][]int32{}, map[string][]int32{}
	for t, ps := range s.parts {
		for n, p := range ps {
			if p.failures > 0 || len(p.recs) >= 2*s.opt.BatchRows {
				pause[t] = append(pause[t], n)
			} else {
				resume[t] = append(resume[t], n)
			}
		}
	}
	s.cl.PauseFetchPartitions(pause)
	s.cl.ResumeFetchPartitions(resume)
}
