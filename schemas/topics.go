package schemas

// Topic names. Every stage reads and writes these; deployments create them.
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
)
