package schemas

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The processors write one conversation row, status change or metric delta
// for nearly every event: encoding them with reflection was half of their
// CPU. These AppendJSON methods write exactly what encoding/json writes for
// the same value (same fields, order, escaping and map key order; a test
// compares them on random values), without reflection, so the topics stay
// readable JSON for every tool.

// AppendJSON appends r's JSON encoding to b.
func (r *ConversationRow) AppendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.int("v", int64(r.V))
	w.str("conversation_id", r.ConversationID)
	w.int("version", r.Version)
	if r.Deleted {
		w.key("deleted")
		w.b = append(w.b, "true"...)
	}
	w.str("tenant", r.Tenant)
	w.str("channel", string(r.Channel))
	w.str("account_id", r.AccountID)
	w.str("customer_id", r.CustomerID)
	w.str("interaction_type", r.InteractionType)
	w.str("team", r.Team)
	w.str("operator", r.Operator)
	w.str("status", r.Status)
	if r.RecoverReason != "" {
		w.str("recover_reason", r.RecoverReason)
	}
	w.time("opened_at", r.OpenedAt)
	w.time("routed_at", r.RoutedAt)
	w.time("assigned_at", r.AssignedAt)
	w.time("attended_at", r.AttendedAt)
	w.time("first_response_at", r.FirstResponseAt)
	w.time("last_customer_message_at", r.LastCustomerMessageAt)
	if !r.FirstCustomerMessageAt.IsZero() {
		w.time("first_customer_message_at", r.FirstCustomerMessageAt)
	}
	w.time("wait_started_at", r.WaitStartedAt)
	if !r.QueuedSince.IsZero() {
		w.time("queued_since", r.QueuedSince)
	}
	w.time("window_expires_at", r.WindowExpiresAt)
	w.time("closed_at", r.ClosedAt)
	if r.ClosedBy != "" {
		w.str("closed_by", r.ClosedBy)
	}
	w.time("last_event_at", r.LastEventAt)
	if len(r.TransferTimes) > 0 {
		w.key("transfer_times")
		w.b = append(w.b, '[')
		for i, t := range r.TransferTimes {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = appendTime(w.b, t)
		}
		w.b = append(w.b, ']')
	}
	w.int("first_response_ms", r.FirstResponseMs)
	w.int("first_response_business_ms", r.FirstResponseBusinessMs)
	w.int("resolution_ms", r.ResolutionMs)
	w.int("resolution_business_ms", r.ResolutionBusinessMs)
	w.int("reply_count", r.ReplyCount)
	w.int("reply_sum_ms", r.ReplySumMs)
	w.int("reply_business_sum_ms", r.ReplyBusinessSumMs)
	if len(r.Durations) > 0 {
		w.key("durations")
		w.b = append(w.b, '[')
		for i := range r.Durations {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = r.Durations[i].appendJSON(w.b)
		}
		w.b = append(w.b, ']')
	}
	w.time("complete_until", r.CompleteUntil)
	return append(w.b, '}')
}

func (d *DurationRecord) appendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.str("kind", d.Kind)
	w.time("ended_at", d.EndedAt)
	w.str("team", d.Team)
	w.str("operator", d.Operator)
	w.int("ms", d.Ms)
	w.int("business_ms", d.BusinessMs)
	if d.TargetMs != 0 {
		w.int("target_ms", d.TargetMs)
	}
	return append(w.b, '}')
}

// AppendJSON appends s's JSON encoding to b.
func (s *StatusChange) AppendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.int("v", int64(s.V))
	w.str("conversation_id", s.ConversationID)
	w.int("seq", int64(s.Seq))
	w.int("version", s.Version)
	if s.Deleted {
		w.key("deleted")
		w.b = append(w.b, "true"...)
	}
	w.key("segment")
	w.b = s.Segment.appendJSON(w.b)
	w.str("status", s.Status)
	if s.RecoverReason != "" {
		w.str("recover_reason", s.RecoverReason)
	}
	w.time("valid_from", s.ValidFrom)
	w.time("valid_to", s.ValidTo)
	if s.ByTimer {
		w.key("by_timer")
		w.b = append(w.b, "true"...)
	}
	return append(w.b, '}')
}

func (s *Segment) appendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.str("tenant", s.Tenant)
	w.str("channel", string(s.Channel))
	w.str("interaction_type", s.InteractionType)
	w.str("team", s.Team)
	w.str("operator", s.Operator)
	return append(w.b, '}')
}

