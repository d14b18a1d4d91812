package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kgo"
)

// SPEC 2.2.1 end to end: while acme's customers wait in its queues, globex
// sends events dated 2031 through the platform API (refused) and signed
// webhooks dated 2100 (clamped to their arrival). acme then keeps writing.
// Nothing of acme's may change: no clock jumps (every watermark stays
// within the wall clock plus the skew), none of acme's conversations is
// closed, and `report` (ClickHouse) equals `replay` over the same
// requests, segment by segment and tenant by tenant.
func TestOneTenantsFarFutureEventsChangeNothingOfAnothers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka and ClickHouse")
	}
	chAddr, _ := testenv.ClickHouse(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	tmp := t.TempDir()
	bin := testenv.BuildFloorwatch(t, "")
	prefix, env := pipelineEnv(t, "future")
	all := startAll(ctx, t, bin, env, prefix+".")
	base := "http://" + all.await(ctx, t, "ingest listening")

	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s := &sender{t: t, ctx: ctx, base: base, signer: NewSigner(cfg), statuses: map[string]map[int]int{}}
	start := time.Now().UTC().Truncate(time.Second)
	// acme: 20 conversations routed to sales over the last 10 minutes, half
	// of them assigned, every customer still waiting.
	for i := range 20 {
		at := start.Add(-10*time.Minute + time.Duration(i)*20*time.Second)
		s.webhook("acme", whatsappBody("100000000000001", "3360000"+strconv.Itoa(1000+i), "acme-in-"+strconv.Itoa(i), at))
		s.events("acme", "dev-acme-api-key", routed("acme-r-"+strconv.Itoa(i), "3360000"+strconv.Itoa(1000+i), at.Add(10*time.Second)))
		if i%2 == 0 {
			s.events("acme", "dev-acme-api-key", assigned("acme-a-"+strconv.Itoa(i), "3360000"+strconv.Itoa(1000+i), at.Add(15*time.Second)))
		}
	}
	// globex: 40 platform events dated 2031 in four batches, and signed
	// WhatsApp and Messenger bodies dated 2100.
	future := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	for b := range 4 {
		var evs []string
		for i := range 10 {
			n := strconv.Itoa(b*10 + i)
			evs = append(evs, fmt.Sprintf(`{"id":"gx-%s","type":"conversation.routed","occurred_at":%q,"team":"frontdesk",`+
				`"conversation":{"channel":"whatsapp","account_id":"100000000000002","customer_id":"1999%s"}}`, n, future.Format(time.RFC3339), n))
		}
		s.events("globex", "dev-globex-api-key", evs...)
	}
	far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		s.webhook("globex", whatsappBody("100000000000002", "1888000"+strconv.Itoa(i), "gx-wa-"+strconv.Itoa(i), far))
		s.webhook("globex", messengerBody("200000000000002", "7777000"+strconv.Itoa(i), "gx-ms-"+strconv.Itoa(i), far))
	}
	// acme again: five new conversations after globex's events.
	for i := range 5 {
		at := time.Now().UTC().Add(-30 * time.Second)
		s.webhook("acme", whatsappBody("100000000000001", "3361000"+strconv.Itoa(i), "acme-late-"+strconv.Itoa(i), at))
		s.events("acme", "dev-acme-api-key", routed("acme-lr-"+strconv.Itoa(i), "3361000"+strconv.Itoa(i), at.Add(time.Second)))
	}
	for tenant, st := range s.statuses {
		t.Logf("%s: answers %v", tenant, st)
	}
	if got := s.statuses["globex"]; got[http.StatusBadRequest] != 4 || got[http.StatusOK] != 10 {
		t.Fatalf("globex's answers %v, want 4 batches refused (400) and 10 webhooks accepted (200)", got)
	}
	if got := s.statuses["acme"]; got[http.StatusOK] != 60 {
		t.Fatalf("acme's answers %v, want 60 × 200", got)
	}
	requests := s.write(filepath.Join(tmp, "requests.jsonl"))

	to := time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
	waitWatermarks(ctx, t, chAddr, prefix, prefix+"."+schemas.TopicEvents, 4, to)
	conn := testenv.ClickHouseConn(t, prefix)
	var highest time.Time
	if err := conn.QueryRow(ctx, `SELECT max(complete_until) FROM watermarks`).Scan(&highest); err != nil {
		t.Fatal(err)
	}
	if limit := time.Now().Add(schemas.DefaultMaxFutureSkew); highest.After(limit) {
		t.Fatalf("a watermark reached %s, beyond the wall clock plus the skew (%s)", highest, limit)
	}
	// The sink copies each topic on its own: the rows may land a moment
	// after the watermarks that cover them.
	closed, open := acmeConversations(ctx, t, conn, 25)
	if closed != 0 || open != 25 {
		t.Fatalf("acme has %d closed and %d open conversations, want 0 and 25", closed, open)
	}
	clampedFrom, clampedTo := globexEvents(ctx, t, conn, 10)
	t.Logf("highest watermark %s (wall %s); globex's stored events between %s and %s",
		highest.Format(time.RFC3339Nano), time.Now().UTC().Format(time.RFC3339Nano), clampedFrom, clampedTo)
	if clampedTo.After(to) || clampedFrom.Before(start) {
		t.Fatalf("globex's events are stored between %s and %s, want their arrival times (after %s, before %s)", clampedFrom, clampedTo, start, to)
	}
	from := start.Add(-time.Hour)
	for _, by := range []string{"", "tenant", "tenant,team,operator", "tenant,channel,interaction_type"} {
		compare(ctx, t, bin, env, requests, from, to, by)
	}

	// Records already in Kafka, written before ingest bounded times (or
	// by another writer): a globex event that claims 2031 and arrived now
	// (the processors clamp it as ingest would), one that even arrived in
	// 2031 (a broken ingest clock: kept, but no clock follows it).
	cl := testenv.KafkaClient(t)
	injectedAt := time.Now()
	for i, received := range []time.Time{injectedAt, future} {
		e := schemas.Event{V: 1, Kind: schemas.KindCustomerMessage, ID: "gx-raw-" + strconv.Itoa(i), Tenant: "globex",
			Channel: schemas.WhatsApp, AccountID: "100000000000002", CustomerID: "1777000" + strconv.Itoa(i),
			OccurredAt: schemas.At(future), ReceivedAt: schemas.At(received)}
		v, err := schemas.MarshalEvent(&e)
		if err != nil {
			t.Fatal(err)
		}
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: prefix + "." + schemas.TopicEvents, Key: []byte(e.Key().String()), Value: v}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		s.webhook("acme", whatsappBody("100000000000001", "3362000"+strconv.Itoa(i), "acme-after-raw-"+strconv.Itoa(i), time.Now().Add(-time.Second)))
	}
	to = time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
	requests = s.write(filepath.Join(tmp, "requests.jsonl"))
	waitWatermarks(ctx, t, chAddr, prefix, prefix+"."+schemas.TopicEvents, 4, to)
	if err := conn.QueryRow(ctx, `SELECT max(complete_until) FROM watermarks`).Scan(&highest); err != nil {
		t.Fatal(err)
	}
	if limit := time.Now().Add(schemas.DefaultMaxFutureSkew); highest.After(limit) {
		t.Fatalf("after records dated 2031 in Kafka, a watermark reached %s, beyond the wall clock plus the skew (%s)", highest, limit)
	}
	closed, open = acmeConversations(ctx, t, conn, 28)
	if closed != 0 || open != 28 {
		t.Fatalf("after records dated 2031 in Kafka, acme has %d closed and %d open conversations, want 0 and 28", closed, open)
	}
	// globex's own conversations opened by the clamped webhooks are not
	// idle-closed by a clock that followed 2031, and the record that
	// arrived now opened its conversation at its arrival.
	var globexClosed uint64
	var rawOpened time.Time
	if err := conn.QueryRow(ctx, `SELECT countIf(closed_at IS NOT NULL), minIf(opened_at, customer_id = '17770000')
		FROM conversations FINAL WHERE tenant = 'globex'`).Scan(&globexClosed, &rawOpened); err != nil {
		t.Fatal(err)
	}
	if globexClosed != 0 || rawOpened.Sub(injectedAt).Abs() > time.Second {
		t.Fatalf("globex: %d conversations closed, the record arrived at %s opened at %s; want none closed, opened at its arrival",
			globexClosed, injectedAt, rawOpened)
	}
	var gaugeAt time.Time
	if err := conn.QueryRow(ctx, `SELECT max(at) FROM gauges`).Scan(&gaugeAt); err != nil {
		t.Fatal(err)
	}
	if limit := time.Now().Add(schemas.DefaultMaxFutureSkew); gaugeAt.After(limit) {
		t.Fatalf("a gauge snapshot is stamped %s, beyond the wall clock plus the skew (%s)", gaugeAt, limit)
	}
	// replay does not see the injected records: acme's segments must still agree.
	compareTenant(ctx, t, bin, env, requests, from, to, "acme")
	t.Logf("after 2 records dated 2031 written straight to Kafka: highest watermark %s, acme's 28 conversations open, its report equals replay",
		highest.Format(time.RFC3339Nano))
	all.stop(t)
}

