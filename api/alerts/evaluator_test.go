package alerts

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// liveState is an in-process Source: each tenant's queue health as the
// test sets it. It records which tenant each read was for.
type liveState struct {
	mu    sync.Mutex
	teams map[string][]cases.Team
	reads map[string]int
}

func newLiveState() *liveState {
	return &liveState{teams: map[string][]cases.Team{}, reads: map[string]int{}}
}

func (s *liveState) TeamsOf(_ context.Context, policies []schemas.Policy, _ time.Time) (map[string][]cases.Team, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]cases.Team{}
	for _, p := range policies {
		s.reads[p.Tenant]++
		out[p.Tenant] = append([]cases.Team(nil), s.teams[p.Tenant]...)
	}
	return out, nil
}

// set gives tenant's team a queue of n cases and first responses.
func (s *liveState) set(tenant, team string, queued, responses, within int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := cases.Team{Team: &team, Queued: queued, FirstResponses: responses, WithinTarget: within}
	s.teams[tenant] = []cases.Team{t}
}

// receiver is a notify URL: it records every POST and answers what
// answer says (200 when nil).
type receiver struct {
	srv    *httptest.Server
	secret []byte
	mu     sync.Mutex
	posts  []post
	answer func(n int) int // n: the POST's number, from 0
}

type post struct {
	status   int
	body     []byte
	verified bool
	n        schemas.AlertNotification
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{secret: []byte(secret)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		status := 200
		if r.answer != nil {
			status = r.answer(len(r.posts))
		}
		p := post{status: status, body: body, verified: Verify(r.secret, body, req.Header.Get(SignatureHeader)) &&
			req.Header.Get("Content-Type") == "application/json" && req.Method == http.MethodPost}
		if err := json.Unmarshal(body, &p.n); err != nil {
			t.Errorf("undecodable notification %s: %v", body, err)
		}
		r.posts = append(r.posts, p)
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setAnswer(f func(n int) int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = f
}

// accepted returns the notifications answered 2xx, in order.
func (r *receiver) accepted() []schemas.AlertNotification {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []schemas.AlertNotification
	for _, p := range r.posts {
		if p.status/100 == 2 {
			out = append(out, p.n)
		}
	}
	return out
}

func (r *receiver) all() []post {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]post(nil), r.posts...)
}

// awaitAccepted waits until the receiver accepted n notifications.
func (r *receiver) awaitAccepted(t *testing.T, n int, what string) []schemas.AlertNotification {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if got := r.accepted(); len(got) >= n {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: %d notifications accepted after 60s, want %d: %+v", what, len(r.accepted()), n, r.accepted())
	return nil
}

// bus is one alerts topic and group that evaluators share.
type bus struct {
	brokers []string
	topic   string
	group   string
}

func newBus(t *testing.T, partitions int32) bus {
	compact := "compact"
	return bus{brokers: testenv.KafkaBrokers(t),
		topic: testenv.CreateTopic(t, "alerts", partitions, map[string]*string{"cleanup.policy": &compact}),
		group: testenv.UniqueName(t, "alerts-group")}
}

// running is an evaluator running in the background.
type running struct {
	stop func()
	reg  *prometheus.Registry
}

func (b bus) start(t *testing.T, src Source, tenants ...Tenant) *running {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Kafka: []kgo.Opt{kgo.SeedBrokers(b.brokers...)}, ClientID: "alerts-test",
		Topic: b.topic, Group: b.group, Tenants: tenants, Source: src,
		EvaluateEvery: 100 * time.Millisecond, NotifyTimeout: 2 * time.Second,
		RetryInitial: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	var once sync.Once
	r := &running{reg: reg, stop: func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("evaluator: %v", err)
				}
			case <-time.After(60 * time.Second):
				t.Error("the evaluator did not stop within 60s")
			}
		})
	}}
	t.Cleanup(r.stop)
	return r
}

func f64(v float64) *float64 { return &v }
func str(v string) *string   { return &v }

func tenant(id string, targets []Target, rules ...schemas.AlertRule) Tenant {
	return Tenant{ID: id, Policy: schemas.DefaultPolicy(id), Rules: rules, Targets: targets}
}

