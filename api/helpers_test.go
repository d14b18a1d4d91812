package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
	"github.com/floorwatch/floorwatch/sinks/report"
)

const (
	acmeToken   = "test-acme-supervisor-sam"
	globexToken = "test-globex-supervisor-gus"
)

// testNow is the clock of every test server: 2026-11-20 11:00 UTC.
var testNow = time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)

func directory(t testing.TB) *config.Directory {
	t.Helper()
	cfg, err := config.Load("testdata/tenants.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Directory()
}

// env is a server on the real ClickHouse (a fresh migrated database) and
// the real Kafka (a fresh events topic).
type env struct {
	conn  driver.Conn
	topic string
	srv   *Server
	http  *httptest.Server
}

func newEnv(t testing.TB) *env {
	t.Helper()
	_, db := testenv.ClickHouseDatabase(t, "api")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	if err := sinkch.Migrate(context.Background(), cfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	e := &env{conn: testenv.ClickHouseConn(t, db), topic: testenv.CreateTopic(t, "api_events", 1, nil)}
	pub := kafkaPublisher(t, testenv.KafkaBrokers(t), e.topic)
	e.srv = e.server(t, pub, 5*time.Second)
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	return e
}

func kafkaPublisher(t testing.TB, brokers []string, topic string) KafkaPublisher {
	t.Helper()
	prod, err := publish.New(publish.Options{Kafka: []kgo.Opt{kgo.SeedBrokers(brokers...)}, ClientID: "api-test",
		Linger: publish.SendAtOnce})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = prod.Close(ctx)
	})
	return KafkaPublisher{Producer: prod, Topic: topic}
}

