package simulate

import (
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// platformBody is a POST /v1/events batch (SPEC 2.2) as the contact-center
// platform sends it. occurred_at is RFC 3339 in UTC, or in the tenant's
// offset for items whose extra says so.
func platformBody(p *pending) []byte {
	w := &jw{b: make([]byte, 0, 1024)}
	w.raw(`{"events":[`)
	for i := range p.items {
		it := &p.items[i]
		w.comma(i).raw(`{"id":`).str(it.id).kv("type", string(it.typ)).kv("occurred_at", occurredAt(it, p.tenant))
		if it.typ != schemas.KindOperatorStatus {
			w.raw(`,"conversation":{"channel":`).str(string(p.st.ch)).kv("account_id", p.st.account).
				kv("customer_id", p.cust.id).raw(`}`)
		}
		opt := func(k, v string) {
			if v != "" {
				w.kv(k, v)
			}
		}
		opt("team", it.team)
		opt("interaction_type", it.itype)
		opt("operator", it.op)
		opt("to_team", it.toTeam)
		opt("to_operator", it.toOp)
		opt("status", it.status)
		w.raw(`}`)
	}
	w.raw(`]}`)
	return w.b
}

func occurredAt(it *item, t *tenantSim) string {
	at := time.UnixMilli(it.at).UTC()
	if it.extra == "local" {
		return at.In(t.loc).Format("2006-01-02T15:04:05.000Z07:00")
	}
	return at.Format(schemas.TimeLayout)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
