// Package publish owns the Kafka producer of the HTTP edges (ingest's
// webhooks, the supervisor API's actions): a franz-go client that writes
// with acks=all and idempotence, waits for the acknowledgement of every
// record of one request within a deadline, and creates the topics ingest
// writes.
package publish
