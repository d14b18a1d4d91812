package clickhouse

import (
	"math"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

func metricRows(m *schemas.MetricDelta) ([]Row, error) {
	var c checker
	minute := c.at("minute", m.Minute).Truncate(time.Minute)
	s := m.Segment
	c.nonEmpty("segment.tenant", s.Tenant)
	v := []any{minute, s.Tenant, string(s.Channel), s.InteractionType, s.Team, s.Operator,
		m.Opened, m.Closed, m.Transfers, m.FirstResponseWithinTarget,
		m.FirstResponse.Count, m.FirstResponse.SumMs, m.FirstResponse.BusinessSumMs, buckets(m.FirstResponse.Buckets),
		m.Reply.Count, m.Reply.SumMs, m.Reply.BusinessSumMs, buckets(m.Reply.Buckets),
		m.Resolution.Count, m.Resolution.SumMs, m.Resolution.BusinessSumMs, buckets(m.Resolution.Buckets)}
	for _, d := range []*schemas.DurationDelta{&m.FirstResponse, &m.Reply, &m.Resolution} {
		b := bounds(d)
		v = append(v, buckets(d.BusinessBuckets), b.MinMs, b.MaxMs, b.BusinessMinMs, b.BusinessMaxMs)
	}
	return []Row{{TableMetricsMinute, v}}, c.err
}

func buckets(m map[int32]int64) map[int32]int64 {
	if m == nil {
		return map[int32]int64{}
	}
	return m
}

// noBounds is the identity of the min and max columns: a delta that added
// no duration leaves the minute's bounds as they are.
var noBounds = schemas.DurationBounds{MinMs: math.MaxInt64, MaxMs: 0, BusinessMinMs: math.MaxInt64, BusinessMaxMs: 0}

// bounds are what the minute's min and max columns receive from d: its
// bounds, the widest when it added durations without them (a record
// from before bounds existed: no clamp may rest on it), else the identity.
func bounds(d *schemas.DurationDelta) schemas.DurationBounds {
	if b, ok := d.KnownBounds(); ok {
		return b
	}
	return noBounds
}

func conversationRows(r *schemas.ConversationRow) ([]Row, error) {
	var c checker
	c.nonEmpty("conversation_id", r.ConversationID)
	if r.Deleted {
		// A retraction may carry nothing but its id and version.
		c.lenient = true
	}
	c.nonEmpty("tenant", r.Tenant)
	version := c.version(r.Version)
	transfers := make([]time.Time, 0, len(r.TransferTimes))
	for _, t := range r.TransferTimes {
		transfers = append(transfers, c.at("transfer_times", t))
	}
	completeUntil := r.CompleteUntil
	if completeUntil.IsZero() {
		completeUntil = r.LastEventAt // final at least up to its last event
	}
	hasFirst := !r.FirstResponseAt.IsZero()
	closed := !r.ClosedAt.IsZero()
	v := []any{r.ConversationID, version, flag(r.Deleted), r.Tenant, string(r.Channel), r.AccountID, r.CustomerID,
		r.InteractionType, r.Team, r.Operator, r.Status, r.RecoverReason,
		c.at("opened_at", r.OpenedAt), c.opt("routed_at", r.RoutedAt), c.opt("assigned_at", r.AssignedAt),
		c.opt("attended_at", r.AttendedAt), c.opt("first_response_at", r.FirstResponseAt),
		c.opt("last_customer_message_at", r.LastCustomerMessageAt), c.opt("wait_started_at", r.WaitStartedAt),
		c.opt("window_expires_at", r.WindowExpiresAt), c.opt("closed_at", r.ClosedAt), r.ClosedBy,
		c.at("last_event_at", r.LastEventAt), transfers,
		optMs(r.FirstResponseMs, hasFirst), optMs(r.FirstResponseBusinessMs, hasFirst),
		optMs(r.ResolutionMs, closed), optMs(r.ResolutionBusinessMs, closed),
		r.ReplyCount, r.ReplySumMs, r.ReplyBusinessSumMs, c.at("complete_until", completeUntil),
		c.opt("queued_since", r.QueuedSince)}
	rows := []Row{{TableConversations, v}}
	for i, d := range r.Durations {
		rows = append(rows, Row{TableDurations, []any{r.ConversationID, version, c.nonEmpty("durations.kind", d.Kind),
			uint32(i), r.Tenant, string(r.Channel), r.InteractionType, d.Team, d.Operator,
			c.at("durations.ended_at", d.EndedAt), d.Ms, d.BusinessMs, d.TargetMs}})
	}
	return rows, c.err
}

func statusRows(s *schemas.StatusChange) ([]Row, error) {
	var c checker
	c.nonEmpty("conversation_id", s.ConversationID)
	c.lenient = s.Deleted // a retraction carries only its id, seq and version
	c.nonEmpty("segment.tenant", s.Segment.Tenant)
	g := s.Segment
	v := []any{s.ConversationID, s.Seq, c.version(s.Version), flag(s.Deleted), g.Tenant, string(g.Channel),
		g.InteractionType, g.Team, g.Operator, c.nonEmpty("status", s.Status), s.RecoverReason,
		c.at("valid_from", s.ValidFrom), c.opt("valid_to", s.ValidTo)}
	return []Row{{TableStatusHistory, v}}, c.err
}

func gaugeRows(g *schemas.GaugeSnapshot) ([]Row, error) {
	var c checker
	s := g.Segment
	c.nonEmpty("segment.tenant", s.Tenant)
	v := []any{c.at("at", g.At), g.Partition, s.Tenant, string(s.Channel), s.InteractionType, s.Team, s.Operator,
		g.Bot, g.Queued, g.Active, g.ToRecover, g.Expired}
	return []Row{{TableGauges, v}}, c.err
}

func watermarkRows(w *schemas.Watermark) ([]Row, error) {
	var c checker
	v := []any{c.nonEmpty("topic", w.Topic), w.Partition, c.at("complete_until", w.CompleteUntil), c.at("at", w.At)}
	return []Row{{TableWatermarks, v}}, c.err
}

func eventRows(e *schemas.Event) ([]Row, error) {
	var c checker
	c.nonEmpty("tenant", e.Tenant)
	c.nonEmpty("kind", string(e.Kind))
	received := e.ReceivedAt
	if received.IsZero() {
		received = e.OccurredAt
	}
	v := []any{c.at("occurred_at", e.OccurredAt), c.at("received_at", received), e.Tenant, string(e.Channel),
		e.AccountID, e.CustomerID, e.CustomerAltID, string(e.Kind), e.ID, e.MessageID, e.TargetMessageID,
		e.Text, e.ContentType, e.Status, e.ErrorCode, e.AppID, e.HumanAgent,
		e.InteractionType, e.Team, e.Operator, e.ToTeam, e.ToOperator, uint8(e.V),
		e.CustomerName, e.Clamped, c.opt("original_occurred_at", e.OriginalOccurredAt)}
	return []Row{{TableEvents, v}}, c.err
}

// operatorStatusRows maps an operator.status event of the operator-status
// topic: one presence row.
func operatorStatusRows(e *schemas.Event) ([]Row, error) {
	var c checker
	if e.Kind != schemas.KindOperatorStatus {
		c.fail("kind %q on the operator-status topic", e.Kind)
	}
	received := e.ReceivedAt
	if received.IsZero() {
		received = e.OccurredAt
	}
	v := []any{c.nonEmpty("tenant", e.Tenant), c.nonEmpty("operator", e.Operator), e.Team, c.nonEmpty("status", e.Status),
		c.at("occurred_at", e.OccurredAt), c.at("received_at", received), c.nonEmpty("id", e.ID)}
	return []Row{{TableOperatorStatus, v}}, c.err
}
