// Package send owns the delivery side of `floorwatch simulate`: it posts
// generated requests to a running ingest at a chosen pace, with a bounded
// number of connections, and writes them to a requests file.
package send