// A rule fires when its metric crosses the threshold and resolves when it
// is back; each change reaches the receiver once, signed, with the fields
// of SPEC 4.2. A share without first responses never fires, and one that
// has fired resolves when nothing is left to measure.
func TestRulesFireAndResolveWithSignedNotifications(t *testing.T) {
	b := newBus(t, 2)
	rcv := newReceiver(t, "hook-secret")
	live := newLiveState()
	live.set("acme", "sales", 0, 0, 0)
	b.start(t, live, tenant("acme", []Target{{URL: rcv.srv.URL, Secret: []byte("hook-secret")}},
		schemas.AlertRule{Name: "sales-queue", Team: str("sales"), Metric: schemas.AlertQueueLength, Above: f64(3)},
		schemas.AlertRule{Name: "sl-drop", Metric: schemas.AlertServiceLevel30m, Below: f64(0.8)}))

	live.set("acme", "sales", 3, 0, 0) // not strictly above 3
	time.Sleep(time.Second)
	if got := rcv.accepted(); len(got) != 0 {
		t.Fatalf("at the threshold exactly, or with no first response: %+v, want nothing", got)
	}
	live.set("acme", "sales", 4, 0, 0)
	got := rcv.awaitAccepted(t, 1, "queue above 3")
	n := got[0]
	if n.Tenant != "acme" || n.Rule != "sales-queue" || n.State != schemas.AlertFiring || n.Value == nil || *n.Value != 4 ||
		n.Team == nil || *n.Team != "sales" || n.At.IsZero() || len(n.ID) != 32 {
		t.Errorf("firing: %+v", n)
	}
	if n.ID != notificationID("acme", "sales-queue", schemas.AlertFiring, n.At) {
		t.Errorf("id %s is not derived from (tenant, rule, state, at)", n.ID)
	}
	live.set("acme", "sales", 1, 10, 5) // the queue drains; service level 0.5
	got = rcv.awaitAccepted(t, 3, "queue back, service level down")
	byRule := map[string]schemas.AlertNotification{}
	for _, n := range got[1:] {
		byRule[n.Rule] = n
	}
	if r := byRule["sales-queue"]; r.State != schemas.AlertResolved || r.Value == nil || *r.Value != 1 {
		t.Errorf("sales-queue after the queue drained: %+v", r)
	}
	if r := byRule["sl-drop"]; r.State != schemas.AlertFiring || r.Value == nil || *r.Value != 0.5 || r.Team != nil {
		t.Errorf("sl-drop at 0.5: %+v", r)
	}
	live.set("acme", "sales", 0, 0, 0) // nothing to measure
	got = rcv.awaitAccepted(t, 4, "no first responses left")
	if r := got[3]; r.Rule != "sl-drop" || r.State != schemas.AlertResolved || r.Value != nil {
		t.Errorf("sl-drop with nothing to measure: %+v, want resolved with value null", r)
	}
	time.Sleep(500 * time.Millisecond)
	for _, p := range rcv.all() {
		if !p.verified {
			t.Errorf("a notification without a valid signature: %s", p.body)
		}
	}
	if n := len(rcv.all()); n != 4 {
		t.Errorf("%d POSTs, want 4: one per change", n)
	}
}

// A receiver that answers 500 three times, then 200, gets the same
// notification (same id, same body) four times and accepts it once; the
// evaluator does not send it again after the 200.
func TestAFailingReceiverGetsTheNotificationUntilItAccepts(t *testing.T) {
	b := newBus(t, 1)
	rcv := newReceiver(t, "s")
	rcv.setAnswer(func(n int) int {
		if n < 3 {
			return 500
		}
		return 200
	})
	live := newLiveState()
	live.set("acme", "sales", 5, 0, 0)
	r := b.start(t, live, tenant("acme", []Target{{URL: rcv.srv.URL, Secret: []byte("s")}},
		schemas.AlertRule{Name: "q", Metric: schemas.AlertQueueLength, Above: f64(0)}))
	rcv.awaitAccepted(t, 1, "after three 500s")
	time.Sleep(time.Second)
	posts := rcv.all()
	if len(posts) != 4 {
		t.Fatalf("%d POSTs, want 4 (three 500s, one 200)", len(posts))
	}
	for _, p := range posts[1:] {
		if string(p.body) != string(posts[0].body) {
			t.Errorf("a retry differs from the first attempt:\n%s\n%s", p.body, posts[0].body)
		}
	}
	if f := counterValue(t, r.reg, "floorwatch_alerts_notify_attempts_total", "failed"); f != 3 {
		t.Errorf("failed attempts counted: %v, want 3", f)
	}
}

