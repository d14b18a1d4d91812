package alerts

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/schemas"
)

// partition is one partition of the alerts topic this evaluator owns.
// Its fields are guarded by the Evaluator's mu, but for ctx, id and claim.
type partition struct {
	id    int32
	claim string // written when taken; reading it back ends the restore
	prod  *kgo.Client
	// claimSeen: the claim was read back; live: that and the producer
	// is open, so p acts; gone: released, acting no more.
	claimSeen, live, gone bool
	states                map[string]*schemas.AlertState // by AlertKey
	queues                map[string]*queue              // by tenant and URL fingerprint
	ctx                   context.Context                // ends when released
	cancel                context.CancelFunc
	wg                    sync.WaitGroup // the claim and the delivery goroutines
}

// finish waits for p's goroutines, then closes its producer; without the
// Evaluator's mu, after detach.
func (p *partition) finish() {
	p.wg.Wait()
	if p.prod != nil {
		p.prod.Close()
	}
}

// queue holds one receiver's notifications of one tenant, in the order
// of the changes: a receiver sees a rule fire before it resolves.
type queue struct {
	target Target
	tenant string
	jobs   []job
	wake   chan struct{}
}

type job struct {
	key  string // the rule's AlertKey
	id   string
	at   time.Time
	body []byte
}

// enqueue adds n for target to p's queue of that receiver, starting the
// queue's sender on first use (e.mu held).
func (e *Evaluator) enqueue(p *partition, t *Tenant, key string, n schemas.AlertNotification, target Target) {
	body, err := json.Marshal(n)
	if err != nil {
		e.opts.Logger.Error("alerts: cannot encode a notification", "err", err)
		return
	}
	qk := t.ID + "|" + schemas.AlertURLFingerprint(target.URL)
	q := p.queues[qk]
	if q == nil {
		q = &queue{target: target, tenant: t.ID, wake: make(chan struct{}, 1)}
		p.queues[qk] = q
		p.wg.Add(1)
		go e.sendQueue(p, q)
	}
	q.jobs = append(q.jobs, job{key: key, id: n.ID, at: n.At.Time, body: body})
	e.opts.Metrics.pending.Inc()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// sendQueue sends q's notifications one at a time until p is released.
func (e *Evaluator) sendQueue(p *partition, q *queue) {
	defer p.wg.Done()
	for {
		e.mu.Lock()
		if p.gone {
			e.mu.Unlock()
			return
		}
		if len(q.jobs) == 0 {
			e.mu.Unlock()
			select {
			case <-p.ctx.Done():
				return
			case <-q.wake:
			}
			continue
		}
		j := q.jobs[0]
		e.mu.Unlock()
		if err := e.send.deliver(p.ctx, q.target, j.body); err != nil {
			return // released; the next owner sends it
		}
		e.opts.Metrics.latency.Observe(time.Since(j.at).Seconds())
		e.mu.Lock()
		if !p.gone {
			q.jobs = q.jobs[1:]
			e.opts.Metrics.pending.Dec()
			e.acknowledge(p, q, j)
		}
		e.mu.Unlock()
	}
}

// acknowledge records that q's receiver accepted j (e.mu held).
func (e *Evaluator) acknowledge(p *partition, q *queue, j job) {
	old := p.states[j.key]
	t := e.tenant(q.tenant)
	if old == nil || t == nil {
		return
	}
	var rule *schemas.AlertRule
	for i := range t.Rules {
		if schemas.AlertKey(t.ID, t.Rules[i].Name) == j.key {
			rule = &t.Rules[i]
		}
	}
	st := successor(t, old, rule)
	fp := schemas.AlertURLFingerprint(q.target.URL)
	for i := range st.Outbox {
		if st.Outbox[i].Notification.ID == j.id {
			st.Outbox[i].Pending = slices.DeleteFunc(slices.Clone(st.Outbox[i].Pending), func(s string) bool { return s == fp })
		}
	}
	e.commit(p.ctx, p, st)
}

func randFloat() float64 { return rand.Float64() }
