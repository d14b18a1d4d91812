package oracle

import (
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// check is a status expected of customer's i-th conversation at a clock.
type check struct {
	at, customer string
	i            int
	want         string
}

// Each rule of SPEC 3 as docs/indicators.md §2 decides it, told as a
// story, with the status expected at given clocks. A status at a clock
// leaves out the events at that clock (a report as of `to` leaves out
// events at or after `to`), but every timer due at it has fired.
func TestStatusesFollowTheRules(t *testing.T) {
	acme := policies{"acme": parisOffice()}
	cases := []struct {
		name   string
		pol    policies
		story  func(*story)
		checks []check
	}{{
		// Opened by the customer: bot until routed, then queued, then
		// active; the customer's wait counts from the routing (09:01),
		// so the threshold is reached at 09:16 exactly, not 09:15.
		name: "bot, queued, active, unanswered at exactly the threshold",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:01", "sales").assigned("A", "09:02", "ana")
		},
		checks: []check{{"09:00:30", "A", 0, "bot"}, {"09:01:30", "A", 0, "queued"}, {"09:02:01", "A", 0, "active"},
			{"09:15:59.999", "A", 0, "active"}, {"09:16", "A", 0, "to_recover(unanswered)"}},
	}, {
		// A reply ends the wait; the next customer message starts a new
		// one whose threshold counts from itself.
		name: "a reply ends the wait",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:00", "ana").
				replied("A", "09:10", "ana").customer("A", "09:20")
		},
		checks: []check{{"09:14", "A", 0, "active"}, {"09:30", "A", 0, "active"}, {"09:35", "A", 0, "to_recover(unanswered)"}},
	}, {
		// Further messages do not restart the wait: 09:00 + 15 min.
		name: "further messages do not restart the wait",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:00", "ana").customer("A", "09:10")
		},
		checks: []check{{"09:15", "A", 0, "to_recover(unanswered)"}},
	}, {
		// A recovery restarts the threshold (09:20 + 15 min = 09:35); a
		// transfer to another operator does not.
		name: "recovery restarts the threshold, a transfer does not",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:00", "ana").
				recovered("A", "09:20", toOp("bob"))
			s.customer("B", "09:00").routed("B", "09:00", "sales").assigned("B", "09:00", "ana").
				transferred("B", "09:10", toOp("bob"), operator("ana"))
		},
		checks: []check{{"09:21", "A", 0, "active"}, {"09:34", "A", 0, "active"}, {"09:35", "A", 0, "to_recover(unanswered)"},
			{"09:15", "B", 0, "to_recover(unanswered)"}},
	}, {
		// Presence: ana goes away at 09:05 while A waits: operator
		// unavailable, which comes before unanswered; back at 09:10.
		name: "operator unavailable, before unanswered",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:00", "ana").
				status("ana", "09:05", "away").status("ana", "09:10", "available").status("ana", "09:30", "offline")
		},
		checks: []check{{"09:04", "A", 0, "active"}, {"09:05:01", "A", 0, "to_recover(operator_unavailable)"},
			{"09:10:01", "A", 0, "active"}, {"09:20", "A", 0, "to_recover(unanswered)"}, {"09:30:01", "A", 0, "to_recover(operator_unavailable)"}},
	}, {
		// docs/indicators.md's worked example, acme's Paris hours: A writes
		// Wednesday 19:00 UTC (20:00 in Paris), routed 19:01: outside
		// business hours from then on; hours open Thursday 08:00 UTC, A is
		// queued again (no operator); its window expires Thursday 19:00.
		// B, the same with ana assigned at 19:02: at 08:00 its wait, open
		// since 19:01, is past the threshold.
		name: "outside business hours until they open",
		pol:  acme,
		story: func(s *story) {
			s.customer("A", "19:00").routed("A", "19:01", "support")
			s.customer("B", "19:00").routed("B", "19:01", "support").assigned("B", "19:02", "ana")
		},
		checks: []check{{"19:00:30", "A", 0, "bot"}, {"19:01:01", "A", 0, "to_recover(outside_business_hours)"},
			{"+1 07:59:59.999", "A", 0, "to_recover(outside_business_hours)"}, {"+1 08:00", "A", 0, "queued"},
			{"+1 18:59:59.999", "A", 0, "queued"}, {"+1 19:00", "A", 0, "expired"},
			{"19:30", "B", 0, "to_recover(outside_business_hours)"}, {"+1 08:00", "B", 0, "to_recover(unanswered)"}},
	}, {
		// A recovery ends outside_business_hours for the wait it saw.
		name: "a recovery ends outside business hours",
		pol:  acme,
		story: func(s *story) {
			s.customer("A", "19:00").routed("A", "19:01", "support").recovered("A", "19:30", toOp("ana"))
		},
		checks: []check{{"19:29", "A", 0, "to_recover(outside_business_hours)"}, {"19:31", "A", 0, "active"},
			{"19:45", "A", 0, "to_recover(unanswered)"}},
	}, {
		// A wait that began during the hours is not outside them when
		// they close (18:00 Paris = 17:00 UTC); the threshold applies.
		name: "a wait that began inside the hours",
		pol:  acme,
		story: func(s *story) {
			s.customer("A", "16:58").routed("A", "16:58", "support")
		},
		checks: []check{{"17:30", "A", 0, "queued"}},
	}, {
		// The window (24 h after the last customer message) expires only
		// while a customer waits in human support; X has none.
		name: "expired, and X has no window",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:01", "ana")
			s.customer("X", "09:00", channel(schemas.X)).routed("X", "09:00", "sales", channel(schemas.X))
			s.customer("W", "09:00").routed("W", "09:00", "sales").replied("W", "09:05", "ana")
			s.customer("Bot", "09:00")
		},
		checks: []check{{"+1 08:59:59.999", "A", 0, "to_recover(unanswered)"}, {"+1 09:00", "A", 0, "expired"},
			{"+2 09:00", "X", 0, "queued"}, {"+1 10:00", "W", 0, "active"}, {"+1 10:00", "Bot", 0, "bot"}},
	}, {
		// A transfer to a queue clears the operator; routing an active
		// conversation again too.
		name: "transfer to a queue and routing again clear the operator",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:01", "ana").replied("A", "09:02", "ana").
				transferred("A", "09:03", toTeam("support"), operator("ana"))
			s.customer("B", "09:00").routed("B", "09:00", "sales").assigned("B", "09:01", "ana").replied("B", "09:02", "ana").
				routed("B", "09:03", "support")
		},
		checks: []check{{"09:04", "A", 0, "queued"}, {"09:04", "B", 0, "queued"}},
	}, {
		// A close with nothing open is ignored; the next event after a
		// close opens a new conversation, whatever its kind.
		name: "close with nothing open, reopen after close",
		story: func(s *story) {
			s.closed("A", "08:00")
			s.customer("A", "09:00").closed("A", "09:10").replied("A", "09:20", "ana")
		},
		checks: []check{{"08:30", "A", 0, "no conversation"}, {"09:15", "A", 0, "closed"}, {"09:30", "A", 1, "active"}},
	}, {
		// Idle close at the last event + 7 days; a status at exactly that
		// clock is closed.
		name: "idle close",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:05", "sales")
		},
		checks: []check{{"+7 09:04:59.999", "A", 0, "expired"}, {"+7 09:05", "A", 0, "closed"}},
	}, {
		// Without a platform feed, the first customer message routes to the
		// default team (queued, never bot) and a human-agent echo is a
		// reply by "inbox".
		name: "echoes as replies",
		pol: policies{"acme": func() schemas.Policy {
			p := schemas.DefaultPolicy("acme")
			p.EchoesAsReplies, p.DefaultTeam = true, "frontdesk"
			return p
		}()},
		story: func(s *story) {
			s.customer("A", "09:00").add(schemas.KindBusinessMessage, "A", "09:03", human()).
				customer("A", "09:10").add(schemas.KindBusinessMessage, "A", "09:12")
		},
		checks: []check{{"09:00:01", "A", 0, "queued"}, {"09:05", "A", 0, "active"}, {"09:30", "A", 0, "to_recover(unanswered)"}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStory(t)
			c.story(s)
			pol := c.pol
			if pol == nil {
				pol = policies{}
			}
			for _, ck := range c.checks {
				convs := s.conversationsAt(pol, ck.at)
				got := "no conversation"
				if len(convs[ck.customer]) > ck.i {
					got = statusOf(t, convs, ck.customer, ck.i)
				}
				if got != ck.want {
					t.Errorf("at %s, %s's conversation %d: %s, want %s", ck.at, ck.customer, ck.i, got, ck.want)
				}
			}
		})
	}
}
