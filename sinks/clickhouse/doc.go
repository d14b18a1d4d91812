// Package clickhouse owns floorwatch's ClickHouse side: the versioned table
// migrations, the mapping of output records to table rows, and the sink that
// copies the output topics into ClickHouse exactly once.
package clickhouse
