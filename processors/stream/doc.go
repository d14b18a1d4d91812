// Package stream owns the processors' Kafka runner: a consumer group over
// the events topic that folds each partition's conversations exactly once
// (outputs, state changelog and consumed offsets in one transaction),
// restores state on assignment, replicates operator presence to every
// instance, keeps a per-partition event-time clock that fires timers, and
// writes gauges and watermarks.
package stream
