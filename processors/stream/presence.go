package stream

import (
	"context"
	"fmt"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// followPresence reads the whole operator-status topic from the start,
// outside the group, into the shared Presence table, and queues a wake
// for each operator whose history changed. It closes caughtUp once it
// has read what the topic held when it started.
func (r *Runner) followPresence(ctx context.Context, caughtUp chan<- struct{}) error {
	topic := r.opts.Topics.OperatorStatus
	cl, err := r.opts.client("-presence",
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return fmt.Errorf("presence: end offsets of %s: %w", topic, err)
	}
	behind := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			behind[o.Partition] = o.Offset
		}
	})
	if len(behind) == 0 {
		close(caughtUp)
	}
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil || fs.IsClientClosed() {
			return nil
		}
		if err := pollError(fs); err != nil {
			return fmt.Errorf("presence: %w", err)
		}
		fs.EachRecord(func(rec *kgo.Record) {
			r.applyPresence(rec)
			if end, ok := behind[rec.Partition]; ok && rec.Offset+1 >= end {
				delete(behind, rec.Partition)
				if len(behind) == 0 {
					close(caughtUp)
				}
			}
		})
	}
}

func (r *Runner) applyPresence(rec *kgo.Record) {
	e, err := schemas.UnmarshalEvent(rec.Value)
	if err == nil {
		var changed bool
		if changed, err = r.core.presence.Apply(&e); err == nil && changed {
			r.wakeMu.Lock()
			r.wakes = append(r.wakes, opRef{e.Tenant, e.Operator})
			r.wakeMu.Unlock()
		}
	}
	if err != nil {
		r.opts.Logger.Warn("operator status ignored", "topic", rec.Topic, "partition", rec.Partition,
			"offset", rec.Offset, "err", err)
	}
}

// takeWakes returns the queued presence wakes, deduplicated.
func (r *Runner) takeWakes() []opRef {
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	seen := map[opRef]bool{}
	var out []opRef
	for _, w := range r.wakes {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	r.wakes = nil
	return out
}
