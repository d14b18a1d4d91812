package api

import (
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/internal/telemetry"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the API's Prometheus series, all named
// floorwatch_api_<noun>_<unit>. Build them once with NewMetrics and pass
// them to the Server; they are safe for concurrent use.
type Metrics struct {
	requests       *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	inFlight       prometheus.Gauge
	actions        *prometheus.CounterVec
	publishLatency prometheus.Histogram
}

// NewMetrics creates the series and registers them with reg; a series
// already registered there is an error, not a panic.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_api_requests_total",
			Help: "API requests answered, by route and status code.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "floorwatch_api_request_duration_seconds",
			Help:    "Time to answer an API request, by route.",
			Buckets: prometheus.ExponentialBuckets(0.002, 2, 13), // 2ms to ~8s
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "floorwatch_api_requests_in_flight",
			Help: "API requests being answered now.",
		}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_api_actions_total",
			Help: "Supervisor actions, by action (transfer, recover) and outcome (accepted, repeated, refused, not_found, conflict, unavailable).",
		}, []string{"action", "outcome"}),
		publishLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "floorwatch_api_publish_latency_seconds",
			Help:    "Time from producing an action's event to Kafka acknowledging it.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14), // 1ms to ~8s
		}),
	}
	return m, telemetry.Register(reg, "api", m.requests, m.duration, m.inFlight, m.actions, m.publishLatency)
}

func (m *Metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}
