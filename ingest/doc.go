// Package ingest owns the HTTP edge of the pipeline: routes, limits and
// authentication of channel webhooks and platform events (Decoder, pure and
// reused by replay), and the server that publishes what they carry to Kafka
// and answers 200 only once Kafka acknowledged it (Server), with its metrics.
package ingest
