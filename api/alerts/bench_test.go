package alerts

import (
	"fmt"
	"testing"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/schemas"
)

// BenchmarkRulesInMemory is the evaluator's own share of a round: the
// measures of 50 tenants of 8 teams and 1 000 rules compared with them
// (the live state's read is in bench/api, BenchmarkAlertRules). One op is
// one round.
func BenchmarkRulesInMemory(b *testing.B) {
	const tenants, teams, rulesPer = 50, 8, 20
	live := map[string][]cases.Team{}
	var rules [][]schemas.AlertRule
	for i := range tenants {
		id := fmt.Sprint("t", i)
		for j := range teams {
			wait := int64(j * 1000)
			live[id] = append(live[id], cases.Team{Team: str(fmt.Sprint("team-", j)), Queued: int64(j), OldestWaitMs: &wait,
				FirstResponses: 10, WithinTarget: int64(j), Operators: cases.OperatorCounts{Available: 2}})
		}
		var rs []schemas.AlertRule
		for k := range rulesPer {
			r := schemas.AlertRule{Name: fmt.Sprint("r", k), Metric: schemas.AlertMetrics[k%len(schemas.AlertMetrics)], Above: f64(3)}
			if k%3 != 0 {
				r.Team = str(fmt.Sprint("team-", k%teams))
			}
			rs = append(rs, r)
		}
		rules = append(rules, rs)
	}
	b.ReportAllocs()
	fired := 0
	for b.Loop() {
		for i := range tenants {
			m := measure(live[fmt.Sprint("t", i)])
			for _, r := range rules[i] {
				if crossed(r, m.value(r)) {
					fired++
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(tenants*rulesPer), "ns/rule")
	_ = fired
}
