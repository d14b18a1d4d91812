package alerts

import (
	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/schemas"
)

// values holds one scope's metric values, indexed like
// schemas.AlertMetrics; nil is "nothing to measure".
type values [7]*float64

// metricIndex maps a metric name to its index in values.
var metricIndex = func() map[string]int {
	if len(schemas.AlertMetrics) != len(values{}) {
		panic("alerts: values does not hold every metric")
	}
	m := map[string]int{}
	for i, k := range schemas.AlertMetrics {
		m[k] = i
	}
	return m
}()

// measures are one tenant's metric values at one instant: per team, and
// for the whole tenant (every team, and the cases no team holds).
type measures struct {
	teams  map[string]*values
	tenant values
}

// measure derives the metric values from the tenant's queue health.
func measure(teams []cases.Team) measures {
	m := measures{teams: make(map[string]*values, len(teams))}
	var all cases.Team
	for i := range teams {
		t := &teams[i]
		v := teamValues(t)
		if t.Team != nil {
			m.teams[*t.Team] = &v
		}
		all.Queued += t.Queued
		all.AtRisk += t.AtRisk
		all.ToRecover += t.ToRecover
		all.Expired += t.Expired
		all.FirstResponses += t.FirstResponses
		all.WithinTarget += t.WithinTarget
		all.Operators.Available += t.Operators.Available
		if t.OldestWaitMs != nil && (all.OldestWaitMs == nil || *t.OldestWaitMs > *all.OldestWaitMs) {
			all.OldestWaitMs = t.OldestWaitMs
		}
	}
	m.tenant = teamValues(&all)
	return m
}

func teamValues(t *cases.Team) values {
	f := func(n int64) *float64 { v := float64(n); return &v }
	var v values
	v[metricIndex[schemas.AlertQueueLength]] = f(t.Queued)
	wait := int64(0) // an empty queue has waited for nothing
	if t.OldestWaitMs != nil {
		wait = *t.OldestWaitMs
	}
	v[metricIndex[schemas.AlertOldestWait]] = f(wait)
	v[metricIndex[schemas.AlertAtRiskCases]] = f(t.AtRisk)
	v[metricIndex[schemas.AlertToRecoverCases]] = f(t.ToRecover)
	v[metricIndex[schemas.AlertExpiredCases]] = f(t.Expired)
	if t.FirstResponses > 0 {
		sl := float64(t.WithinTarget) / float64(t.FirstResponses)
		v[metricIndex[schemas.AlertServiceLevel30m]] = &sl
	}
	v[metricIndex[schemas.AlertOperatorsAvailable]] = f(t.Operators.Available)
	return v
}

// value is r's metric in r's scope. A team with nothing at all (no case,
// no operator, no recent response) measures zero everywhere, and no
// service level.
func (m measures) value(r schemas.AlertRule) *float64 {
	v := &m.tenant
	if r.Team != nil {
		var ok bool
		if v, ok = m.teams[*r.Team]; !ok {
			v = &zeroes
		}
	}
	return v[metricIndex[r.Metric]]
}

var zeroes = teamValues(&cases.Team{})

// crossed reports whether v is strictly beyond r's threshold. Nothing to
// measure never is: a share without first responses does not fire.
func crossed(r schemas.AlertRule, v *float64) bool {
	switch {
	case v == nil:
		return false
	case r.Above != nil:
		return *v > *r.Above
	case r.Below != nil:
		return *v < *r.Below
	}
	return false
}
