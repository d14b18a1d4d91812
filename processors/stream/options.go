package stream

import (
	"errors"
	"log/slog"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/prometheus/client_golang/prometheus"
)

// Topics names every topic the runner reads and writes.
type Topics struct {
	Events, OperatorStatus, State                                  string
	Metrics, Conversations, StatusChanges, Gauges, Watermarks, DLQ string
}

// DefaultTopics returns the topic names of schemas.
func DefaultTopics() Topics {
	return Topics{Events: schemas.TopicEvents, OperatorStatus: schemas.TopicOperatorStatus, State: schemas.TopicState,
		Metrics: schemas.TopicMetrics, Conversations: schemas.TopicConversations, StatusChanges: schemas.TopicStatusChanges,
		Gauges: schemas.TopicGauges, Watermarks: schemas.TopicWatermarks, DLQ: schemas.TopicProcessDeadLetters}
}

// outputs lists the topics the runner produces to, changelog excluded.
func (t Topics) outputs() []string {
	return []string{t.Metrics, t.Conversations, t.StatusChanges, t.Gauges, t.Watermarks, t.DLQ}
}

// Policies gives each tenant's policy (config.Directory satisfies it).
type Policies interface {
	Policy(tenant string) schemas.Policy
}

// Options configure a Runner. Brokers, Policies and InstanceID are
// required; zero values of the rest take the defaults noted.
type Options struct {
	Brokers  []string
	ClientID string // default "floorwatch"
	Group    string // consumer group, default "floorwatch-process"
	// InstanceID is this instance's static group membership id; it must be
	// stable across restarts (a pod name) and unique among live instances.
	// The transactional id is derived from it, so a restarted instance
	// fences its own predecessor at once.
	InstanceID string
	Topics     Topics // default DefaultTopics()
	Policies   Policies
	// Partitions and ReplicationFactor shape the topics the runner creates
	// when missing (defaults 12 and -1, the broker's default); the
	// changelog always gets the events topic's partition count.
	Partitions        int32
	ReplicationFactor int16

	FlushInterval time.Duration // one transaction per interval, default 1 s
	GaugeInterval time.Duration // default 10 s
	IdleAdvance   time.Duration // default 1 s
	// MaxFutureSkew bounds every clock at the wall clock plus this much,
	// and clamps an event that claims to have occurred further after its
	// arrival to its arrival time (SPEC 2.2.1; default 5 min, the
	// configuration's ingest.max_future_skew).
	MaxFutureSkew time.Duration
	// SessionTimeout bounds how long a dead instance keeps its partitions
	// when it does not come back (default 6 s, the brokers' minimum).
	SessionTimeout time.Duration
	// TransactionTimeout bounds how long a dead instance's open
	// transaction blocks readers when it does not come back (default 10 s).
	TransactionTimeout time.Duration
	// AtLeastOnce turns exactly-once off: a plain consumer group and an
	// idempotent producer instead of transactions; each cycle's outputs,
	// then its changelog, then its offsets are written once the previous
	// step was acknowledged. It trades duplicated outputs after a crash
	// for throughput. The zero value (false) is exactly once.
	AtLeastOnce bool
	// MaxPollRecords bounds one poll (default 10000).
	MaxPollRecords int

	Logger     *slog.Logger          // default: discard
	Registerer prometheus.Registerer // default: none
	// Now is the wall clock (default time.Now); tests fix it.
	Now func() time.Time
}

func (o *Options) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.FlushInterval, time.Second)
	def(&o.GaugeInterval, 10*time.Second)
	def(&o.IdleAdvance, time.Second)
	def(&o.MaxFutureSkew, schemas.DefaultMaxFutureSkew)
	def(&o.SessionTimeout, 6*time.Second)
	def(&o.TransactionTimeout, 10*time.Second)
	if o.ClientID == "" {
		o.ClientID = "floorwatch"
	}
	if o.Group == "" {
		o.Group = "floorwatch-process"
	}
	if o.Topics == (Topics{}) {
		o.Topics = DefaultTopics()
	}
	if o.Partitions <= 0 {
		o.Partitions = 12
	}
	if o.ReplicationFactor == 0 {
		o.ReplicationFactor = -1
	}
	if o.MaxPollRecords <= 0 {
		o.MaxPollRecords = 10000
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

func (o *Options) validate() error {
	var errs []error
	if len(o.Brokers) == 0 {
		errs = append(errs, errors.New("stream: no brokers"))
	}
	if o.InstanceID == "" {
		errs = append(errs, errors.New("stream: no instance id"))
	}
	if o.Policies == nil {
		errs = append(errs, errors.New("stream: no tenant policies"))
	}
	return errors.Join(errs...)
}

// transactionalID is stable per instance: a restarted instance fences
// the transactions its killed predecessor left open.
func (o *Options) transactionalID() string { return o.Group + "-" + o.InstanceID }
