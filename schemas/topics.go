package schemas

// Topic names of the contract: what every stage reads and writes, and what
// a deployment creates. A deployment that shares its brokers with others
// prefixes every one of them (Topics).
const (
	// TopicEvents holds normalized conversation events keyed by
	// ConversationKey.String, so a conversation lives in one partition.
	TopicEvents = "floorwatch.events"
	// TopicOperatorStatus holds operator.status events keyed by OperatorKey.
	// Every processor instance reads all of it (not as a group member), so
	// presence is known whichever partition owns a conversation.
	TopicOperatorStatus = "floorwatch.operator-status"
	// TopicIngestDeadLetters holds raw signed bodies that could not be
	// normalized (not JSON, unknown account, unknown shape), as DeadLetter.
	TopicIngestDeadLetters = "floorwatch.ingest.dead-letters"
	// TopicMetrics holds MetricDelta records keyed by Segment.String()+minute.
	TopicMetrics = "floorwatch.metrics"
	// TopicConversations holds the latest ConversationRow on each change,
	// keyed by conversation id (compacted).
	TopicConversations = "floorwatch.conversations"
	// TopicStatusChanges holds StatusChange records keyed by conversation id.
	TopicStatusChanges = "floorwatch.status-changes"
	// TopicGauges holds GaugeSnapshot records keyed by processor partition.
	TopicGauges = "floorwatch.gauges"
	// TopicWatermarks holds Watermark records keyed by partition.
	TopicWatermarks = "floorwatch.watermarks"
	// TopicProcessDeadLetters holds events the processors could not apply.
	TopicProcessDeadLetters = "floorwatch.process.dead-letters"
	// TopicState is the processors' compacted changelog of conversation
	// state, written in the same transaction as the outputs; it has as many
	// partitions as TopicEvents.
	TopicState = "floorwatch.state"
	// TopicAlerts is the alert evaluators' compacted log of AlertState,
	// keyed by AlertKey; an evaluator owns the tenants of the partitions
	// the consumer group gives it (SPEC 4.2: one evaluator per tenant).
	TopicAlerts = "floorwatch.alerts"
)

// Topics are the names one deployment uses: the contract's, each with
// Prefix in front (empty in production; tests and shared brokers set one).
// Build it with NewTopics and pass the same value to every stage.
type Topics struct {
	Prefix string

	Events, OperatorStatus, IngestDeadLetters     string // ingest writes
	Metrics, Conversations, StatusChanges, Gauges string // processors write
	Watermarks, ProcessDeadLetters, State         string
	Alerts                                        string // the alert evaluators write
}

// NewTopics returns the contract's topic names with prefix in front.
func NewTopics(prefix string) Topics {
	return Topics{Prefix: prefix,
		Events: prefix + TopicEvents, OperatorStatus: prefix + TopicOperatorStatus,
		IngestDeadLetters: prefix + TopicIngestDeadLetters,
		Metrics:           prefix + TopicMetrics, Conversations: prefix + TopicConversations,
		StatusChanges: prefix + TopicStatusChanges, Gauges: prefix + TopicGauges, Watermarks: prefix + TopicWatermarks,
		ProcessDeadLetters: prefix + TopicProcessDeadLetters, State: prefix + TopicState,
		Alerts: prefix + TopicAlerts}
}

// Contract returns the contract name of one of t's topics (name without
// the prefix), and whether name is one of them.
func (t Topics) Contract(name string) (string, bool) {
	for _, n := range t.All() {
		if n == name {
			return name[len(t.Prefix):], true
		}
	}
	return "", false
}

// All lists every topic.
func (t Topics) All() []string {
	return []string{t.Events, t.OperatorStatus, t.IngestDeadLetters, t.Metrics, t.Conversations, t.StatusChanges,
		t.Gauges, t.Watermarks, t.ProcessDeadLetters, t.State, t.Alerts}
}

// IngestTopics lists the topics ingest writes.
func (t Topics) IngestTopics() []string {
	return []string{t.Events, t.OperatorStatus, t.IngestDeadLetters}
}

// ProcessorOutputs lists the topics the processors produce to, changelog
// excluded.
func (t Topics) ProcessorOutputs() []string {
	return []string{t.Metrics, t.Conversations, t.StatusChanges, t.Gauges, t.Watermarks, t.ProcessDeadLetters}
}

// SinkInputs lists the topics the sink copies into ClickHouse.
func (t Topics) SinkInputs() []string {
	return []string{t.Metrics, t.Conversations, t.StatusChanges, t.Gauges, t.Watermarks, t.Events,
		t.OperatorStatus, t.IngestDeadLetters, t.ProcessDeadLetters, t.Alerts}
}
