package conversation

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// richStory touches most rules: bot phase, routing, assignment, first
// response, reply turns, presence, a transfer, a recovery, a close and a
// second conversation, with same-millisecond ties.
func richStory() []schemas.Event {
	return []schemas.Event{
		customer("09:00"), routed("09:01", "sales"), assigned("09:01", "ana"),
		replied("09:05", "ana"), customer("09:06"), customer("09:06:30"), replied("09:09", "ana"),
		customer("09:10"), transferred("09:12", "billing", ""), recovered("09:40", "", "bob"),
		replied("09:41", "bob"), customer("09:41"), closed("10:00", "bob"), customer("10:05"),
		routed("10:06", "sales"),
	}
}

func TestEveryArrivalOrderGivesTheSameConversations(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{BusinessHours: officeHours()})
	events := richStory()
	want := derive(t, tn, NewPresence(), events, "11:00")
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 500; i++ {
		perm := append([]schemas.Event(nil), events...)
		rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		if got := derive(t, tn, NewPresence(), perm, "11:00"); !reflect.DeepEqual(got, want) {
			t.Fatalf("order %v gives\n%s\nwant\n%s", ids(perm), summary(got), summary(want))
		}
	}
}

func TestRepeatingAnyEventChangesNothing(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	events := richStory()
	want := derive(t, tn, NewPresence(), events, "11:00")
	for i := range events {
		again := append(append([]schemas.Event(nil), events...), events[i], events[i])
		if got := derive(t, tn, NewPresence(), again, "11:00"); !reflect.DeepEqual(got, want) {
			t.Fatalf("repeating %s changed the result:\n%s", events[i].ID, summary(got))
		}
	}
}

func TestALateEventYieldsTheViewBeforeAndAfter(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	s := NewState(testKey)
	for _, e := range []schemas.Event{customer("09:00"), routed("09:01", "sales"), replied("09:10", "ana")} {
		if _, err := s.Add(tn, &e); err != nil {
			t.Fatal(err)
		}
	}
	late := assigned("09:04", "ana")
	u, err := s.Apply(tn, nil, &late, clock("09:20"))
	if err != nil || !u.Changed {
		t.Fatalf("Apply: %v changed=%v", err, u.Changed)
	}
	if b, a := u.Before[0].Durations[0].Ms, u.After[0].Durations[0].Ms; b != 0 || a != (6*time.Minute).Milliseconds() {
		t.Errorf("first response before/after the late assignment = %d/%d ms, want 0/360000", b, a)
	}
	if u2, _ := s.Apply(tn, nil, &late, clock("09:20")); u2.Changed {
		t.Error("a duplicate reported a change")
	}
}

func TestALateFirstMessageMovesTheOpeningAndTheID(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	s := NewState(testKey)
	first := routed("09:05", "sales")
	s.Add(tn, &first)
	before := s.Derive(nil, tn, nil, clock("09:10"))
	late := customer("09:00")
	s.Add(tn, &late)
	after := s.Derive(nil, tn, nil, clock("09:10"))
	if before[0].ID == after[0].ID || !after[0].OpenedAt.Equal(clock("09:00")) {
		t.Errorf("ids %s → %s, opened %v: a moved opening must change the id", before[0].ID, after[0].ID, after[0].OpenedAt)
	}
}

func TestCompactForgetsOldConversationsAndRefusesTheirEvents(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	s := NewState(testKey)
	for _, e := range []schemas.Event{customer("09:00"), closed("09:10", ""), customer("+9d 09:00")} {
		s.Add(tn, &e)
	}
	if empty := s.Compact(tn, nil, clock("+9d 10:00")); empty || s.Len() != 1 {
		t.Fatalf("after Compact: empty=%v len=%d, want the second conversation only", empty, s.Len())
	}
	old := customer("09:05")
	if _, err := s.Add(tn, &old); !errors.Is(err, ErrTooLate) {
		t.Errorf("an event of a compacted conversation: err = %v, want ErrTooLate", err)
	}
}

func TestNextTimerNamesTheNextStatusEdge(t *testing.T) {
	tn := mustTenant(t, schemas.Policy{})
	s := NewState(testKey)
	for _, e := range []schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana")} {
		s.Add(tn, &e)
	}
	cases := []struct{ now, want string }{
		{"09:03", "09:16"},         // unanswered threshold
		{"09:20", "+1d 09:00"},     // window expiry
		{"+1d 09:30", "+7d 09:02"}, // idle close
	}
	for _, c := range cases {
		got, ok := s.NextTimer(tn, nil, clock(c.now))
		if !ok || !got.Equal(clock(c.want)) {
			t.Errorf("NextTimer(%s) = %v %v, want %s", c.now, got, ok, c.want)
		}
	}
}

func ids(es []schemas.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
