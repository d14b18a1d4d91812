// Package indicators owns the SPEC 3 indicators over a period: per-segment
// aggregates of counts, exact duration sums and mergeable duration sketches
// that the streaming windows ship as deltas, and the report built from
// derived conversations. Pure: standard library, schemas and the
// conversation core only.
package indicators
