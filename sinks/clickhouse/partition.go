package clickhouse

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// partition buffers one assigned partition's records and cuts them into
// batches. It is owned by the sink's poll loop; nothing else touches it.
type partition struct {
	topic string
	part  int32
	// next is the offset the open batch starts at: the committed offset,
	// or -1 until known (no commit yet: the first record's offset).
	next int64
	// planEnd is the committed plan: the open batch ends exactly at this
	// offset. -1 when no plan is committed.
	planEnd int64
	recs    []*kgo.Record
	since   time.Time // when the open batch got its first record

	failures int       // consecutive failed writes of the planned batch
	retryAt  time.Time // no write attempt before this
}

func newPartition(topic string, part int32, committed, planEnd int64) *partition {
	return &partition{topic: topic, part: part, next: committed, planEnd: planEnd}
}

// add appends a fetched record. Records before next (already written) are
// skipped; a plan whose records are gone (retention) is dropped.
func (p *partition) add(r *kgo.Record, now time.Time) {
	if p.next < 0 {
		p.next = r.Offset
	}
	if r.Offset < p.next {
		return
	}
	if len(p.recs) == 0 {
		p.since = now
		if p.planEnd >= 0 && r.Offset > p.planEnd {
			p.planEnd = -1
		}
	}
	p.recs = append(p.recs, r)
}

// cut returns the batch that is due now, or nil. With a plan the batch is
// exactly [next, planEnd] once its last record is here; otherwise it is the
// first maxRows records, or everything buffered once interval has passed.
func (p *partition) cut(now time.Time, maxRows int, interval time.Duration) *batch {
	if len(p.recs) == 0 || now.Before(p.retryAt) {
		return nil
	}
	n := 0
	switch {
	case p.planEnd >= 0:
		for n < len(p.recs) && p.recs[n].Offset <= p.planEnd {
			n++
		}
		if n == len(p.recs) && p.recs[n-1].Offset < p.planEnd {
			return nil // the plan's last record is not fetched yet
		}
	case len(p.recs) >= maxRows:
		n = maxRows
	case now.Sub(p.since) >= interval:
		n = len(p.recs)
	default:
		return nil
	}
	end := p.recs[n-1].Offset
	if p.planEnd >= 0 {
		end = p.planEnd
	}
	// The batch starts at the committed offset, not at its first record,
	// so that compaction of that record cannot change the batch's token.
	return &batch{topic: p.topic, partition: p.part, start: p.next, end: end, records: p.recs[:n:n]}
}

// planned records that b's boundaries are committed.
func (p *partition) planned(b *batch) { p.planEnd = b.end }

// done drops b's records after they are written; the next batch starts
// after b.
func (p *partition) done(b *batch, now time.Time) {
	p.recs = p.recs[len(b.records):]
	p.next, p.planEnd = b.end+1, -1
	p.failures, p.retryAt = 0, time.Time{}
	p.since = now
}

// failed schedules the next attempt at the planned batch with capped
// exponential backoff, and returns the wait.
func (p *partition) failed(now time.Time) time.Duration {
	p.failures++
	wait := 100 * time.Millisecond << min(p.failures-1, 9)
	wait = min(wait, 30*time.Second)
	p.retryAt = now.Add(wait)
	return wait
}
