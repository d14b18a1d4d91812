package conversation

import (
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// Row returns the conversations-table row of c at the given version. Its
// slices are its own: a view's memory is reused by the next derivation
// (State.Derive), a row outlives it.
func (c *Conversation) Row(version int64) schemas.ConversationRow {
	row := schemas.ConversationRow{
		V: 1, ConversationID: c.ID, Version: version,
		Tenant: c.Key.Tenant, Channel: c.Key.Channel, AccountID: c.Key.AccountID, CustomerID: c.Key.CustomerID,
		InteractionType: c.InteractionType, Team: c.Team, Operator: c.Operator,
		Status: c.Status, RecoverReason: c.RecoverReason,
		OpenedAt: c.OpenedAt, RoutedAt: c.RoutedAt, AssignedAt: c.AssignedAt, AttendedAt: c.AttendedAt,
		FirstResponseAt: c.FirstResponseAt, LastCustomerMessageAt: c.LastCustomerMessageAt,
		FirstCustomerMessageAt: c.FirstCustomerMessageAt,
		WaitStartedAt:          c.WaitStartedAt, QueuedSince: c.QueuedSince, WindowExpiresAt: c.WindowExpiresAt,
		ClosedAt: c.ClosedAt, ClosedBy: c.ClosedBy, LastEventAt: c.LastEventAt,
		TransferTimes: slices.Clone(c.Transfers), Durations: slices.Clone(c.Durations), CompleteUntil: c.CompleteUntil,
		FirstResponseMs: -1, ResolutionMs: -1,
	}
	for _, d := range c.Durations {
		switch d.Kind {
		case "first_response":
			row.FirstResponseMs, row.FirstResponseBusinessMs = d.Ms, d.BusinessMs
		case "reply":
			row.ReplyCount++
			row.ReplySumMs += d.Ms
			row.ReplyBusinessSumMs += d.BusinessMs
		case "resolution":
			row.ResolutionMs, row.ResolutionBusinessMs = d.Ms, d.BusinessMs
		}
	}
	return row
}

// Segment returns c's segment values (as they are at its clock).
func (c *Conversation) Segment() schemas.Segment {
	return schemas.Segment{Tenant: c.Key.Tenant, Channel: c.Key.Channel,
		InteractionType: c.InteractionType, Team: c.Team, Operator: c.Operator}
}
