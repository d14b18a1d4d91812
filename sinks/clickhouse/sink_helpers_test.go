package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// fixture is a migrated database and a set of fresh topics standing in for
// the contract topics.
type fixture struct {
	t      testing.TB
	cfg    config.ClickHouse
	conn   driver.Conn
	topics schemas.Topics
	group  string
}

func newFixture(t testing.TB, partitions int32) *fixture {
	t.Helper()
	testenv.KafkaBrokers(t)
	f := &fixture{t: t, cfg: testDatabase(t), topics: testenv.Topics(t, partitions), group: testenv.UniqueName(t, "sink")}
	f.conn = testenv.ClickHouseConn(t, f.cfg.Database)
	return f
}

func (f *fixture) options(rows int) Options {
	return Options{Kafka: testenv.KafkaOptions(f.t), Group: f.group, Topics: f.topics,
		BatchRows: rows, BatchInterval: 50 * time.Millisecond}
}

// produce writes values to the real topic standing for topic, keyed so
// that they spread over partitions.
func (f *fixture) produce(topic string, values ...[]byte) {
	f.t.Helper()
	cl := testenv.KafkaClient(f.t)
	var rs []*kgo.Record
	for i, v := range values {
		rs = append(rs, &kgo.Record{Topic: f.topics.Prefix + topic, Key: fmt.Appendf(nil, "k%d", i), Value: v})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
		f.t.Fatal(err)
	}
}

// start runs a sink until the returned stop is called; stop returns Run's error.
func (f *fixture) start(opt Options, conn driver.Conn) (stop func() error) {
	f.t.Helper()
	s, err := New(opt, conn)
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return sync.OnceValue(func() error { cancel(); return <-done })
}

// count runs a query returning one number.
func (f *fixture) count(query string) int64 {
	f.t.Helper()
	var n int64
	if err := f.conn.QueryRow(context.Background(), "SELECT toInt64(("+query+"))").Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// rows runs query and renders each row as its values joined by spaces.
func (f *fixture) rows(query string) []string {
	f.t.Helper()
	rows, err := f.conn.Query(context.Background(), query)
	if err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, len(rows.ColumnTypes()))
		for i, ct := range rows.ColumnTypes() {
			vals[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(vals...); err != nil {
			f.t.Fatalf("%s: %v", query, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			rv := reflect.ValueOf(v).Elem()
			switch {
			case rv.Kind() == reflect.Pointer && rv.IsNil():
				parts[i] = "NULL"
			case rv.Kind() == reflect.Pointer:
				parts[i] = fmt.Sprint(rv.Elem().Interface())
			default:
				parts[i] = fmt.Sprint(rv.Interface())
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return out
}

// waitFor polls query until it returns want, or fails after a while.
func (f *fixture) waitFor(query string, want int64) {
	f.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := f.count(query)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%s = %d, want %d", query, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func deltas(n int, minute time.Time) [][]byte {
	var out [][]byte
	for i := range n {
		m := schemas.MetricDelta{V: 1, Minute: schemas.At(minute.Add(time.Duration(i%7) * time.Minute)),
			Segment: schemas.Segment{Tenant: "acme", Channel: schemas.WhatsApp, InteractionType: "messaging", Team: "t1"},
			Opened:  1, FirstResponse: schemas.DurationDelta{Count: 1, SumMs: 1000,
				Buckets: map[int32]int64{schemas.SketchBucket(1000): 1}}}
		out = append(out, mustJSON(m))
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// deadConn is a connection to a port where no server listens.
func deadConn(t *testing.T) driver.Conn {
	conn, err := ch.Open(&ch.Options{Addr: []string{"127.0.0.1:1"}, DialTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
