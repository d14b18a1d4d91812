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

// The status history is in segments as well as statuses (SPEC 4: the
// open-case statuses at any past moment, per segment): every interval
// carries the interaction type, team and operator the conversation had
// during it, and a move that leaves the status as it was still starts one.
func TestEachIntervalCarriesTheSegmentItWasIn(t *testing.T) {
	routedAs := func(at, team, itype string) schemas.Event {
		return ev(schemas.KindRouted, at, func(e *schemas.Event) { e.Team, e.InteractionType = team, itype })
	}
	convs := derive(t, mustTenant(t, schemas.Policy{}), NewPresence(), []schemas.Event{
		customer("09:00"), routedAs("09:01", "sales", "complaint"), transferred("09:03", "billing", ""),
		assigned("09:04", "ana"), transferred("09:06", "", "bob"), opStatus("09:07", "bob", "away"),
		recovered("09:09", "vip", "carl"), closed("09:12", "carl"),
	}, "09:20")
	var got []string
	for _, iv := range convs[0].History {
		got = append(got, fmt.Sprintf("%s@%s:%s/%s/%s", iv.Status, hhmm(iv.From.Time), iv.InteractionType, iv.Team, iv.Operator))
	}
	want := []string{
		"bot@09:00:" + schemas.DefaultInteractionType + "//",
		"queued@09:01:complaint/sales/",
		"queued@09:03:complaint/billing/", // moved between queues: same status, new interval
		"active@09:04:complaint/billing/ana",
		"active@09:06:complaint/billing/bob", // handed to another operator
		"to_recover@09:07:complaint/billing/bob",
		"active@09:09:complaint/vip/carl",
		"closed@09:12:complaint/vip/carl",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("history\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// A move at the instant the previous interval began replaces it whole,
	// and one back to where it was merges with the interval before (a
	// recovery sorts after a transfer of the same millisecond).
	convs = derive(t, mustTenant(t, schemas.Policy{}), NewPresence(), []schemas.Event{
		customer("09:00"), routed("09:01", "sales"), transferred("09:05", "billing", ""), recovered("09:05", "sales", ""),
	}, "09:20")
	if h := convs[0].History; len(h) != 2 || h[1].Team != "sales" || !h[1].To.IsZero() || hhmm(h[1].From.Time) != "09:01" {
		t.Errorf("history %+v, want bot, then queued in sales from 09:01 on", h)
	}
}
