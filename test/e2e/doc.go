// Package e2e signs and posts recorded requests to a running ingest, and holds the end-to-end test that runs `floorwatch all` against real Kafka and ClickHouse and compares its report with replay's.
package e2e
