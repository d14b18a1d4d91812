package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Scale sizes a generated data set. Every conversation has ten raw events,
// so Events/10 conversations; their opening times are spread evenly over
// Days ending at End (a whole minute).
type Scale struct {
	Events int64
	Days   int
	End    time.Time
}

// Conversations is the number of generated conversations.
func (s Scale) Conversations() int64 { return s.Events / 10 }

// Start is the beginning of the generated period.
func (s Scale) Start() time.Time { return s.End.Add(-time.Duration(s.Days) * 24 * time.Hour) }

// Segments per minute in metrics_minute: 3 tenants × 4 channels × 8 teams.
const segments = 96

// Generate fills the migrated tables of conn's default database with a
// data set of scale s, entirely inside ClickHouse (INSERT ... SELECT FROM
// numbers()), and returns how long each table took. The rows agree with
// each other the way the processors would write them: conversation c's
// events, row, status intervals and durations share its key and times.
func Generate(ctx context.Context, conn driver.Conn, s Scale) (map[string]time.Duration, error) {
	took := map[string]time.Duration{}
	for _, st := range statements(s) {
		start := time.Now()
		if err := conn.Exec(ctx, st.sql); err != nil {
			return took, fmt.Errorf("generate %s: %w", st.table, err)
		}
		took[st.table] = time.Since(start)
	}
	return took, nil
}

type statement struct{ table, sql string }

// statements returns the INSERT ... SELECT of every table for s. The
// expressions are written once in conversationExprs and reused.
func statements(s Scale) []statement {
	r := strings.NewReplacer(
		"{C}", fmt.Sprint(s.Conversations()),
		"{N}", fmt.Sprint(s.Conversations()*10),
		"{START}", fmt.Sprint(s.Start().UnixMilli()),
		"{SPAN}", fmt.Sprint(s.End.Sub(s.Start()).Milliseconds()),
		"{END}", fmt.Sprint(s.End.UnixMilli()),
		"{MINUTES}", fmt.Sprint(int64(s.Days)*1440*segments),
		"{SEG}", fmt.Sprint(segments),
	)
	out := make([]statement, 0, len(templates))
	for _, t := range templates {
		out = append(out, statement{t.table, r.Replace(t.sql)})
	}
	return out
}
