// Package ingest holds the ingest benchmarks: a signed webhook through
// verify, normalize and produce against a real broker, and franz-go's
// producer path against segmentio/kafka-go's on the same records.
package ingest
