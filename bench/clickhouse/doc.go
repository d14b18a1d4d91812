// Package clickhouse holds the ClickHouse benchmarks: generated data at a
// chosen scale (Generate), and every Grafana panel's query timed beside the
// same indicator computed from the raw events table.
package clickhouse
