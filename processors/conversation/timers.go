package conversation

import (
	"math"
	"time"
)

func msTime(ms int64) time.Time { return time.UnixMilli(ms) }

// statusAt is the status of the open conversation r at ms, given the
// events applied so far: expired, then to_recover with its reasons in
// precedence order, then queued or active; bot before human support.
func (f *folder) statusAt(r *run, ms int64) (uint8, uint8) {
	if r.closed {
		return stClosed, rsNone
	}
	if !r.inSupport {
		return stBot, rsNone
	}
	base := stQueued
	if r.operator != 0 {
		base = stActive
	}
	if !r.waitOpen {
		return base, rsNone
	}
	if f.window > 0 && ms >= r.lastCustAt+f.window {
		return stExpired, rsNone
	}
	if f.outsideHours(r, ms) {
		return stToRecover, rsOutsideHours
	}
	if r.operator == 0 {
		return base, rsNone
	}
	if f.pr.Unavailable(f.tn.Policy.Tenant, f.tn.names.Name(r.operator), ms) {
		return stToRecover, rsUnavailable
	}
	if ms >= f.thresholdAt(r) {
		return stToRecover, rsUnanswered
	}
	return base, rsNone
}

// outsideHours: the wait began outside the team's business hours (and no
// recovery came since) and business hours have not opened since.
func (f *folder) outsideHours(r *run, ms int64) bool {
	from := r.waitFrom()
	if r.recoveredAt >= from {
		return false
	}
	cal := f.tn.Calendar(f.tn.names.Name(r.team))
	if cal.Always() || cal.Open(msTime(from)) {
		return false
	}
	next, ok := cal.NextChange(msTime(from))
	return !ok || ms < next.UnixMilli()
}

// thresholdAt is when an assigned conversation's open wait becomes
// unanswered: the threshold counts from the wait (or the last recovery).
func (f *folder) thresholdAt(r *run) int64 {
	return max(r.waitFrom(), r.recoveredAt) + f.tn.unanswered
}

// nextEdge returns the first instant after ms at which the status of r
// may change without an event, or math.MaxInt64.
func (f *folder) nextEdge(r *run, ms int64) int64 {
	if r.closed {
		return math.MaxInt64
	}
	next := r.lastEventAt + f.tn.autoClose
	if !r.inSupport || !r.waitOpen {
		return next
	}
	consider := func(t int64) {
		if t > ms && t < next {
			next = t
		}
	}
	if f.window > 0 {
		consider(r.lastCustAt + f.window)
	}
	if f.outsideHours(r, ms) {
		cal := f.tn.Calendar(f.tn.names.Name(r.team))
		if t, ok := cal.NextChange(msTime(r.waitFrom())); ok {
			consider(t.UnixMilli())
		}
	}
	if r.operator != 0 {
		consider(f.thresholdAt(r))
		if t, ok := f.pr.nextChange(f.tn.Policy.Tenant, f.tn.names.Name(r.operator), ms); ok {
			consider(t)
		}
	}
	return next
}

// advance plays the timers of r up to and including ms: status edges, then
// the idle close when it falls due.
func (f *folder) advance(r *run, ms int64) {
	cur := r.lastEventAt
	if n := len(r.history); n > 0 {
		cur = max(cur, r.history[n-1].from)
	}
	for !r.closed {
		e := f.nextEdge(r, cur)
		if e > ms {
			return
		}
		if idle := r.lastEventAt + f.tn.autoClose; e >= idle {
			f.close(r, idle, 0, true)
			return
		}
		st, rs := f.statusAt(r, e)
		r.setStatus(st, rs, e, true)
		cur = e
	}
}