// AppendJSON appends m's JSON encoding to b.
func (m *MetricDelta) AppendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.int("v", int64(m.V))
	w.time("minute", m.Minute)
	w.key("segment")
	w.b = m.Segment.appendJSON(w.b)
	w.int("opened", m.Opened)
	w.int("closed", m.Closed)
	w.int("transfers", m.Transfers)
	w.int("first_response_within_target", m.FirstResponseWithinTarget)
	w.key("first_response")
	w.b = m.FirstResponse.appendJSON(w.b)
	w.key("reply")
	w.b = m.Reply.appendJSON(w.b)
	w.key("resolution")
	w.b = m.Resolution.appendJSON(w.b)
	return append(w.b, '}')
}

func (d *DurationDelta) appendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.int("count", d.Count)
	w.int("sum_ms", d.SumMs)
	w.int("business_sum_ms", d.BusinessSumMs)
	if len(d.Buckets) > 0 {
		w.key("buckets")
		w.b = appendBuckets(w.b, d.Buckets)
	}
	if len(d.BusinessBuckets) > 0 {
		w.key("business_buckets")
		w.b = appendBuckets(w.b, d.BusinessBuckets)
	}
	if d.Bounds != nil {
		w.key("bounds")
		var bw jw
		bw.b = append(w.b, '{')
		bw.int("min_ms", d.Bounds.MinMs)
		bw.int("max_ms", d.Bounds.MaxMs)
		bw.int("business_min_ms", d.Bounds.BusinessMinMs)
		bw.int("business_max_ms", d.Bounds.BusinessMaxMs)
		w.b = append(bw.b, '}')
	}
	return append(w.b, '}')
}

// appendBuckets writes a bucket map as encoding/json does: keys as
// decimal strings, sorted as strings.
func appendBuckets(b []byte, m map[int32]int64) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, strconv.FormatInt(int64(k), 10))
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"', ':')
		n, _ := strconv.ParseInt(k, 10, 32)
		b = strconv.AppendInt(b, m[int32(n)], 10)
	}
	return append(b, '}')
}

// jw writes the fields of one JSON object, commas included.
type jw struct {
	b    []byte
	more bool
}

func (w *jw) key(k string) {
	if w.more {
		w.b = append(w.b, ',')
	}
	w.more = true
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *jw) time(k string, t Time) {
	w.key(k)
	w.b = appendTime(w.b, t)
}

// appendString writes s as encoding/json does; the fast path covers the
// plain ASCII that ids, names and statuses are made of.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendTime writes t as Time.MarshalJSON does (TimeLayout, or null),
// without the general formatter.
func appendTime(b []byte, t Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	u := t.UTC()
	year, month, day := u.Date()
	if year < 0 || year > 9999 {
		q, _ := t.MarshalJSON() // outside four digits: the general formatter
		return append(b, q...)
	}
	hour, min, sec := u.Clock()
	ms := u.Nanosecond() / 1e6
	b = append(b, '"')
	b = append4(b, year)
	b = append(b, '-')
	b = append2(b, int(month))
	b = append(b, '-')
	b = append2(b, day)
	b = append(b, 'T')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, min)
	b = append(b, ':')
	b = append2(b, sec)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z', '"')
	return b
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// AppendJSON appends e's JSON encoding to b: what encoding/json writes.
func (e *Event) AppendJSON(b []byte) []byte {
	var w jw
	w.b = append(b, '{')
	w.int("v", int64(e.V))
	w.str("kind", string(e.Kind))
	w.str("id", e.ID)
	w.str("tenant", e.Tenant)
	w.str("channel", string(e.Channel))
	w.str("account_id", e.AccountID)
	w.str("customer_id", e.CustomerID)
	w.opt("customer_alt_id", e.CustomerAltID)
	w.opt("customer_name", e.CustomerName)
	w.opt("message_id", e.MessageID)
	w.opt("target_message_id", e.TargetMessageID)
	w.time("occurred_at", e.OccurredAt)
	w.time("received_at", e.ReceivedAt)
	if e.Clamped {
		w.key("clamped")
		w.b = append(w.b, "true"...)
	}
	if !e.OriginalOccurredAt.IsZero() {
		w.time("original_occurred_at", e.OriginalOccurredAt)
	}
	w.opt("text", e.Text)
	w.opt("content_type", e.ContentType)
	w.opt("status", e.Status)
	w.opt("error_code", e.ErrorCode)
	w.opt("app_id", e.AppID)
	if e.HumanAgent {
		w.key("human_agent")
		w.b = append(w.b, "true"...)
	}
	w.opt("interaction_type", e.InteractionType)
	w.opt("team", e.Team)
	w.opt("operator", e.Operator)
	w.opt("to_team", e.ToTeam)
	w.opt("to_operator", e.ToOperator)
	w.opt("source", e.Source)
	w.opt("by", e.By)
	w.opt("conversation_id", e.ConversationID)
	return append(w.b, '}')
}

// opt writes a string field tagged omitempty.
func (w *jw) opt(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}
