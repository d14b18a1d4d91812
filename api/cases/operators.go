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

// Operator is one operator's presence and load (SPEC 4.1 GET /api/v1/operators).
type Operator struct {
	Operator string `json:"operator"`
	// Team is the team the platform last named with the operator's status;
	// for an operator never reported, the team of most of their open cases.
	Team *string `json:"team"`
	// Status is available, away or offline; an operator whose status was
	// never reported is available (SPEC 3), with Reported false and no since.
	Status      string       `json:"status"`
	StatusSince schemas.Time `json:"status_since"`
	Reported    bool         `json:"reported"`
	// OpenCases are the open cases assigned to the operator, of which
	// CustomersWaiting have a customer wait open and ToRecover are to recover.
	OpenCases        int64 `json:"open_cases"`
	CustomersWaiting int64 `json:"customers_waiting"`
	ToRecover        int64 `json:"to_recover_cases"`
	// OldestWaitingSince is the start of the oldest open customer wait of
	// their cases; OldestWaitMs is its age at the request.
	OldestWaitingSince schemas.Time `json:"oldest_waiting_since"`
	OldestWaitMs       *int64       `json:"oldest_wait_ms"`
}

// Operators returns tenant's operators, by name: those with a reported
// status (view operators_latest) and those with open cases, with their
// load as of now.
func (s *Store) Operators(ctx context.Context, tenant string, now time.Time) ([]Operator, error) {
	all, err := s.OperatorsOf(ctx, []string{tenant}, now)
	if all[tenant] == nil && err == nil {
		return []Operator{}, nil
	}
	return all[tenant], err
}

// OperatorsOf is Operators for every tenant of tenants at once, by tenant.
func (s *Store) OperatorsOf(ctx context.Context, tenants []string, now time.Time) (map[string][]Operator, error) {
	ctx = ch.Context(ctx, ch.WithParameters(ch.Parameters{"tenants": chStrings(tenants)}))
	ops := map[string]map[string]*Operator{}
	get := func(tenant, name string) *Operator {
		if ops[tenant] == nil {
			ops[tenant] = map[string]*Operator{}
		}
		o, ok := ops[tenant][name]
		if !ok {
			o = &Operator{Operator: name, Status: schemas.OperatorAvailable}
			ops[tenant][name] = o
		}
		return o
	}
	rows, err := s.conn.Query(ctx, `SELECT tenant, operator, team, status, since FROM operators_latest WHERE tenant IN {tenants:Array(String)}`)
	if err != nil {
		return nil, fmt.Errorf("cases: operators: %w", err)
	}
	for rows.Next() {
		var tenant, name, team, status string
		var since time.Time
		if err := rows.Scan(&tenant, &name, &team, &status, &since); err != nil {
			rows.Close()
			return nil, fmt.Errorf("cases: operators: %w", err)
		}
		o := get(tenant, name)
		o.Team, o.Status, o.StatusSince, o.Reported = strPtr(team), status, schemas.At(since), true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cases: operators: %w", err)
	}
	if err := s.operatorLoad(ctx, now, get); err != nil {
		return nil, err
	}
	out := make(map[string][]Operator, len(ops))
	for tenant, byName := range ops {
		list := make([]Operator, 0, len(byName))
		for _, o := range byName {
			list = append(list, *o)
		}
		slices.SortFunc(list, func(a, b Operator) int { return cmp.Compare(a.Operator, b.Operator) })
		out[tenant] = list
	}
	return out, nil
}

// operatorLoad adds each operator's open cases, per team; an operator
// without a reported team takes the team of most of their cases.
func (s *Store) operatorLoad(ctx context.Context, now time.Time, get func(string, string) *Operator) error {
	rows, err := s.conn.Query(ctx, `SELECT tenant, operator, team, count() AS open, countIf(waiting_since IS NOT NULL) AS waiting,
    countIf(status = 'to_recover') AS to_recover, min(waiting_since) AS oldest
FROM live_cases
WHERE tenant IN {tenants:Array(String)} AND operator != ''
GROUP BY tenant, operator, team
ORDER BY tenant, operator, open DESC, team`)
	if err != nil {
		return fmt.Errorf("cases: operator load: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tenant, name, team string
		var open, waiting, toRecover uint64
		var oldest *time.Time
		if err := rows.Scan(&tenant, &name, &team, &open, &waiting, &toRecover, &oldest); err != nil {
			return fmt.Errorf("cases: operator load: %w", err)
		}
		o := get(tenant, name)
		if o.Team == nil && team != "" { // rows come with the most cases first
			o.Team = strPtr(team)
		}
		o.OpenCases += int64(open)
		o.CustomersWaiting += int64(waiting)
		o.ToRecover += int64(toRecover)
		if oldest != nil && (o.OldestWaitingSince.IsZero() || oldest.Before(o.OldestWaitingSince.Time)) {
			o.OldestWaitingSince = schemas.At(*oldest)
			age := max(0, now.Sub(*oldest).Milliseconds())
			o.OldestWaitMs = &age
		}
	}
	return rows.Err()
}
