package conversation

import (
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

func TestPresenceKnowsTheStatusAtAnyMomentWhateverTheArrivalOrder(t *testing.T) {
	pr := NewPresence()
	events := []schemas.Event{opStatus("10:00", "ana", "available"), opStatus("09:00", "ana", "away"), opStatus("11:00", "ana", "offline")}
	for i := range events {
		if ok, err := pr.Apply(&events[i]); !ok || err != nil {
			t.Fatalf("Apply(%s) = %v, %v", events[i].ID, ok, err)
		}
	}
	if ok, _ := pr.Apply(&events[0]); ok {
		t.Error("a repeated status event was applied twice")
	}
	cases := []struct {
		op, at      string
		unavailable bool
	}{
		{"ana", "08:59", false}, // never reported before: available
		{"ana", "09:00", true},
		{"ana", "10:30", false},
		{"ana", "11:00", true},
		{"bob", "11:00", false},
	}
	for _, c := range cases {
		if got := pr.Unavailable(testKey.Tenant, c.op, clock(c.at).UnixMilli()); got != c.unavailable {
			t.Errorf("%s at %s: unavailable = %v", c.op, c.at, got)
		}
	}
	pr.Prune(clock("10:30").UnixMilli())
	if pr.Unavailable(testKey.Tenant, "ana", clock("10:45").UnixMilli()) || !pr.Unavailable(testKey.Tenant, "ana", clock("11:00").UnixMilli()) {
		t.Error("pruning lost the status in force or a later one")
	}
	bad := opStatus("12:00", "ana", "busy")
	if _, err := pr.Apply(&bad); err == nil {
		t.Error("an unknown status was accepted")
	}
}
