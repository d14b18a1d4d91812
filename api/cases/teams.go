package cases

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/floorwatch/floorwatch/schemas"
)

// HealthWindow is the recent past that queue health measures service over
// (SPEC 4.2: the last 30 minutes).
const HealthWindow = 30 * time.Minute

// Team is one team's queue health (SPEC 4.2 GET /api/v1/teams).
type Team struct {
	// Team is nil for cases in human support that no team holds.
	Team *string `json:"team"`
	// Queued cases, the longest-waiting one's queued_since and its age.
	Queued            int64        `json:"queued"`
	OldestQueuedSince schemas.Time `json:"oldest_queued_since"`
	OldestWaitMs      *int64       `json:"oldest_wait_ms"`
	// OpenCases are the team's cases in human support: queued, active, to
	// recover or expired.
	OpenCases int64 `json:"open_cases"`
	Active    int64 `json:"active"`
	ToRecover int64 `json:"to_recover"`
	Expired   int64 `json:"expired"`
	// AtRisk counts the cases of the at-risk list (DefaultWithin).
	AtRisk    int64          `json:"at_risk"`
	Operators OperatorCounts `json:"operators"`
	// First responses given by the team over the last HealthWindow, how
	// many within the team's target, and their share (null without any).
	FirstResponses     int64    `json:"first_responses_30m"`
	WithinTarget       int64    `json:"first_responses_within_target_30m"`
	ServiceLevel       *float64 `json:"service_level_30m"`
	ServiceLevelTarget int64    `json:"service_level_target_ms"`
	// QueueDepartures are the cases that left the team's queue over the
	// last HealthWindow (taken by an operator, or closed).
	QueueDepartures int64 `json:"queue_departures_30m"`
	// ExpectedWaitMs is a new case's expected wait in the queue (see
	// ExpectedWait).
	ExpectedWaitMs *int64 `json:"expected_wait_ms"`
	// departedWaitMs is the median time the QueueDepartures spent queued.
	departedWaitMs int64
}

// OperatorCounts counts a team's operators by presence.
type OperatorCounts struct {
	Available int64 `json:"available"`
	Away      int64 `json:"away"`
	Offline   int64 `json:"offline"`
}

// Teams returns tenant's queue health per team at now: every team of the
// policy, and every team that has cases, operators or recent service.
func (s *Store) Teams(ctx context.Context, tenant string, policy schemas.Policy, now time.Time) ([]Team, error) {
	policy.Tenant = tenant
	all, err := s.TeamsOf(ctx, []schemas.Policy{policy}, now)
	return all[tenant], err
}

// TeamsOf is Teams for every tenant of policies (each policy's Tenant) at
// once, by tenant: each query reads the live state once for all of them,
// which is what the alert evaluator does every round.
func (s *Store) TeamsOf(ctx context.Context, policies []schemas.Policy, now time.Time) (map[string][]Team, error) {
	since := now.Add(-HealthWindow)
	byTenant := map[string]schemas.Policy{}
	teams := map[string]map[string]*Team{}
	var ids []string
	for _, p := range policies {
		byTenant[p.Tenant], teams[p.Tenant] = p, map[string]*Team{}
		ids = append(ids, p.Tenant)
	}
	get := func(tenant, name string) *Team {
		t, ok := teams[tenant][name]
		if !ok {
			p := byTenant[tenant]
			t = &Team{Team: strPtr(name), ServiceLevelTarget: p.TeamTarget(name).Milliseconds()}
			teams[tenant][name] = t
		}
		return t
	}
	for _, p := range policies {
		for name := range p.Teams {
			get(p.Tenant, name)
		}
	}
	params := ch.Parameters{"tenants": chStrings(ids), "now": chTime(now), "since": chTime(since)}
	addRiskParams(params, policies, DefaultWithin)
	qctx := ch.Context(ctx, ch.WithParameters(params))
	for _, step := range []func(context.Context, time.Time, func(string, string) *Team) error{
		s.teamCases, s.teamAtRisk, s.teamFirstResponses, s.teamDepartures,
	} {
		if err := step(qctx, now, get); err != nil {
			return nil, err
		}
	}
	ops, err := s.OperatorsOf(ctx, ids, now)
	if err != nil {
		return nil, err
	}
	for tenant, list := range ops {
		for _, o := range list {
			if o.Team == nil {
				continue
			}
			t := get(tenant, *o.Team)
			switch o.Status {
			case schemas.OperatorAway:
				t.Operators.Away++
			case schemas.OperatorOffline:
				t.Operators.Offline++
			default:
				t.Operators.Available++
			}
		}
	}
	out := make(map[string][]Team, len(teams))
	for tenant, ts := range teams {
		list := make([]Team, 0, len(ts))
		for _, t := range ts {
			t.finish()
			list = append(list, *t)
		}
		slices.SortFunc(list, func(a, b Team) int { return cmp.Compare(name(a.Team), name(b.Team)) })
		out[tenant] = list
	}
	return out, nil
}

