package alerts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/schemas"
)

// Source reads tenants' live queue health, all in one pass
// (cases.Store.TeamsOf), by tenant.
type Source interface {
	TeamsOf(ctx context.Context, policies []schemas.Policy, now time.Time) (map[string][]cases.Team, error)
}

// Tenant is one tenant's rules and where their changes go.
type Tenant struct {
	ID      string
	Policy  schemas.Policy
	Rules   []schemas.AlertRule
	Targets []Target
}

// Options configure an Evaluator. Every field without a default is
// required.
type Options struct {
	// Kafka are the connection options (brokers, TLS, SASL).
	Kafka    []kgo.Opt
	ClientID string
	// Topic is the alerts topic; Group the evaluators' consumer group,
	// also the prefix of each partition's transactional id.
	Topic, Group string
	// Tenants lists every tenant; those without rules are not evaluated.
	Tenants []Tenant
	Source  Source
	// EvaluateEvery, NotifyTimeout, RetryInitial and RetryMax are the
	// alerting section of the configuration.
	EvaluateEvery, NotifyTimeout, RetryInitial, RetryMax time.Duration
	// Now is the clock of evaluations (nil: time.Now).
	Now func() time.Time
	// HTTPClient posts the notifications (nil: a client of its own).
	HTTPClient *http.Client
	UserAgent  string
	Logger     *slog.Logger
	Metrics    *Metrics
}

// Evaluator evaluates the rules of the tenants of the alerts topic's
// partitions it owns. Build it with New and call Run.
type Evaluator struct {
	opts    Options
	send    *sender
	tenants []*Tenant

	// nparts is the alerts topic's partition count and byPartition the
	// tenants with rules of each partition; Run sets both.
	nparts      int32
	byPartition map[int32][]*Tenant

	mu sync.Mutex
	// owned are the partitions the group gave this evaluator and it has
	// not lost; assigned is what the group gave, for retaking after a
	// failed write.
	owned    map[int32]*partition
	assigned map[int32]bool
	// quietUntil rate-limits the log of rounds that cannot read the state.
	quietUntil time.Time
}

// New checks opts and returns an Evaluator.
func New(opts Options) (*Evaluator, error) {
	switch {
	case opts.Topic == "" || opts.Group == "":
		return nil, errors.New("alerts: the topic and the group are required")
	case opts.Source == nil || opts.Logger == nil || opts.Metrics == nil:
		return nil, errors.New("alerts: a source, a logger and metrics are required")
	case opts.EvaluateEvery <= 0 || opts.NotifyTimeout <= 0 || opts.RetryInitial <= 0 || opts.RetryMax < opts.RetryInitial:
		return nil, errors.New("alerts: evaluate_every, notify_timeout, retry_initial and retry_max must be positive, retry_max at least retry_initial")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "floorwatch-alerts"
	}
	e := &Evaluator{opts: opts, owned: map[int32]*partition{}, assigned: map[int32]bool{},
		send: &sender{client: opts.HTTPClient, timeout: opts.NotifyTimeout, retryInitial: opts.RetryInitial,
			retryMax: opts.RetryMax, userAgent: opts.UserAgent, metrics: opts.Metrics}}
	for i := range opts.Tenants {
		if len(opts.Tenants[i].Rules) > 0 {
			e.tenants = append(e.tenants, &opts.Tenants[i])
		}
	}
	return e, nil
}

// PartitionOf is the partition of an alerts topic of n partitions whose
// owner evaluates tenant.
func PartitionOf(tenant string, n int32) int32 {
	h := fnv.New32a()
	h.Write([]byte(tenant))
	return int32(h.Sum32() % uint32(n))
}

