package oracle

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// A conversation counts in the segment it has at `to`; a duration in the
// team and operator that ended it. A transferred to support at 09:20 by
// ana after her first response at 09:05: the conversation is support's
// (queued, transferred once), the first response sales' and ana's.
func TestSegmentAtToAndDurationsOfWhoEndedThem(t *testing.T) {
	s := newStory(t)
	s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:01", "ana").replied("A", "09:05", "ana").
		transferred("A", "09:20", toTeam("support"), operator("ana"))
	r := s.report(policies{}, "09:00", "10:00", "team", "operator")
	support, sales := segmentOf(t, r, "support", ""), segmentOf(t, r, "sales", "ana")
	if support.Total != 1 || support.Queued != 1 || support.Transferred != 1 || support.Attended != 1 || support.FirstResponse.Count != 0 {
		t.Errorf("support/-: %+v, want the conversation: queued, transferred, attended, no first response", support)
	}
	if sales.Total != 0 || sales.FirstResponse.Count != 1 || *sales.FirstResponse.AvgMs != 240000 || *sales.ServiceLevel != 1 {
		t.Errorf("sales/ana: %+v, want no conversation, the first response of 4 min within target", sales)
	}
	// Before the transfer, everything is sales' and ana's.
	r = s.report(policies{}, "09:00", "09:20", "team", "operator")
	if len(r.Segments) != 1 || r.Segments[0].Active != 1 || r.Segments[0].Transferred != 0 {
		t.Errorf("to 09:20: %+v, want one segment, sales/ana, active, not transferred", r.Segments)
	}
}

// Transfers and closes count in the period they happened in; total holds
// what opened before `to` and did not close before `from`; a conversation
// closed at exactly `to` has status closed but its close belongs to the
// next period.
func TestPeriods(t *testing.T) {
	s := newStory(t)
	s.customer("A", "08:00").routed("A", "08:00", "sales").assigned("A", "08:00", "ana").replied("A", "08:10", "ana").
		transferred("A", "08:30", toOp("bob"), operator("ana")).transferred("A", "09:30", toOp("carl"), operator("bob")).
		closed("A", "10:00", operator("carl"))
	s.customer("B", "07:00").closed("B", "08:59:59.999")
	s.customer("C", "10:00")
	r := s.report(policies{}, "09:00", "10:00")
	seg := segmentOf(t, r)
	// A (transferred at 09:30, active at 10:00 since its close at 10:00
	// is left out); B closed before the period; C opened at `to`.
	if seg.Total != 1 || seg.Transferred != 1 || seg.Closed != 0 || seg.Active != 1 || seg.Resolution.Count != 0 {
		t.Errorf("[09:00, 10:00): %+v, want A alone: active, transferred, not closed", seg)
	}
	r = s.report(policies{}, "08:59:59.999", "10:00:00.001")
	seg = segmentOf(t, r)
	// A (closed at 10:00), B (closed at the period's first ms), C.
	if seg.Total != 3 || seg.Closed != 2 || seg.Transferred != 1 || seg.Resolution.Count != 2 {
		t.Errorf("[08:59:59.999, 10:00:00.001): %+v, want A, B and C: 2 closed, 1 transferred", seg)
	}
	// Idle close at exactly `to`: closed, not counted as closed in the period.
	s = newStory(t)
	s.customer("D", "09:00")
	seg = segmentOf(t, s.report(policies{}, "09:00", "+7 09:00"))
	if seg.Total != 1 || seg.Closed != 0 || seg.Resolution.Count != 0 || seg.Active+seg.Queued+seg.ToRecover+seg.Expired != 0 {
		t.Errorf("idle close at `to`: %+v, want total 1, closed at `to` (no status, not in the period's closes)", seg)
	}
}

// Duplicates change nothing and arrival order does not matter: the worked
// hour with every event twice, shuffled, gives the same report.
func TestDuplicatesAndArrivalOrderChangeNothing(t *testing.T) {
	want := workedHour(t).report(policies{}, "09:00", "10:00", "team", "operator")
	s := workedHour(t)
	s.events = append(s.events, s.events...)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(s.events), func(i, j int) { s.events[i], s.events[j] = s.events[j], s.events[i] })
		if d := Diff(want, s.report(policies{}, "09:00", "10:00", "team", "operator")); len(d) > 0 {
			t.Fatalf("shuffled with duplicates: %v", d)
		}
	}
	// A duplicate keeps the first event of its id, whatever it says.
	s = newStory(t)
	s.customer("A", "09:00").routed("A", "09:00", "sales", id("r")).routed("A", "09:01", "support", id("r"))
	if c := s.conversationsAt(policies{}, "09:30")["A"][0]; c.Team != "sales" {
		t.Errorf("team %q, want sales: the second event with id r is a duplicate", c.Team)
	}
}

