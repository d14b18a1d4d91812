package cases

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/schemas"
)

// Store answers the API's reads from the ClickHouse database that the
// sink writes. It is safe for concurrent use; the caller owns conn and
// closes it after the last call returned.
type Store struct {
	conn driver.Conn
}

// NewStore reads through conn, whose default database holds floorwatch's
// tables (migrated).
func NewStore(conn driver.Conn) *Store { return &Store{conn: conn} }

// List returns one page of q.List for tenant, with policy's thresholds
// and targets for the at-risk list. A cursor that does not continue the
// same list and filters gives ErrBadCursor.
func (s *Store) List(ctx context.Context, tenant string, policy schemas.Policy, q Query) (Page, error) {
	if !slices.Contains(Lists, q.List) {
		return Page{}, fmt.Errorf("cases: unknown list %q", q.List)
	}
	if q.Limit < 1 || q.Limit > MaxLimit {
		return Page{}, fmt.Errorf("cases: limit %d out of 1..%d", q.Limit, MaxLimit)
	}
	params := ch.Parameters{
		"tenant": tenant, "channel": q.Channel, "interaction_type": q.InteractionType, "team": q.Team,
		"operator": q.Operator, "now": chTime(q.Now), "limit": strconv.Itoa(q.Limit + 1),
	}
	if q.List == ListAtRisk {
		policy.Tenant = tenant
		addRiskParams(params, []schemas.Policy{policy}, q.Within)
	}
	if q.Cursor != "" {
		pos, err := decodeCursor(&q)
		if err != nil {
			return Page{}, err
		}
		params["c_last"], params["c_at"], params["c_id"] = "0", chTime(pos.time()), pos.ID
		if pos.Last {
			params["c_last"] = "1"
		}
	}
	rows, err := s.conn.Query(ch.Context(ctx, ch.WithParameters(params)), listSQL(q.List, q.Cursor != ""))
	if err != nil {
		return Page{}, fmt.Errorf("cases: %s list: %w", q.List, err)
	}
	defer rows.Close()
	var page Page
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return Page{}, fmt.Errorf("cases: %s list: %w", q.List, err)
		}
		page.Cases = append(page.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("cases: %s list: %w", q.List, err)
	}
	if len(page.Cases) > q.Limit {
		page.Cases = page.Cases[:q.Limit]
		page.Next = encodeCursor(&q, page.Cases[q.Limit-1].key)
	}
	if page.Cases == nil {
		page.Cases = []Case{}
	}
	return page, nil
}

// addRiskParams binds the at-risk lines of the tenants of policies (each
// policy's Tenant): their unanswered thresholds and each team's
// service-level target (schemas.Policy.TeamTarget).
func addRiskParams(params ch.Parameters, policies []schemas.Policy, within time.Duration) {
	var tenants, keys []string
	var defaults, unanswered, targets []int64
	maxUnanswered := int64(0)
	for _, p := range policies {
		u := p.UnansweredAfter
		if u <= 0 {
			u = schemas.DefaultUnansweredAfter
		}
		tenants = append(tenants, p.Tenant)
		defaults = append(defaults, p.TeamTarget("").Milliseconds())
		unanswered = append(unanswered, u.Milliseconds())
		maxUnanswered = max(maxUnanswered, u.Milliseconds())
		for team := range p.Teams {
			keys = append(keys, p.Tenant+"|"+team)
			targets = append(targets, p.TeamTarget(team).Milliseconds())
		}
	}
	params["within_ms"] = strconv.FormatInt(within.Milliseconds(), 10)
	params["risk_tenants"], params["sl_defaults"], params["unanswered_ms"] = chStrings(tenants), chInts(defaults), chInts(unanswered)
	params["max_unanswered_ms"] = strconv.FormatInt(maxUnanswered, 10)
	params["sl_keys"], params["sl_targets"] = chStrings(keys), chInts(targets)
}

func scanCase(rows driver.Rows) (Case, error) {
	var (
		c                                                  Case
		name                                               *string
		team, operator, reason                             string
		opened, kAt                                        time.Time
		support, assigned, queued, waiting, window, breach *time.Time
		transfers                                          uint64
		kLast                                              uint8
	)
	if err := rows.Scan(&c.ConversationID, &c.Channel, &c.AccountID, &c.CustomerID, &name, &c.InteractionType,
		&team, &operator, &c.Status, &reason, &c.ManagementStatus, &opened, &support, &assigned, &queued,
		&waiting, &window, &c.Attended, &transfers, &kLast, &kAt, &c.Risk, &breach); err != nil {
		return Case{}, err
	}
	c.CustomerName, c.Team, c.Operator, c.Reason = name, strPtr(team), strPtr(operator), strPtr(reason)
	c.OpenedAt, c.SupportStartedAt, c.AssignedAt = schemas.At(opened), timeOf(support), timeOf(assigned)
	c.QueuedSince, c.WaitingSince, c.WindowExpiresAt, c.BreachAt = timeOf(queued), timeOf(waiting), timeOf(window), timeOf(breach)
	c.Transfers = int64(transfers)
	c.key = cursorPosition{Last: kLast == 1, At: kAt.UnixMilli(), ID: c.ConversationID}
	return c, nil
}
