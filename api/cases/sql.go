package cases

import (
	"strconv"
	"strings"
	"time"
)

// The SQL of the case lists. Every query reads the live views of
// migrations 0010 and 0011 (docs/tables.md, "Live views") and binds the
// tenant as a query parameter: a token's tenant is never spliced into SQL.

// caseColumns are the columns of a CASE, in the order scanCase reads them.
const caseColumns = `conversation_id, channel, account_id, customer_id, customer_name, interaction_type, team, operator,
    status, reason, management_status, opened_at, support_started_at, assigned_at, queued_since, waiting_since,
    window_expires_at, attended, transfers`

// filters keeps the cases of the request's channel, interaction type, team
// and operator; an empty parameter keeps every value.
const filters = `tenant = {tenant:String}
  AND ({channel:String} = '' OR channel = {channel:String})
  AND ({interaction_type:String} = '' OR interaction_type = {interaction_type:String})
  AND ({team:String} = '' OR team = {team:String})
  AND ({operator:String} = '' OR operator = {operator:String})`

// zeroTime stands for "no such line" in the at-risk arithmetic: it is
// never after now.
const zeroTime = "toDateTime64(0, 3, 'UTC')"

// listSource is how one list reads its cases and sorts them: by (last, at,
// conversation_id) ascending, where last puts cases without a sort time
// after the others.
type listSource struct {
	from, where string
	last, at    string
	risk        string // the risk and breach_at columns
}

const noRisk = "'' AS risk, CAST(NULL, 'Nullable(DateTime64(3, \\'UTC\\'))') AS breach_at"

var byWindow = listSource{last: "toUInt8(window_expires_at IS NULL)", at: "ifNull(window_expires_at, " + zeroTime + ")", risk: noRisk}

func sourceOf(list string) listSource {
	switch list {
	case ListCurrent:
		// support_started_at (routed_at) is set for every case in human
		// support; opened_at only guards a row that lacks it.
		return listSource{from: "live_current", last: "toUInt8(0)", at: "ifNull(support_started_at, opened_at)", risk: noRisk}
	case ListQueued:
		return listSource{from: "live_queued(now = {now:DateTime64(3, 'UTC')})", last: "toUInt8(0)",
			at: "ifNull(queued_since, opened_at)", risk: noRisk}
	case ListToRecover:
		s := byWindow
		s.from = "live_to_recover(now = {now:DateTime64(3, 'UTC')})"
		return s
	case ListExpired:
		s := byWindow
		s.from, s.where = "live_cases", "status = 'expired'"
		return s
	}
	return listSource{from: "(" + atRiskSQL + ")", last: "toUInt8(0)", at: "breach_at", risk: "risk, breach_at"}
}

// listSQL is the query of one page of a list: limit+1 rows after the
// cursor's position (when withCursor), so the caller knows whether a next
// page exists. Keyset pagination: the position is a value of the sort key,
// so cases that come or go before it never shift the next page.
func listSQL(list string, withCursor bool) string {
	s := sourceOf(list)
	var b strings.Builder
	b.WriteString("SELECT " + caseColumns + ",\n    " + s.last + " AS k_last, " + s.at + " AS k_at, " + s.risk + "\nFROM " + s.from + "\nWHERE " + filters)
	if s.where != "" {
		b.WriteString("\n  AND " + s.where)
	}
	if withCursor {
		b.WriteString("\n  AND (k_last, k_at, conversation_id) > ({c_last:UInt8}, {c_at:DateTime64(3, 'UTC')}, {c_id:String})")
	}
	b.WriteString("\nORDER BY k_last, k_at, conversation_id\nLIMIT {limit:UInt32}")
	return b.String()
}

// atRiskSQL lists the open cases of a tenant that will cross a line in
// (now, now + within], with the soonest line as risk and its time as
// breach_at (SPEC 4.2; docs/api.md, "At risk"):
//
//   - service_level: a first response is pending (an assignment, a
//     customer message, no reply yet) and assigned_at + the team's target
//     is the line;
//   - unanswered: an operator has the case (active) with a customer wait
//     open, and max(wait start, routed_at, last recovery) + the tenant's
//     unanswered threshold is the line (the processors' to_recover rule);
//   - window: a customer waits and the channel window ends.
//
// The conversation row does not hold the last recovery: it is the latest
// conversation.recovered event of the key in the events table. Only
// recoveries after now - threshold can move a line into the future, so
// only they are read, through the table's date key (the largest threshold
// of the tenants read: an older recovery moves no line past now).
//
// It reads the tenants of {risk_tenants} at once, each with its own
// thresholds and targets (addRiskParams).
const atRiskSQL = `SELECT ` + caseColumns + `, tenant, lines[1].1 AS risk, lines[1].2 AS breach_at
FROM (
    SELECT ` + caseColumns + `, tenant,
        arraySort(x -> (x.2, x.3), arrayFilter(x -> x.2 > {now:DateTime64(3, 'UTC')}
                AND x.2 <= {now:DateTime64(3, 'UTC')} + toIntervalMillisecond({within_ms:Int64}), [
            ('service_level', if(assigned_at IS NOT NULL AND first_response_at IS NULL AND status != 'expired'
                    AND (waiting_since IS NOT NULL OR last_customer_message_at IS NOT NULL),
                assumeNotNull(assigned_at) + toIntervalMillisecond(
                    transform(tenant || '|' || toString(team), {sl_keys:Array(String)}, {sl_targets:Array(Int64)},
                        transform(tenant, {risk_tenants:Array(String)}, {sl_defaults:Array(Int64)}, toInt64(0)))),
                ` + zeroTime + `), 1),
            ('unanswered', if(status = 'active' AND operator != '' AND waiting_since IS NOT NULL,
                greatest(assumeNotNull(waiting_since), ifNull(support_started_at, ` + zeroTime + `), recovered_at)
                    + toIntervalMillisecond(transform(tenant, {risk_tenants:Array(String)}, {unanswered_ms:Array(Int64)}, toInt64(0))),
                ` + zeroTime + `), 2),
            ('window', if(waiting_since IS NOT NULL AND window_expires_at IS NOT NULL AND status != 'expired',
                assumeNotNull(window_expires_at), ` + zeroTime + `), 3)
        ])) AS lines
    FROM (
        SELECT c.*, ifNull(r.recovered_at, ` + zeroTime + `) AS recovered_at
        FROM (SELECT * FROM live_cases WHERE tenant IN {risk_tenants:Array(String)}) AS c
        LEFT JOIN (
            SELECT tenant, channel, account_id, customer_id, max(occurred_at) AS recovered_at
            FROM events
            WHERE tenant IN {risk_tenants:Array(String)} AND kind = 'conversation.recovered'
              AND occurred_at > {now:DateTime64(3, 'UTC')} - toIntervalMillisecond({max_unanswered_ms:Int64})
            GROUP BY tenant, channel, account_id, customer_id
        ) AS r ON r.tenant = c.tenant AND r.channel = c.channel AND r.account_id = c.account_id AND r.customer_id = c.customer_id
    )
)
WHERE length(lines) > 0`

// chTime formats t for a DateTime64(3, 'UTC') query parameter.
func chTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// chStrings formats an Array(String) query parameter.
func chStrings(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	}
	return "[" + strings.Join(quoted, ",") + "]"
}

// chInts formats an Array(Int64) query parameter.
func chInts(ns []int64) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