// An evaluator stopped while a receiver is down loses nothing: the next
// one, reading the topic, sends the same notification (same id) once the
// receiver is back, does not fire the rule a second time, and goes on
// from the recorded state.
func TestARestartInBetweenLosesNothing(t *testing.T) {
	b := newBus(t, 2)
	rcv := newReceiver(t, "s")
	var down sync.Mutex
	isDown := true
	rcv.setAnswer(func(int) int {
		down.Lock()
		defer down.Unlock()
		if isDown {
			return 503
		}
		return 200
	})
	live := newLiveState()
	live.set("acme", "sales", 5, 0, 0)
	acme := tenant("acme", []Target{{URL: rcv.srv.URL, Secret: []byte("s")}},
		schemas.AlertRule{Name: "q", Metric: schemas.AlertQueueLength, Above: f64(2)})
	first := b.start(t, live, acme)
	deadline := time.Now().Add(60 * time.Second)
	for len(rcv.all()) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(rcv.all()) < 2 {
		t.Fatal("the first evaluator never tried to notify")
	}
	first.stop()
	tried := rcv.all()[0].n
	down.Lock()
	isDown = false
	down.Unlock()
	b.start(t, live, acme)
	got := rcv.awaitAccepted(t, 1, "after the restart")
	if got[0].ID != tried.ID || got[0].State != schemas.AlertFiring {
		t.Errorf("after the restart: %+v, want the same firing notification %s", got[0], tried.ID)
	}
	live.set("acme", "sales", 0, 0, 0)
	got = rcv.awaitAccepted(t, 2, "resolved after the restart")
	if got[1].State != schemas.AlertResolved {
		t.Errorf("then: %+v, want resolved", got[1])
	}
	time.Sleep(500 * time.Millisecond)
	ids := map[string]bool{}
	for _, n := range rcv.accepted() {
		ids[n.ID] = true
	}
	if len(ids) != 2 || len(rcv.accepted()) != 2 {
		t.Errorf("accepted %+v, want one firing and one resolved", rcv.accepted())
	}
}

// Two evaluators share the tenants: every change of every tenant is sent
// by exactly one of them, once; when one stops, the other takes its
// tenants over from the recorded state, and each tenant's rules read
// only that tenant's state.
func TestExactlyOneEvaluatorActsForATenant(t *testing.T) {
	b := newBus(t, 4)
	rcv := newReceiver(t, "s")
	live := newLiveState()
	ids := []string{"t1", "t2", "t3", "t4", "t5", "t6"}
	var tenants []Tenant
	for _, id := range ids {
		live.set(id, "sales", 0, 0, 0)
		tenants = append(tenants, tenant(id, []Target{{URL: rcv.srv.URL, Secret: []byte("s")}},
			schemas.AlertRule{Name: "q", Metric: schemas.AlertQueueLength, Above: f64(0)}))
	}
	a := b.start(t, live, tenants...)
	b.start(t, live, tenants...)
	time.Sleep(2 * time.Second) // both in the group
	want := 0
	flip := func(queued int64) {
		for _, id := range ids {
			live.set(id, "sales", queued, 0, 0)
		}
		want += len(ids)
		rcv.awaitAccepted(t, want, "a flip")
		time.Sleep(500 * time.Millisecond)
	}
	flip(1)
	flip(0)
	a.stop()
	flip(1)
	flip(0)
	got := rcv.accepted()
	if len(got) != want {
		t.Errorf("%d notifications, want %d: one per change", len(got), want)
	}
	states := map[string][]string{}
	seen := map[string]bool{}
	for _, n := range got {
		states[n.Tenant] = append(states[n.Tenant], n.State)
		if seen[n.ID] {
			t.Errorf("notification %s sent twice", n.ID)
		}
		seen[n.ID] = true
	}
	for _, id := range ids {
		if s := states[id]; len(s) != 4 || s[0] != "firing" || s[1] != "resolved" || s[2] != "firing" || s[3] != "resolved" {
			t.Errorf("%s: %v, want firing, resolved, firing, resolved", id, s)
		}
	}
}

func counterValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// An evaluator that another has fenced (it still believes it owns the
// partition, say after a pause longer than its session) records and
// sends nothing more: its next write fails, and it stops acting.
func TestAFencedEvaluatorStopsActing(t *testing.T) {
	b := newBus(t, 1)
	rcv := newReceiver(t, "s")
	live := newLiveState()
	live.set("acme", "sales", 1, 0, 0)
	b.start(t, live, tenant("acme", []Target{{URL: rcv.srv.URL, Secret: []byte("s")}},
		schemas.AlertRule{Name: "q", Metric: schemas.AlertQueueLength, Above: f64(0)}))
	rcv.awaitAccepted(t, 1, "firing")
	// A newcomer opens the partition's transactional producer, as a new
	// owner does when it claims the partition.
	other, err := kgo.NewClient(kgo.SeedBrokers(b.brokers...), kgo.TransactionalID(b.group+"-0"),
		kgo.DefaultProduceTopic(b.topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	claim, _ := json.Marshal(schemas.AlertState{V: 1, Claim: "newcomer"})
	if err := write(context.Background(), other, &kgo.Record{Key: []byte("|claim"), Value: claim}); err != nil {
		t.Fatal(err)
	}
	live.set("acme", "sales", 0, 0, 0)
	time.Sleep(2 * time.Second)
	if got := rcv.accepted(); len(got) != 1 {
		t.Errorf("after being fenced the evaluator still sent %+v", got[1:])
	}
}
