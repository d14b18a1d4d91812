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
		addRiskParams(params, policy, q.Within)
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

// addRiskParams binds the tenant's at-risk lines: the unanswered
// threshold and each team's service-level target (schemas.Policy.TeamTarget).
func addRiskParams(params ch.Parameters, policy schemas.Policy, within time.Duration) {
	teams := []string{""}
	targets := []int64{policy.TeamTarget("").Milliseconds()}
	for team := range policy.Teams {
		teams = append(teams, team)
		targets = append(targets, policy.TeamTarget(team).Milliseconds())
	}
	unanswered := policy.UnansweredAfter
	if unanswered <= 0 {
		unanswered = schemas.DefaultUnansweredAfter
	}
	params["within_ms"] = strconv.FormatInt(within.Milliseconds(), 10)
	params["unanswered_ms"] = strconv.FormatInt(unanswered.Milliseconds(), 10)
	params["sl_teams"], params["sl_targets"] = chStrings(teams), chInts(targets)
	params["sl_default"] = strconv.FormatInt(policy.TeamTarget("").Milliseconds(), 10)
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
