// Package report owns the indicator queries of docs/queries.md and builds
// the `floorwatch report` JSON (SPEC 5) from them over ClickHouse.
package report
