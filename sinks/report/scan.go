package report

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/schemas"
)

// runIndicator runs one query and stores its values in the segments.
func runIndicator(ctx context.Context, conn driver.Conn, name string, seg func([5]string) *schemas.ReportSegment) error {
	sql, err := Query(name)
	if err != nil {
		return err
	}
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k [5]string
		keys := []any{&k[0], &k[1], &k[2], &k[3], &k[4]}
		if err := scanInto(rows, name, keys, seg); err != nil {
			return fmt.Errorf("report: %s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	return nil
}

func scanInto(rows driver.Rows, name string, keys []any, seg func([5]string) *schemas.ReportSegment) error {
	k := func() [5]string {
		return [5]string{*keys[0].(*string), *keys[1].(*string), *keys[2].(*string), *keys[3].(*string), *keys[4].(*string)}
	}
	switch name {
	case "first_response", "reply", "resolution":
		var n uint64
		var avg, p50, p90, p99, bavg, bp50, bp90, bp99 float64
		if err := rows.Scan(append(keys, &n, &avg, &p50, &p90, &p99, &bavg, &bp50, &bp90, &bp99)...); err != nil {
			return err
		}
		st := schemas.ReportStats{Count: int64(n), AvgMs: &avg, P50Ms: ms(p50), P90Ms: ms(p90), P99Ms: ms(p99),
			BusinessAvgMs: &bavg, BusinessP50Ms: ms(bp50), BusinessP90Ms: ms(bp90), BusinessP99Ms: ms(bp99)}
		s := seg(k())
		switch name {
		case "first_response":
			s.FirstResponse = st
		case "reply":
			s.Reply = st
		default:
			s.Resolution = st
		}
	case "service_level":
		var v float64
		if err := rows.Scan(append(keys, &v)...); err != nil {
			return err
		}
		seg(k()).ServiceLevel = &v
	default:
		var n uint64
		if err := rows.Scan(append(keys, &n)...); err != nil {
			return err
		}
		setCount(seg(k()), name, int64(n))
	}
	return nil
}

func ms(v float64) *int64 {
	n := int64(v)
	return &n
}

func setCount(s *schemas.ReportSegment, name string, n int64) {
	switch name {
	case "total":
		s.Total = n
	case "active":
		s.Active = n
	case "queued":
		s.Queued = n
	case "to_recover":
		s.ToRecover = n
	case "expired":
		s.Expired = n
	case "attended":
		s.Attended = n
	case "unattended":
		s.Unattended = n
	case "pending_first_response":
		s.PendingFirstResponse = n
	case "transferred":
		s.Transferred = n
	case "closed":
		s.Closed = n
	}
}
