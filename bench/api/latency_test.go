package api

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/floorwatch/floorwatch/internal/testenv"
)

// BenchmarkPipelineLatency runs `floorwatch all` with config.yaml (the
// shipped settings: processors flush every 1 s, the sink every 1 s) on the
// real Kafka and ClickHouse and feeds it signed WhatsApp customer messages,
// one per webhook, at fixed rates (1 000, 2 000 and 5 000 events/s) for
// FLOORWATCH_BENCH_SECONDS each (default 10). It reports, per rate:
//   - webhook_p50_ms, webhook_p99_ms: from a webhook's 200 to its event's
//     row being queryable in the events table (1 in rate/200 messages is
//     timed; ClickHouse is polled every 50 ms, so a figure is at most 50 ms
//     high);
//   - new_case_p50_ms, new_case_p99_ms: from the 200 of a platform
//     conversation.routed event (one every 500 ms, during the load) to
//     GET /api/v1/cases?list=queued showing the new case (polled every
//     20 ms): the time a supervisor waits to see a new queued case;
//   - ingest_p50_ms, ingest_p99_ms: every webhook's answer time, and
//     shed_503: how many were answered 503 (shedding under overload);
//   - events/s: the rate achieved (the sender's schedule is absolute, so
//     a slow answer shows as a lower rate, not as a shifted clock).
func BenchmarkPipelineLatency(b *testing.B) {
	if os.Getenv(testenv.EnvClickHouseAddr) == "" || os.Getenv(testenv.EnvKafkaBrokers) == "" {
		b.Skip("FLOORWATCH_CLICKHOUSE_ADDR and FLOORWATCH_KAFKA_BROKERS are not set (deployments/local/services env)")
	}
	seconds := envInt(b, "FLOORWATCH_BENCH_SECONDS", 10)
	p := startAllWith(b, "../../config.yaml")
	conn := testenv.ClickHouseConn(b, p.database)
	loadRun(b, p, conn, "warm", 200, 3*time.Second) // group joins, first batches, connections
	for _, rate := range []int{1000, 2000, 5000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			var all load
			for n := range b.N {
				run := fmt.Sprintf("%d%d%d", rate/1000, n, time.Now().UnixMilli()%1_000_000)
				l := loadRun(b, p, conn, run, rate, time.Duration(seconds)*time.Second)
				all.answer = append(all.answer, l.answer...)
				all.webhook = append(all.webhook, l.webhook...)
				all.newCase = append(all.newCase, l.newCase...)
				all.achieved += l.achieved / float64(b.N)
				all.shed += l.shed
			}
			b.ReportMetric(all.achieved, "events/s")
			b.ReportMetric(ms(testenv.Quantile(all.answer, 0.5)), "ingest_p50_ms")
			b.ReportMetric(ms(testenv.Quantile(all.answer, 0.99)), "ingest_p99_ms")
			b.ReportMetric(float64(all.shed)/float64(b.N), "shed_503")
			b.ReportMetric(ms(testenv.Quantile(all.webhook, 0.5)), "webhook_p50_ms")
			b.ReportMetric(ms(testenv.Quantile(all.webhook, 0.99)), "webhook_p99_ms")
			b.ReportMetric(ms(testenv.Quantile(all.newCase, 0.5)), "new_case_p50_ms")
			b.ReportMetric(ms(testenv.Quantile(all.newCase, 0.99)), "new_case_p99_ms")
		})
	}
}

// whatsAppSecret and whatsAppAccount are acme's in config.yaml.
const (
	whatsAppSecret  = "dev-acme-whatsapp-app-secret"
	whatsAppAccount = "100000000000001"
	loadCustomers   = 1000
)

// load is what one run measured.
type load struct {
	answer   []time.Duration // every webhook, from sending to its answer
	webhook  []time.Duration // timed webhooks, from their 200 to their row
	newCase  []time.Duration // probes, from their 200 to the queued list
	achieved float64         // events/s
	shed     int             // webhooks answered 503 (overload shedding; not retried)
}

