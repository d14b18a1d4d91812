package conversation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// queued_since (SPEC 4.1): since when a case waits in its current queue.
func TestQueuedSinceIsWhenTheCaseEnteredItsCurrentQueue(t *testing.T) {
	cases := []struct {
		name   string
		events []schemas.Event
		want   string // "" when not queued
	}{
		{"routing queues it", []schemas.Event{customer("09:00"), routed("09:01", "sales")}, "09:01"},
		{"an assignment takes it out of the queue", []schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana")}, ""},
		{"a transfer back to a queue starts a new wait in that queue, with no customer wait open",
			[]schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana"), replied("09:03", "ana"), transferred("09:06", "billing", "")}, "09:06"},
		{"a transfer from one queue to another restarts it",
			[]schemas.Event{customer("09:00"), routed("09:01", "sales"), transferred("09:04", "billing", "")}, "09:04"},
		{"a recovery without an operator queues it again",
			[]schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana"), recovered("09:18", "vip", "")}, "09:18"},
		{"a close ends it", []schemas.Event{customer("09:00"), routed("09:01", "sales"), closed("09:05", "")}, ""},
		{"a bot conversation is in no queue", []schemas.Event{customer("09:00")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			convs := derive(t, mustTenant(t, schemas.Policy{}), NewPresence(), c.events, "09:20")
			got := ""
			if q := convs[len(convs)-1].QueuedSince; !q.IsZero() {
				got = hhmm(q.Time)
			}
			if got != c.want {
				t.Errorf("queued_since %q, want %q", got, c.want)
			}
		})
	}
}

// A status history says which intervals a timer started: a report as of
// exactly their start counts them, and leaves out events at that instant.
func TestIntervalsStartedByTimersAreMarked(t *testing.T) {
	convs := derive(t, mustTenant(t, schemas.Policy{}), NewPresence(),
		[]schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana")}, "09:20")
	var marks []string
	for _, iv := range convs[0].History {
		marks = append(marks, fmt.Sprintf("%s:%v", iv.Status, iv.ByTimer))
	}
	if got, want := strings.Join(marks, " "), "bot:false queued:false active:false to_recover:true"; got != want {
		t.Errorf("history %s, want %s", got, want)
	}
}
