package alerts

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/internal/telemetry"
)

// Metrics are the alert evaluator's Prometheus series,
// floorwatch_alerts_<noun>_<unit>.
type Metrics struct {
	rounds       *prometheus.CounterVec
	roundSeconds prometheus.Histogram
	changes      *prometheus.CounterVec
	attempts     *prometheus.CounterVec
	latency      prometheus.Histogram
	pending      prometheus.Gauge
	partitions   prometheus.Gauge
}

// NewMetrics creates the series and registers them with reg (nil: none).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		rounds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_alerts_rounds_total",
			Help: "Rounds of evaluation (every owned tenant's rules once), by outcome (ok, error: the live state could not be read).",
		}, []string{"outcome"}),
		roundSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "floorwatch_alerts_round_seconds",
			Help:    "Time of one round: reading the owned tenants' live state and evaluating their rules.",
			Buckets: prometheus.ExponentialBuckets(0.002, 2, 13),
		}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_alerts_changes_total",
			Help: "Changes of a rule's state recorded, by state (firing, resolved).",
		}, []string{"state"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_alerts_notify_attempts_total",
			Help: "POSTs to notify URLs, by outcome (delivered: a 2xx; failed: anything else, retried).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "floorwatch_alerts_notify_latency_seconds",
			Help:    "Time from a change of state to its first 2xx from a notify URL.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 15),
		}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "floorwatch_alerts_pending_notifications",
			Help: "Notifications some notify URL has not acknowledged, in the partitions this evaluator owns.",
		}),
		partitions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "floorwatch_alerts_partitions_owned",
			Help: "Partitions of the alerts topic this evaluator acts for (read up to its claim).",
		}),
	}
	return m, telemetry.Register(reg, "alerts", m.rounds, m.roundSeconds, m.changes, m.attempts, m.latency, m.pending, m.partitions)
}
