package oracle

import (
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// presence holds every operator.status event, per tenant and operator, in
// time order. An operator never reported is available.
type presence map[string][]item // key: tenant + "|" + operator

func (p presence) add(e *schemas.Event) {
	k := e.Tenant + "|" + e.Operator
	p[k] = append(p[k], item{at: e.OccurredAt.UnixMilli(), hash: idHash(e.ID, 0), e: e})
}

func (p presence) sort() {
	for _, evs := range p {
		slices.SortStableFunc(evs, compareItems)
	}
}

// unavailable reports whether operator's latest status at t (events at or
// before t) is away or offline.
func (p presence) unavailable(tenant, operator string, t int64) bool {
	status := schemas.OperatorAvailable
	for _, it := range p[tenant+"|"+operator] {
		if it.at > t {
			break
		}
		status = it.e.Status
	}
	return status == schemas.OperatorAway || status == schemas.OperatorOffline
}

// before returns the presence events that occurred before clock: a report
// as of clock leaves out every event at or after it.
func (p presence) before(clock int64) presence {
	out := make(presence, len(p))
	for k, evs := range p {
		n := 0
		for n < len(evs) && evs[n].at < clock {
			n++
		}
		out[k] = evs[:n]
	}
	return out
}
