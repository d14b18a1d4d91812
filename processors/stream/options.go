package stream

import (
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Policies gives each tenant's policy (config.Directory satisfies it).
type Policies interface {
	Policy(tenant string) schemas.Policy
}

// Options configure a Runner. Kafka, Policies and InstanceID are
// required; zero values of the rest take the defaults noted.
type Options struct {
	// Kafka are the connection options every client of the runner starts
	// from (seed brokers, TLS, SASL: connect.Kafka); the runner adds its
	// own (group, transactions, client ids).
	Kafka    []kgo.Opt
	ClientID string // prefix of the clients' ids, default "floorwatch"
	Group    string // consumer group, default "floorwatch-process"
	// InstanceID is this instance's static group membership id; it must be
	// stable across restarts (a pod name) and unique among live instances.
	// The transactional id is derived from it, so a restarted instance
	// fences its own predecessor at once.
	InstanceID    string
	Topics        schemas.Topics // default schemas.NewTopics("")
	Policies      Policies
	FlushInterval time.Duration // one transaction per interval, default 1 s
	GaugeInterval time.Duration // default 10 s
	IdleAdvance   time.Duration // default 1 s
	// MaxFutureSkew bounds every clock at the wall clock plus this much,
	// and clamps an event that claims to have occurred further after its
	// arrival to its arrival time (SPEC 2.2.1; default 5 min, the
	// configuration's ingest.max_future_skew).
	MaxFutureSkew time.Duration
	// SessionTimeout bounds how long a dead instance keeps its partitions
	// when it does not come back (default 6 s, the minimum of a broker's
	// default group.min.session.timeout.ms). Heartbeats go every third of
	// it, as Kafka advises (the client's default, 3 s, would expire a 2 s
	// session).
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
	if o.Topics == (schemas.Topics{}) {
		o.Topics = schemas.NewTopics("")
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
	if len(o.Kafka) == 0 {
		errs = append(errs, errors.New("stream: no Kafka connection options"))
	}
	if o.InstanceID == "" {
		errs = append(errs, errors.New("stream: no instance id"))
	}
	if o.Policies == nil {
		errs = append(errs, errors.New("stream: no tenant policies"))
	}
	return errors.Join(errs...)
}

// client returns a new client of the connection options, named
// ClientID plus suffix, with extra options.
func (o *Options) client(suffix string, extra ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(o.clientOpts(suffix, extra...)...)
}

func (o *Options) clientOpts(suffix string, extra ...kgo.Opt) []kgo.Opt {
	opts := append(slices.Clone(o.Kafka), kgo.ClientID(o.ClientID+suffix))
	return append(opts, extra...)
}

// transactionalID is stable per instance: a restarted instance fences
// the transactions its killed predecessor left open.
func (o *Options) transactionalID() string { return o.Group + "-" + o.InstanceID }
