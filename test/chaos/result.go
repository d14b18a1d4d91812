package chaos

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Result is what a run proved, or failed to.
type Result struct {
	Plan   string
	Seed   uint64
	Events EventVerdict
	// Reports compared equal with the oracle; ReportDiffs those that did not.
	Reports     int
	ReportDiffs []string
	Oracle      string
	// Kills by role; BrokerRestarts and ClickHouseDown of the outages.
	Kills          map[string]int
	BrokerRestarts int
	ClickHouseDown time.Duration
	// What the sender was answered.
	Sent       int
	Final      map[int]int
	Attempts   map[int]int
	Wrong      []string
	Slowest503 time.Duration
	// Exits the fleet did not cause, per instance.
	Exits map[string][]string
	// Crashes and secret leaks found in the logs, over LogLines lines.
	Crashes, Leaks []string
	LogLines       int
	// Failures lists every broken guarantee; empty means the run passed.
	Failures []string
	Elapsed  time.Duration
}

// OK reports whether every guarantee held.
func (r *Result) OK() bool { return len(r.Failures) == 0 }

// TotalKills sums Kills.
func (r *Result) TotalKills() int {
	n := 0
	for _, k := range r.Kills {
		n += k
	}
	return n
}

// Line is the run's last line.
func (r *Result) Line() string {
	return fmt.Sprintf("chaos: acknowledged=%d stored=%d lost=%d duplicated=%d kills=%d broker_restarts=%d clickhouse_down_s=%d",
		r.Events.Acknowledged, r.Events.Stored, r.Events.Lost, r.Events.Duplicated, r.TotalKills(),
		r.BrokerRestarts, int(r.ClickHouseDown.Round(time.Second)/time.Second))
}

// fail records a broken guarantee; run.failf is the one to call from
// the fault goroutines.
func (r *Result) fail(format string, a ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, a...))
}

// Summary is the run's report, before its last line.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chaos: plan %s, seed %d, %s\n", r.Plan, r.Seed, r.Elapsed.Round(time.Second))
	fmt.Fprintf(&b, "  requests   %d sent; final answers %s; attempts %s; slowest 503 %s\n",
		r.Sent, statusList(r.Final), statusList(r.Attempts), r.Slowest503.Round(time.Millisecond))
	fmt.Fprintf(&b, "  events     %d acknowledged, %d stored once, %d lost, %d duplicated, %d unexpected; dead letters %d, %d lost\n",
		r.Events.Acknowledged, r.Events.Stored-r.Events.Duplicated, r.Events.Lost, r.Events.Duplicated, r.Events.Unexpected,
		r.Events.DeadLetters, r.Events.DeadLettersLost)
	fmt.Fprintf(&b, "  indicators %d of %d reports equal %s\n", r.Reports, len(reportBys), r.Oracle)
	fmt.Fprintf(&b, "  faults     kills %v, broker restarts %d, ClickHouse down %s\n", r.Kills, r.BrokerRestarts,
		r.ClickHouseDown.Round(100*time.Millisecond))
	names := make([]string, 0, len(r.Exits))
	for n := range r.Exits {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  exits      %s (not killed): %s\n", n, strings.Join(r.Exits[n], "; "))
	}
	fmt.Fprintf(&b, "  logs       %d lines, %d crashes, %d secrets\n", r.LogLines, len(r.Crashes), len(r.Leaks))
	for _, d := range r.ReportDiffs {
		fmt.Fprintf(&b, "  diff %s", d)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "  FAILED: %s\n", f)
	}
	return b.String()
}

func statusList(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		name := strconv.Itoa(k)
		if k == 0 {
			name = "none"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", name, m[k]))
	}
	return strings.Join(parts, ", ")
}
