package ingest

import (
	"github.com/floorwatch/floorwatch/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the server's Prometheus series, all named
// floorwatch_ingest_<noun>_<unit>. Build them once with NewMetrics and pass
// them to the Server; they are safe for concurrent use.
type Metrics struct {
	requests        *prometheus.CounterVec
	published       *prometheus.CounterVec
	ignored         *prometheus.CounterVec
	deadLetters     *prometheus.CounterVec
	produceLatency  prometheus.Histogram
	inFlight        prometheus.Gauge
	publishFailures *prometheus.CounterVec
	clamped         *prometheus.CounterVec
}

// NewMetrics creates the series and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_ingest_requests_total",
			Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "status"}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_ingest_events_published_total",
			Help: "Normalized events acknowledged by Kafka, by channel and kind.",
		}, []string{"channel", "kind"}),
		ignored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_ingest_events_ignored_total",
			Help: "Webhook items that produced no event, by channel and type.",
		}, []string{"channel", "type"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_ingest_dead_letters_total",
			Help: "Signed bodies written to the dead-letter topic, by route and reason.",
		}, []string{"route", "reason"}),
		produceLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "floorwatch_ingest_produce_latency_seconds",
			Help:    "Time from producing a request's records to Kafka acknowledging all of them.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14), // 1ms to ~8s
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "floorwatch_ingest_requests_in_flight",
			Help: "Requests being handled now.",
		}),
		publishFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_ingest_publish_failures_total",
			Help: "Requests answered 503 because Kafka did not acknowledge in time, by route.",
		}, []string{"route"}),
		clamped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_ingest_clamped_events_total",
			Help: "Webhook events whose occurred_at was beyond the arrival plus ingest.max_future_skew, kept at the arrival time, by channel.",
		}, []string{"channel"}),
	}
	if err := telemetry.Register(reg, "ingest", m.requests, m.published, m.ignored, m.deadLetters,
		m.produceLatency, m.inFlight, m.publishFailures, m.clamped); err != nil {
		return nil, err
	}
	return m, nil
}

// labelValue bounds a label value taken from a request body.
func labelValue(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max]
	}
	return s
}