// acmeConversations counts acme's closed and open conversations in
// ClickHouse, waiting up to 20 s for want of them in all.
func acmeConversations(ctx context.Context, t *testing.T, conn driver.Conn, want uint64) (closed, open uint64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if err := conn.QueryRow(ctx, `SELECT countIf(closed_at IS NOT NULL), countIf(closed_at IS NULL)
			FROM conversations FINAL WHERE tenant = 'acme'`).Scan(&closed, &open); err != nil {
			t.Fatal(err)
		}
		if closed+open >= want || time.Now().After(deadline) {
			return closed, open
		}
	}
}

// globexEvents is the earliest and latest occurred_at of globex's stored
// events, once want of them are stored (or after 20 s): like the
// conversations, the events may land a moment after the watermarks.
func globexEvents(ctx context.Context, t *testing.T, conn driver.Conn, want uint64) (from, to time.Time) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var n uint64
		if err := conn.QueryRow(ctx, `SELECT count(), min(occurred_at), max(occurred_at) FROM events FINAL WHERE tenant = 'globex'`).
			Scan(&n, &from, &to); err != nil {
			t.Fatal(err)
		}
		if n >= want || time.Now().After(deadline) {
			return from, to
		}
	}
}

// compareTenant compares tenant's segments of report and replay by
// tenant, team and operator, retrying the report while the sink catches up.
func compareTenant(ctx context.Context, t *testing.T, bin string, env []string, requests string, from, to time.Time, tenant string) {
	t.Helper()
	args := []string{"--config", rootConfig, "--from", schemas.At(from).String(), "--to", schemas.At(to).String(), "--by", "tenant,team,operator"}
	want := segmentsOf(t, runTool(ctx, t, bin, env, append([]string{"replay", "--requests", requests}, args...)...), tenant)
	var got string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		got = segmentsOf(t, runTool(ctx, t, bin, env, append([]string{"report"}, args...)...), tenant)
		if got == want || time.Now().After(deadline) {
			break
		}
	}
	if got != want {
		t.Errorf("%s's segments: report (ClickHouse) differs from replay:\n%s", tenant, lineDiff(want, got))
	}
}

