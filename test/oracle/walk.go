package oracle

import (
	"github.com/floorwatch/floorwatch/schemas"
)

// walk folds one key's events (sorted, deduplicated, all before clock) in
// a single pass and returns its conversations as they stand at clock:
// timers due at or before clock (idle close, and the statuses' timers in
// status.go) have fired.
func walk(key schemas.ConversationKey, items []item, tn *tenant, pres presence, clock int64) ([]Conversation, error) {
	var out []Conversation
	var c *Conversation // the open conversation, if any
	for _, it := range items {
		if c != nil && it.at >= c.LastEventAt+tn.autoClose() {
			if err := closeConversation(c, tn, c.LastEventAt+tn.autoClose(), SystemClose); err != nil {
				return nil, err
			}
			out, c = append(out, *c), nil
		}
		supervisor := it.rank == rankSupervisorTransferred || it.rank == rankSupervisorRecovered
		if c == nil {
			// A close opens nothing; a supervisor action applies only to
			// the open conversation it names.
			if it.rank == rankClosed || supervisor {
				continue
			}
			c = &Conversation{Key: key, ID: conversationID(key, it.at, it.hash), OpenedAt: it.at}
		}
		if supervisor && it.e.ConversationID != c.ID {
			continue
		}
		c.LastEventAt = it.at
		if err := apply(c, tn, it); err != nil {
			return nil, err
		}
		if c.ClosedAt != 0 {
			out, c = append(out, *c), nil
		}
	}
	if c != nil && clock >= c.LastEventAt+tn.autoClose() {
		if err := closeConversation(c, tn, c.LastEventAt+tn.autoClose(), SystemClose); err != nil {
			return nil, err
		}
	}
	if c != nil {
		out = append(out, *c)
	}
	for i := range out {
		if err := setStatus(&out[i], tn, pres, clock); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// apply is SPEC 3's rule for one event (docs/indicators.md §2).
func apply(c *Conversation, tn *tenant, it item) error {
	e, at := it.e, it.at
	switch it.rank {
	case rankCustomer:
		c.LastCustomerAt = at
		if !c.WaitOpen {
			c.WaitOpen, c.WaitStart = true, at
		}
		// Without a platform feed, the first customer message routes the
		// conversation to the default team.
		if tn.policy.EchoesAsReplies && c.RoutedAt == 0 {
			route(c, at, tn.policy.DefaultTeam, "")
		}
	case rankRouted:
		route(c, at, e.Team, e.InteractionType)
	case rankAssigned:
		enterSupport(c, at)
		c.Operator = e.Operator
		if e.Team != "" {
			c.Team = e.Team
		}
		if c.AssignedAt == 0 {
			c.AssignedAt = at
		}
	case rankReplied:
		return reply(c, tn, it)
	case rankTransferred, rankSupervisorTransferred, rankRecovered, rankSupervisorRecovered:
		move(c, it)
	case rankClosed:
		if e.Operator != "" {
			operatorAction(c, at)
		}
		return closeConversation(c, tn, at, e.Operator)
	}
	return nil
}

// route: team set, interaction type when given, operator cleared (queued).
func route(c *Conversation, at int64, team, interactionType string) {
	enterSupport(c, at)
	c.Team, c.Operator = team, ""
	if interactionType != "" {
		c.InteractionType = interactionType
	}
}

// enterSupport marks the moment a conversation reached human support:
// its routing, else the first assignment, reply, transfer or recovery.
func enterSupport(c *Conversation, at int64) {
	if c.RoutedAt == 0 {
		c.RoutedAt = at
	}
}

func operatorAction(c *Conversation, at int64) {
	if c.AttendedAt == 0 {
		c.AttendedAt = at
	}
}

// reply: an operator action; the first one is the first response (a reply
// with no earlier assignment assigns at the reply); later ones end the
// open wait as a reply turn.
func reply(c *Conversation, tn *tenant, it item) error {
	at := it.at
	replier := it.e.Operator
	if it.e.Kind == schemas.KindBusinessMessage {
		replier = InboxOperator
	}
	enterSupport(c, at)
	operatorAction(c, at)
	if c.Operator == "" {
		c.Operator = replier
	}
	if c.AssignedAt == 0 {
		c.AssignedAt = at
	}
	if c.FirstResponseAt == 0 {
		c.FirstResponseAt = at
		if err := addDuration(c, tn, FirstResponse, c.AssignedAt, at, replier); err != nil {
			return err
		}
	} else if c.WaitOpen {
		if err := addDuration(c, tn, Reply, c.WaitStart, at, replier); err != nil {
			return err
		}
	}
	c.WaitOpen, c.WaitStart = false, 0
	return nil
}

// move is a transfer or a recovery: team to to_team when given, operator
// to to_operator (an assignment) or cleared (queued). A platform transfer
// is an operator action; a supervisor's transfer or recovery counts as a
// transfer but never as attention; a recovery restarts the threshold.
func move(c *Conversation, it item) {
	e, at := it.e, it.at
	enterSupport(c, at)
	if e.ToTeam != "" {
		c.Team = e.ToTeam
	}
	c.Operator = e.ToOperator
	if e.ToOperator != "" && c.AssignedAt == 0 {
		c.AssignedAt = at
	}
	switch it.rank {
	case rankTransferred:
		operatorAction(c, at)
		c.Transfers = append(c.Transfers, at)
	case rankSupervisorTransferred:
		c.Transfers = append(c.Transfers, at)
	case rankRecovered:
		c.LastRecoveryAt = at
	case rankSupervisorRecovered:
		c.Transfers = append(c.Transfers, at)
		c.LastRecoveryAt = at
	}
}

// closeConversation records the close at at and its resolution, owned by
// the closing operator, else the conversation's.
func closeConversation(c *Conversation, tn *tenant, at int64, by string) error {
	c.ClosedAt, c.ClosedBy = at, by
	// A closed conversation has no customer waiting any more.
	c.WaitOpen, c.WaitStart = false, 0
	owner := by
	if by == "" || by == SystemClose {
		owner = c.Operator
	}
	return addDuration(c, tn, Resolution, c.OpenedAt, at, owner)
}

// addDuration adds [start, end) owned by operator and the conversation's
// current team; business time is counted in that team's hours.
func addDuration(c *Conversation, tn *tenant, kind string, start, end int64, operator string) error {
	cal, err := tn.calendar(c.Team)
	if err != nil {
		return err
	}
	d := Duration{Kind: kind, End: end, Ms: end - start, BusinessMs: cal.business(start, end), Team: c.Team, Operator: operator}
	if kind == FirstResponse {
		d.WithinTarget = d.Ms <= tn.target(c.Team).Milliseconds()
	}
	c.Durations = append(c.Durations, d)
	return nil
}
