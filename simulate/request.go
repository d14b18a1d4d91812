package simulate

import "github.com/floorwatch/floorwatch/schemas"

// Outcome is what a generated request is meant to get from ingest.
type Outcome uint8

const (
	// Accepted: a good request, sent once; 200 and its events published.
	Accepted Outcome = iota
	// Duplicate: the byte-identical re-send of an earlier request (a
	// platform retry); 200, and downstream dedup makes it count once.
	Duplicate
	// BadSignature: a webhook whose signature does not verify, or platform
	// events with an unknown API key; 401, nothing published.
	BadSignature
	// Unparseable: a correctly signed webhook body that is not a webhook
	// (truncated, another channel's envelope); 200 and a dead letter.
	Unparseable
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"accepted", "duplicate", "bad_signature", "unparseable"}

// String names the outcome as the summary and the counters do.
func (o Outcome) String() string {
	if o < numOutcomes {
		return outcomeNames[o]
	}
	return "unknown"
}

// Status is the HTTP status ingest answers to a request with this outcome.
func (o Outcome) Status() int {
	if o == BadSignature {
		return 401
	}
	return 200
}

// Request is one generated request: the line of a requests file
// (schemas.Request, whose ReceivedAt is the simulated arrival) and what
// the generator meant by it. Marshal Request.Request to write the file.
type Request struct {
	schemas.Request
	// Route is the path without its query: /webhooks/<channel> or /v1/events.
	Route string
	// Tenant is the tenant whose account or API key the request belongs to.
	Tenant  string
	Outcome Outcome
	// Handshake marks a GET (Meta subscription verification, X CRC).
	Handshake bool
	// Late marks a request delivered minutes after its events occurred,
	// after requests whose events occurred later.
	Late bool
	// Events counts the platform events (webhook items, platform events)
	// the body carries, whether or not ingest keeps them; an unparseable
	// body counts one.
	Events int
	// Kinds lists, in body order, the kind of every event ingest publishes
	// for this request (none for bad signatures and unparseable bodies;
	// items ingest ignores, such as WhatsApp "sent" statuses, are left out).
	Kinds []schemas.Kind
}
