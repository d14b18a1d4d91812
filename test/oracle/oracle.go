package oracle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Policies gives each tenant's policy; config.Directory provides it.
type Policies interface {
	Policy(tenant string) schemas.Policy
}

// Oracle holds a whole event log: the events of every conversation key,
// deduplicated, and the operators' presence. It is read-only once built.
type Oracle struct {
	tenants  map[string]*tenant
	keys     map[schemas.ConversationKey][]item
	order    []schemas.ConversationKey
	presence presence
}

// New takes the normalized events as ingest published them, in any order
// (duplicates included), and each tenant's policy.
func New(events []schemas.Event, pol Policies) *Oracle {
	o := &Oracle{tenants: map[string]*tenant{}, keys: map[schemas.ConversationKey][]item{}, presence: presence{}}
	seen := map[string]bool{}
	for i := range events {
		e := &events[i]
		tn := o.tenant(e.Tenant, pol)
		if e.Kind == schemas.KindOperatorStatus {
			// Presence: the same event id twice is one event.
			if id := e.Tenant + "|" + e.ID; !seen[id] {
				seen[id] = true
				o.presence.add(e)
			}
			continue
		}
		rank, kept := rankOf(e, &tn.policy)
		if !kept {
			continue
		}
		k := e.Key()
		// Duplicates: the first event with an id in its key is the event.
		if id := k.String() + "|" + e.ID; seen[id] {
			continue
		} else {
			seen[id] = true
		}
		if _, ok := o.keys[k]; !ok {
			o.order = append(o.order, k)
		}
		at := e.OccurredAt.UnixMilli()
		o.keys[k] = append(o.keys[k], item{at: at, rank: rank, hash: idHash(e.ID, rank), e: e})
	}
	for _, items := range o.keys {
		sortItems(items)
	}
	o.presence.sort()
	slices.SortFunc(o.order, func(a, b schemas.ConversationKey) int { return strings.Compare(a.String(), b.String()) })
	return o
}

func (o *Oracle) tenant(name string, pol Policies) *tenant {
	tn, ok := o.tenants[name]
	if !ok {
		tn = newTenant(pol.Policy(name))
		o.tenants[name] = tn
	}
	return tn
}

// Conversations returns every conversation as it stands at clock: only
// the events that occurred before clock count, and every timer due at or
// before clock has fired.
func (o *Oracle) Conversations(clock time.Time) ([]Conversation, error) {
	at := clock.UnixMilli()
	var out []Conversation
	for _, k := range o.order {
		items := o.keys[k]
		n := 0
		for n < len(items) && items[n].at < at {
			n++
		}
		if n == 0 {
			continue
		}
		convs, err := walk(k, items[:n], o.tenants[k.Tenant], o.presence.before(at), at)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out = append(out, convs...)
	}
	return out, nil
}
