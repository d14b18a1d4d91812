package report

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/schemas"
)

// Dims are the segment dimensions, in the order of SPEC 3.
var dims = [...]string{"tenant", "channel", "interaction_type", "team", "operator"}

// Filter restricts a report to one value of some dimensions; "" is any.
type Filter struct {
	Tenant, Channel, InteractionType, Team, Operator string
}

// Params returns the query parameters of the period, grouping and filter.
func Params(from, to time.Time, by []string, f Filter) ch.Parameters {
	quoted := make([]string, len(by))
	for i, d := range by {
		quoted[i] = "'" + d + "'"
	}
	return ch.Parameters{
		"from": formatTime(from), "to": formatTime(to), "by": "[" + strings.Join(quoted, ",") + "]",
		"tenant": f.Tenant, "channel": f.Channel, "interaction_type": f.InteractionType,
		"team": f.Team, "operator": f.Operator,
	}
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// Build runs every indicator query over [from, to) grouped by the
// dimensions in by (validated: a subset of tenant, channel,
// interaction_type, team, operator) and returns the report, with the
// segments in the same order and shape as `floorwatch replay`, and
// complete_until from the watermarks table.
func Build(ctx context.Context, conn driver.Conn, from, to time.Time, by []string, f Filter) (schemas.Report, error) {
	for _, d := range by {
		if !slices.Contains(dims[:], d) {
			return schemas.Report{}, fmt.Errorf("unknown dimension %q", d)
		}
	}
	ctx = ch.Context(ctx, ch.WithParameters(Params(from, to, by, f)))
	segs := map[[5]string]*schemas.ReportSegment{}
	seg := func(k [5]string) *schemas.ReportSegment {
		s, ok := segs[k]
		if !ok {
			s = &schemas.ReportSegment{}
			segs[k] = s
		}
		return s
	}
	for _, name := range Indicators() {
		if err := runIndicator(ctx, conn, name, seg); err != nil {
			return schemas.Report{}, err
		}
	}
	r := assemble(from, to, by, segs)
	until, err := completeUntil(ctx, conn)
	if err != nil {
		return schemas.Report{}, err
	}
	r.CompleteUntil = until
	return r, nil
}

// completeUntil runs the complete_until query (ctx carries the
// parameters): the lowest partition watermark capped at to, zero when no
// partition wrote one.
func completeUntil(ctx context.Context, conn driver.Conn) (schemas.Time, error) {
	sql, err := Query("complete_until")
	if err != nil {
		return schemas.Time{}, err
	}
	var t *time.Time
	if err := conn.QueryRow(ctx, sql).Scan(&t); err != nil {
		return schemas.Time{}, fmt.Errorf("report: complete_until: %w", err)
	}
	if t == nil {
		return schemas.Time{}, nil
	}
	return schemas.At(*t), nil
}

// assemble orders the segments like the replay: by key values in the
// order of by; with no by and no data, one empty segment.
func assemble(from, to time.Time, by []string, segs map[[5]string]*schemas.ReportSegment) schemas.Report {
	r := schemas.Report{From: schemas.At(from), To: schemas.At(to), By: append([]string{}, by...),
		Segments: []schemas.ReportSegment{}}
	if len(by) == 0 && len(segs) == 0 {
		segs[[5]string{}] = &schemas.ReportSegment{}
	}
	values := func(k [5]string) []string {
		out := make([]string, len(by))
		for i, d := range by {
			out[i] = k[slices.Index(dims[:], d)]
		}
		return out
	}
	keys := slices.Collect(maps.Keys(segs))
	slices.SortFunc(keys, func(a, b [5]string) int { return slices.Compare(values(a), values(b)) })
	for _, k := range keys {
		s := *segs[k]
		s.Key = map[string]string{}
		for i, d := range by {
			s.Key[d] = values(k)[i]
		}
		r.Segments = append(r.Segments, s)
	}
	return r
}
