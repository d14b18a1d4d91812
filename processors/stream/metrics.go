package stream

import (
	"github.com/floorwatch/floorwatch/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the runner's Prometheus series, named
// floorwatch_process_<noun>_<unit>.
type metrics struct {
	lag         *prometheus.GaugeVec
	open        *prometheus.GaugeVec
	stateBytes  *prometheus.GaugeVec
	txnSeconds  prometheus.Histogram
	restoreSecs prometheus.Histogram
	events      prometheus.Counter
	deadLetters prometheus.Counter
	aborts      prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "floorwatch_process_lag_records",
			Help: "Records of the events topic not yet processed, per partition."}, []string{"partition"}),
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "floorwatch_process_open_conversations",
			Help: "Open conversations held, per partition."}, []string{"partition"}),
		stateBytes: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "floorwatch_process_state_bytes",
			Help: "Encoded size of the conversation state held, per partition."}, []string{"partition"}),
		txnSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "floorwatch_process_transaction_seconds",
			Help: "Time to commit one transaction (flush, offsets, end).", Buckets: prometheus.ExponentialBuckets(0.002, 2, 14)}),
		restoreSecs: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "floorwatch_process_restore_seconds",
			Help: "Time to restore assigned partitions from the changelog.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}),
		events: prometheus.NewCounter(prometheus.CounterOpts{Name: "floorwatch_process_events_total",
			Help: "Events read from the events topic."}),
		deadLetters: prometheus.NewCounter(prometheus.CounterOpts{Name: "floorwatch_process_dead_letters_total",
			Help: "Events that could not be applied, sent to the dead-letter topic."}),
		aborts: prometheus.NewCounter(prometheus.CounterOpts{Name: "floorwatch_process_aborted_transactions_total",
			Help: "Transactions aborted (rebalance, fencing); their partitions were restored again."}),
	}
	return m, telemetry.Register(reg, "stream", m.lag, m.open, m.stateBytes, m.txnSeconds, m.restoreSecs, m.events,
		m.deadLetters, m.aborts)
}

// forget drops the per-partition series of a partition no longer owned.
func (m *metrics) forget(p int32) {
	for _, v := range []*prometheus.GaugeVec{m.lag, m.open, m.stateBytes} {
		v.DeleteLabelValues(label(p))
	}
}
