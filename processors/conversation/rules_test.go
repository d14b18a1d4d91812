package conversation

import (
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

func officeHours() schemas.BusinessHours {
	bh := schemas.BusinessHours{TimeZone: "UTC"}
	for d := time.Monday; d <= time.Friday; d++ {
		bh.Weekly[d] = []schemas.ClockInterval{{Start: 9 * 60, End: 18 * 60}}
	}
	return bh
}

// Each scenario is one rule of SPEC 3, told as events and the resulting
// conversations: status, team, operator, durations | status history (a
// new interval when the status or the segment changes: the segments are
// in TestEachIntervalCarriesTheSegmentItWasIn).
func TestEveryRuleOfTheStateMachine(t *testing.T) {
	handled := []schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana")}
	cases := []struct {
		name   string
		policy schemas.Policy
		events []schemas.Event
		now    string
		want   string
	}{
		{"a customer message opens a conversation that talks to the bot",
			schemas.Policy{}, []schemas.Event{customer("09:00")}, "09:10",
			"bot team= op= | bot@09:00"},
		{"a platform event opens a conversation too",
			schemas.Policy{}, []schemas.Event{routed("09:00", "sales")}, "09:10",
			"queued team=sales op= | queued@09:00"},
		{"routing queues it in the team",
			schemas.Policy{}, []schemas.Event{customer("09:00"), routed("09:01", "sales")}, "09:05",
			"queued team=sales op= | bot@09:00 queued@09:01"},
		{"the first response counts from the assignment",
			schemas.Policy{}, append(handled[:3:3], replied("09:05", "ana")), "09:10",
			"active team=sales op=ana first_response=3m0s | bot@09:00 queued@09:01 active@09:02"},
		{"a reply with no earlier assignment assigns at the reply",
			schemas.Policy{}, []schemas.Event{customer("09:00"), routed("09:01", "sales"), replied("09:04", "bob")}, "09:10",
			"active team=sales op=bob first_response=0s | bot@09:00 queued@09:01 active@09:04"},
		{"a reply turn runs from the first unanswered customer message to the next reply",
			schemas.Policy{}, append(handled[:3:3], replied("09:05", "ana"), customer("09:06"), customer("09:07"), replied("09:10", "ana")), "09:12",
			"active team=sales op=ana first_response=3m0s reply=4m0s | bot@09:00 queued@09:01 active@09:02"},
		{"a transfer without an operator queues it in the new team",
			schemas.Policy{}, append(handled[:3:3], replied("09:03", "ana"), transferred("09:04", "billing", "")), "09:05",
			"queued team=billing op= first_response=1m0s transfers=1 | bot@09:00 queued@09:01 active@09:02 queued@09:04"},
		{"a transfer to an operator keeps it active with them",
			schemas.Policy{}, append(handled[:3:3], transferred("09:04", "", "carl")), "09:05",
			"active team=sales op=carl transfers=1 | bot@09:00 queued@09:01 active@09:02 active@09:04"},
		{"an assigned wait open for 15 minutes is to recover as unanswered",
			schemas.Policy{}, handled, "09:20",
			"to_recover(unanswered) team=sales op=ana | bot@09:00 queued@09:01 active@09:02 to_recover(unanswered)@09:16"},
		{"a recovery returns it to active and restarts the threshold",
			schemas.Policy{}, append(handled[:3:3], recovered("09:18", "", "bob")), "09:40",
			"to_recover(unanswered) team=sales op=bob | bot@09:00 queued@09:01 active@09:02 to_recover(unanswered)@09:16 active@09:18 to_recover(unanswered)@09:33"},
		{"a recovery without an operator queues it",
			schemas.Policy{}, append(handled[:3:3], recovered("09:18", "vip", "")), "09:40",
			"queued team=vip op= | bot@09:00 queued@09:01 active@09:02 to_recover(unanswered)@09:16 queued@09:18"},
		{"an away operator makes a waiting case to recover until they are back",
			schemas.Policy{}, append(handled[:3:3], opStatus("09:05", "ana", "away"), opStatus("09:08", "ana", "available")), "09:10",
			"active team=sales op=ana | bot@09:00 queued@09:01 active@09:02 to_recover(operator_unavailable)@09:05 active@09:08"},
		{"operator_unavailable comes before unanswered",
			schemas.Policy{}, append(handled[:3:3], opStatus("08:00", "ana", "offline")), "09:20",
			"to_recover(operator_unavailable) team=sales op=ana | bot@09:00 queued@09:01 to_recover(operator_unavailable)@09:02"},
		{"a wait that began outside business hours is to recover until they open",
			schemas.Policy{BusinessHours: officeHours()}, []schemas.Event{customer("19:00"), routed("19:01", "sales"), assigned("19:02", "ana")}, "+1d 09:30",
			"to_recover(unanswered) team=sales op=ana | bot@19:00 to_recover(outside_business_hours)@19:01 to_recover(outside_business_hours)@19:02 to_recover(unanswered)@+1d 09:00"},
		{"a waiting case past its support window is expired",
			schemas.Policy{}, handled, "+1d 09:30",
			"expired team=sales op=ana | bot@09:00 queued@09:01 active@09:02 to_recover(unanswered)@09:16 expired@+1d 09:00"},
		{"a channel without a window never expires",
			schemas.Policy{SupportWindows: map[schemas.Channel]time.Duration{schemas.WhatsApp: 0}}, handled, "+1d 09:30",
			"to_recover(unanswered) team=sales op=ana | bot@09:00 queued@09:01 active@09:02 to_recover(unanswered)@09:16"},
		{"a close by an operator ends the resolution time",
			schemas.Policy{}, append(handled[:3:3], replied("09:05", "ana"), closed("09:30", "ana")), "09:40",
			"closed team=sales op=ana first_response=3m0s resolution=30m0s closed_by=ana | bot@09:00 queued@09:01 active@09:02 closed@09:30"},
		{"the next event after a close opens a new conversation",
			schemas.Policy{}, []schemas.Event{customer("09:00"), closed("09:10", ""), customer("09:20")}, "09:30",
			"closed team= op= resolution=10m0s | bot@09:00 closed@09:10\nbot team= op= | bot@09:20"},
		{"a close with nothing open is ignored",
			schemas.Policy{}, []schemas.Event{closed("09:10", "ana")}, "09:30", ""},
		{"seven days without an event close it by itself",
			schemas.Policy{}, []schemas.Event{customer("09:00"), customer("+8d 09:00")}, "+8d 10:00",
			"closed team= op= resolution=168h0m0s closed_by=system | bot@09:00 closed@+7d 09:00\nbot team= op= | bot@+8d 09:00"},
		{"with echoes as replies an inbox echo is a reply and the first message routes to the default team",
			schemas.Policy{EchoesAsReplies: true, DefaultTeam: "front"}, []schemas.Event{customer("09:00"), echo("09:03", true), echo("09:04", false)}, "09:05",
			"active team=front op=inbox first_response=0s | queued@09:00 active@09:03"},
		{"without echoes as replies echoes change nothing",
			schemas.Policy{}, []schemas.Event{customer("09:00"), echo("09:03", true)}, "09:05",
			"bot team= op= | bot@09:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := summary(derive(t, mustTenant(t, c.policy), NewPresence(), c.events, c.now))
			if got != c.want {
				t.Errorf("got\n  %s\nwant\n  %s", got, c.want)
			}
		})
	}
}