// segmentsOf returns the segments of tenant in a report, indented JSON.
func segmentsOf(t *testing.T, report []byte, tenant string) string {
	t.Helper()
	var r struct {
		Segments []map[string]any `json:"segments"`
	}
	if err := json.Unmarshal(report, &r); err != nil {
		t.Fatal(err)
	}
	var keep []map[string]any
	for _, seg := range r.Segments {
		if key, _ := seg["key"].(map[string]any); key["tenant"] == tenant {
			keep = append(keep, seg)
		}
	}
	b, _ := json.MarshalIndent(keep, "", "  ")
	return string(b)
}

// sender posts requests one by one, records each with its real arrival
// time for replay, and counts the answers per tenant.
type sender struct {
	t        *testing.T
	ctx      context.Context
	base     string
	signer   *Signer
	sent     []schemas.Request
	statuses map[string]map[int]int
}

func (s *sender) webhook(tenant string, b body) {
	r := s.signer.Sign(schemas.Request{ReceivedAt: schemas.At(time.Now()), Method: http.MethodPost, Path: "/webhooks/" + b.channel,
		Headers: schemas.Headers{"Content-Type": {"application/json"}}, Body: b.json})
	s.post(tenant, r)
}

func (s *sender) events(tenant, key string, events ...string) {
	s.post(tenant, schemas.Request{ReceivedAt: schemas.At(time.Now()), Method: http.MethodPost, Path: "/v1/events",
		Headers: schemas.Headers{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + key}},
		Body:    `{"events":[` + strings.Join(events, ",") + `]}`})
}

func (s *sender) post(tenant string, r schemas.Request) {
	s.t.Helper()
	r.ReceivedAt = schemas.At(time.Now())
	st, err := Post(s.ctx, http.DefaultClient, s.base, []schemas.Request{r})
	if err != nil {
		s.t.Fatal(err)
	}
	if s.statuses[tenant] == nil {
		s.statuses[tenant] = map[int]int{}
	}
	for code, n := range st {
		s.statuses[tenant][code] += n
	}
	s.sent = append(s.sent, r)
}

func (s *sender) write(path string) string {
	s.t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range s.sent {
		if err := enc.Encode(r); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return path
}

type body struct{ channel, json string }

// whatsappBody is a Cloud API text message webhook, as Meta sends it.
func whatsappBody(phoneNumberID, waID, wamid string, at time.Time) body {
	return body{"whatsapp", fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":`+
		`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},`+
		`"contacts":[{"profile":{"name":"Customer"},"wa_id":%q}],"messages":[{"from":%q,"id":%q,"timestamp":"%d",`+
		`"text":{"body":"Hello"},"type":"text"}]},"field":"messages"}]}]}`, phoneNumberID, waID, waID, wamid, at.Unix())}
}

// messengerBody is a Messenger Platform text message webhook.
func messengerBody(pageID, psid, mid string, at time.Time) body {
	return body{"messenger", fmt.Sprintf(`{"object":"page","entry":[{"id":%q,"time":%d,"messaging":[{"sender":{"id":%q},`+
		`"recipient":{"id":%q},"timestamp":%d,"message":{"mid":%q,"text":"Hello"}}]}]}`,
		pageID, at.UnixMilli(), psid, pageID, at.UnixMilli(), mid)}
}

func routed(id, customer string, at time.Time) string {
	return fmt.Sprintf(`{"id":%q,"type":"conversation.routed","occurred_at":%q,"team":"sales",`+
		`"conversation":{"channel":"whatsapp","account_id":"100000000000001","customer_id":%q}}`, id, at.Format(time.RFC3339Nano), customer)
}

func assigned(id, customer string, at time.Time) string {
	return fmt.Sprintf(`{"id":%q,"type":"conversation.assigned","occurred_at":%q,"operator":"ana",`+
		`"conversation":{"channel":"whatsapp","account_id":"100000000000001","customer_id":%q}}`, id, at.Format(time.RFC3339Nano), customer)
}
