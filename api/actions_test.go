package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

type actionAnswer struct {
	EventID string `json:"event_id"`
}

// A transfer is published to the events topic as the supervisor's event
// for that conversation, keyed by its conversation key, and answered 202
// with the event's id; the same idempotency key gives the same event,
// also from another server that only finds it in the events table.
func TestATransferIsPublishedOnceAcknowledged(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	body := map[string]string{"to_team": "support", "idempotency_key": "key-1"}
	a := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/aa/transfer", acmeToken, body)
	if a.status != http.StatusAccepted {
		t.Fatalf("transfer: %d %s", a.status, a.body)
	}
	var got actionAnswer
	a.json(t, &got)
	if got.EventID != supervisorEventID("acme", "key-1") || !strings.HasPrefix(got.EventID, "supervisor-") {
		t.Errorf("event id %q", got.EventID)
	}
	recs := published(t, e.topic)
	if len(recs) != 1 {
		t.Fatalf("%d records on the events topic, want 1", len(recs))
	}
	ev, err := schemas.UnmarshalEvent(recs[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	want := schemas.Event{V: schemas.EventVersion, Kind: schemas.KindTransferred, ID: got.EventID, Tenant: "acme",
		Channel: schemas.WhatsApp, AccountID: "100000000000001", CustomerID: "33600000002", OccurredAt: schemas.At(testNow),
		ReceivedAt: schemas.At(testNow), ToTeam: "support", Source: schemas.SourceSupervisor, By: "sam", ConversationID: "aa"}
	if ev != want {
		t.Errorf("published\n  %+v\nwant\n  %+v", ev, want)
	}
	if string(recs[0].Key) != "acme|whatsapp|100000000000001|33600000002" {
		t.Errorf("record key %q", recs[0].Key)
	}

	// A retry (even after the case changed) answers the same id.
	exec(t, e.conn, `INSERT INTO conversations (conversation_id, version, tenant, channel, account_id, customer_id, interaction_type, team,
		operator, status, opened_at, last_event_at, complete_until) VALUES ('aa', 2, 'acme', 'whatsapp', '100000000000001', '33600000002',
		'messaging', 'support', '', 'closed', '2026-11-20 10:00:00', '2026-11-20 11:00:00', '2026-11-20 11:00:00')`)
	for _, srv := range []string{"same server"} {
		a = do(t, e.http.URL, http.MethodPost, "/api/v1/cases/aa/transfer", acmeToken, body)
		var again actionAnswer
		a.json(t, &again)
		if a.status != http.StatusAccepted || again.EventID != got.EventID {
			t.Errorf("%s retry: %d %s, want 202 with %s", srv, a.status, a.body, got.EventID)
		}
	}
	// Another server (restarted, or another replica) knows the action from
	// the events table once the sink copied it; until then the case is
	// checked (closed now: 409).
	other := httptestServer(t, e.server(t, kafkaPublisher(t, brokers(t), e.topic), 5*time.Second))
	if a := do(t, other, http.MethodPost, "/api/v1/cases/aa/transfer", acmeToken, body); a.status != http.StatusConflict {
		t.Errorf("another server before the event is stored: %d %s, want 409 (the case is closed)", a.status, a.body)
	}
	exec(t, e.conn, `INSERT INTO events (occurred_at, received_at, tenant, channel, account_id, customer_id, kind, id, to_team) VALUES
		('2026-11-20 11:00:00', '2026-11-20 11:00:00', 'acme', 'whatsapp', '100000000000001', '33600000002', 'conversation.transferred', '`+got.EventID+`', 'support')`)
	a = do(t, other, http.MethodPost, "/api/v1/cases/aa/transfer", acmeToken, body)
	var fromTable actionAnswer
	a.json(t, &fromTable)
	if a.status != http.StatusAccepted || fromTable.EventID != got.EventID {
		t.Errorf("another server's retry: %d %s, want 202 with %s", a.status, a.body, got.EventID)
	}
	// The key of that action, for another case or another action, is a 409.
	for _, c := range []struct{ srv, path string }{{e.http.URL, "/api/v1/cases/aq/transfer"}, {other, "/api/v1/cases/aq/transfer"},
		{e.http.URL, "/api/v1/cases/aa/recover"}, {other, "/api/v1/cases/ar/recover"}} {
		a := do(t, c.srv, http.MethodPost, c.path, acmeToken, body)
		if a.status != http.StatusConflict || !strings.Contains(string(a.body), `"field":"idempotency_key"`) {
			t.Errorf("%s with a used key: %d %s, want 409 naming idempotency_key", c.path, a.status, a.body)
		}
	}
	if recs := published(t, e.topic); len(recs) != 1 {
		t.Errorf("%d records on the events topic after the retries, want the first one only", len(recs))
	}
}

// A recovery of a case to recover, to an operator.
func TestARecoveryIsPublished(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	a := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/ar/recover", acmeToken, map[string]string{"to_operator": "ana", "idempotency_key": "r-1"})
	if a.status != http.StatusAccepted {
		t.Fatalf("recover: %d %s", a.status, a.body)
	}
	recs := published(t, e.topic)
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	ev, err := schemas.UnmarshalEvent(recs[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != schemas.KindRecovered || ev.ToOperator != "ana" || ev.ToTeam != "" || ev.Channel != schemas.X || ev.CustomerID != "42" ||
		ev.ConversationID != "ar" || ev.By != "sam" || !ev.FromSupervisor() {
		t.Errorf("published %+v", ev)
	}
	// A recovery without a target sends the case back to its team's queue.
	loadCases(t, e.conn)
	if a := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/ar/recover", acmeToken, map[string]string{"idempotency_key": "r-2"}); a.status != http.StatusAccepted {
		t.Errorf("recover without a target: %d %s", a.status, a.body)
	}
}

// 404 for an unknown case and for another tenant's, with the same body;
// 409 for a transfer of a closed case and a recovery of a case that is
// not to recover; 400 naming the field for a bad body.
func TestActionsRefuseWhatCannotBeDone(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	ok := map[string]string{"to_team": "support", "idempotency_key": "k"}
	unknown := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/nope/transfer", acmeToken, ok)
	foreign := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/gq/transfer", acmeToken, ok)
	if unknown.status != http.StatusNotFound || string(unknown.body) != string(foreign.body) || foreign.status != unknown.status {
		t.Errorf("unknown: %d %s; another tenant's: %d %s; want the same 404", unknown.status, unknown.body, foreign.status, foreign.body)
	}
	if a := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/gq/recover", acmeToken, ok); string(a.body) != string(unknown.body) {
		t.Errorf("recover of another tenant's case: %d %s", a.status, a.body)
	}
	if a := do(t, e.http.URL, http.MethodPost, "/api/v1/cases/gq/transfer", globexToken, ok); a.status != http.StatusAccepted {
		t.Errorf("globex's own case: %d %s", a.status, a.body)
	}
	for _, c := range []struct {
		path  string
		body  any
		code  int
		field string
	}{
		{"/api/v1/cases/ac/transfer", map[string]string{"to_team": "support", "idempotency_key": "c1"}, 409, "conversation_id"},
		{"/api/v1/cases/aq/recover", map[string]string{"idempotency_key": "c2"}, 409, "conversation_id"},
		{"/api/v1/cases/aa/recover", map[string]string{"idempotency_key": "c3"}, 409, "conversation_id"},
		{"/api/v1/cases/aq/transfer", `not json`, 400, ""},
		{"/api/v1/cases/aq/transfer", `["to_team"]`, 400, ""},
		{"/api/v1/cases/aq/transfer", ``, 400, ""},
		{"/api/v1/cases/aq/transfer", `{"to_team":"a","idempotency_key":"k"}{}`, 400, ""},
		{"/api/v1/cases/aq/transfer", `{"to_team":5,"idempotency_key":"k"}`, 400, "to_team"},
		{"/api/v1/cases/aq/transfer", `{"to_team":"a","idempotency_key":"k","to_teem":"b"}`, 400, "to_teem"},
		{"/api/v1/cases/aq/transfer", map[string]string{"to_team": "support"}, 400, "idempotency_key"},
		{"/api/v1/cases/aq/transfer", map[string]string{"to_team": "support", "idempotency_key": "  "}, 400, "idempotency_key"},
		{"/api/v1/cases/aq/transfer", map[string]string{"idempotency_key": "k"}, 400, "to_team"},
		{"/api/v1/cases/aq/transfer", map[string]string{"to_team": "a|b", "idempotency_key": "k"}, 400, "to_team"},
		{"/api/v1/cases/aq/transfer", map[string]string{"to_operator": " ana", "idempotency_key": "k"}, 400, "to_operator"},
		{"/api/v1/cases/aq/transfer", map[string]string{"to_team": strings.Repeat("t", 201), "idempotency_key": "k"}, 400, "to_team"},
		{"/api/v1/cases/aq/transfer", `{"to_team":"` + strings.Repeat("t", 17000) + `","idempotency_key":"k"}`, 413, ""},
		{"/api/v1/cases/aq/transfer?dry_run=1", map[string]string{"to_team": "a", "idempotency_key": "k"}, 400, "dry_run"},
	} {
		a := do(t, e.http.URL, http.MethodPost, c.path, acmeToken, c.body)
		var got struct {
			Error string  `json:"error"`
			Field *string `json:"field"`
		}
		a.json(t, &got)
		field := ""
		if got.Field != nil {
			field = *got.Field
		}
		if a.status != c.code || field != c.field || got.Error == "" {
			t.Errorf("%s %v: %d %s, want %d naming %q", c.path, c.body, a.status, a.body, c.code, c.field)
		}
	}
	if recs := published(t, e.topic); len(recs) != 1 {
		t.Errorf("%d records published, want only globex's transfer", len(recs))
	}
}

// A Kafka that does not answer: 503 with Retry-After after
// api.publish_timeout, and nothing is remembered as done.
func TestAnActionKafkaDoesNotAcknowledgeIs503(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // nothing listens there any more
	srv := e.server(t, kafkaPublisher(t, []string{dead}, e.topic), 700*time.Millisecond)
	base := httptestServer(t, srv)
	start := time.Now()
	a := do(t, base, http.MethodPost, "/api/v1/cases/aq/transfer", acmeToken, map[string]string{"to_team": "support", "idempotency_key": "k-503"})
	took := time.Since(start)
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") != "1" || !strings.Contains(string(a.body), `"field":null`) {
		t.Errorf("%d Retry-After=%q %s, want 503 with Retry-After 1", a.status, a.header.Get("Retry-After"), a.body)
	}
	if took < 700*time.Millisecond || took > 5*time.Second {
		t.Errorf("answered after %s, want about the publish timeout (700ms)", took)
	}
	// The retry through a server whose Kafka answers is accepted, with the
	// id the first attempt would have had.
	a = do(t, e.http.URL, http.MethodPost, "/api/v1/cases/aq/transfer", acmeToken, map[string]string{"to_team": "support", "idempotency_key": "k-503"})
	var got actionAnswer
	a.json(t, &got)
	if a.status != http.StatusAccepted || got.EventID != supervisorEventID("acme", "k-503") {
		t.Errorf("the retry: %d %s", a.status, a.body)
	}
}

// Shutdown answers the requests in flight before Serve returns.
func TestServeAnswersInFlightRequestsOnShutdown(t *testing.T) {
	e := newEnv(t)
	loadCases(t, e.conn)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	srv := e.server(t, kafkaPublisher(t, []string{deadAddr}, e.topic), 1500*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	answered := make(chan answer, 1)
	go func() {
		answered <- do(t, base, http.MethodPost, "/api/v1/cases/aq/transfer", acmeToken, map[string]string{"to_team": "x", "idempotency_key": "k"})
	}()
	// Wait until the request is in flight (waiting for Kafka), then stop.
	waitUntil(t, func() bool { return inFlight(srv) == 1 })
	cancel()
	a := <-answered
	if a.status != http.StatusServiceUnavailable {
		t.Errorf("the request in flight during shutdown: %d %s, want its own answer (503)", a.status, a.body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still accepts after Serve returned")
	}
}

func TestMetricsRegisterOnceWithoutPanicking(t *testing.T) {
	reg := newRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil || !strings.Contains(err.Error(), "api: register metrics") {
		t.Errorf("registering twice: %v, want an error", err)
	}
	var e *Error
	if !errors.As(error(badRequest("f", "x")), &e) {
		t.Error("badRequest is not an *Error")
	}
}
