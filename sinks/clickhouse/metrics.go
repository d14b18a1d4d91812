package clickhouse

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/internal/telemetry"
)

// metrics are the sink's Prometheus series, named
// floorwatch_sink_<noun>_<unit>.
type metrics struct {
	rows        *prometheus.CounterVec   // table
	batches     *prometheus.CounterVec   // topic
	latency     *prometheus.HistogramVec // topic
	retries     *prometheus.CounterVec   // topic
	deadLetters *prometheus.CounterVec   // topic
	lag         *prometheus.GaugeVec     // topic, partition
	watermark   *prometheus.GaugeVec     // partition (of the events topic)

	wmMu     sync.Mutex
	complete map[int32]time.Time // the latest complete_until written, per events partition
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_sink_rows_total", Help: "Rows accepted by ClickHouse, per table (a deduplicated retry counts again).",
		}, []string{"table"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_sink_batches_total", Help: "Batches written and committed, per topic.",
		}, []string{"topic"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "floorwatch_sink_batch_duration_seconds", Help: "Time to write one batch into ClickHouse.",
			Buckets: prometheus.ExponentialBuckets(0.002, 2, 14),
		}, []string{"topic"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_sink_retries_total", Help: "Failed batch writes that will be retried.",
		}, []string{"topic"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "floorwatch_sink_dead_letters_total", Help: "Records written to dead_letters instead of their table.",
		}, []string{"topic"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "floorwatch_sink_lag_records", Help: "Records between the committed offset and the partition's end.",
		}, []string{"topic", "partition"}),
		watermark: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "floorwatch_sink_watermark_seconds",
			Help: "complete_until of the latest watermark this sink wrote to ClickHouse, per events partition (Unix seconds): how complete the tables are.",
		}, []string{"partition"}),
		complete: map[int32]time.Time{},
	}
	return m, telemetry.Register(reg, "sink", m.rows, m.batches, m.latency, m.retries, m.deadLetters, m.lag, m.watermark)
}

// written records the watermarks of a batch now in ClickHouse; a
// partition's gauge never moves back (a batch re-read after a rebalance
// holds older ones). Safe for concurrent batches.
func (m *metrics) written(rows []any) {
	m.wmMu.Lock()
	defer m.wmMu.Unlock()
	for _, r := range rows {
		w, ok := r.(*watermarksRow)
		if !ok || !w.CompleteUntil.After(m.complete[w.Partition]) {
			continue
		}
		m.complete[w.Partition] = w.CompleteUntil
		m.watermark.WithLabelValues(strconv.Itoa(int(w.Partition))).Set(float64(w.CompleteUntil.UnixMilli()) / 1000)
	}
}
