// Package publish owns ingest's Kafka producer: a franz-go client that
// writes with acks=all and idempotence, waits for the acknowledgement of
// every record of one request within a deadline, and creates the topics
// ingest writes.
package publish
