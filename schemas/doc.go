// Package schemas owns the contract every stage shares: normalized event and
// output record types, topic names and their codecs. Standard library only.
package schemas
