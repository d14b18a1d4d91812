// Package alerts evaluates each tenant's alert rules on the live state
// (SPEC 4.2) and sends every change of a rule's state, signed, to the
// tenant's notify URLs until each answers 2xx.
//
// The data flow, for one tenant:
//
//	live state (ClickHouse, cases.Store.Teams) ──every alerting.evaluate_every──▶ measures
//	measures × rules ──a crossing──▶ AlertState record (Kafka, transactional) ──▶ POST to each URL
//	2xx from a URL ──▶ the same record with that URL acknowledged
//
// Exactly one evaluator acts for a tenant: a tenant belongs to one
// partition of the alerts topic (PartitionOf), and the evaluators share
// the partitions through a consumer group. Taking a partition, an
// evaluator opens the partition's transactional producer, which fences
// any earlier holder (its next write fails, and it stops), writes a claim
// record, and reads the partition up to that claim: the rules' states and
// the notifications some URL has not acknowledged. A change is written
// before it is sent, so nothing recorded is lost across a restart, and a
// notification's id comes from (tenant, rule, state, time of the change),
// so a repeat after a restart or a failover has the same id.
package alerts
