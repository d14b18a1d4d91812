package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/schemas"
)

// DefaultGroup is the sinks' consumer group.
const DefaultGroup = "floorwatch-sink"

// Options configure a Sink. Kafka, BatchRows and BatchInterval are
// required; the rest have defaults.
type Options struct {
	// Kafka are the connection options (seed brokers, TLS, SASL:
	// connect.Kafka); the sink adds its consumer group's.
	Kafka    []kgo.Opt
	ClientID string
	Group    string // default DefaultGroup
	// Topics are the deployment's topics (default schemas.NewTopics("")):
	// the sink reads their SinkInputs and maps each back to its contract
	// name to pick its table.
	Topics        schemas.Topics
	BatchRows     int
	BatchInterval time.Duration
	Logger        *slog.Logger
	Registerer    prometheus.Registerer

	// afterWrite, when set, runs after a batch is in ClickHouse and before
	// its offset is committed; an error stops Run there (a crash, in tests).
	afterWrite func(*batch) error
}

func (o *Options) setDefaults() {
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if o.Topics == (schemas.Topics{}) {
		o.Topics = schemas.NewTopics("")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

func (o *Options) validate() error {
	var errs []error
	if len(o.Kafka) == 0 {
		errs = append(errs, errors.New("sink: no Kafka connection options"))
	}
	if o.BatchRows <= 0 || o.BatchInterval <= 0 {
		errs = append(errs, errors.New("sink: batch rows and batch interval must be positive"))
	}
	return errors.Join(errs...)
}

// Sink copies the output topics into ClickHouse exactly once. The
// protocol, per partition: cut a batch [start, end]; commit offset start
// with the plan "end" as metadata; insert every table's rows with the
// deduplication token topic/partition/start-end; commit end+1. Whoever
// resumes the partition (this process after a restart, or another member
// after a rebalance) reads the plan and re-forms the same batch, so a
// repeated insert is dropped by ClickHouse. See docs/sinks.md.
type Sink struct {
	opt  Options
	conn driver.Conn
	cl   *kgo.Client
	adm  *kadm.Client
	m    *metrics
	log  *slog.Logger

	mu    sync.Mutex // parts: the poll loop, and rebalance callbacks
	parts map[string]map[int32]*partition
}

// New creates a sink writing through conn (whose default database holds
// the tables). The caller closes conn after Run returns.
func New(opt Options, conn driver.Conn) (*Sink, error) {
	opt.setDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(opt.Registerer)
	if err != nil {
		return nil, err
	}
	s := &Sink{opt: opt, conn: conn, m: m, log: opt.Logger, parts: map[string]map[int32]*partition{}}
	kopts := append(slices.Clone(opt.Kafka),
		kgo.ConsumerGroup(opt.Group),
		kgo.ConsumeTopics(opt.Topics.SinkInputs()...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		// Processors write their outputs in transactions.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsRevoked(s.forget),
		kgo.OnPartitionsLost(s.forget),
	)
	if opt.ClientID != "" {
		kopts = append(kopts, kgo.ClientID(opt.ClientID))
	}
	cl, err := kgo.NewClient(kopts...)
	if err != nil {
		return nil, fmt.Errorf("sink: kafka client: %w", err)
	}
	s.cl, s.adm = cl, kadm.NewClient(cl)
	return s, nil
}

// forget drops the state of partitions this member no longer owns. Their
// buffered records and unfinished batches are simply dropped: the plan is
// committed before any insert, so the next owner re-forms the same batches.
func (s *Sink) forget(_ context.Context, cl *kgo.Client, lost map[string][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, ps := range lost {
		for _, p := range ps {
			delete(s.parts[t], p)
			s.m.lag.DeleteLabelValues(t, fmt.Sprint(p))
		}
	}
	cl.ResumeFetchPartitions(lost)
}

// Run consumes until ctx ends, then writes what is buffered (best effort),
// leaves the group and returns nil. It returns an error only when it cannot
// go on (the group's committed offsets cannot be read).
func (s *Sink) Run(ctx context.Context) error {
	defer s.cl.Close()
	tick := min(max(s.opt.BatchInterval/4, 10*time.Millisecond), 250*time.Millisecond)
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, tick)
		fetches := s.cl.PollRecords(pctx, 4*s.opt.BatchRows)
		cancel()
		if fetches.IsClientClosed() {
			return nil
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				s.log.Warn("fetch failed", "topic", t, "partition", p, "err", err)
			}
		})
		err := s.step(ctx, fetches, s.opt.BatchInterval)
		s.cl.AllowRebalance()
		if err != nil {
			return err
		}
	}
	// Write what is buffered so the next owner has less to redo.
	fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.step(fctx, kgo.Fetches{}, 0)
}

// step takes one poll's records and writes the batches that are due.
func (s *Sink) step(ctx context.Context, fetches kgo.Fetches, interval time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(ctx, fetches); err != nil {
		return err
	}
	now := time.Now()
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		p := s.parts[fp.Topic][fp.Partition]
		if p == nil {
			return // revoked meanwhile
		}
		for _, r := range fp.Records {
			p.add(r, now)
		}
		if fp.HighWatermark >= 0 && p.next >= 0 {
			s.m.lag.WithLabelValues(fp.Topic, fmt.Sprint(fp.Partition)).Set(float64(fp.HighWatermark - p.next))
		}
	})
	return s.flush(ctx, now, interval)
}

// load creates the state of partitions seen for the first time, from the
// group's committed offsets and plans.
func (s *Sink) load(ctx context.Context, fetches kgo.Fetches) error {
	var missing bool
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		if len(fp.Records) > 0 && s.parts[fp.Topic][fp.Partition] == nil {
			missing = true
		}
	})
	if !missing {
		return nil
	}
	var committed kadm.OffsetResponses
	var err error
	for attempt := range 5 {
		committed, err = s.adm.FetchOffsets(ctx, s.opt.Group)
		if err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond << attempt)
	}
	if err != nil {
		// Records already fetched cannot be placed in their batches: stop
		// rather than risk a batch that differs from a committed plan.
		return fmt.Errorf("sink: read committed offsets of group %s: %w", s.opt.Group, err)
	}
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		if len(fp.Records) == 0 || s.parts[fp.Topic][fp.Partition] != nil {
			return
		}
		next, plan := int64(-1), int64(-1)
		if o, ok := committed.Lookup(fp.Topic, fp.Partition); ok && o.Err == nil && o.At >= 0 {
			next, plan = o.At, parsePlan(o.Metadata)
		}
		if s.parts[fp.Topic] == nil {
			s.parts[fp.Topic] = map[int32]*partition{}
		}
		s.parts[fp.Topic][fp.Partition] = newPartition(fp.Topic, fp.Partition, next, plan)
	})
	return nil
}