// Run evaluates until ctx ends, then leaves the group: the partitions'
// next owners deliver what this evaluator had not.
func (e *Evaluator) Run(ctx context.Context) error {
	n, err := e.partitionCount(ctx)
	if err != nil {
		return err
	}
	e.nparts, e.byPartition = n, map[int32][]*Tenant{}
	for _, t := range e.tenants {
		p := PartitionOf(t.ID, n)
		e.byPartition[p] = append(e.byPartition[p], t)
	}
	group, err := kgo.NewClient(append(slices.Clone(e.opts.Kafka), kgo.ClientID(e.opts.ClientID),
		kgo.ConsumerGroup(e.opts.Group), kgo.ConsumeTopics(e.opts.Topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		// Nothing is committed: an owner always reads its partitions
		// from the start (they are compacted).
		kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(), kgo.FetchMaxWait(500*time.Millisecond),
		kgo.OnPartitionsAssigned(e.onAssigned), kgo.OnPartitionsRevoked(e.onRevoked), kgo.OnPartitionsLost(e.onRevoked),
	)...)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	pollCtx, stopPoll := context.WithCancel(ctx)
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		e.poll(pollCtx, group)
	}()
	tick := time.NewTicker(e.opts.EvaluateEvery)
	defer tick.Stop()
	for ctx.Err() == nil {
		e.evaluate(ctx)
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	stopPoll()
	<-polled
	group.Close() // leaves the group: the revoke callback releases every partition
	e.mu.Lock()
	var rest []*partition
	for _, p := range e.owned {
		rest = append(rest, e.detach(p))
	}
	e.mu.Unlock()
	for _, p := range rest {
		p.finish()
	}
	return nil
}

func (e *Evaluator) partitionCount(ctx context.Context) (int32, error) {
	cl, err := kgo.NewClient(append(slices.Clone(e.opts.Kafka), kgo.ClientID(e.opts.ClientID))...)
	if err != nil {
		return 0, fmt.Errorf("alerts: %w", err)
	}
	defer cl.Close()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		td, err := kadm.NewClient(cl).ListTopics(ctx, e.opts.Topic)
		if err == nil {
			if d, ok := td[e.opts.Topic]; ok && d.Err == nil && len(d.Partitions) > 0 {
				return int32(len(d.Partitions)), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("alerts: describe topic %s: %w", e.opts.Topic, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// poll reads the owned partitions' records into their state until each
// reaches its claim.
func (e *Evaluator) poll(ctx context.Context, group *kgo.Client) {
	for {
		fetches := group.PollFetches(ctx)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			group.AllowRebalance()
			return
		}
		fetches.EachError(func(topic string, p int32, err error) {
			e.opts.Logger.Warn("alerts: fetch", "topic", topic, "partition", p, "err", err)
		})
		e.mu.Lock()
		fetches.EachRecord(func(r *kgo.Record) { e.restore(r) })
		e.mu.Unlock()
		group.AllowRebalance()
	}
}

// restore applies one record of the log to its partition's state while
// the partition is being read up to its claim (e.mu held). Past the
// claim, the owner's own writes are the state: the records it reads
// back are older than what it holds.
func (e *Evaluator) restore(r *kgo.Record) {
	p := e.owned[r.Partition]
	if p == nil || p.live {
		return
	}
	if r.Value == nil {
		delete(p.states, string(r.Key))
		return
	}
	var st schemas.AlertState
	if err := json.Unmarshal(r.Value, &st); err != nil {
		e.opts.Logger.Error("alerts: undecodable record, skipped", "partition", r.Partition, "offset", r.Offset, "err", err)
		return
	}
	if st.Claim != "" {
		if st.Claim == p.claim {
			p.claimSeen = true
			if p.prod != nil {
				e.goLive(p)
			}
		}
		return
	}
	p.states[string(r.Key)] = &st
}

// goLive starts acting for p: its state is complete (e.mu held). Every
// notification some URL of today's configuration has not acknowledged
// is sent again, with its id.
func (e *Evaluator) goLive(p *partition) {
	p.live = true
	e.opts.Metrics.partitions.Inc()
	keys := make([]string, 0, len(p.states))
	for k := range p.states {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		st := p.states[k]
		t := e.tenant(st.Tenant)
		if t == nil || PartitionOf(t.ID, e.nparts) != p.id {
			continue
		}
		for _, en := range st.Outbox {
			for _, target := range t.Targets {
				if slices.Contains(en.Pending, schemas.AlertURLFingerprint(target.URL)) {
					e.enqueue(p, t, k, en.Notification, target)
				}
			}
		}
	}
	e.opts.Logger.Info("alerts: acting for a partition", "partition", p.id, "rules", len(p.states))
}

func (e *Evaluator) tenant(id string) *Tenant {
	for _, t := range e.tenants {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (e *Evaluator) onAssigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range m[e.opts.Topic] {
		e.assigned[id] = true
		e.take(id, 0)
	}
}

func (e *Evaluator) onRevoked(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	e.mu.Lock()
	var gone []*partition
	for _, id := range m[e.opts.Topic] {
		delete(e.assigned, id)
		if p := e.owned[id]; p != nil {
			gone = append(gone, e.detach(p))
		}
	}
	e.mu.Unlock()
	// The next owner must not start while this one still sends.
	for _, p := range gone {
		p.finish()
	}
}

// take starts owning partition id (e.mu held): its producer fences any
// earlier owner by writing a claim, which the poll loop reads back.
func (e *Evaluator) take(id int32, delay time.Duration) {
	p := &partition{id: id, claim: newClaim(), states: map[string]*schemas.AlertState{}, queues: map[string]*queue{}}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	e.owned[id] = p
	p.wg.Add(1)
	go e.claim(p, delay)
}

func newClaim() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// claim opens p's producer and writes p's claim, after delay, retrying
// until it is written or p is released.
func (e *Evaluator) claim(p *partition, delay time.Duration) {
	defer p.wg.Done()
	select {
	case <-p.ctx.Done():
		return
	case <-time.After(delay):
	}
	body, _ := json.Marshal(schemas.AlertState{V: 1, Claim: p.claim})
	for attempt := 0; ; attempt++ {
		prod, err := kgo.NewClient(append(slices.Clone(e.opts.Kafka), kgo.ClientID(e.opts.ClientID),
			kgo.TransactionalID(e.opts.Group+"-"+strconv.Itoa(int(p.id))), kgo.TransactionTimeout(30*time.Second),
			kgo.DefaultProduceTopic(e.opts.Topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
		if err == nil {
			err = write(p.ctx, prod, &kgo.Record{Key: []byte("|claim"), Value: body, Partition: p.id})
			if err == nil {
				e.mu.Lock()
				defer e.mu.Unlock()
				if p.gone {
					prod.Close()
					return
				}
				p.prod = prod
				if p.claimSeen {
					e.goLive(p)
				}
				return
			}
			prod.Close()
		}
		if p.ctx.Err() != nil {
			return
		}
		e.opts.Logger.Warn("alerts: cannot claim a partition yet; retrying", "partition", p.id, "err", err)
		select {
		case <-p.ctx.Done():
			return
		case <-time.After(backoff(attempt, e.opts.RetryInitial, e.opts.RetryMax, randFloat)):
		}
	}
}

// write commits recs in one transaction of prod.
func write(ctx context.Context, prod *kgo.Client, recs ...*kgo.Record) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := prod.BeginTransaction(); err != nil {
		return err
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return errors.Join(err, prod.EndTransaction(ctx, kgo.TryAbort))
	}
	return prod.EndTransaction(ctx, kgo.TryCommit)
}

// fencedPause is how long a fenced evaluator still assigned the
// partition waits before taking it back: longer than a group rebalance.
const fencedPause = time.Minute

// fenced reports an error meaning another evaluator now owns the
// partition: this one must stop acting for it, and not take it back.
func fenced(err error) bool {
	return errors.Is(err, kerr.ProducerFenced) || errors.Is(err, kerr.InvalidProducerEpoch) ||
		errors.Is(err, kerr.TransactionalIDAuthorizationFailed)
}

// evaluate is one round: it reads the live state of every tenant of the
// partitions this evaluator acts for, in one pass, and records and sends
// each change of a rule's state.
func (e *Evaluator) evaluate(ctx context.Context) {
	now := e.opts.Now()
	e.mu.Lock()
	type job struct {
		p *partition
		t *Tenant
	}
	var jobs []job
	for _, p := range e.owned {
		if p.live && p.prod != nil {
			for _, t := range e.byPartition[p.id] {
				jobs = append(jobs, job{p, t})
			}
		}
	}
	e.mu.Unlock()
	if len(jobs) == 0 {
		return
	}
	start := time.Now()
	policies := make([]schemas.Policy, len(jobs))
	for i, j := range jobs {
		policies[i] = j.t.Policy
		policies[i].Tenant = j.t.ID
	}
	live, err := e.opts.Source.TeamsOf(ctx, policies, now)
	if err != nil {
		e.opts.Metrics.rounds.WithLabelValues("error").Inc()
		e.warnQuietly("alerts: cannot read the live state; rules not evaluated", err)
		return
	}
	for _, j := range jobs {
		e.apply(ctx, j.p, j.t, measure(live[j.t.ID]), now)
	}
	e.opts.Metrics.rounds.WithLabelValues("ok").Inc()
	e.opts.Metrics.roundSeconds.Observe(time.Since(start).Seconds())
}

func (e *Evaluator) warnQuietly(msg string, err error) {
	e.mu.Lock()
	quiet := time.Now().Before(e.quietUntil)
	if !quiet {
		e.quietUntil = time.Now().Add(time.Minute)
	}
	e.mu.Unlock()
	if !quiet {
		e.opts.Logger.Warn(msg, "err", err)
	}
}

// apply compares t's rules with m; each change is written, then sent.
func (e *Evaluator) apply(ctx context.Context, p *partition, t *Tenant, m measures, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p.gone || !p.live {
		return
	}
	at := schemas.At(now)
	var next []*schemas.AlertState
	for _, r := range t.Rules {
		key := schemas.AlertKey(t.ID, r.Name)
		old := p.states[key]
		v := m.value(r)
		state := schemas.AlertResolved
		if crossed(r, v) {
			state = schemas.AlertFiring
		}
		if old == nil && state == schemas.AlertResolved || old != nil && old.State == state {
			continue
		}
		st := successor(t, old, &r)
		st.State, st.Since, st.Value = state, at, v
		st.ID = notificationID(t.ID, r.Name, state, at)
		st.Outbox = append(st.Outbox, schemas.AlertOutboxEntry{
			Notification: schemas.AlertNotification{ID: st.ID, Tenant: t.ID, Rule: r.Name, State: state, Value: v, Team: r.Team, At: at},
			Pending:      fingerprints(t.Targets),
		})
		next = append(next, st)
	}
	if len(next) == 0 || !e.commit(ctx, p, next...) {
		return
	}
	for _, st := range next {
		e.opts.Metrics.changes.WithLabelValues(st.State).Inc()
		e.opts.Logger.Info("alert "+st.State, "tenant", t.ID, "rule", st.Rule.Name, "value", st.Value, "id", st.ID)
		n := st.Outbox[len(st.Outbox)-1].Notification
		for _, target := range t.Targets {
			e.enqueue(p, t, schemas.AlertKey(t.ID, st.Rule.Name), n, target)
		}
	}
}

// successor is the next record of key after old: the rule as configured
// now (as recorded when it no longer is), the outbox without the entries
// every URL acknowledged and without URLs no longer configured.
func successor(t *Tenant, old *schemas.AlertState, rule *schemas.AlertRule) *schemas.AlertState {
	st := &schemas.AlertState{V: 1, Tenant: t.ID, State: schemas.AlertResolved}
	if old != nil {
		*st = *old
		st.Outbox = nil
		for _, en := range old.Outbox {
			var pending []string
			for _, fp := range en.Pending {
				if slices.Contains(fingerprints(t.Targets), fp) {
					pending = append(pending, fp)
				}
			}
			if len(pending) > 0 {
				en.Pending = pending
				st.Outbox = append(st.Outbox, en)
			}
		}
	}
	if rule != nil {
		st.Rule = *rule
	}
	st.Seq++
	return st
}

func fingerprints(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = schemas.AlertURLFingerprint(t.URL)
	}
	return out
}

// commit writes states to p and, once Kafka committed them, makes them
// p's state (e.mu held). A failure gives p up: when fenced for good,
// else to take it again from the log (the commit may have happened).
func (e *Evaluator) commit(ctx context.Context, p *partition, states ...*schemas.AlertState) bool {
	recs := make([]*kgo.Record, len(states))
	for i, st := range states {
		b, err := json.Marshal(st)
		if err != nil {
			e.opts.Logger.Error("alerts: cannot encode a state", "err", err)
			return false
		}
		recs[i] = &kgo.Record{Key: []byte(schemas.AlertKey(st.Tenant, st.Rule.Name)), Value: b, Partition: p.id}
	}
	if err := write(p.ctx, p.prod, recs...); err != nil {
		gone := e.detach(p)
		go gone.finish()
		// Fenced: another evaluator took the partition, and the group
		// is about to tell this one; should it not, this one takes the
		// partition back after a while rather than leave it unowned.
		delay := time.Duration(0)
		if fenced(err) {
			delay = fencedPause
			e.opts.Logger.Warn("alerts: another evaluator owns the partition now; stopping", "partition", p.id, "err", err)
		} else {
			e.opts.Logger.Warn("alerts: write failed; reading the partition again", "partition", p.id, "err", err)
		}
		if ctx.Err() == nil && e.assigned[p.id] {
			e.take(p.id, delay)
		}
		return false
	}
	for i, st := range states {
		p.states[string(recs[i].Key)] = st
	}
	return true
}

// detach stops p acting (e.mu held); the caller then calls finish without
// e.mu, which waits for p's goroutines and closes its producer.
func (e *Evaluator) detach(p *partition) *partition {
	if e.owned[p.id] == p {
		delete(e.owned, p.id)
	}
	if p.gone {
		return p
	}
	p.gone = true
	p.cancel()
	if p.live {
		e.opts.Metrics.partitions.Dec()
	}
	for _, q := range p.queues {
		e.opts.Metrics.pending.Sub(float64(len(q.jobs)))
		q.jobs = nil
	}
	return p
}
