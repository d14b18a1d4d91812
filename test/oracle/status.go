package oracle

// setStatus gives c its status at clock, with SPEC 3's timers played up to
// clock included: the window's expiry, the unanswered threshold, the
// opening of business hours and the operator's presence.
func setStatus(c *Conversation, tn *tenant, pres presence, clock int64) error {
	c.Status, c.Reason = "", ""
	switch {
	case c.ClosedAt != 0:
		c.Status = StatusClosed
		return nil
	case c.RoutedAt == 0:
		c.Status = StatusBot
		return nil
	}
	if c.WaitOpen {
		window := tn.window(c.Key.Channel)
		if window > 0 && clock >= c.LastCustomerAt+window {
			c.Status = StatusExpired
			return nil
		}
		reason, err := recoverReason(c, tn, pres, clock)
		if err != nil {
			return err
		}
		if reason != "" {
			c.Status, c.Reason = StatusToRecover, reason
			return nil
		}
	}
	if c.Operator != "" {
		c.Status = StatusActive
	} else {
		c.Status = StatusQueued
	}
	return nil
}

// recoverReason is the first to-recover reason that holds at clock for a
// conversation in human support with a customer waiting, or "".
func recoverReason(c *Conversation, tn *tenant, pres presence, clock int64) (string, error) {
	// The wait counts for human support from its routing on: a customer who
	// chatted with the bot is not waiting on an operator before that.
	wait := max(c.WaitStart, c.RoutedAt)
	cal, err := tn.calendar(c.Team)
	if err != nil {
		return "", err
	}
	// Outside business hours: the hours have been closed at every instant
	// since the wait began, and no recovery came since.
	if c.LastRecoveryAt < wait && cal.closedThroughout(wait, clock) {
		return ReasonOutsideHours, nil
	}
	if c.Operator == "" {
		return "", nil
	}
	if pres.unavailable(c.Key.Tenant, c.Operator, clock) {
		return ReasonUnavailable, nil
	}
	if clock >= max(wait, c.LastRecoveryAt)+tn.threshold() {
		return ReasonUnanswered, nil
	}
	return "", nil
}
