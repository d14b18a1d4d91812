package clickhouse

import (
	"reflect"
	"time"
)

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
	TableAlertHistory   = "alert_history"
)

// A row type per table: its `ch` tags are the columns the sink writes, in
// the migrations' names, so a column is added in one place (here) and
// clickhouse-go's AppendStruct ties each value to its column. Nullable
// columns are pointers.

type metricsMinuteRow struct {
	Minute                    time.Time `ch:"minute"`
	Tenant                    string    `ch:"tenant"`
	Channel                   string    `ch:"channel"`
	InteractionType           string    `ch:"interaction_type"`
	Team                      string    `ch:"team"`
	Operator                  string    `ch:"operator"`
	Opened                    int64     `ch:"opened"`
	Closed                    int64     `ch:"closed"`
	Transfers                 int64     `ch:"transfers"`
	FirstResponseWithinTarget int64     `ch:"first_response_within_target"`

	FirstResponseCount         int64           `ch:"first_response_count"`
	FirstResponseSumMs         int64           `ch:"first_response_sum_ms"`
	FirstResponseBusinessSumMs int64           `ch:"first_response_business_sum_ms"`
	FirstResponseBuckets       map[int32]int64 `ch:"first_response_buckets"`
	FirstResponseBusBuckets    map[int32]int64 `ch:"first_response_business_buckets"`
	FirstResponseMinMs         int64           `ch:"first_response_min_ms"`
	FirstResponseMaxMs         int64           `ch:"first_response_max_ms"`
	FirstResponseBusinessMinMs int64           `ch:"first_response_business_min_ms"`
	FirstResponseBusinessMaxMs int64           `ch:"first_response_business_max_ms"`
	ReplyCount                 int64           `ch:"reply_count"`
	ReplySumMs                 int64           `ch:"reply_sum_ms"`
	ReplyBusinessSumMs         int64           `ch:"reply_business_sum_ms"`
	ReplyBuckets               map[int32]int64 `ch:"reply_buckets"`
	ReplyBusBuckets            map[int32]int64 `ch:"reply_business_buckets"`
	ReplyMinMs                 int64           `ch:"reply_min_ms"`
	ReplyMaxMs                 int64           `ch:"reply_max_ms"`
	ReplyBusinessMinMs         int64           `ch:"reply_business_min_ms"`
	ReplyBusinessMaxMs         int64           `ch:"reply_business_max_ms"`
	ResolutionCount            int64           `ch:"resolution_count"`
	ResolutionSumMs            int64           `ch:"resolution_sum_ms"`
	ResolutionBusinessSumMs    int64           `ch:"resolution_business_sum_ms"`
	ResolutionBuckets          map[int32]int64 `ch:"resolution_buckets"`
	ResolutionBusBuckets       map[int32]int64 `ch:"resolution_business_buckets"`
	ResolutionMinMs            int64           `ch:"resolution_min_ms"`
	ResolutionMaxMs            int64           `ch:"resolution_max_ms"`
	ResolutionBusinessMinMs    int64           `ch:"resolution_business_min_ms"`
	ResolutionBusinessMaxMs    int64           `ch:"resolution_business_max_ms"`
}

type conversationsRow struct {
	ConversationID          string      `ch:"conversation_id"`
	Version                 uint64      `ch:"version"`
	Deleted                 uint8       `ch:"deleted"`
	Tenant                  string      `ch:"tenant"`
	Channel                 string      `ch:"channel"`
	AccountID               string      `ch:"account_id"`
	CustomerID              string      `ch:"customer_id"`
	InteractionType         string      `ch:"interaction_type"`
	Team                    string      `ch:"team"`
	Operator                string      `ch:"operator"`
	Status                  string      `ch:"status"`
	RecoverReason           string      `ch:"recover_reason"`
	OpenedAt                time.Time   `ch:"opened_at"`
	RoutedAt                *time.Time  `ch:"routed_at"`
	AssignedAt              *time.Time  `ch:"assigned_at"`
	AttendedAt              *time.Time  `ch:"attended_at"`
	FirstResponseAt         *time.Time  `ch:"first_response_at"`
	LastCustomerMessageAt   *time.Time  `ch:"last_customer_message_at"`
	FirstCustomerMessageAt  *time.Time  `ch:"first_customer_message_at"`
	WaitStartedAt           *time.Time  `ch:"wait_started_at"`
	QueuedSince             *time.Time  `ch:"queued_since"`
	WindowExpiresAt         *time.Time  `ch:"window_expires_at"`
	ClosedAt                *time.Time  `ch:"closed_at"`
	ClosedBy                string      `ch:"closed_by"`
	LastEventAt             time.Time   `ch:"last_event_at"`
	TransferTimes           []time.Time `ch:"transfer_times"`
	FirstResponseMs         *int64      `ch:"first_response_ms"`
	FirstResponseBusinessMs *int64      `ch:"first_response_business_ms"`
	ResolutionMs            *int64      `ch:"resolution_ms"`
	ResolutionBusinessMs    *int64      `ch:"resolution_business_ms"`
	ReplyCount              int64       `ch:"reply_count"`
	ReplySumMs              int64       `ch:"reply_sum_ms"`
	ReplyBusinessSumMs      int64       `ch:"reply_business_sum_ms"`
	CompleteUntil           time.Time   `ch:"complete_until"`
}

type durationsRow struct {
	ConversationID  string    `ch:"conversation_id"`
	Version         uint64    `ch:"version"`
	Kind            string    `ch:"kind"`
	Seq             uint32    `ch:"seq"`
	Tenant          string    `ch:"tenant"`
	Channel         string    `ch:"channel"`
	InteractionType string    `ch:"interaction_type"`
	Team            string    `ch:"team"`
	Operator        string    `ch:"operator"`
	EndedAt         time.Time `ch:"ended_at"`
	Ms              int64     `ch:"ms"`
	BusinessMs      int64     `ch:"business_ms"`
	TargetMs        int64     `ch:"target_ms"`
}