// server builds another Server on the same database (a fresh memory of
// recent actions), publishing through pub.
func (e *env) server(t testing.TB, pub Publisher, publishTimeout time.Duration) *Server {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Directory: directory(t), Store: cases.NewStore(e.conn), Publisher: pub, Metrics: m,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		PublishTimeout: publishTimeout, Now: func() time.Time { return testNow },
		Report: func(ctx context.Context, from, to time.Time, by []string, tenant string) (schemas.Report, error) {
			return report.Build(ctx, e.conn, from, to, by, report.Filter{Tenant: tenant})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// answer is one HTTP answer: status, headers and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
}

// do sends a request with the token (none when ""), body JSON when not nil.
func do(t testing.TB, base, method, path, token string, body any) answer {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func exec(t testing.TB, conn driver.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if err := conn.Exec(context.Background(), s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
}

// loadCases writes acme's and globex's cases: acme has a queued case
// (aq), an active one (aa), one to recover (ar) and a closed one (ac);
// globex has a queued case (gq) of the same customer id.
func loadCases(t testing.TB, conn driver.Conn) {
	t.Helper()
	exec(t, conn, `INSERT INTO conversations (conversation_id, version, tenant, channel, account_id, customer_id, interaction_type,
		team, operator, status, recover_reason, opened_at, routed_at, assigned_at, first_response_at, attended_at, last_customer_message_at,
		wait_started_at, queued_since, window_expires_at, closed_at, last_event_at, transfer_times, complete_until) VALUES
		('aq', 1, 'acme', 'whatsapp', '100000000000001', '33600000001', 'messaging', 'sales', '', 'queued', '',
			'2026-11-20 10:00:00', '2026-11-20 10:01:00', NULL, NULL, NULL, '2026-11-20 10:00:00', '2026-11-20 10:00:00',
			'2026-11-20 10:01:00', '2026-11-21 10:00:00', NULL, '2026-11-20 10:01:00', [], '2026-11-20 10:01:00'),
		('aa', 1, 'acme', 'whatsapp', '100000000000001', '33600000002', 'messaging', 'sales', 'ana', 'active', '',
			'2026-11-20 10:00:00', '2026-11-20 10:01:00', '2026-11-20 10:59:00', NULL, NULL, '2026-11-20 10:58:00', '2026-11-20 10:58:00',
			NULL, '2026-11-21 10:58:00', NULL, '2026-11-20 10:59:00', [], '2026-11-20 10:59:00'),
		('ar', 1, 'acme', 'x', '1000000000000000001', '42', 'messaging', 'support', 'bob', 'to_recover', 'unanswered',
			'2026-11-20 09:00:00', '2026-11-20 09:01:00', '2026-11-20 09:02:00', '2026-11-20 09:03:00', '2026-11-20 09:03:00',
			'2026-11-20 10:00:00', '2026-11-20 10:00:00', NULL, NULL, NULL, '2026-11-20 10:15:00', [], '2026-11-20 10:15:00'),
		('ac', 1, 'acme', 'whatsapp', '100000000000001', '33600000003', 'messaging', 'sales', 'ana', 'closed', '',
			'2026-11-20 09:00:00', '2026-11-20 09:01:00', '2026-11-20 09:02:00', '2026-11-20 09:03:00', '2026-11-20 09:03:00',
			'2026-11-20 09:00:00', NULL, NULL, '2026-11-21 09:00:00', '2026-11-20 09:30:00', '2026-11-20 09:30:00', [], '2026-11-20 09:30:00'),
		('gq', 1, 'globex', 'whatsapp', '100000000000002', '33600000001', 'messaging', 'sales', '', 'queued', '',
			'2026-11-20 10:00:00', '2026-11-20 10:01:00', NULL, NULL, NULL, '2026-11-20 10:00:00', '2026-11-20 10:00:00',
			'2026-11-20 10:01:00', '2026-11-21 10:00:00', NULL, '2026-11-20 10:01:00', [], '2026-11-20 10:01:00')`,
		`INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel, interaction_type, team, operator, status,
		recover_reason, valid_from, valid_to) VALUES
		('aq', 0, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', '', 'queued', '', '2026-11-20 10:00:00', NULL),
		('aa', 0, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', 'active', '', '2026-11-20 10:00:00', NULL),
		('ar', 0, 1, 0, 'acme', 'x', 'messaging', 'support', 'bob', 'to_recover', 'unanswered', '2026-11-20 09:00:00', NULL),
		('ac', 0, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', 'closed', '', '2026-11-20 09:00:00', NULL),
		('gq', 0, 1, 0, 'globex', 'whatsapp', 'messaging', 'sales', '', 'queued', '', '2026-11-20 10:00:00', NULL)`,
		`INSERT INTO operator_status (tenant, operator, team, status, occurred_at, received_at, id) VALUES
		('acme', 'ana', 'sales', 'available', '2026-11-20 09:00:00', '2026-11-20 09:00:00', 's1'),
		('globex', 'gil', 'frontdesk', 'away', '2026-11-20 09:00:00', '2026-11-20 09:00:00', 's2')`,
	)
}

// published returns every record on the topic so far. The topic has one
// partition: after a sentinel record is acknowledged, everything written
// before it sits before it, so reading up to the sentinel reads it all.
func published(t testing.TB, topic string) []*kgo.Record {
	t.Helper()
	cl := testenv.KafkaClient(t, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sentinel := &kgo.Record{Topic: topic, Key: []byte("sentinel"), Value: []byte(time.Now().String())}
	if err := cl.ProduceSync(ctx, sentinel).FirstErr(); err != nil {
		t.Fatal(err)
	}
	var out []*kgo.Record
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("the sentinel did not come back: %v", ctx.Err())
		}
		done := false
		fs.EachRecord(func(r *kgo.Record) {
			switch {
			case done:
			case string(r.Key) == "sentinel" && string(r.Value) == string(sentinel.Value):
				done = true
			case string(r.Key) != "sentinel":
				out = append(out, r)
			}
		})
		if done {
			return out
		}
	}
}

func brokers(t testing.TB) []string { return testenv.KafkaBrokers(t) }

func httptestServer(t testing.TB, srv *Server) string {
	t.Helper()
	h := httptest.NewServer(srv.Handler())
	t.Cleanup(h.Close)
	return h.URL
}

func newRegistry() *prometheus.Registry { return prometheus.NewRegistry() }

func inFlight(s *Server) float64 {
	var m dto.Metric
	_ = s.opts.Metrics.inFlight.Write(&m)
	return m.GetGauge().GetValue()
}

// waitUntil polls cond until it holds (or fails the test after 10 s).
func waitUntil(t testing.TB, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 10 s")
		}
	}
}
