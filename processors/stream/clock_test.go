package stream

import (
	"encoding/binary"
	"encoding/json"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// tenantEvent is a customer message of tenant on its own key, occurred at
// occurred and received at received.
func tenantEvent(tenant, customer, id string, occurred, received time.Time) schemas.Event {
	return schemas.Event{V: 1, ID: id, Kind: schemas.KindCustomerMessage, Tenant: tenant, Channel: schemas.WhatsApp,
		AccountID: "1001", CustomerID: customer, OccurredAt: schemas.At(occurred), ReceivedAt: schemas.At(received)}
}

// statusesOf returns the status changes emitted for tenant's conversations.
func statusesOf(t *testing.T, out *collector, c *core, tenant string) []schemas.StatusChange {
	t.Helper()
	c.box.drain(c, out) // what the transaction gathered so far
	var got []schemas.StatusChange
	for _, r := range out.on(c.topics.StatusChanges) {
		var sc schemas.StatusChange
		if err := json.Unmarshal(r.value, &sc); err != nil {
			t.Fatal(err)
		}
		if sc.Segment.Tenant == tenant {
			got = append(got, sc)
		}
	}
	return got
}

func TestAnotherTenantsFarFutureEventMovesNoClockButItsOwnWithinTheSkew(t *testing.T) {
	c, p, out := testCore(), newPartition(0), &collector{}
	wall := day.Add(3 * time.Minute)
	c.setWall(wall)
	applyAll(t, p, c, out, waitingConversation("1")) // acme: assigned at 09:02, the customer waits since 09:00
	acme := p.clockOf("acme").now
	before := len(statusesOf(t, out, c, "acme"))

	// globex: one record that claims 2031 and was received then too (a
	// broken ingest clock), one that claims 2031 and was received now.
	future := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range []schemas.Event{tenantEvent("globex", "9", "g1", future, future), tenantEvent("globex", "8", "g2", future, wall)} {
		if err := p.applyEvent(c, out, &e, []byte(e.Key().String()), wall); err != nil {
			t.Fatal(err)
		}
	}
	p.settlePending(c, out)
	p.fireDue(c, out)
	p.flush(c, out, wall)

	if got := p.clockOf("acme").now; got != acme {
		t.Fatalf("acme's clock moved from %v to %v", time.UnixMilli(acme), time.UnixMilli(got))
	}
	if got, limit := p.clockOf("globex").now, wall.Add(schemas.DefaultMaxFutureSkew).UnixMilli(); got != limit {
		t.Fatalf("globex's clock is %v, want the wall clock plus the skew, %v", time.UnixMilli(got), time.UnixMilli(limit))
	}
	if n := len(statusesOf(t, out, c, "acme")); n != before {
		t.Fatalf("globex's events wrote %d status changes for acme", n-before)
	}
	if wm := p.watermark(); wm != acme {
		t.Fatalf("watermark %v, want the slowest tenant's clock %v", time.UnixMilli(wm), time.UnixMilli(acme))
	}
	// The record received now was clamped to its arrival, as ingest would.
	var clamped bool
	c.box.drain(c, out)
	for _, r := range out.on(c.topics.Conversations) {
		var row schemas.ConversationRow
		json.Unmarshal(r.value, &row)
		if row.Tenant == "globex" && row.CustomerID == "8" {
			clamped = row.OpenedAt.Equal(wall)
		}
	}
	if !clamped {
		t.Fatal("globex's far-future message received now did not open its conversation at its arrival time")
	}
}

func TestAQuietTenantsClockFollowsTheWallClockWhileAnotherIsBusy(t *testing.T) {
	c, p, out := testCore(), newPartition(0), &collector{}
	applyAll(t, p, c, out, waitingConversation("1")) // acme's customer waits from 09:00, assigned 09:02
	for m := 0; m <= 30; m++ {
		wall := day.Add(time.Duration(3+m) * time.Minute)
		c.setWall(wall)
		// globex writes every minute, at an event time a minute behind.
		e := tenantEvent("globex", "9", "g"+time.Duration(m).String(), wall.Add(-time.Minute), wall)
		if err := p.applyEvent(c, out, &e, []byte(e.Key().String()), wall); err != nil {
			t.Fatal(err)
		}
		p.settlePending(c, out)
		p.idle(c, out, wall.Add(500*time.Millisecond), time.Second)
	}
	want := day.Add(33*time.Minute + 500*time.Millisecond).UnixMilli()
	if got := p.clockOf("acme").now; got != want {
		t.Fatalf("quiet acme's clock is %v, want the wall clock %v", time.UnixMilli(got), time.UnixMilli(want))
	}
	sc := statusesOf(t, out, c, "acme")
	if last := sc[len(sc)-1]; last.Status != schemas.StatusToRecover || !last.ValidFrom.Equal(day.Add(16*time.Minute)) {
		t.Fatalf("acme's last status %+v, want to_recover from 09:16 (15 minutes after the routing)", last)
	}
	if got := p.clockOf("globex").now; got != day.Add(32*time.Minute).UnixMilli() {
		t.Fatalf("busy globex's clock is %v, want its latest event time 09:32", time.UnixMilli(got))
	}
}

func TestRestoreBringsAFarFutureClockBackWithinTheSkew(t *testing.T) {
	c, p, out := testCore(), newPartition(0), &collector{}
	applyAll(t, p, c, out, waitingConversation("1"))
	p.flush(c, out, day)
	var log []emitted
	for _, r := range out.on(c.topics.State) {
		if r.key == metaKey {
			// What a partition wrote before clocks were bounded and per
			// tenant: one clock, pushed to 2031 by another tenant.
			r.value = binary.AppendVarint([]byte{1}, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
		}
		log = append(log, r)
	}
	q := newPartition(0)
	for _, r := range log {
		if err := q.load(c, []byte(r.key), r.value); err != nil {
			t.Fatal(err)
		}
	}
	wall := day.Add(5 * time.Minute)
	q.restored(c, wall)
	limit := wall.Add(schemas.DefaultMaxFutureSkew).UnixMilli()
	if q.written > limit || q.clockOf("acme").now != p.clockOf("acme").now {
		t.Fatalf("restored watermark %v and acme clock %v; want at most %v and %v", time.UnixMilli(q.written),
			time.UnixMilli(q.clockOf("acme").now), time.UnixMilli(limit), time.UnixMilli(p.clockOf("acme").now))
	}
}
