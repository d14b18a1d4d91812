package oracle

import (
	"cmp"
	"hash/fnv"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// item is one kept event of a conversation key, with what orders it.
type item struct {
	at   int64 // occurred_at, unix ms
	rank int   // tie-break between events of the same millisecond
	hash uint64
	e    *schemas.Event
}

// Ranks of docs/indicators.md §1 for events of the same millisecond: a
// customer message first (so a same-millisecond reply ends the wait it
// starts), routing before assignment, a close last; supervisor actions
// after everything else.
const (
	rankCustomer = iota + 1
	rankRouted
	rankAssigned
	rankTransferred
	rankRecovered
	rankReplied
	rankClosed
	rankSupervisorTransferred
	rankSupervisorRecovered
)

// idHash is the last tie-break: FNV-1a (64 bits) of the event id with its
// low byte given to the kind, as the conversation id is built from it.
func idHash(id string, rank int) uint64 {
	f := fnv.New64a()
	f.Write([]byte(id))
	return f.Sum64()&^0xff | uint64(rank)
}

// rankOf says whether e belongs to a conversation's log and where it sorts
// among events of its millisecond. Receipts, reactions, "other", business
// messages that are not counted as replies, and operator.status (presence)
// carry nothing for a conversation.
func rankOf(e *schemas.Event, p *schemas.Policy) (int, bool) {
	switch e.Kind {
	case schemas.KindCustomerMessage:
		return rankCustomer, true
	case schemas.KindBusinessMessage:
		if p.EchoesAsReplies && e.HumanAgent {
			return rankReplied, true
		}
	case schemas.KindRouted:
		return rankRouted, true
	case schemas.KindAssigned:
		return rankAssigned, true
	case schemas.KindOperatorReplied:
		return rankReplied, true
	case schemas.KindTransferred:
		if e.FromSupervisor() {
			return rankSupervisorTransferred, true
		}
		return rankTransferred, true
	case schemas.KindRecovered:
		if e.FromSupervisor() {
			return rankSupervisorRecovered, true
		}
		return rankRecovered, true
	case schemas.KindClosed:
		return rankClosed, true
	}
	return 0, false
}

func compareItems(a, b item) int {
	return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.rank, b.rank), cmp.Compare(a.hash, b.hash))
}

// sortItems orders a key's events by time, kind and id hash, so the
// order in which they arrived never matters.
func sortItems(items []item) { slices.SortStableFunc(items, compareItems) }
