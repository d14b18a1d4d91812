// Package cases owns the supervisor API's reads from ClickHouse: the case
// lists of SPEC 4.1 and 4.2 (current, queued, to recover, expired, at risk)
// with keyset cursors, the operators' load, queue health per team, the
// lookups behind a supervisor's action, and how fresh all of it is.
package cases
