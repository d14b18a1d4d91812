package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// loadAlerts writes acme's and globex's alert history: acme's sales-queue
// fired (delivered in two versions), resolved and fired again; sl-drop
// resolved and fired in the same millisecond (the later record wins); a
// rule since removed from the config fired once; at-risk never changed.
// globex has a rule of the same name as acme's, fired last of all.
func loadAlerts(t testing.TB, conn driver.Conn) {
	t.Helper()
	exec(t, conn, `INSERT INTO alert_history (tenant, id, rule, team, metric, above, below, state, value, at, deliveries_pending, seq) VALUES
		('acme', 'n1', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'firing', 301000, '2026-11-20 10:00:00', 1, 1),
		('acme', 'n1', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'firing', 301000, '2026-11-20 10:00:00', 0, 2),
		('acme', 'n2', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'resolved', 1000, '2026-11-20 10:20:00', 0, 3),
		('acme', 'n3', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'firing', 360000, '2026-11-20 10:40:00', 1, 4),
		('acme', 's9', 'sl-drop', NULL, 'service_level_30m', NULL, 0.8, 'resolved', NULL, '2026-11-20 10:30:00', 0, 1),
		('acme', 's1', 'sl-drop', NULL, 'service_level_30m', NULL, 0.8, 'firing', 0.5, '2026-11-20 10:30:00', 0, 2),
		('acme', 'r1', 'removed', NULL, 'expired_cases', 5, NULL, 'firing', 6, '2026-11-20 09:00:00', 0, 1),
		('globex', 'g1', 'sales-queue', NULL, 'queue_length', 10, NULL, 'firing', 12, '2026-11-20 10:50:00', 2, 1)`)
}

type alertsAnswer struct {
	Rules []struct {
		Name   string   `json:"name"`
		Team   *string  `json:"team"`
		Metric string   `json:"metric"`
		Above  *float64 `json:"above"`
		Below  *float64 `json:"below"`
		State  string   `json:"state"`
		Since  *string  `json:"since"`
		Value  *float64 `json:"value"`
		ID     *string  `json:"id"`
	} `json:"rules"`
	Changes []struct {
		ID                string   `json:"id"`
		Rule              string   `json:"rule"`
		Team              *string  `json:"team"`
		Metric            string   `json:"metric"`
		State             string   `json:"state"`
		Value             *float64 `json:"value"`
		At                string   `json:"at"`
		DeliveriesPending int64    `json:"deliveries_pending"`
	} `json:"changes"`
}

// summary renders an answer as one line per rule and per change.
func (a alertsAnswer) summary() string {
	var b strings.Builder
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	num := func(p *float64) string {
		if p == nil {
			return "null"
		}
		v, _ := json.Marshal(*p)
		return string(v)
	}
	for _, r := range a.Rules {
		b.WriteString("rule " + r.Name + " " + str(r.Team) + " " + r.Metric + " " + num(r.Above) + " " + num(r.Below) + " " +
			r.State + " " + str(r.Since) + " " + num(r.Value) + " " + str(r.ID) + "\n")
	}
	for _, c := range a.Changes {
		v, _ := json.Marshal(c.DeliveriesPending)
		b.WriteString("change " + c.ID + " " + c.Rule + " " + str(c.Team) + " " + c.Metric + " " + c.State + " " + num(c.Value) + " " +
			c.At + " " + string(v) + "\n")
	}
	return b.String()
}

// Each configured rule with the state of its latest change, and the
// latest changes newest first, of the token's tenant only.
func TestAlertsAnswerTheTenantsRulesAndChanges(t *testing.T) {
	e := newEnv(t)
	for _, token := range []string{acmeToken, globexToken} {
		var got alertsAnswer
		a := do(t, e.http.URL, http.MethodGet, "/api/v1/alerts", token, nil)
		a.json(t, &got)
		if a.status != http.StatusOK || len(got.Changes) != 0 || got.Changes == nil {
			t.Errorf("%s before any change: %d %s", token, a.status, a.body)
		}
		for _, r := range got.Rules {
			if r.State != "resolved" || r.Since != nil || r.Value != nil || r.ID != nil {
				t.Errorf("%s: a rule that never changed: %s", token, a.body)
			}
		}
	}
	loadAlerts(t, e.conn)
	// Another server: the first one may share its answers of a moment ago.
	base := httptestServer(t, e.server(t, e.srv.opts.Publisher, 5*time.Second))
	cases := []struct {
		token, want string
	}{
		{acmeToken, `rule sales-queue sales oldest_wait 300000 null firing 2026-11-20T10:40:00.000Z 360000 n3
rule sl-drop null service_level_30m null 0.8 firing 2026-11-20T10:30:00.000Z 0.5 s1
rule at-risk null at_risk_cases 3 null resolved null null null
change n3 sales-queue sales oldest_wait firing 360000 2026-11-20T10:40:00.000Z 1
change s1 sl-drop null service_level_30m firing 0.5 2026-11-20T10:30:00.000Z 0
change s9 sl-drop null service_level_30m resolved null 2026-11-20T10:30:00.000Z 0
change n2 sales-queue sales oldest_wait resolved 1000 2026-11-20T10:20:00.000Z 0
change n1 sales-queue sales oldest_wait firing 301000 2026-11-20T10:00:00.000Z 0
change r1 removed null expired_cases firing 6 2026-11-20T09:00:00.000Z 0
`},
		{globexToken, `rule sales-queue null queue_length 10 null firing 2026-11-20T10:50:00.000Z 12 g1
change g1 sales-queue null queue_length firing 12 2026-11-20T10:50:00.000Z 2
`},
	}
	for _, c := range cases {
		var got alertsAnswer
		a := do(t, base, http.MethodGet, "/api/v1/alerts", c.token, nil)
		a.json(t, &got)
		if a.status != http.StatusOK || got.summary() != c.want {
			t.Errorf("%s: %d\n%s\nwant:\n%s", c.token, a.status, got.summary(), c.want)
		}
	}
	if a := do(t, base, http.MethodGet, "/api/v1/alerts?tenant=globex", acmeToken, nil); a.status != http.StatusBadRequest {
		t.Errorf("a tenant parameter: %d %s, want 400", a.status, a.body)
	}
}

// Changes stop at the latest 50.
func TestAlertChangesAreTheLatestFifty(t *testing.T) {
	e := newEnv(t)
	exec(t, e.conn, `INSERT INTO alert_history (tenant, id, rule, metric, state, at, seq)
		SELECT 'acme', 'x' || leftPad(toString(number), 2, '0'), 'sales-queue', 'oldest_wait', if(number % 2 = 0, 'firing', 'resolved'),
			toDateTime64('2026-11-20 08:00:00', 3) + toIntervalMinute(number), number
		FROM numbers(60)`)
	var got alertsAnswer
	do(t, e.http.URL, http.MethodGet, "/api/v1/alerts", acmeToken, nil).json(t, &got)
	if len(got.Changes) != 50 || got.Changes[0].ID != "x59" || got.Changes[49].ID != "x10" {
		t.Fatalf("%d changes, from %+v", len(got.Changes), got.Changes[:min(1, len(got.Changes))])
	}
	if r := got.Rules[0]; r.State != "resolved" || r.ID == nil || *r.ID != "x59" {
		t.Errorf("sales-queue: %+v, want resolved by x59", r)
	}
}
