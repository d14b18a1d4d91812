// Package windows owns the translation of one conversation key's derived
// views, before and after a change, into the processors' output records:
// per-minute, per-segment metric deltas, conversation rows and status-history
// changes. Pure: standard library, schemas and the conversation core only.
package windows
