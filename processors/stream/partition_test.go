package stream

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// collector keeps every record a partition emits.
type collector struct{ recs []emitted }

type emitted struct {
	topic     string
	partition int32
	key       string
	value     []byte
}

func (c *collector) emit(topic string, partition int32, key, value []byte) {
	c.recs = append(c.recs, emitted{topic, partition, string(key), value})
}

func (c *collector) on(topic string) []emitted {
	var out []emitted
	for _, r := range c.recs {
		if r.topic == topic {
			out = append(out, r)
		}
	}
	return out
}

func testCore() *core {
	return newCore(defaultPolicies{}, schemas.NewTopics(""), schemas.DefaultMaxFutureSkew)
}

func waitingConversation(customer string) []schemas.Event {
	k := schemas.ConversationKey{Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "1001", CustomerID: customer}
	mk := func(id string, kind schemas.Kind, min int, set func(*schemas.Event)) schemas.Event {
		e := schemas.Event{V: 1, ID: id, Kind: kind, Tenant: k.Tenant, Channel: k.Channel, AccountID: k.AccountID,
			CustomerID: k.CustomerID, OccurredAt: schemas.At(day.Add(time.Duration(min) * time.Minute))}
		if set != nil {
			set(&e)
		}
		return e
	}
	return []schemas.Event{mk(customer+"m", schemas.KindCustomerMessage, 0, nil),
		mk(customer+"r", schemas.KindRouted, 1, func(e *schemas.Event) { e.Team = "sales" }),
		mk(customer+"a", schemas.KindAssigned, 2, func(e *schemas.Event) { e.Operator = "ana" })}
}

// applyAll applies events, then settles them as the end of a transaction does.
func applyAll(t *testing.T, p *partition, c *core, out emitter, events []schemas.Event) {
	t.Helper()
	for i := range events {
		if err := p.applyEvent(c, out, &events[i], []byte(events[i].Key().String()), day); err != nil {
			t.Fatal(err)
		}
	}
	p.settlePending(c, out)
}

func TestAQuietPartitionFiresTimersWhenItsClockAdvances(t *testing.T) {
	c, p, out := testCore(), newPartition(0), &collector{}
	applyAll(t, p, c, out, waitingConversation("1"))
	c.box.drain(c, out)
	before := len(out.on(c.topics.StatusChanges))
	p.advance(c, out, day.Add(30*time.Minute).UnixMilli())
	c.box.drain(c, out)
	var last schemas.StatusChange
	changes := out.on(c.topics.StatusChanges)
	if len(changes) == before {
		t.Fatal("advancing the clock past the unanswered threshold emitted no status change")
	}
	json.Unmarshal(changes[len(changes)-1].value, &last)
	if last.Status != schemas.StatusToRecover || last.RecoverReason != schemas.ReasonUnanswered ||
		!last.ValidFrom.Equal(day.Add(16*time.Minute)) {
		t.Fatalf("last status change %+v, want to_recover (unanswered) from 09:16", last)
	}
}

func TestGaugesCountOpenConversationsPerStatus(t *testing.T) {
	c, p, out := testCore(), newPartition(3), &collector{}
	applyAll(t, p, c, out, waitingConversation("1"))
	applyAll(t, p, c, out, waitingConversation("2"))
	p.snapshot(c, out, endOfTraffic)
	// One record for the whole partition: the segments the conversations
	// passed through (bot, then queued without an operator) are at zero and
	// left out; both are active with ana, at acme's clock.
	snaps := out.on(c.topics.Gauges)
	if len(snaps) != 1 || snaps[0].key != "3" {
		t.Fatalf("%d gauge records (key %q), want 1 keyed by the partition", len(snaps), snaps[0].key)
	}
	var g schemas.GaugeSnapshot
	if err := json.Unmarshal(snaps[0].value, &g); err != nil {
		t.Fatal(err)
	}
	if g.Partition != 3 || g.Round != 1 || len(g.Segments) != 1 {
		t.Fatalf("snapshot %+v, want round 1 of partition 3 with one segment", g)
	}
	if s := g.Segments[0]; s.Segment.Operator != "ana" || s.Active != 2 || !s.At.Equal(day.Add(2*time.Minute)) {
		t.Fatalf("segment %+v, want 2 active for ana at 09:02", s)
	}
	// The next round goes on counting, and carries nothing that dropped out.
	closeBoth := waitingConversation("1")[:0]
	for _, customer := range []string{"1", "2"} {
		e := waitingConversation(customer)[0]
		e.ID, e.Kind, e.OccurredAt = "close"+customer, schemas.KindClosed, schemas.At(day.Add(5*time.Minute))
		closeBoth = append(closeBoth, e)
	}
	applyAll(t, p, c, out, closeBoth)
	again := &collector{}
	p.snapshot(c, again, endOfTraffic)
	json.Unmarshal(again.on(c.topics.Gauges)[0].value, &g)
	if g.Round != 2 || len(g.Segments) != 0 {
		t.Fatalf("after both closed: round %d with %d segments, want round 2 with none", g.Round, len(g.Segments))
	}
	if m := p.meta(); m.round != 2 {
		t.Fatalf("the changelog would keep round %d, want 2", m.round)
	}
}