// A late event applies in occurred_at order: an earlier customer message
// arriving after the routing moves the opening (and the id).
func TestLateEventsApplyInEventTimeOrder(t *testing.T) {
	s := newStory(t)
	s.routed("A", "09:05", "sales").assigned("A", "09:06", "ana").replied("A", "09:10", "ana")
	before := s.conversationsAt(policies{}, "10:00")["A"][0]
	s.customer("A", "09:00")
	after := s.conversationsAt(policies{}, "10:00")["A"][0]
	if after.OpenedAt != ms9(t, "09:00") || after.ID == before.ID || after.RoutedAt != ms9(t, "09:05") {
		t.Errorf("after the late message: opened %d id %s (before %s); want opened at 09:00, a new id", after.OpenedAt, after.ID, before.ID)
	}
	if n := len(after.Durations); n != 1 || after.Durations[0].Ms != 240000 {
		t.Errorf("durations %+v, want the first response 09:06 → 09:10", after.Durations)
	}
}

// Supervisor actions apply only to the open conversation they name: a
// transfer counts as one but is not attention; one naming a closed
// conversation is not applied to the customer's newer one.
func TestSupervisorActions(t *testing.T) {
	s := newStory(t)
	s.customer("A", "09:00").routed("A", "09:00", "sales")
	first := s.conversationsAt(policies{}, "09:01")["A"][0].ID
	s.transferred("A", "09:10", toTeam("support"), supervisor(first)).
		closed("A", "09:20").customer("A", "09:30").routed("A", "09:30", "sales").
		transferred("A", "09:40", toTeam("support"), supervisor(first)).
		recovered("A", "09:45", toOp("bob"), supervisor("another"))
	convs := s.conversationsAt(policies{}, "10:00")["A"]
	if len(convs) != 2 {
		t.Fatalf("%d conversations, want 2", len(convs))
	}
	if c := convs[0]; c.ID != first || c.Team != "support" || len(c.Transfers) != 1 || c.AttendedAt != 0 {
		t.Errorf("first: %+v, want moved to support by the supervisor, one transfer, not attended", c)
	}
	if c := convs[1]; c.Team != "sales" || len(c.Transfers) != 0 || c.Operator != "" || c.LastEventAt != ms9(t, "09:30") {
		t.Errorf("second: %+v, want untouched by actions that name another conversation", c)
	}
	// A supervisor's recovery counts as a transfer and restarts the threshold.
	s = newStory(t)
	s.customer("B", "09:00").routed("B", "09:00", "sales").assigned("B", "09:00", "ana")
	cid := s.conversationsAt(policies{}, "09:01")["B"][0].ID
	s.recovered("B", "09:10", toOp("bob"), supervisor(cid))
	c := s.conversationsAt(policies{}, "09:24")["B"][0]
	if c.Status != StatusActive || len(c.Transfers) != 1 || c.Operator != "bob" || c.AttendedAt != 0 {
		t.Errorf("recovered by a supervisor: %+v, want active with bob, one transfer, not attended", c)
	}
}

func TestEveryDimension(t *testing.T) {
	s := newStory(t)
	s.customer("A", "09:00", channel(schemas.Messenger)).routed("A", "09:00", "sales", itype("complaint"), channel(schemas.Messenger)).
		assigned("A", "09:01", "ana", channel(schemas.Messenger))
	r := s.report(policies{}, "09:00", "10:00", "operator", "team", "interaction_type", "channel", "tenant")
	if !slices.Equal(r.By, []string{"operator", "team", "interaction_type", "channel", "tenant"}) || len(r.Segments) != 1 {
		t.Fatalf("by %v, segments %+v", r.By, r.Segments)
	}
	want := map[string]string{"operator": "ana", "team": "sales", "interaction_type": "complaint", "channel": "messenger", "tenant": "acme"}
	for k, v := range want {
		if r.Segments[0].Key[k] != v {
			t.Errorf("key %v, want %v", r.Segments[0].Key, want)
		}
	}
	if _, err := New(nil, policies{}).Report(Query{By: []string{"customer"}}); err == nil {
		t.Error("an unknown dimension is accepted")
	}
}
