package clickhouse

import (
	"math"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

func metricRows(m *schemas.MetricDelta) ([]Row, error) {
	var c checker
	s := m.Segment
	c.nonEmpty("segment.tenant", s.Tenant)
	fr, rp, rs := bounds(&m.FirstResponse), bounds(&m.Reply), bounds(&m.Resolution)
	r := &metricsMinuteRow{Minute: c.at("minute", m.Minute).Truncate(time.Minute),
		Tenant: s.Tenant, Channel: string(s.Channel), InteractionType: s.InteractionType, Team: s.Team, Operator: s.Operator,
		Opened: m.Opened, Closed: m.Closed, Transfers: m.Transfers, FirstResponseWithinTarget: m.FirstResponseWithinTarget,

		FirstResponseCount: m.FirstResponse.Count, FirstResponseSumMs: m.FirstResponse.SumMs,
		FirstResponseBusinessSumMs: m.FirstResponse.BusinessSumMs, FirstResponseBuckets: buckets(m.FirstResponse.Buckets),
		FirstResponseBusBuckets: buckets(m.FirstResponse.BusinessBuckets), FirstResponseMinMs: fr.MinMs, FirstResponseMaxMs: fr.MaxMs,
		FirstResponseBusinessMinMs: fr.BusinessMinMs, FirstResponseBusinessMaxMs: fr.BusinessMaxMs,

		ReplyCount: m.Reply.Count, ReplySumMs: m.Reply.SumMs, ReplyBusinessSumMs: m.Reply.BusinessSumMs,
		ReplyBuckets: buckets(m.Reply.Buckets), ReplyBusBuckets: buckets(m.Reply.BusinessBuckets),
		ReplyMinMs: rp.MinMs, ReplyMaxMs: rp.MaxMs, ReplyBusinessMinMs: rp.BusinessMinMs, ReplyBusinessMaxMs: rp.BusinessMaxMs,

		ResolutionCount: m.Resolution.Count, ResolutionSumMs: m.Resolution.SumMs, ResolutionBusinessSumMs: m.Resolution.BusinessSumMs,
		ResolutionBuckets: buckets(m.Resolution.Buckets), ResolutionBusBuckets: buckets(m.Resolution.BusinessBuckets),
		ResolutionMinMs: rs.MinMs, ResolutionMaxMs: rs.MaxMs, ResolutionBusinessMinMs: rs.BusinessMinMs, ResolutionBusinessMaxMs: rs.BusinessMaxMs,
	}
	return []Row{{TableMetricsMinute, r}}, c.err
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
	row := &conversationsRow{ConversationID: r.ConversationID, Version: version, Deleted: flag(r.Deleted),
		Tenant: r.Tenant, Channel: string(r.Channel), AccountID: r.AccountID, CustomerID: r.CustomerID,
		InteractionType: r.InteractionType, Team: r.Team, Operator: r.Operator, Status: r.Status, RecoverReason: r.RecoverReason,
		OpenedAt: c.at("opened_at", r.OpenedAt), RoutedAt: c.opt("routed_at", r.RoutedAt),
		AssignedAt: c.opt("assigned_at", r.AssignedAt), AttendedAt: c.opt("attended_at", r.AttendedAt),
		FirstResponseAt:        c.opt("first_response_at", r.FirstResponseAt),
		LastCustomerMessageAt:  c.opt("last_customer_message_at", r.LastCustomerMessageAt),
		FirstCustomerMessageAt: c.opt("first_customer_message_at", r.FirstCustomerMessageAt),
		WaitStartedAt:          c.opt("wait_started_at", r.WaitStartedAt), QueuedSince: c.opt("queued_since", r.QueuedSince),
		WindowExpiresAt: c.opt("window_expires_at", r.WindowExpiresAt), ClosedAt: c.opt("closed_at", r.ClosedAt),
		ClosedBy: r.ClosedBy, LastEventAt: c.at("last_event_at", r.LastEventAt), TransferTimes: transfers,
		FirstResponseMs: optMs(r.FirstResponseMs, hasFirst), FirstResponseBusinessMs: optMs(r.FirstResponseBusinessMs, hasFirst),
		ResolutionMs: optMs(r.ResolutionMs, closed), ResolutionBusinessMs: optMs(r.ResolutionBusinessMs, closed),
		ReplyCount: r.ReplyCount, ReplySumMs: r.ReplySumMs, ReplyBusinessSumMs: r.ReplyBusinessSumMs,
		CompleteUntil: c.at("complete_until", completeUntil)}
	rows := []Row{{TableConversations, row}}
	for i, d := range r.Durations {
		rows = append(rows, Row{TableDurations, &durationsRow{ConversationID: r.ConversationID, Version: version,
			Kind: c.nonEmpty("durations.kind", d.Kind), Seq: uint32(i), Tenant: r.Tenant, Channel: string(r.Channel),
			InteractionType: r.InteractionType, Team: d.Team, Operator: d.Operator,
			EndedAt: c.at("durations.ended_at", d.EndedAt), Ms: d.Ms, BusinessMs: d.BusinessMs, TargetMs: d.TargetMs}})
	}
	return rows, c.err
}

func statusRows(s *schemas.StatusChange) ([]Row, error) {
	var c checker
	c.nonEmpty("conversation_id", s.ConversationID)
	c.lenient = s.Deleted // a retraction carries only its id, seq and version
	c.nonEmpty("segment.tenant", s.Segment.Tenant)
	g := s.Segment
	return []Row{{TableStatusHistory, &statusHistoryRow{ConversationID: s.ConversationID, Seq: s.Seq,
		Version: c.version(s.Version), Deleted: flag(s.Deleted), Tenant: g.Tenant, Channel: string(g.Channel),
		InteractionType: g.InteractionType, Team: g.Team, Operator: g.Operator, Status: c.nonEmpty("status", s.Status),
		RecoverReason: s.RecoverReason, ValidFrom: c.at("valid_from", s.ValidFrom), ValidTo: c.opt("valid_to", s.ValidTo),
		ByTimer: s.ByTimer}}}, c.err
}

// gaugeRows maps one partition's snapshot to a row per segment, all with
// the snapshot's round; a snapshot with no open conversation still writes
// one row (tenant empty, zeros) so that its round is seen. A version 1
// record is one segment, round 0.
func gaugeRows(g *schemas.GaugeSnapshot) ([]Row, error) {
	var c checker
	if g.V < 2 {
		s := g.Segment
		c.nonEmpty("segment.tenant", s.Tenant)
		return []Row{{TableGauges, &gaugesRow{At: c.at("at", g.At), Partition: g.Partition, Tenant: s.Tenant,
			Channel: string(s.Channel), InteractionType: s.InteractionType, Team: s.Team, Operator: s.Operator,
			Bot: g.Bot, Queued: g.Queued, Active: g.Active, ToRecover: g.ToRecover, Expired: g.Expired}}}, c.err
	}
	round := c.version(g.Round)
	if len(g.Segments) == 0 {
		return []Row{{TableGauges, &gaugesRow{At: c.at("at", g.At), Partition: g.Partition, Round: round}}}, c.err
	}
	rows := make([]Row, 0, len(g.Segments))
	for _, n := range g.Segments {
		s := n.Segment
		c.nonEmpty("segments.segment.tenant", s.Tenant)
		rows = append(rows, Row{TableGauges, &gaugesRow{At: c.at("segments.at", n.At), Partition: g.Partition, Round: round,
			Tenant: s.Tenant, Channel: string(s.Channel), InteractionType: s.InteractionType, Team: s.Team, Operator: s.Operator,
			Bot: n.Bot, Queued: n.Queued, Active: n.Active, ToRecover: n.ToRecover, Expired: n.Expired}})
	}
	return rows, c.err
}

func watermarkRows(w *schemas.Watermark) ([]Row, error) {
	var c checker
	return []Row{{TableWatermarks, &watermarksRow{Topic: c.nonEmpty("topic", w.Topic), Partition: w.Partition,
		CompleteUntil: c.at("complete_until", w.CompleteUntil), At: c.at("at", w.At)}}}, c.err
}

func eventRows(e *schemas.Event) ([]Row, error) {
	var c checker
	c.nonEmpty("tenant", e.Tenant)
	c.nonEmpty("kind", string(e.Kind))
	received := e.ReceivedAt
	if received.IsZero() {
		received = e.OccurredAt
	}
	return []Row{{TableEvents, &eventsRow{OccurredAt: c.at("occurred_at", e.OccurredAt), ReceivedAt: c.at("received_at", received),
		Tenant: e.Tenant, Channel: string(e.Channel), AccountID: e.AccountID, CustomerID: e.CustomerID,
		CustomerAltID: e.CustomerAltID, CustomerName: e.CustomerName, Kind: string(e.Kind), ID: e.ID, MessageID: e.MessageID,
		TargetMessageID: e.TargetMessageID, Text: e.Text, ContentType: e.ContentType, Status: e.Status, ErrorCode: e.ErrorCode,
		AppID: e.AppID, HumanAgent: e.HumanAgent, InteractionType: e.InteractionType, Team: e.Team, Operator: e.Operator,
		ToTeam: e.ToTeam, ToOperator: e.ToOperator, Clamped: e.Clamped,
		OriginalOccurredAt: c.opt("original_occurred_at", e.OriginalOccurredAt), V: uint8(e.V)}}}, c.err
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
	return []Row{{TableOperatorStatus, &operatorStatusRow{Tenant: c.nonEmpty("tenant", e.Tenant),
		Operator: c.nonEmpty("operator", e.Operator), Team: e.Team, Status: c.nonEmpty("status", e.Status),
		OccurredAt: c.at("occurred_at", e.OccurredAt), ReceivedAt: c.at("received_at", received), ID: c.nonEmpty("id", e.ID)}}}, c.err
}
