package clickhouse

import (
	"encoding/json"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/schemas"
)

// StageSink names the sink in dead letters it writes itself.
const StageSink = "sink"

// isDeadLetterTopic reports whether topic carries other stages' dead letters.
func isDeadLetterTopic(topic string) bool {
	return topic == schemas.TopicIngestDeadLetters || topic == schemas.TopicProcessDeadLetters
}

// upstreamDeadLetterRow maps a DeadLetter record of ingest or processors.
func upstreamDeadLetterRow(rec *kgo.Record) (Row, error) {
	var d schemas.DeadLetter
	if err := json.Unmarshal(rec.Value, &d); err != nil {
		return Row{}, err
	}
	received := d.ReceivedAt.Time
	if received.Before(minTime) || received.After(maxTime) {
		received = rec.Timestamp
	}
	headers := d.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	return Row{TableDeadLetters, &deadLettersRow{ReceivedAt: received.UTC(), Stage: d.Stage, Reason: d.Reason,
		Source: d.Source, Tenant: d.Tenant, Headers: headers, Body: d.Body,
		Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset}}, nil
}

// sinkDeadLetterRow keeps a record the sink cannot write, whole, with why.
// Every value comes from the record itself so that a batch re-formed after
// a crash produces the very same row (and is deduplicated).
func sinkDeadLetterRow(rec *kgo.Record, reason string) Row {
	headers := make(map[string]string, len(rec.Headers)+1)
	for _, h := range rec.Headers {
		headers[h.Key] = string(h.Value)
	}
	if len(rec.Key) > 0 {
		headers["kafka-key"] = string(rec.Key)
	}
	return Row{TableDeadLetters, &deadLettersRow{ReceivedAt: rec.Timestamp.UTC().Truncate(time.Millisecond),
		Stage: StageSink, Reason: reason, Source: rec.Topic, Headers: headers, Body: string(rec.Value),
		Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset}}
}