// loadRun sends rate messages a second for d, probes new queued cases
// meanwhile, and waits for every timed row.
func loadRun(b *testing.B, p pipeline, conn driver.Conn, run string, rate int, d time.Duration) (l load) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	b.Cleanup(client.CloseIdleConnections)
	total, every := int(d.Seconds()*float64(rate)), max(1, rate/200)
	var (
		mu     sync.Mutex
		okAt   = map[string]time.Time{} // timed messages answered 200, not yet seen in ClickHouse
		failed error
	)
	next := make(chan int, 1024)
	var senders sync.WaitGroup
	for range 200 { // below ingest.max_in_flight (256), above which ingest answers 503
		senders.Go(func() {
			for i := range next {
				id := fmt.Sprintf("wamid.bench-%s-%d", run, i)
				body, sig := whatsAppMessage(fmt.Sprintf("49%s%05d", run, i%loadCustomers), id, time.Now())
				req, _ := http.NewRequest(http.MethodPost, p.ingest+"/webhooks/whatsapp", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Hub-Signature-256", sig)
				sent := time.Now()
				resp, err := client.Do(req)
				shed := false
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					shed = resp.StatusCode == http.StatusServiceUnavailable
					if resp.StatusCode != http.StatusOK && !shed {
						err = fmt.Errorf("webhook: %s", resp.Status)
					}
				}
				answered := time.Now()
				mu.Lock()
				switch {
				case err != nil:
					failed = cmp.Or(failed, err)
				case shed:
					l.shed++
				default:
					l.answer = append(l.answer, answered.Sub(sent))
					if i%every == 0 {
						okAt[id] = answered
					}
				}
				mu.Unlock()
			}
		})
	}

	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	sent, polled := make(chan struct{}), make(chan error, 1)
	go func() { polled <- pollEvents(b.Context(), conn, &mu, okAt, &l, sent) }()
	var probeErr error
	probed := make(chan struct{})
	go func() { l.newCase, probeErr = probeNewCases(ctx, p, run); close(probed) }()

	start := time.Now()
	for i := range total {
		if wait := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); wait > 0 {
			time.Sleep(wait)
		}
		next <- i
	}
	close(next)
	senders.Wait()
	l.achieved = float64(total) / time.Since(start).Seconds()
	cancel()
	<-probed
	if failed != nil {
		b.Fatal(failed)
	}
	if probeErr != nil {
		b.Fatal(probeErr)
	}

	// Every timed message answered is now in okAt: wait for the poller to
	// find them all.
	close(sent)
	if err := <-polled; err != nil {
		b.Fatal(err)
	}
	return l
}

// pollEvents looks for okAt's messages in the events table every 50 ms,
// from the load's start, records each one's latency in l.webhook, and
// returns once sent is closed and okAt is empty (an error after 60 s
// without progress). It runs beside the benchmark's goroutine.
func pollEvents(ctx context.Context, conn driver.Conn, mu *sync.Mutex, okAt map[string]time.Time, l *load, sent <-chan struct{}) error {
	done := false
	for last := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-sent:
			done = true
		default:
		}
		mu.Lock()
		ids := make([]string, 0, len(okAt))
		for id := range okAt {
			ids = append(ids, id)
		}
		mu.Unlock()
		if len(ids) == 0 {
			if done {
				return nil
			}
			last = time.Now()
			continue
		}
		if time.Since(last) > 60*time.Second {
			return fmt.Errorf("%d timed messages not in the events table after 60 s", len(ids))
		}
		asked := time.Now()
		rows, err := conn.Query(ctx, "SELECT id FROM events WHERE tenant = 'acme' AND id IN ?", ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			mu.Lock()
			if at, ok := okAt[id]; ok {
				l.webhook = append(l.webhook, asked.Sub(at))
				delete(okAt, id)
				last = asked
			}
			mu.Unlock()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
}

// probeNewCases routes a new case to sales every 500 ms until ctx ends and
// times each from its 200 to its listing in sales' queue. It runs beside
// the benchmark's goroutine, so it returns its first error instead of
// failing b.
func probeNewCases(ctx context.Context, p pipeline, run string) ([]time.Duration, error) {
	var lat []time.Duration
	for i := 0; ctx.Err() == nil; i++ {
		customer := fmt.Sprintf("probe-%s-%d", run, i)
		at := time.Now().UTC().Format(time.RFC3339Nano)
		if err := postPlatformEvent(p.ingest, fmt.Sprintf(`{"id":"%s-routed","type":"conversation.routed","occurred_at":%q,"team":"sales",`+
			`"conversation":{"channel":"whatsapp","account_id":%q,"customer_id":%q}}`, customer, at, whatsAppAccount, customer)); err != nil {
			return lat, err
		}
		start := time.Now()
		for deadline := start.Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			q, err := queuedCases(p.api, "sales")
			if err != nil {
				return lat, err
			}
			if _, ok := q[customer]; ok {
				break
			}
			if time.Now().After(deadline) {
				return lat, fmt.Errorf("the case of %s not in sales' queue within 60 s", customer)
			}
		}
		lat = append(lat, time.Since(start))
		select {
		case <-ctx.Done():
		case <-time.After(time.Until(start.Add(500 * time.Millisecond))):
		}
	}
	return lat, nil
}

// whatsAppMessage is a WhatsApp Cloud API delivery of one customer text
// message, as the platform sends it, and its signature header.
func whatsAppMessage(customer, id string, at time.Time) ([]byte, string) {
	body := fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",`+
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":%q},"contacts":[{"profile":{"name":"Bench Customer"},"wa_id":%q}],`+
		`"messages":[{"from":%q,"id":%q,"timestamp":"%d","text":{"body":"Is my order on its way?"},"type":"text"}]},"field":"messages"}]}]}`,
		whatsAppAccount, customer, customer, id, at.Unix())
	mac := hmac.New(sha256.New, []byte(whatsAppSecret))
	mac.Write(body)
	return body, "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
