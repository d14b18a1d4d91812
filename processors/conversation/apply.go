package conversation

import (
	"sync"

	"github.com/floorwatch/floorwatch/schemas"
)

// folder folds one key's sorted log into its conversations. Folders are
// reused (folders): every derivation folds a log, and its runs are
// scratch that the views copy.
type folder struct {
	tn     *Tenant
	pr     *Presence
	key    schemas.ConversationKey
	window int64 // support window of the key's channel, ms; 0 = none
	runs   []*run
	// targets maps a supervisor action's record hash to the hash of the
	// conversation id it names; skipped collects the actions that named
	// no open conversation of the key when they occurred.
	targets map[uint64]uint64
	skipped []uint64
	// spare holds the runs of earlier folds, reused in order.
	spare []*run
}

var folders = sync.Pool{New: func() any { return new(folder) }}

// newFolder returns a folder ready for a fold; give it back with release.
func newFolder(tn *Tenant, pr *Presence, key schemas.ConversationKey, targets map[uint64]uint64) *folder {
	f := folders.Get().(*folder)
	f.tn, f.pr, f.key, f.window, f.targets = tn, pr, key, tn.window(key.Channel), targets
	return f
}

// release gives f back; nothing it returned may be used after.
func (f *folder) release() {
	clear(f.runs)
	f.runs, f.skipped = f.runs[:0], f.skipped[:0]
	f.tn, f.pr, f.targets = nil, nil, nil
	folders.Put(f)
}

// open starts a run, reusing a spare one and its slices' memory.
func (f *folder) open(start int, openH uint64, at int64) *run {
	n := len(f.runs)
	if n == len(f.spare) {
		f.spare = append(f.spare, new(run))
	}
	r := f.spare[n]
	*r = run{start: start, openH: openH, openedAt: at,
		transfers: r.transfers[:0], durations: r.durations[:0], history: r.history[:0]}
	f.runs = append(f.runs, r)
	return r
}

// cur returns the open conversation, or nil.
func (f *folder) cur() *run {
	if n := len(f.runs); n > 0 && !f.runs[n-1].closed {
		return f.runs[n-1]
	}
	return nil
}

// step applies the record at index i: timers first, up to its time, then
// the event itself.
func (f *folder) step(i int, rec record) {
	if r := f.cur(); r != nil {
		f.advance(r, rec.at)
	}
	r := f.cur()
	if rec.kind().supervisor() && (r == nil || hashID(conversationID(f.key, r.openedAt, r.openH)) != f.targets[rec.h]) {
		// A supervisor acted on one conversation: never on a newer one of
		// the same customer, never after it closed.
		f.skipped = append(f.skipped, rec.h)
		return
	}
	if r == nil {
		if rec.kind() == kClosed {
			return // nothing open to close
		}
		r = f.open(i, rec.h, rec.at)
	}
	r.lastEventAt = rec.at
	f.apply(r, rec)
	if !r.closed {
		st, rs := f.statusAt(r, rec.at)
		r.setStatus(st, rs, rec.at, false)
	}
}

func (f *folder) apply(r *run, rec record) {
	at := rec.at
	switch rec.kind() {
	case kCustomer:
		if r.firstCustAt == 0 {
			r.firstCustAt = at
		}
		r.lastCustAt = at
		if !r.waitOpen {
			r.waitOpen, r.waitStart = true, at
		}
		if f.tn.Policy.EchoesAsReplies && r.routedAt == 0 {
			f.route(r, f.tn.names.ID(f.tn.Policy.DefaultTeam), 0, at)
		}
	case kRouted:
		f.route(r, rec.a, rec.b, at)
	case kAssigned:
		r.enterSupport(at)
		r.assign(rec.a, at)
		if rec.b != 0 {
			r.team = rec.b
		}
	case kReplied:
		f.reply(r, rec.a, at)
	case kTransferred:
		r.enterSupport(at)
		r.action(at)
		r.transfers = append(r.transfers, at)
		r.move(rec.a, rec.b, at)
	case kRecovered:
		r.enterSupport(at)
		r.recoveredAt = at
		r.move(rec.a, rec.b, at)
	case kSupTransferred:
		// A supervisor's transfer counts as a transfer, never as attention.
		r.enterSupport(at)
		r.transfers = append(r.transfers, at)
		r.move(rec.a, rec.b, at)
	case kSupRecovered:
		// So does a supervisor's recovery; it restarts the threshold.
		r.enterSupport(at)
		r.recoveredAt = at
		r.transfers = append(r.transfers, at)
		r.move(rec.a, rec.b, at)
	case kClosed:
		if rec.a != 0 {
			r.action(at)
		}
		f.close(r, at, rec.a, false)
	}
}

func (f *folder) route(r *run, team, itype uint32, at int64) {
	r.enterSupport(at)
	r.team, r.operator, r.queuedSince = team, 0, at
	if itype != 0 {
		r.itype = itype
	}
}

func (r *run) enterSupport(at int64) {
	if !r.inSupport {
		r.inSupport = true
		if r.routedAt == 0 {
			r.routedAt = at
		}
	}
}

func (r *run) assign(op uint32, at int64) {
	r.operator = op
	if op != 0 {
		r.queuedSince = 0
	}
	if r.assignedAt == 0 && op != 0 {
		r.assignedAt = at
	}
}

// action marks an operator action: the first one attends the conversation.
func (r *run) action(at int64) {
	if r.attendedAt == 0 {
		r.attendedAt = at
	}
}

// move applies a transfer or recovery: to_team if given; to_operator if
// given, else the operator is cleared and the conversation waits in the
// (new) team's queue from now.
func (r *run) move(toTeam, toOp uint32, at int64) {
	if toTeam != 0 {
		r.team = toTeam
	}
	r.operator, r.queuedSince = 0, at
	r.assign(toOp, at)
}

func (f *folder) reply(r *run, op uint32, at int64) {
	r.enterSupport(at)
	r.action(at)
	if r.operator == 0 {
		r.assign(op, at) // a reply with no assignment assigns at the reply
	}
	if r.firstRespAt == 0 {
		r.firstRespAt = at
		f.addDuration(r, durFirstResponse, r.assignedAt, at, op)
	} else if r.waitOpen {
		f.addDuration(r, durReply, r.waitStart, at, op)
	}
	r.waitOpen = false
}

func (f *folder) close(r *run, at int64, op uint32, idle bool) {
	r.closed, r.closedAt, r.waitOpen, r.idleClosed, r.queuedSince = true, at, false, idle, 0
	r.closedBy = op
	if op == 0 {
		op = r.operator // the resolution belongs to the operator who owned it
	}
	f.addDuration(r, durResolution, r.openedAt, at, op)
	r.setStatus(stClosed, rsNone, at, idle)
}

func (f *folder) addDuration(r *run, k uint8, from, to int64, op uint32) {
	cal := f.tn.Calendar(f.tn.names.Name(r.team))
	r.durations = append(r.durations, duration{
		kind: k, endedAt: to, team: r.team, operator: op,
		ms: to - from, bms: cal.Business(msTime(from), msTime(to)).Milliseconds(),
	})
}