func name(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// finish derives the shares and the expected wait.
func (t *Team) finish() {
	if t.FirstResponses > 0 {
		sl := float64(t.WithinTarget) / float64(t.FirstResponses)
		t.ServiceLevel = &sl
	}
	t.ExpectedWaitMs = ExpectedWait(t.Queued, t.QueueDepartures, t.departedWaitMs)
}

// ExpectedWait is a new case's expected wait in the queue, in ms, from
// the cases that left it over the last HealthWindow (departures) and the
// median time they spent queued: that median; 0 with nothing queued and
// none left; nil (unknown) when cases wait and none left. Little's law
// (queued ÷ departure rate) was measured against it on simulated traffic
// and promised the mean, which the queue's tail makes far longer than a
// typical wait (docs/api.md).
func ExpectedWait(queued, departures, departedWaitMs int64) *int64 {
	switch {
	case departures > 0:
		return &departedWaitMs
	case queued == 0:
		zero := int64(0)
		return &zero
	}
	return nil
}

func (s *Store) teamCases(ctx context.Context, now time.Time, get func(string, string) *Team) error {
	rows, err := s.conn.Query(ctx, `SELECT tenant, team, count() AS open, countIf(status = 'queued') AS queued,
    countIf(status = 'active') AS active, countIf(status = 'to_recover') AS to_recover, countIf(status = 'expired') AS expired,
    minIf(coalesce(queued_since, support_started_at, opened_at), status = 'queued') AS oldest_queued
FROM live_cases
WHERE tenant IN {tenants:Array(String)}
GROUP BY tenant, team`)
	if err != nil {
		return fmt.Errorf("cases: team cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tenant, team string
		var open, queued, active, toRecover, expired uint64
		var oldest time.Time
		if err := rows.Scan(&tenant, &team, &open, &queued, &active, &toRecover, &expired, &oldest); err != nil {
			return fmt.Errorf("cases: team cases: %w", err)
		}
		t := get(tenant, team)
		t.OpenCases, t.Queued, t.Active, t.ToRecover, t.Expired = int64(open), int64(queued), int64(active), int64(toRecover), int64(expired)
		if queued > 0 {
			t.OldestQueuedSince = schemas.At(oldest)
			age := max(0, now.Sub(oldest).Milliseconds())
			t.OldestWaitMs = &age
		}
	}
	return rows.Err()
}

func (s *Store) teamAtRisk(ctx context.Context, _ time.Time, get func(string, string) *Team) error {
	return s.countByTeam(ctx, "at risk", `SELECT tenant, team, count() FROM (`+atRiskSQL+`) GROUP BY tenant, team`,
		get, func(t *Team, n int64) { t.AtRisk = n })
}

// teamFirstResponses counts the first responses that ended in the window,
// by the team that gave them, and those within its target, over the
// latest version of each conversation (as the report does).
func (s *Store) teamFirstResponses(ctx context.Context, _ time.Time, get func(string, string) *Team) error {
	rows, err := s.conn.Query(ctx, `SELECT d.tenant, d.team, count(), countIf(d.ms <= d.target_ms)
FROM durations AS d FINAL
WHERE d.tenant IN {tenants:Array(String)} AND d.kind = 'first_response'
  AND d.ended_at >= {since:DateTime64(3, 'UTC')} AND d.ended_at < {now:DateTime64(3, 'UTC')}
  AND (d.conversation_id, d.version) IN (
    SELECT conversation_id, version FROM conversations FINAL
    WHERE tenant IN {tenants:Array(String)} AND conversation_id IN (
        SELECT conversation_id FROM durations
        WHERE tenant IN {tenants:Array(String)} AND kind = 'first_response' AND ended_at >= {since:DateTime64(3, 'UTC')}))
GROUP BY d.tenant, d.team`)
	if err != nil {
		return fmt.Errorf("cases: team first responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tenant, team string
		var n, within uint64
		if err := rows.Scan(&tenant, &team, &n, &within); err != nil {
			return fmt.Errorf("cases: team first responses: %w", err)
		}
		t := get(tenant, team)
		t.FirstResponses, t.WithinTarget = int64(n), int64(within)
	}
	return rows.Err()
}

// teamDepartures counts the queued intervals of the status history that
// ended in the window with the case taken by an operator (active) or
// closed, by the team of the queued interval, and takes the median of
// their lengths: each interval that began in the window as active or
// closed, after a queued one. Only the conversations with such an
// interval are read in full (by their key).
func (s *Store) teamDepartures(ctx context.Context, _ time.Time, get func(string, string) *Team) error {
	rows, err := s.conn.Query(ctx, `SELECT tenant, previous_team, count(),
    toInt64(quantileExact(0.5)(toUnixTimestamp64Milli(valid_from) - toUnixTimestamp64Milli(previous_from)))
FROM (
    SELECT tenant, status, valid_from,
        lagInFrame(status) OVER w AS previous_status, lagInFrame(team) OVER w AS previous_team,
        lagInFrame(valid_from) OVER w AS previous_from
    FROM status_history FINAL
    WHERE tenant IN {tenants:Array(String)} AND conversation_id IN (
        SELECT conversation_id FROM status_history
        WHERE tenant IN {tenants:Array(String)} AND status IN ('active', 'closed')
          AND valid_from >= {since:DateTime64(3, 'UTC')} AND valid_from < {now:DateTime64(3, 'UTC')})
    WINDOW w AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
)
WHERE previous_status = 'queued' AND status IN ('active', 'closed')
  AND valid_from >= {since:DateTime64(3, 'UTC')} AND valid_from < {now:DateTime64(3, 'UTC')}
GROUP BY tenant, previous_team`)
	if err != nil {
		return fmt.Errorf("cases: team queue departures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tenant, team string
		var n uint64
		var wait int64
		if err := rows.Scan(&tenant, &team, &n, &wait); err != nil {
			return fmt.Errorf("cases: team queue departures: %w", err)
		}
		t := get(tenant, team)
		t.QueueDepartures, t.departedWaitMs = int64(n), wait
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cases: team queue departures: %w", err)
	}
	return nil
}

// countByTeam runs sql, whose rows are (tenant, team, count), into set.
func (s *Store) countByTeam(ctx context.Context, what, sql string, get func(string, string) *Team, set func(*Team, int64)) error {
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return fmt.Errorf("cases: team %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var tenant, team string
		var n uint64
		if err := rows.Scan(&tenant, &team, &n); err != nil {
			return fmt.Errorf("cases: team %s: %w", what, err)
		}
		set(get(tenant, team), int64(n))
	}
	return rows.Err()
}
