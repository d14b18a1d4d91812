// Package conversation owns the per-conversation state machine of SPEC 3:
// a compact, order-independent log of one key's events folded in
// occurred_at order into derived conversations (status and its history,
// timestamps, durations), evaluated against an injected clock. Pure:
// no I/O, no wall clock; standard library, schemas and bizhours only.
package conversation
