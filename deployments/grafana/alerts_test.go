package grafana

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The alert history panel shows each notification once, at its latest
// version, newest first, values in their metric's unit, of the selected
// tenants only; a selected team keeps the rules that watch it and those
// that watch the whole tenant.
func TestAlertHistoryPanelShowsTheLatestVersionOfTheSelectedTenantsChanges(t *testing.T) {
	conn := migrated(t)
	err := conn.Exec(context.Background(), `INSERT INTO alert_history
		(tenant, id, rule, team, metric, above, below, state, value, at, deliveries_pending, seq) VALUES
		('acme', 'n1', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'firing', 361000, '2026-11-20 10:00:00', 2, 1),
		('acme', 'n1', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'firing', 361000, '2026-11-20 10:00:00', 0, 3),
		('acme', 'n2', 'sales-queue', 'sales', 'oldest_wait', 300000, NULL, 'resolved', 1000, '2026-11-20 10:20:00', 1, 4),
		('acme', 's1', 'sl-drop', NULL, 'service_level_30m', NULL, 0.8, 'firing', 0.5, '2026-11-20 10:10:00', 0, 1),
		('acme', 'q1', 'support-queue', 'support', 'queue_length', 10, NULL, 'firing', 12, '2026-11-20 10:05:00', 0, 1),
		('globex', 'g1', 'sales-queue', NULL, 'queue_length', 10, NULL, 'firing', 11, '2026-11-20 10:30:00', 0, 1)`)
	if err != nil {
		t.Fatal(err)
	}
	title := "Alert history (changes of state, newest first)"
	from, to := at("00:00"), at("23:59")
	cols := "at, tenant, rule, team, state, value, threshold, deliveries_pending, id"
	cases := []struct {
		vars Vars
		want []string
	}{
		{Vars{"tenant": {"acme"}}, []string{
			"10:20 acme sales-queue sales resolved 1 second above 5 minutes 1 n2",
			"10:10 acme sl-drop all teams firing 50 % below 80 % 0 s1",
			"10:05 acme support-queue support firing 12 above 10 0 q1",
			"10:00 acme sales-queue sales firing 6 minutes and 1 second above 5 minutes 0 n1",
		}},
		{Vars{"tenant": {"acme"}, "team": {"sales"}}, []string{
			"10:20 acme sales-queue sales resolved 1 second above 5 minutes 1 n2",
			"10:10 acme sl-drop all teams firing 50 % below 80 % 0 s1",
			"10:00 acme sales-queue sales firing 6 minutes and 1 second above 5 minutes 0 n1",
		}},
		{Vars{"tenant": {"globex"}}, []string{"10:30 globex sales-queue all teams firing 11 above 10 0 g1"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.vars), func(t *testing.T) {
			sql := ExpandVars(panelSQL(t, title), from, to, time.Minute, c.vars)
			expectRows(t, conn, "SELECT "+cols+" FROM ("+sql+")", c.want)
		})
	}
}
