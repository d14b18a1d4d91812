// Package replay owns `floorwatch replay`: recorded requests run through
// the real ingest decoding and the pure processor cores in one process,
// with no Kafka and no ClickHouse, into the indicators report of SPEC 5.
package replay
