package clickhouse

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// alertRows maps one record of the alerts topic to alert_history rows:
// one per notification of its outbox (deliveries_pending: the URLs that
// have not acknowledged it), and one for the rule's latest change when
// the outbox no longer holds it (every URL acknowledged it), each with
// the record's seq, so the latest version of a notification wins. A
// claim record (an evaluator's bookkeeping), a rule that never changed
// state and a tombstone (nil value: the rule is gone) give no row.
func alertRows(value []byte) ([]Row, error) {
	if value == nil {
		return nil, nil
	}
	var s schemas.AlertState
	if err := json.Unmarshal(value, &s); err != nil {
		return nil, fmt.Errorf("undecodable record: %w", err)
	}
	if s.Claim != "" {
		return nil, nil
	}
	var c checker
	c.nonEmpty("tenant", s.Tenant)
	c.nonEmpty("rule.name", s.Rule.Name)
	c.nonEmpty("rule.metric", s.Rule.Metric)
	// prefix and atField name the record's fields in a refusal.
	row := func(prefix, atField, id, state string, value *float64, at schemas.Time, pending int) Row {
		return Row{TableAlertHistory, &alertHistoryRow{Tenant: s.Tenant, ID: c.nonEmpty(prefix+"id", id), Rule: s.Rule.Name,
			Team: s.Rule.Team, Metric: s.Rule.Metric, Above: s.Rule.Above, Below: s.Rule.Below,
			State: c.nonEmpty(prefix+"state", state), Value: value, At: c.at(prefix+atField, at),
			DeliveriesPending: uint16(min(pending, math.MaxUint16)), Seq: s.Seq}}
	}
	rows := make([]Row, 0, len(s.Outbox)+1)
	for _, e := range s.Outbox {
		n := e.Notification
		rows = append(rows, row("outbox.notification.", "at", n.ID, n.State, n.Value, n.At, len(e.Pending)))
	}
	delivered := !slices.ContainsFunc(s.Outbox, func(e schemas.AlertOutboxEntry) bool { return e.Notification.ID == s.ID })
	if s.ID != "" && delivered {
		rows = append(rows, row("", "since", s.ID, s.State, s.Value, s.Since, 0))
	}
	return rows, c.err
}
