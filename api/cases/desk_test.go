package cases

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// Operators: presence from operators_latest, load from the open cases;
// operators never reported are available, in the team of their cases;
// globex's ana (offline, one case) changes nothing of acme's ana.
func TestOperatorsShowPresenceAndLoad(t *testing.T) {
	s := NewStore(loadDesk(t))
	ops, err := s.Operators(context.Background(), "acme", deskNow)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range ops {
		b, _ := json.Marshal(o)
		got = append(got, string(b))
	}
	want := []string{
		`{"operator":"ana","team":"sales","status":"available","status_since":"2026-11-20T09:00:00.000Z","reported":true,"open_cases":2,"customers_waiting":1,"to_recover_cases":0,"oldest_waiting_since":"2026-11-20T10:58:00.000Z","oldest_wait_ms":120000}`,
		`{"operator":"bob","team":"support","status":"away","status_since":"2026-11-20T10:30:00.000Z","reported":true,"open_cases":1,"customers_waiting":1,"to_recover_cases":0,"oldest_waiting_since":"2026-11-20T10:50:00.000Z","oldest_wait_ms":600000}`,
		`{"operator":"carl","team":"sales","status":"available","status_since":null,"reported":false,"open_cases":1,"customers_waiting":1,"to_recover_cases":0,"oldest_waiting_since":"2026-11-20T10:47:00.000Z","oldest_wait_ms":780000}`,
		`{"operator":"dan","team":"sales","status":"available","status_since":null,"reported":false,"open_cases":1,"customers_waiting":1,"to_recover_cases":1,"oldest_waiting_since":"2026-11-20T10:00:00.000Z","oldest_wait_ms":3600000}`,
		`{"operator":"eve","team":"support","status":"available","status_since":null,"reported":false,"open_cases":1,"customers_waiting":1,"to_recover_cases":1,"oldest_waiting_since":"2026-11-20T10:30:00.000Z","oldest_wait_ms":1800000}`,
		`{"operator":"zed","team":"support","status":"offline","status_since":"2026-11-20T08:00:00.000Z","reported":true,"open_cases":0,"customers_waiting":0,"to_recover_cases":0,"oldest_waiting_since":null,"oldest_wait_ms":null}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("operators:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	gx, err := s.Operators(context.Background(), "globex", deskNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(gx) != 2 || gx[0].Operator != "ana" || gx[0].Status != "offline" || gx[0].OpenCases != 1 || gx[1].Operator != "gil" {
		t.Errorf("globex's operators: %+v", gx)
	}
}

// Queue health per team at 11:00: queued cases and the oldest wait, open
// cases, operators by presence, first responses and service level over
// the last 30 minutes, departures from the queue and the expected wait.
func TestTeamsShowQueueHealth(t *testing.T) {
	s := NewStore(loadDesk(t))
	teams, err := s.Teams(context.Background(), "acme", acmePolicy(), deskNow)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tm := range teams {
		b, _ := json.Marshal(tm)
		got = append(got, string(b))
	}
	want := []string{
		// sales: q1 (10:00) and q3 queued; a1 a3 a4 active, r1 r3 to recover, e2 expired; a3 and a4 at
		// risk; ana, carl and dan available; x1's 5 min and a1's 1 min first responses against 2 min;
		// x1 left the queue: 2 queued ÷ (1 per 30 min) = 60 min.
		`{"team":"sales","queued":2,"oldest_queued_since":"2026-11-20T10:00:00.000Z","oldest_wait_ms":3600000,"open_cases":8,"active":3,"to_recover":2,"expired":1,"at_risk":2,"operators":{"available":3,"away":0,"offline":0},"first_responses_30m":2,"first_responses_within_target_30m":1,"service_level_30m":0.5,"service_level_target_ms":120000,"queue_departures_30m":1,"expected_wait_ms":2400000}`,
		// support: q2 queued since 10:30; a2 q2 at risk; bob away, zed offline, eve available; a2's
		// first response was at 10:20 (before the window); s1 left the queue, closed.
		`{"team":"support","queued":1,"oldest_queued_since":"2026-11-20T10:30:00.000Z","oldest_wait_ms":1800000,"open_cases":4,"active":1,"to_recover":1,"expired":1,"at_risk":2,"operators":{"available":1,"away":1,"offline":1},"first_responses_30m":0,"first_responses_within_target_30m":0,"service_level_30m":null,"service_level_target_ms":300000,"queue_departures_30m":1,"expected_wait_ms":2100000}`,
		`{"team":"weekend","queued":0,"oldest_queued_since":null,"oldest_wait_ms":null,"open_cases":0,"active":0,"to_recover":0,"expired":0,"at_risk":0,"operators":{"available":0,"away":0,"offline":0},"first_responses_30m":0,"first_responses_within_target_30m":0,"service_level_30m":null,"service_level_target_ms":300000,"queue_departures_30m":0,"expected_wait_ms":0}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("teams:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// The expected wait: the median wait of the recent departures, 0 with
// nothing queued and none left, unknown when cases wait and none left.
func TestExpectedWait(t *testing.T) {
	for _, c := range []struct {
		queued, departures, waitMs int64
		want                       string
	}{{0, 0, 0, "0"}, {0, 5, 60000, "60000"}, {3, 0, 0, "null"}, {3, 6, 120000, "120000"}, {1, 1, 1800000, "1800000"}} {
		got, _ := json.Marshal(ExpectedWait(c.queued, c.departures, c.waitMs))
		if string(got) != c.want {
			t.Errorf("%d queued, %d departures waiting %d ms: %s, want %s", c.queued, c.departures, c.waitMs, got, c.want)
		}
	}
}

// An action's lookups: a case of the tenant (never another's), and an
// event already stored under an id.
func TestActionLookups(t *testing.T) {
	conn := loadDesk(t)
	s := NewStore(conn)
	ctx := context.Background()
	ref, err := s.Case(ctx, "acme", "a4")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Ref{Status: "active", Key: schemas.ConversationKey{Tenant: "acme", Channel: "x",
		AccountID: "1000000000000000001", CustomerID: "cust-a4"}}); ref != want {
		t.Errorf("a4: %+v, want %+v", ref, want)
	}
	if ref, err := s.Case(ctx, "acme", "x1"); err != nil || ref.Status != "closed" {
		t.Errorf("x1: %+v, %v; want closed", ref, err)
	}
	for _, c := range []struct{ tenant, id string }{{"acme", "g1"}, {"globex", "a1"}, {"acme", "nope"}, {"acme", ""}} {
		if _, err := s.Case(ctx, c.tenant, c.id); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s's %q: %v, want ErrNotFound", c.tenant, c.id, err)
		}
	}
	e, ok, err := s.EventByID(ctx, "acme", "rec-a4")
	if err != nil || !ok || e.Kind != schemas.KindRecovered || e.Key.CustomerID != "cust-a4" || e.Key.Channel != "x" {
		t.Errorf("rec-a4: %+v, %v, %v", e, ok, err)
	}
	if _, ok, err := s.EventByID(ctx, "globex", "rec-a4"); ok || err != nil {
		t.Errorf("globex sees acme's event: %v, %v", ok, err)
	}
	asOf, err := s.AsOf(ctx)
	if err != nil || !asOf.IsZero() {
		t.Errorf("as_of without watermarks: %v, %v; want zero", asOf, err)
	}
	exec(t, conn, `INSERT INTO watermarks (topic, partition, complete_until, at) VALUES
		('floorwatch.events', 0, '2026-11-20 10:59:58', '2026-11-20 11:00:00'),
		('floorwatch.events', 0, '2026-11-20 10:59:59', '2026-11-20 11:00:01'),
		('floorwatch.events', 1, '2026-11-20 10:59:57', '2026-11-20 11:00:01')`)
	if asOf, err := s.AsOf(ctx); err != nil || asOf != schemas.At(at("10:59").Add(57e9)) {
		t.Errorf("as_of: %v, %v; want 10:59:57, the lowest partition's latest", asOf, err)
	}
}

// TeamsOf reads several tenants at once, each with its own policy (acme's
// sales target is 2 minutes, globex's the default), and gives each the
// same queue health as Teams gives it alone.
func TestTeamsOfManyTenantsIsEachTenantsTeams(t *testing.T) {
	s := NewStore(loadDesk(t))
	ctx := context.Background()
	globex := schemas.DefaultPolicy("globex")
	all, err := s.TeamsOf(ctx, []schemas.Policy{acmePolicy(), globex}, deskNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tenant string
		policy schemas.Policy
	}{{"acme", acmePolicy()}, {"globex", globex}} {
		alone, err := s.Teams(ctx, c.tenant, c.policy, deskNow)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(alone)
		b, _ := json.Marshal(all[c.tenant])
		if string(a) != string(b) || len(alone) == 0 {
			t.Errorf("%s together:\n%s\nalone:\n%s", c.tenant, b, a)
		}
	}
	if len(all) != 2 {
		t.Errorf("TeamsOf answered for %d tenants, want 2", len(all))
	}
}
