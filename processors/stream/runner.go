package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Runner is one processor instance. Build it with New, call Run once;
// Run returns when ctx is canceled (nil) or on an error that needs a
// restart (fenced, broker refused the transactional id...).
//
// One goroutine (Run's) polls, folds and commits; the group callbacks
// (restore on assignment, drop on revocation) and the presence follower
// run on their own goroutines and meet it under mu.
type Runner struct {
	opts    Options
	core    *core
	metrics *metrics
	sess    delivery

	mu        sync.Mutex
	parts     map[int32]*partition
	fatal     error     // from a callback; Run returns it
	stray     bool      // the open transaction polled records of a partition not owned
	lastGauge time.Time // wall time of the last gauge snapshots

	wakeMu sync.Mutex
	wakes  []opRef // operators whose presence changed since the last tick

	prodMu  sync.Mutex
	prodErr error // first produce failure of the open transaction
	// Records produced, many to an allocation, reused once a cycle ended
	// (cycle's goroutine only).
	slab  []kgo.Record
	slabs recycler[kgo.Record]

	group atomic.Pointer[kgo.Client] // the group session's client while it runs (Ready)
}

// New checks opts and registers the metrics.
func New(opts Options) (*Runner, error) {
	opts.setDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	return &Runner{opts: opts, core: newCore(opts.Policies, opts.Topics, opts.MaxFutureSkew), metrics: m, parts: map[int32]*partition{},
		slabs: recycler[kgo.Record]{size: 512, keep: 64}}, nil
}

// Run fences a predecessor's open transaction (exactly-once mode; the
// topics exist: connect.EnsureTopics), catches up on operator presence,
// joins the group and processes until
// ctx is canceled. On cancel it ends the open transaction with a commit
// (work done is kept) and leaves the group (closeSession).
func (r *Runner) Run(ctx context.Context) error {
	if err := r.prepare(ctx); err != nil {
		return err
	}
	pctx, stopPresence := context.WithCancel(ctx)
	defer stopPresence()
	caughtUp := make(chan struct{})
	presenceDone := make(chan error, 1)
	go func() { presenceDone <- r.followPresence(pctx, caughtUp) }()
	select {
	case <-caughtUp:
	case err := <-presenceDone:
		return err
	case <-ctx.Done():
		return nil
	}
	sess, err := r.newDelivery()
	if err != nil {
		return fmt.Errorf("stream: %w", err)
	}
	r.sess = sess
	defer r.closeSession(ctx, sess)
	for ctx.Err() == nil {
		if err := r.cycle(ctx); err != nil {
			return err
		}
		select {
		case err := <-presenceDone:
			return err
		default:
		}
		sess.allowRebalance()
	}
	return nil
}

func (r *Runner) prepare(ctx context.Context) error {
	if r.opts.AtLeastOnce {
		return nil
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return r.fence(tctx)
}

// newDelivery joins the group in the configured delivery mode.
func (r *Runner) newDelivery() (delivery, error) {
	opts := r.groupOpts()
	if r.opts.AtLeastOnce {
		cl, err := kgo.NewClient(append(opts, kgo.DisableAutoCommit())...)
		if err != nil {
			return nil, err
		}
		r.group.Store(cl)
		return newAtLeastOnce(cl, r.opts.Topics.State, r.opts.Logger, r.produced), nil
	}
	opts = append(opts, kgo.TransactionalID(r.opts.transactionalID()), kgo.TransactionTimeout(r.opts.TransactionTimeout))
	s, err := kgo.NewGroupTransactSession(opts...)
	if err != nil {
		return nil, err
	}
	r.group.Store(s.Client())
	return transactional{s, r.produced}, nil
}

// fetchMaxWait bounds how long the broker holds a fetch with no new
// records, and so how late newly assigned partitions start.
const fetchMaxWait = 500 * time.Millisecond

func (r *Runner) groupOpts() []kgo.Opt {
	o := r.opts
	return o.clientOpts("",
		kgo.ConsumerGroup(o.Group), kgo.ConsumeTopics(o.Topics.Events), kgo.InstanceID(o.InstanceID),
		kgo.SessionTimeout(o.SessionTimeout), kgo.HeartbeatInterval(o.SessionTimeout/3), kgo.RebalanceTimeout(2*time.Minute),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsAssigned(r.assigned), kgo.OnPartitionsRevoked(r.revoked), kgo.OnPartitionsLost(r.revoked),
		kgo.RecordPartitioner(partitioner{state: o.Topics.State, byKey: kgo.StickyKeyPartitioner(nil)}),
		kgo.ProducerBatchMaxBytes(4<<20), kgo.MaxBufferedRecords(1<<20),
		// A fetch in flight when partitions are assigned does not carry
		// them: the new partitions wait for it to return. The default
		// (5 s) would add up to 5 s to every takeover.
		kgo.FetchMaxWait(fetchMaxWait),
	)
}

// partitioner writes the changelog to the partition the runner names
// (the events partition it describes) and everything else by key.
type partitioner struct {
	state string
	byKey kgo.Partitioner
}

func (p partitioner) ForTopic(t string) kgo.TopicPartitioner {
	if t == p.state {
		return kgo.ManualPartitioner().ForTopic(t)
	}
	return p.byKey.ForTopic(t)
}

// assigned fences the open transactions of departed instances, then
// restores the new partitions before their fetches begin.
func (r *Runner) assigned(ctx context.Context, _ *kgo.Client, m map[string][]int32) {
	ps := m[r.opts.Topics.Events]
	if len(ps) == 0 {
		return
	}
	if !r.opts.AtLeastOnce {
		r.fenceDeparted(ctx)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	parts, err := r.restore(ctx, ps)
	if err != nil {
		r.fatal = errors.Join(r.fatal, err)
		return
	}
	for id, p := range parts {
		r.parts[id] = p
	}
}

// revoked drops the state of partitions this instance no longer owns.
func (r *Runner) revoked(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range m[r.opts.Topics.Events] {
		delete(r.parts, id)
		r.metrics.forget(id)
	}
}