type statusHistoryRow struct {
	ConversationID  string     `ch:"conversation_id"`
	Seq             int32      `ch:"seq"`
	Version         uint64     `ch:"version"`
	Deleted         uint8      `ch:"deleted"`
	Tenant          string     `ch:"tenant"`
	Channel         string     `ch:"channel"`
	InteractionType string     `ch:"interaction_type"`
	Team            string     `ch:"team"`
	Operator        string     `ch:"operator"`
	Status          string     `ch:"status"`
	RecoverReason   string     `ch:"recover_reason"`
	ValidFrom       time.Time  `ch:"valid_from"`
	ValidTo         *time.Time `ch:"valid_to"`
	ByTimer         bool       `ch:"by_timer"`
}

type gaugesRow struct {
	At              time.Time `ch:"at"`
	Partition       int32     `ch:"partition"`
	Round           uint64    `ch:"round"`
	Tenant          string    `ch:"tenant"`
	Channel         string    `ch:"channel"`
	InteractionType string    `ch:"interaction_type"`
	Team            string    `ch:"team"`
	Operator        string    `ch:"operator"`
	Bot             int64     `ch:"bot"`
	Queued          int64     `ch:"queued"`
	Active          int64     `ch:"active"`
	ToRecover       int64     `ch:"to_recover"`
	Expired         int64     `ch:"expired"`
}

type watermarksRow struct {
	Topic         string    `ch:"topic"`
	Partition     int32     `ch:"partition"`
	CompleteUntil time.Time `ch:"complete_until"`
	At            time.Time `ch:"at"`
}

type eventsRow struct {
	OccurredAt         time.Time  `ch:"occurred_at"`
	ReceivedAt         time.Time  `ch:"received_at"`
	Tenant             string     `ch:"tenant"`
	Channel            string     `ch:"channel"`
	AccountID          string     `ch:"account_id"`
	CustomerID         string     `ch:"customer_id"`
	CustomerAltID      string     `ch:"customer_alt_id"`
	CustomerName       string     `ch:"customer_name"`
	Kind               string     `ch:"kind"`
	ID                 string     `ch:"id"`
	MessageID          string     `ch:"message_id"`
	TargetMessageID    string     `ch:"target_message_id"`
	Text               string     `ch:"text"`
	ContentType        string     `ch:"content_type"`
	Status             string     `ch:"status"`
	ErrorCode          string     `ch:"error_code"`
	AppID              string     `ch:"app_id"`
	HumanAgent         bool       `ch:"human_agent"`
	InteractionType    string     `ch:"interaction_type"`
	Team               string     `ch:"team"`
	Operator           string     `ch:"operator"`
	ToTeam             string     `ch:"to_team"`
	ToOperator         string     `ch:"to_operator"`
	Clamped            bool       `ch:"clamped"`
	OriginalOccurredAt *time.Time `ch:"original_occurred_at"`
	V                  uint8      `ch:"v"`
}

type deadLettersRow struct {
	ReceivedAt time.Time         `ch:"received_at"`
	Stage      string            `ch:"stage"`
	Reason     string            `ch:"reason"`
	Source     string            `ch:"source"`
	Tenant     string            `ch:"tenant"`
	Headers    map[string]string `ch:"headers"`
	Body       string            `ch:"body"`
	Topic      string            `ch:"topic"`
	Partition  int32             `ch:"partition"`
	Offset     int64             `ch:"offset"`
}

type operatorStatusRow struct {
	Tenant     string    `ch:"tenant"`
	Operator   string    `ch:"operator"`
	Team       string    `ch:"team"`
	Status     string    `ch:"status"`
	OccurredAt time.Time `ch:"occurred_at"`
	ReceivedAt time.Time `ch:"received_at"`
	ID         string    `ch:"id"`
}

type alertHistoryRow struct {
	Tenant            string    `ch:"tenant"`
	ID                string    `ch:"id"`
	Rule              string    `ch:"rule"`
	Team              *string   `ch:"team"`
	Metric            string    `ch:"metric"`
	Above             *float64  `ch:"above"`
	Below             *float64  `ch:"below"`
	State             string    `ch:"state"`
	Value             *float64  `ch:"value"`
	At                time.Time `ch:"at"`
	DeliveriesPending uint16    `ch:"deliveries_pending"`
	Seq               uint64    `ch:"seq"`
}

// rowTypes maps each table to its row type.
func rowType(table string) reflect.Type {
	switch table {
	case TableMetricsMinute:
		return reflect.TypeFor[metricsMinuteRow]()
	case TableConversations:
		return reflect.TypeFor[conversationsRow]()
	case TableDurations:
		return reflect.TypeFor[durationsRow]()
	case TableStatusHistory:
		return reflect.TypeFor[statusHistoryRow]()
	case TableGauges:
		return reflect.TypeFor[gaugesRow]()
	case TableWatermarks:
		return reflect.TypeFor[watermarksRow]()
	case TableEvents:
		return reflect.TypeFor[eventsRow]()
	case TableDeadLetters:
		return reflect.TypeFor[deadLettersRow]()
	case TableOperatorStatus:
		return reflect.TypeFor[operatorStatusRow]()
	case TableAlertHistory:
		return reflect.TypeFor[alertHistoryRow]()
	}
	return nil
}

// columns returns the columns the sink writes into table: its row type's
// `ch` tags, in field order.
func columns(table string) []string {
	t := rowType(table)
	if t == nil {
		return nil
	}
	cols := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		cols = append(cols, t.Field(i).Tag.Get("ch"))
	}
	return cols
}
