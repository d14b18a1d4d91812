package oracle

import (
	"slices"
	"testing"
)

// durationsOf lists customer's durations at clock as "kind ms/business ms team/operator".
func durationsOf(t *testing.T, s *story, pol Policies, at, customer string) []Duration {
	t.Helper()
	var out []Duration
	for _, c := range s.conversationsAt(pol, at)[customer] {
		out = append(out, c.Durations...)
	}
	return out
}

func TestDurations(t *testing.T) {
	acme := policies{"acme": parisOffice()}
	cases := []struct {
		name  string
		at    string // the clock; default +6 00:00, before any idle close
		pol   policies
		story func(*story)
		want  []Duration
	}{{
		// A reply with no earlier assignment assigns the replier at the
		// reply: first response 0. The wait it ends is not a reply turn;
		// the next one (09:10 → 09:13) is. Business time = calendar time
		// without business hours.
		name: "reply before assignment, then a reply turn",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:01", "sales").replied("A", "09:04", "ana").
				customer("A", "09:10").customer("A", "09:11").replied("A", "09:13", "ana")
		},
		want: []Duration{
			{Kind: FirstResponse, End: ms9(t, "09:04"), Ms: 0, BusinessMs: 0, Team: "sales", Operator: "ana", WithinTarget: true},
			{Kind: Reply, End: ms9(t, "09:13"), Ms: 180000, BusinessMs: 180000, Team: "sales", Operator: "ana"},
		},
	}, {
		// First response from the first assignment (09:02), owned by the
		// replier (bob), not the assigned operator (ana); sales' own target
		// of 2 min makes 3 min late. The close by carl owns the resolution
		// (09:30 − 09:00 = 30 min). All within Paris office hours (10:00-10:30
		// Paris): business = calendar.
		name: "owners of first response and resolution; a team's own target",
		pol:  acme,
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:01", "sales").assigned("A", "09:02", "ana").
				assigned("A", "09:03", "carl").replied("A", "09:05", "bob").closed("A", "09:30", operator("carl"))
		},
		want: []Duration{
			{Kind: FirstResponse, End: ms9(t, "09:05"), Ms: 180000, BusinessMs: 180000, Team: "sales", Operator: "bob"},
			{Kind: Resolution, End: ms9(t, "09:30"), Ms: 1800000, BusinessMs: 1800000, Team: "sales", Operator: "carl"},
		},
	}, {
		// A platform close without an operator: the resolution belongs to
		// the conversation's operator (ana) and to the team it is in then
		// (support, after the transfer).
		name: "close without operator",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:00", "sales").assigned("A", "09:00", "ana").
				transferred("A", "09:10", toTeam("support"), toOp("ana")).closed("A", "10:00")
		},
		want: []Duration{{Kind: Resolution, End: ms9(t, "10:00"), Ms: 3600000, BusinessMs: 3600000, Team: "support", Operator: "ana"}},
	}, {
		// A first response across a Paris night: assigned Wednesday 16:50
		// UTC (17:50 Paris), replied Thursday 08:10 UTC (09:10 Paris):
		// 15 h 20 min of calendar time, 10 + 10 = 20 min of business time.
		name: "business time across a night",
		pol:  acme,
		story: func(s *story) {
			s.customer("A", "16:49").routed("A", "16:49", "support").assigned("A", "16:50", "ana").replied("A", "+1 08:10", "ana")
		},
		want: []Duration{{Kind: FirstResponse, End: ms9(t, "+1 08:10"), Ms: 55200000, BusinessMs: 1200000, Team: "support", Operator: "ana"}},
	}, {
		// The weekend team has its own hours (Saturday and Sunday, all
		// day): a wait from Friday 22:00 UTC (23:00 Paris) to Saturday
		// 00:30 UTC counts from Friday 23:00 UTC (midnight in Paris).
		name: "a team's own business hours",
		pol:  acme,
		story: func(s *story) {
			s.customer("A", "+2 22:00").routed("A", "+2 22:00", "weekend").assigned("A", "+2 22:00", "ana").
				replied("A", "+2 22:01", "ana").customer("A", "+2 22:05").replied("A", "+3 00:30", "ana")
		},
		want: []Duration{
			{Kind: FirstResponse, End: ms9(t, "+2 22:01"), Ms: 60000, BusinessMs: 0, Team: "weekend", Operator: "ana", WithinTarget: true},
			{Kind: Reply, End: ms9(t, "+3 00:30"), Ms: 8700000, BusinessMs: 5400000, Team: "weekend", Operator: "ana"},
		},
	}, {
		// Idle close: 7 days after the last event (09:05), closed by the
		// system, its resolution owned by the conversation's operator.
		name: "idle close resolution",
		at:   "+8 00:00",
		story: func(s *story) {
			s.customer("A", "09:00").routed("A", "09:01", "sales").assigned("A", "09:05", "ana")
		},
		want: []Duration{{Kind: Resolution, End: ms9(t, "+7 09:05"), Ms: 7*86400000 + 300000, BusinessMs: 7*86400000 + 300000, Team: "sales", Operator: "ana"}},
	}, {
		// A customer message and a reply of the same millisecond: the
		// message sorts first, so the reply ends the wait it starts (a reply
		// turn of 0 ms), whatever the order the events came in.
		name: "same millisecond: the customer message first",
		story: func(s *story) {
			s.replied("A", "09:00:10", "ana")
			s.replied("A", "09:00:20", "ana").customer("A", "09:00:20")
		},
		want: []Duration{
			{Kind: FirstResponse, End: ms9(t, "09:00:10"), Team: "", Operator: "ana", WithinTarget: true},
			{Kind: Reply, End: ms9(t, "09:00:20"), Team: "", Operator: "ana"},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStory(t)
			c.story(s)
			pol := c.pol
			if pol == nil {
				pol = policies{}
			}
			at := c.at
			if at == "" {
				at = "+6 00:00"
			}
			got := durationsOf(t, s, pol, at, "A")
			if !slices.Equal(got, c.want) {
				t.Errorf("durations\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func ms9(t *testing.T, at string) int64 { return clock(t, at).UnixMilli() }
