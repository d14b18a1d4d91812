package cases

import (
	"context"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/schemas"
)

// AlertChangesLimit is how many of a tenant's latest alert changes
// Alerts returns.
const AlertChangesLimit = 50

// Alerts is a tenant's alert rules with their state, and its latest
// changes of state (SPEC 4.2 GET /api/v1/alerts).
type Alerts struct {
	Rules   []AlertRule   `json:"rules"`
	Changes []AlertChange `json:"changes"`
}

// AlertRule is a configured rule and its state now: the state of its
// latest change in alert_history; resolved, with no since, value or id,
// for a rule that never changed state. Thresholds and Value are in the
// metric's unit (milliseconds for oldest_wait, a share from 0 to 1 for
// service_level_30m, else a count).
type AlertRule struct {
	Name   string       `json:"name"`
	Team   *string      `json:"team"` // nil: the whole tenant
	Metric string       `json:"metric"`
	Above  *float64     `json:"above"`
	Below  *float64     `json:"below"`
	State  string       `json:"state"`
	Since  schemas.Time `json:"since"`
	Value  *float64     `json:"value"`
	ID     *string      `json:"id"`
}

// AlertChange is one change of state of a rule (one notification), as
// alert_history holds its latest version.
type AlertChange struct {
	ID     string       `json:"id"`
	Rule   string       `json:"rule"`
	Team   *string      `json:"team"`
	Metric string       `json:"metric"`
	State  string       `json:"state"`
	Value  *float64     `json:"value"`
	At     schemas.Time `json:"at"`
	// DeliveriesPending counts the notify URLs that had not acknowledged
	// it when the sink last saw it.
	DeliveriesPending int64 `json:"deliveries_pending"`
}

// Alerts returns tenant's rules (as configured, in that order) with their
// state, and the tenant's AlertChangesLimit latest changes, newest first.
func (s *Store) Alerts(ctx context.Context, tenant string, rules []schemas.AlertRule) (Alerts, error) {
	ctx = ch.Context(ctx, ch.WithParameters(ch.Parameters{"tenant": tenant}))
	out := Alerts{Rules: make([]AlertRule, 0, len(rules)), Changes: []AlertChange{}}
	latest := map[string]AlertChange{}
	if len(rules) > 0 {
		// A rule's latest change: the latest by time, then by record.
		rows, err := s.conn.Query(ctx, `SELECT id, rule, team, metric, state, value, at, deliveries_pending
FROM alert_history FINAL
WHERE tenant = {tenant:String}
ORDER BY rule, at DESC, seq DESC
LIMIT 1 BY rule`)
		if err != nil {
			return Alerts{}, fmt.Errorf("cases: alert rules: %w", err)
		}
		err = scanAlertChanges(rows, func(c AlertChange) { latest[c.Rule] = c })
		if err != nil {
			return Alerts{}, fmt.Errorf("cases: alert rules: %w", err)
		}
	}
	for _, r := range rules {
		a := AlertRule{Name: r.Name, Team: r.Team, Metric: r.Metric, Above: r.Above, Below: r.Below, State: schemas.AlertResolved}
		if c, ok := latest[r.Name]; ok {
			a.State, a.Since, a.Value, a.ID = c.State, c.At, c.Value, &c.ID
		}
		out.Rules = append(out.Rules, a)
	}
	rows, err := s.conn.Query(ctx, fmt.Sprintf(`SELECT id, rule, team, metric, state, value, at, deliveries_pending
FROM alert_history FINAL
WHERE tenant = {tenant:String}
ORDER BY at DESC, seq DESC, id DESC
LIMIT %d`, AlertChangesLimit))
	if err != nil {
		return Alerts{}, fmt.Errorf("cases: alert changes: %w", err)
	}
	if err := scanAlertChanges(rows, func(c AlertChange) { out.Changes = append(out.Changes, c) }); err != nil {
		return Alerts{}, fmt.Errorf("cases: alert changes: %w", err)
	}
	return out, nil
}

// scanAlertChanges reads rows of (id, rule, team, metric, state, value,
// at, deliveries_pending) into each, and closes them.
func scanAlertChanges(rows driver.Rows, each func(AlertChange)) error {
	defer rows.Close()
	for rows.Next() {
		var c AlertChange
		var at time.Time
		var pending uint16
		if err := rows.Scan(&c.ID, &c.Rule, &c.Team, &c.Metric, &c.State, &c.Value, &at, &pending); err != nil {
			return err
		}
		c.At, c.DeliveriesPending = schemas.At(at), int64(pending)
		each(c)
	}
	return rows.Err()
}
