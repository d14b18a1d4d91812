package clickhouse

// Table names, as the migrations create them.
const (
	TableMetricsMinute  = "metrics_minute"
	TableConversations  = "conversations"
	TableDurations      = "durations"
	TableStatusHistory  = "status_history"
	TableGauges         = "gauges"
	TableWatermarks     = "watermarks"
	TableEvents         = "events"
	TableDeadLetters    = "dead_letters"
	TableOperatorStatus = "operator_status"
)

// columns returns the columns the sink writes into table, in the order the
// row builders produce values.
func columns(table string) []string {
	switch table {
	case TableMetricsMinute:
		return []string{"minute", "tenant", "channel", "interaction_type", "team", "operator",
			"opened", "closed", "transfers", "first_response_within_target",
			"first_response_count", "first_response_sum_ms", "first_response_business_sum_ms", "first_response_buckets",
			"reply_count", "reply_sum_ms", "reply_business_sum_ms", "reply_buckets",
			"resolution_count", "resolution_sum_ms", "resolution_business_sum_ms", "resolution_buckets",
			"first_response_business_buckets", "first_response_min_ms", "first_response_max_ms",
			"first_response_business_min_ms", "first_response_business_max_ms",
			"reply_business_buckets", "reply_min_ms", "reply_max_ms", "reply_business_min_ms", "reply_business_max_ms",
			"resolution_business_buckets", "resolution_min_ms", "resolution_max_ms",
			"resolution_business_min_ms", "resolution_business_max_ms"}
	case TableConversations:
		return []string{"conversation_id", "version", "deleted", "tenant", "channel", "account_id", "customer_id",
			"interaction_type", "team", "operator", "status", "recover_reason",
			"opened_at", "routed_at", "assigned_at", "attended_at", "first_response_at", "last_customer_message_at",
			"wait_started_at", "window_expires_at", "closed_at", "closed_by", "last_event_at", "transfer_times",
			"first_response_ms", "first_response_business_ms", "resolution_ms", "resolution_business_ms",
			"reply_count", "reply_sum_ms", "reply_business_sum_ms", "complete_until", "queued_since"}
	case TableDurations:
		return []string{"conversation_id", "version", "kind", "seq", "tenant", "channel", "interaction_type",
			"team", "operator", "ended_at", "ms", "business_ms", "target_ms"}
	case TableStatusHistory:
		return []string{"conversation_id", "seq", "version", "deleted", "tenant", "channel", "interaction_type",
			"team", "operator", "status", "recover_reason", "valid_from", "valid_to"}
	case TableGauges:
		return []string{"at", "partition", "tenant", "channel", "interaction_type", "team", "operator",
			"bot", "queued", "active", "to_recover", "expired"}
	case TableWatermarks:
		return []string{"topic", "partition", "complete_until", "at"}
	case TableEvents:
		return []string{"occurred_at", "received_at", "tenant", "channel", "account_id", "customer_id", "customer_alt_id",
			"kind", "id", "message_id", "target_message_id", "text", "content_type", "status", "error_code", "app_id",
			"human_agent", "interaction_type", "team", "operator", "to_team", "to_operator", "v",
			"customer_name", "clamped", "original_occurred_at"}
	case TableOperatorStatus:
		return []string{"tenant", "operator", "team", "status", "occurred_at", "received_at", "id"}
	case TableDeadLetters:
		return []string{"received_at", "stage", "reason", "source", "tenant", "headers", "body", "topic", "partition", "offset"}
	}
	return nil
}
