package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/api/alerts"
	"github.com/floorwatch/floorwatch/schemas"
)

// alertReceiver is a tenant's notify URL: it records every POST, verifies
// its signature, and answers what answer says.
type alertReceiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	posts  []alertPost
	answer func(n int) int
}

type alertPost struct {
	at       time.Time
	status   int
	verified bool
	n        schemas.AlertNotification
}

func newAlertReceiver(t *testing.T, secret string) *alertReceiver {
	r := &alertReceiver{secret: secret, answer: func(int) int { return http.StatusOK }}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		p := alertPost{at: time.Now(), status: r.answer(len(r.posts)),
			verified: alerts.Verify([]byte(r.secret), body, req.Header.Get(alerts.SignatureHeader))}
		if err := json.Unmarshal(body, &p.n); err != nil {
			t.Errorf("undecodable notification: %s", body)
		}
		r.posts = append(r.posts, p)
		w.WriteHeader(p.status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *alertReceiver) setAnswer(f func(n int) int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = f
}

func (r *alertReceiver) snapshot() []alertPost {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]alertPost(nil), r.posts...)
}

// await waits until ok holds for the POSTs received.
func (r *alertReceiver) await(ctx context.Context, t *testing.T, what string, ok func([]alertPost) bool) []alertPost {
	t.Helper()
	for {
		if ps := r.snapshot(); ok(ps) {
			return ps
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: never came; received %+v", what, r.snapshot())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func accepted(ps []alertPost) []schemas.AlertNotification {
	var out []schemas.AlertNotification
	for _, p := range ps {
		if p.status/100 == 2 {
			out = append(out, p.n)
		}
	}
	return out
}

// Alert rules on the whole pipeline: customers queue in sales through
// signed webhooks and platform events until acme's rule (sales queue above
// 2) fires; its receiver answers 500 three times, then 200, and gets the
// notification once accepted, signed. While the receiver is down, the
// operators catch up: the rule resolves, and floorwatch restarts before
// the receiver is back; the restarted pipeline sends the same notification
// (same id), once accepted. globex's rule (any queue at all) never fires:
// acme's queue is not its data.
func TestAlertRulesOnThePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka and ClickHouse")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	acme := newAlertReceiver(t, "e2e-acme-alert-secret")
	globex := newAlertReceiver(t, "e2e-globex-alert-secret")
	acme.setAnswer(func(n int) int {
		if n < 3 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	p := startPipelineWith(ctx, t, "alerts", func(tenants map[string]map[string]any) {
		tenants["acme"]["alerts"] = map[string]any{
			"notify": []any{map[string]any{"url": acme.srv.URL + "/floorwatch", "secret": acme.secret}},
			"rules":  []any{map[string]any{"name": "sales-queue", "team": "sales", "metric": "queue_length", "above": 2}},
		}
		tenants["globex"]["alerts"] = map[string]any{
			"notify": []any{map[string]any{"url": globex.srv.URL, "secret": globex.secret}},
			"rules":  []any{map[string]any{"name": "any-queue", "metric": "queue_length", "above": 0}},
		}
	}, "FLOORWATCH_ALERTING_EVALUATE_EVERY=250ms", "FLOORWATCH_ALERTING_RETRY_INITIAL=100ms", "FLOORWATCH_ALERTING_RETRY_MAX=400ms")

	customers := []string{"33655500101", "33655500102", "33655500103"}
	var crossed time.Time
	for i, c := range customers {
		at := time.Now().Add(-2 * time.Second)
		p.send.webhook("acme", whatsappBody("100000000000001", c, "wamid.alert-"+c, at))
		p.send.events("acme", "dev-acme-api-key", routed("alert-routed-"+c, c, at.Add(time.Second)))
		if i == 1 {
			// Two queued: at the threshold, not above it.
			time.Sleep(2 * time.Second)
			if ps := acme.snapshot(); len(ps) != 0 {
				t.Fatalf("with two cases queued (not above 2): %+v", ps)
			}
		}
	}
	crossed = time.Now() // the third routed event was acknowledged
	ps := acme.await(ctx, t, "firing, accepted after three 500s", func(ps []alertPost) bool { return len(accepted(ps)) == 1 })
	firing := accepted(ps)[0]
	t.Logf("sales' queue above 2: first POST %s after the crossing event was acknowledged, accepted at the 4th POST %s after",
		ps[0].at.Sub(crossed).Round(time.Millisecond), ps[3].at.Sub(crossed).Round(time.Millisecond))
	if len(ps) != 4 || ps[0].status != 500 || ps[2].status != 500 || ps[3].status != 200 {
		t.Errorf("POSTs %+v, want three 500s then a 200", ps)
	}
	for _, q := range ps {
		if !q.verified || q.n.ID != firing.ID {
			t.Errorf("a POST of another id or without a valid signature: %+v", q)
		}
	}
	if firing.Tenant != "acme" || firing.Rule != "sales-queue" || firing.State != schemas.AlertFiring ||
		firing.Value == nil || *firing.Value != 3 || firing.Team == nil || *firing.Team != "sales" {
		t.Errorf("firing: %+v, want acme's sales-queue firing at 3", firing)
	}

	// The receiver goes down; the operators take every queued case.
	acme.setAnswer(func(int) int { return http.StatusServiceUnavailable })
	for _, c := range customers {
		p.send.events("acme", "dev-acme-api-key", assigned("alert-assigned-"+c, c, time.Now().Add(-time.Second)))
	}
	ps = acme.await(ctx, t, "resolved, tried while the receiver is down", func(ps []alertPost) bool {
		return len(ps) > 4 && ps[len(ps)-1].n.State == schemas.AlertResolved
	})
	tried := ps[len(ps)-1].n
	p.restart(ctx, t)
	acme.setAnswer(func(int) int { return http.StatusOK })
	ps = acme.await(ctx, t, "resolved, after the restart", func(ps []alertPost) bool { return len(accepted(ps)) == 2 })
	resolved := accepted(ps)[1]
	if resolved.ID != tried.ID || resolved.State != schemas.AlertResolved || resolved.Value == nil || *resolved.Value > 2 {
		t.Errorf("after the restart: %+v, want the notification tried before it (%s), resolved at 2 or less", resolved, tried.ID)
	}
	time.Sleep(2 * time.Second) // time for a wrong repeat or a wrong change
	if got := accepted(acme.snapshot()); len(got) != 2 {
		t.Errorf("acme's receiver accepted %d notifications, want 2 (firing, resolved): %+v", len(got), got)
	}
	for _, q := range acme.snapshot() {
		if !q.verified {
			t.Errorf("a notification without a valid signature: %+v", q.n)
		}
	}
	if got := globex.snapshot(); len(got) != 0 {
		t.Errorf("globex's rule saw acme's queue: %+v", got)
	}
	if s := p.send.statuses["acme"]; s[http.StatusOK] != 3*len(customers) {
		t.Errorf("ingest answered %v, want %d × 200", s, 3*len(customers))
	}
	p.all.stop(t)
}
