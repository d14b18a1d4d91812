package conversation

// run is one conversation while the log is folded. Times are unix ms;
// 0 means unset (the log holds no event at or before the epoch).
type run struct {
	start int // index in the log of the opening record
	openH uint64

	itype, team, operator uint32
	inSupport             bool
	waitOpen              bool
	closed                bool
	closedBy              uint32
	idleClosed            bool

	openedAt, routedAt, assignedAt, attendedAt int64
	firstRespAt, lastCustAt, waitStart         int64
	firstCustAt                                int64
	recoveredAt, closedAt, lastEventAt         int64
	queuedSince                                int64 // entered its current queue; 0 when not queued

	transfers []int64
	durations []duration
	history   []interval
	status    uint8 // current status
	reason    uint8
}

// duration is one first response, reply turn or resolution, ended by
// (team, operator).
type duration struct {
	kind           uint8
	endedAt        int64
	team, operator uint32
	ms, bms        int64
}

// Duration kinds and statuses, as indexes into their names.
const (
	durFirstResponse uint8 = iota
	durReply
	durResolution
)

var durationNames = [...]string{"first_response", "reply", "resolution"}

const (
	stBot uint8 = iota
	stQueued
	stActive
	stToRecover
	stExpired
	stClosed
)

var statusNames = [...]string{"bot", "queued", "active", "to_recover", "expired", "closed"}

const (
	rsNone uint8 = iota
	rsOutsideHours
	rsUnavailable
	rsUnanswered
)

var reasonNames = [...]string{"", "outside_business_hours", "operator_unavailable", "unanswered"}

// interval is [from, to) of one status, in one segment: a transfer that
// leaves the status as it was still starts a new interval, so the history
// says where the conversation was at any instant. to is 0 while it holds.
// timer says a timer started it (threshold, window, business hours,
// presence, idle close), not an event: a report as of exactly from counts it.
type interval struct {
	status, reason        uint8
	timer                 bool
	itype, team, operator uint32
	from, to              int64
}

// continues reports whether o says what iv says: same status, reason and
// segment.
func (iv interval) continues(o interval) bool {
	return iv.status == o.status && iv.reason == o.reason &&
		iv.itype == o.itype && iv.team == o.team && iv.operator == o.operator
}

// waitFrom is when the open wait began to count for human support: its
// start, or the routing when the customer wrote to the bot first.
func (r *run) waitFrom() int64 { return max(r.waitStart, r.routedAt) }

// setStatus records the status holding from ms on, in the run's current
// segment, extending the history. An interval that starts when the
// previous one started replaces it, so the history never holds an empty
// interval.
func (r *run) setStatus(st, rs uint8, ms int64, timer bool) {
	r.status, r.reason = st, rs
	iv := interval{status: st, reason: rs, timer: timer, itype: r.itype, team: r.team, operator: r.operator, from: ms}
	n := len(r.history)
	if n > 0 && r.history[n-1].continues(iv) {
		return
	}
	if n > 0 && r.history[n-1].from == ms {
		r.history = r.history[:n-1]
		n--
		if n > 0 && r.history[n-1].continues(iv) {
			r.history[n-1].to = 0
			return
		}
	}
	if n > 0 {
		r.history[n-1].to = ms
	}
	r.history = append(r.history, iv)
}