func TestAnEventUnderAnotherKeyIsRefused(t *testing.T) {
	c, p := testCore(), newPartition(0)
	e := waitingConversation("1")[0]
	if err := p.applyEvent(c, &collector{}, &e, []byte("acme|whatsapp|1001|2"), day); !errors.Is(err, errWrongPartition) {
		t.Fatalf("err = %v, want errWrongPartition", err)
	}
	if len(p.keys) != 0 {
		t.Fatal("a refused event left state behind")
	}
}

func TestTheChangelogRestoresTheSameState(t *testing.T) {
	c, p, out := testCore(), newPartition(2), &collector{}
	applyAll(t, p, c, out, waitingConversation("1"))
	applyAll(t, p, c, out, waitingConversation("2"))
	p.flush(c, out, endOfTraffic)
	log := out.on(c.topics.State)
	if len(log) != 3 || log[0].partition != 2 {
		t.Fatalf("changelog %d records on partition %d, want 2 keys and the clock on partition 2", len(log), log[0].partition)
	}
	q := newPartition(2)
	for _, r := range log {
		if err := q.load(testCore(), []byte(r.key), r.value); err != nil {
			t.Fatal(err)
		}
	}
	// ana reported a status: her conversations are re-checked once.
	c.presence.Apply(&schemas.Event{ID: "s", Kind: schemas.KindOperatorStatus, Tenant: "acme", Operator: "ana",
		Status: schemas.OperatorAvailable, OccurredAt: schemas.At(day)})
	q.restored(c, endOfTraffic)
	if q.clockOf("acme").now != p.clockOf("acme").now || q.written != p.written || len(q.keys) != 2 ||
		q.openConversations() != 2 || len(q.recheck) != 2 {
		t.Fatalf("restored clock %d, watermark %d, %d keys, %d open, %d rechecks; want %d, %d, 2, 2, 2",
			q.clockOf("acme").now, q.written, len(q.keys), q.openConversations(), len(q.recheck), p.clockOf("acme").now, p.written)
	}
	// Nothing changed, so re-evaluating the restored keys emits nothing.
	again := &collector{}
	q.rechecks(c, again)
	if n := len(again.recs); n != 0 {
		t.Fatalf("re-evaluating restored keys emitted %d records", n)
	}
}

func TestClosedConversationsAreForgottenAfterTheIdleDelay(t *testing.T) {
	c, p, out := testCore(), newPartition(0), &collector{}
	events := waitingConversation("1")
	closed := events[0]
	closed.ID, closed.Kind, closed.OccurredAt = "close", schemas.KindClosed, schemas.At(day.Add(5*time.Minute))
	applyAll(t, p, c, out, append(events, closed))
	p.advance(c, out, day.Add(8*24*time.Hour).UnixMilli())
	p.flush(c, out, endOfTraffic)
	if len(p.keys) != 0 {
		t.Fatal("the key is still held a week after its conversation closed")
	}
	var tomb bool
	for _, r := range out.on(c.topics.State) {
		tomb = tomb || (strings.HasPrefix(r.key, "acme|") && r.value == nil)
	}
	if !tomb {
		t.Fatal("no tombstone went to the changelog")
	}
}
