package windows

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// day is Wednesday 18 November 2026, 10:00 UTC.
var day = time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)

var key = schemas.ConversationKey{Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "1001", CustomerID: "33600000001"}

func targets(string, string) time.Duration { return 5 * time.Minute }

// ev builds an event of key at day+minutes.
func ev(id string, k schemas.Kind, minutes float64, set func(*schemas.Event)) schemas.Event {
	e := schemas.Event{V: 1, ID: id, Kind: k, Tenant: key.Tenant, Channel: key.Channel, AccountID: key.AccountID,
		CustomerID: key.CustomerID, OccurredAt: schemas.At(day.Add(time.Duration(minutes * float64(time.Minute))))}
	if set != nil {
		set(&e)
	}
	return e
}

func team(t string) func(*schemas.Event)   { return func(e *schemas.Event) { e.Team = t } }
func op(o string) func(*schemas.Event)     { return func(e *schemas.Event) { e.Operator = o } }
func toTeam(t string) func(*schemas.Event) { return func(e *schemas.Event) { e.ToTeam = t } }

// story is two conversations of one key: the first answered, transferred
// and closed; the second opened later and answered twice.
func story() []schemas.Event {
	c, r, a := schemas.KindCustomerMessage, schemas.KindRouted, schemas.KindAssigned
	rep, tr, cl := schemas.KindOperatorReplied, schemas.KindTransferred, schemas.KindClosed
	return []schemas.Event{
		ev("m1", c, 0, nil), ev("r1", r, 1, team("sales")), ev("a1", a, 2, op("ana")),
		ev("p1", rep, 4.5, op("ana")), ev("m2", c, 6, nil), ev("p2", rep, 12, op("ana")),
		ev("t1", tr, 13, toTeam("billing")), ev("a2", a, 14, op("bob")), ev("m3", c, 15, nil),
		ev("p3", rep, 15.5, op("bob")), ev("x1", cl, 20, op("bob")),
		ev("m4", c, 40, nil), ev("r2", r, 41, team("sales")), ev("p4", rep, 50, op("ana")),
		ev("m5", c, 51, nil), ev("p5", rep, 53, op("ana")),
	}
}

// runner folds events one at a time as the streaming processor does,
// keeping every record it would write.
type runner struct {
	t       testing.TB
	tn      *conversation.Tenant
	pr      *conversation.Presence
	st      *conversation.State
	em      Emitted
	df      Differ
	lastNow time.Time
	out     Records
}

func newRunner(t testing.TB) *runner {
	tn, err := conversation.NewTenant(schemas.DefaultPolicy("acme"))
	if err != nil {
		t.Fatal(err)
	}
	return &runner{t: t, tn: tn, pr: conversation.NewPresence(), st: conversation.NewState(key)}
}

// apply adds e at clock max(previous clock, e's time).
func (r *runner) apply(e schemas.Event) {
	now := r.lastNow
	if e.OccurredAt.After(now) {
		now = e.OccurredAt.Time
	}
	before := r.st.Derive(nil, r.tn, r.pr, r.lastNow)
	if _, err := r.st.Add(r.tn, &e); err != nil {
		r.t.Fatal(err)
	}
	r.emit(before, r.st.Derive(nil, r.tn, r.pr, now), now)
}

// advance moves the clock to now, firing timers.
func (r *runner) advance(now time.Time) {
	r.emit(r.st.Derive(nil, r.tn, r.pr, r.lastNow), r.st.Derive(nil, r.tn, r.pr, now), now)
}

func (r *runner) emit(before, after []conversation.Conversation, now time.Time) {
	recs := r.df.Diff(before, after, &r.em, targets)
	r.out.Deltas = append(r.out.Deltas, recs.Deltas...)
	r.out.Rows = append(r.out.Rows, recs.Rows...)
	r.out.Changes = append(r.out.Changes, recs.Changes...)
	r.lastNow = now
}

// totals sums deltas per (minute, segment) into one comparable string each.
func totals(ds []schemas.MetricDelta) map[string]string {
	s := sums{}
	for _, d := range ds {
		m := s.at(d.Minute, d.Segment)
		m.Opened += d.Opened
		m.Closed += d.Closed
		m.Transfers += d.Transfers
		m.FirstResponseWithinTarget += d.FirstResponseWithinTarget
		for _, p := range [][2]*schemas.DurationDelta{{&m.FirstResponse, &d.FirstResponse}, {&m.Reply, &d.Reply}, {&m.Resolution, &d.Resolution}} {
			p[0].Count += p[1].Count
			p[0].SumMs += p[1].SumMs
			p[0].BusinessSumMs += p[1].BusinessSumMs
			for b, n := range p[1].Buckets {
				if p[0].Buckets == nil {
					p[0].Buckets = map[int32]int64{}
				}
				p[0].Buckets[b] += n
				if p[0].Buckets[b] == 0 {
					delete(p[0].Buckets, b)
				}
			}
		}
	}
	out := map[string]string{}
	for c, i := range s.index {
		m := &s.cells[i]
		if isZero(m) {
			continue
		}
		normalize(m)
		out[fmt.Sprint(c.minute, c.seg)] = fmt.Sprintf("%+v", *m)
	}
	return out
}

// latestRows keeps the newest row per conversation, without the deleted
// ones, with version and clock blanked.
func latestRows(rows []schemas.ConversationRow) map[string]string {
	best := map[string]schemas.ConversationRow{}
	for _, r := range rows {
		if b, ok := best[r.ConversationID]; !ok || r.Version > b.Version {
			best[r.ConversationID] = r
		}
	}
	out := map[string]string{}
	for id, r := range best {
		if !r.Deleted {
			r.Version, r.CompleteUntil = 0, schemas.Time{}
			out[id] = fmt.Sprintf("%+v", r)
		}
	}
	return out
}

// latestHistory keeps the newest status change per (conversation, seq).
func latestHistory(cs []schemas.StatusChange) []string {
	best := map[string]schemas.StatusChange{}
	for _, c := range cs {
		k := fmt.Sprintf("%s/%03d", c.ConversationID, c.Seq)
		if b, ok := best[k]; !ok || c.Version > b.Version {
			best[k] = c
		}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(best)) {
		if c := best[k]; !c.Deleted {
			c.Version = 0
			out = append(out, k+fmt.Sprintf(" %+v", c))
		}
	}
	return out
}
