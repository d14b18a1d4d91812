package alerts

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/internal/telemetry"
)

// Metrics are the alert evaluator's Prometheus series,
// floorwatch_alerts_<noun>_<unit>.
type Metrics struct {
	evaluations *prometheus.CounterVec
	evalSeconds prometheus.Histogram
	changes     *prometheus.CounterVec
	attempts    *prometheus.CounterVec
	latency     prometheus.Histogram
	pending     prometheus.Gauge
	partitions  prometheus.Gauge
}

// NewMetrics creates the series and registers them with reg (nil: none).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_alerts_evaluations_total",
			Help: "Evaluations of one tenant's rules, by outcome (ok, error: the live state could not be read).",
		}, []string{"outcome"}),
		evalSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "floorwatch_alerts_evaluation_seconds",
			Help:    "Time to read one tenant's live state and evaluate its rules.",
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
	return m, telemetry.Register(reg, "alerts", m.evaluations, m.evalSeconds, m.changes, m.attempts, m.latency, m.pending, m.partitions)
}
