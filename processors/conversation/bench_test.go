package conversation

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// steadyStory is an open conversation in steady state: the customer
// wrote, was routed, assigned, answered, wrote twice more and was answered
// once more (7 events).
func steadyStory(key schemas.ConversationKey, start time.Time) []schemas.Event {
	mk := func(i int, k schemas.Kind, d time.Duration, op, team string) schemas.Event {
		return schemas.Event{ID: fmt.Sprintf("wamid.%s.%d", key.CustomerID, i), Kind: k, Tenant: key.Tenant, Channel: key.Channel,
			AccountID: key.AccountID, CustomerID: key.CustomerID, OccurredAt: schemas.At(start.Add(d)), Operator: op, Team: team}
	}
	return []schemas.Event{
		mk(0, schemas.KindCustomerMessage, 0, "", ""),
		mk(1, schemas.KindRouted, time.Minute, "", "sales"),
		mk(2, schemas.KindAssigned, 2*time.Minute, "op17", ""),
		mk(3, schemas.KindOperatorReplied, 4*time.Minute, "op17", ""),
		mk(4, schemas.KindCustomerMessage, 6*time.Minute, "", ""),
		mk(5, schemas.KindOperatorReplied, 9*time.Minute, "op17", ""),
		mk(6, schemas.KindCustomerMessage, 11*time.Minute, "", ""),
	}
}

func benchKey(i int) schemas.ConversationKey {
	return schemas.ConversationKey{Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "106540352242922", CustomerID: fmt.Sprintf("336%09d", i)}
}

// BenchmarkApply folds events the way a streaming processor does: each
// event is added and the key re-derived before and after it.
func BenchmarkApply(b *testing.B) {
	tn := mustTenant(b, schemas.DefaultPolicy("acme"))
	pr := NewPresence()
	const keys = 1000
	var events []schemas.Event
	for i := 0; i < keys; i++ {
		events = append(events, steadyStory(benchKey(i), day)...)
	}
	states := map[schemas.ConversationKey]*State{}
	now := clock("10:00")
	b.ResetTimer()
	n := 0
	for b.Loop() {
		e := &events[n%len(events)]
		if n%len(events) == 0 {
			clear(states)
		}
		s := states[e.Key()]
		if s == nil {
			s = NewState(e.Key())
			states[e.Key()] = s
		}
		if _, err := s.Apply(tn, pr, e, now); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkOpenConversationMemory measures the heap held per open
// conversation with 1M open conversations of 7 events each: the State
// (key, log) and its map entry, as a processor keeps them.
func BenchmarkOpenConversationMemory(b *testing.B) {
	const n = 1_000_000
	tn := mustTenant(b, schemas.DefaultPolicy("acme"))
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		states := make(map[schemas.ConversationKey]*State, n)
		for i := 0; i < n; i++ {
			k := benchKey(i)
			s := NewState(k)
			for _, e := range steadyStory(k, day) {
				s.Add(tn, &e)
			}
			states[k] = s
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/conv")
		runtime.KeepAlive(states)
	}
}
