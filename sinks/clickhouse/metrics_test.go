package clickhouse

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestTheWatermarkGaugeFollowsTheLatestWrittenAndNeverMovesBack(t *testing.T) {
	m, err := newMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	at := func(s int64) time.Time { return time.Unix(s, 500e6) }
	m.written([]any{&watermarksRow{Partition: 3, CompleteUntil: at(100)}, &watermarksRow{Partition: 3, CompleteUntil: at(160)},
		&watermarksRow{Partition: 1, CompleteUntil: at(90)}})
	m.written([]any{&watermarksRow{Partition: 3, CompleteUntil: at(120)}}) // re-read after a rebalance
	m.written(nil)
	for p, want := range map[string]float64{"3": 160.5, "1": 90.5} {
		if got := testutil.ToFloat64(m.watermark.WithLabelValues(p)); got != want {
			t.Errorf("partition %s: %v, want %v", p, got, want)
		}
	}
}
