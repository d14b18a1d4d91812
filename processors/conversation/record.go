package conversation

import (
	"hash/fnv"

	"github.com/floorwatch/floorwatch/schemas"
)

// kind is the compact event kind kept in the log. Its order is the
// tie-break between events of the same millisecond: a customer message
// comes first (it starts the wait a same-millisecond reply ends), routing
// before assignment, and a close last.
type kind uint8

const (
	kCustomer kind = iota + 1
	kRouted
	kAssigned
	kTransferred
	kRecovered
	kReplied
	kClosed
	// Supervisor actions (SPEC 2.2): a transfer or recovery that applies to
	// one named conversation only, and is not an operator action.
	kSupTransferred
	kSupRecovered
)

// supervisor reports whether k is a supervisor's action.
func (k kind) supervisor() bool { return k == kSupTransferred || k == kSupRecovered }

// record is one event as the fold needs it: 24 bytes. h is the 64-bit
// hash of the event id with its low byte replaced by the kind; a and b are
// interned names whose meaning depends on the kind:
//
//	routed: team, interaction type     assigned: operator, team
//	transferred, recovered (also a supervisor's): to_team, to_operator
//	replied: operator                  closed: operator
type record struct {
	at   int64 // occurred_at, unix ms
	h    uint64
	a, b uint32
}

func (r record) kind() kind { return kind(r.h & 0xff) }

// less orders records by time, then kind, then id hash.
func (r record) compare(o record) int {
	if r.at != o.at {
		return cmpInt(r.at, o.at)
	}
	if r.kind() != o.kind() {
		return cmpInt(uint64(r.kind()), uint64(o.kind()))
	}
	return cmpInt(r.h, o.h)
}

func hashID(id string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(id))
	return f.Sum64()
}

// encode turns e into a record, or reports false for an event that carries
// nothing for the state: receipts, reactions, other, business messages
// that are not counted as replies, and operator.status (see Presence).
func encode(tn *Tenant, e *schemas.Event) (record, bool) {
	n := tn.names
	r := record{at: e.OccurredAt.UnixMilli()}
	var k kind
	switch e.Kind {
	case schemas.KindCustomerMessage:
		k = kCustomer
	case schemas.KindBusinessMessage:
		if !tn.Policy.EchoesAsReplies || !e.HumanAgent {
			return record{}, false
		}
		k, r.a = kReplied, n.ID(InboxOperator)
	case schemas.KindRouted:
		k, r.a, r.b = kRouted, n.ID(e.Team), n.ID(e.InteractionType)
	case schemas.KindAssigned:
		k, r.a, r.b = kAssigned, n.ID(e.Operator), n.ID(e.Team)
	case schemas.KindOperatorReplied:
		k, r.a = kReplied, n.ID(e.Operator)
	case schemas.KindTransferred:
		k, r.a, r.b = kTransferred, n.ID(e.ToTeam), n.ID(e.ToOperator)
		if e.FromSupervisor() {
			k = kSupTransferred
		}
	case schemas.KindRecovered:
		k, r.a, r.b = kRecovered, n.ID(e.ToTeam), n.ID(e.ToOperator)
		if e.FromSupervisor() {
			k = kSupRecovered
		}
	case schemas.KindClosed:
		k, r.a = kClosed, n.ID(e.Operator)
	default:
		return record{}, false
	}
	r.h = hashID(e.ID)&^0xff | uint64(k)
	return r, true
}
