package simulate

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Counters sum up requests: those a Generator emitted so far (and the
// conversations it started), or those a sender handed out (Add). Build
// one with NewCounters; Clone before sharing it.
type Counters struct {
	Requests  int
	ByOutcome map[Outcome]int
	// ByRoute counts requests by route: /webhooks/<channel>, /v1/events.
	ByRoute map[string]int
	// Events is the sum of Request.Events: every item of every body sent,
	// duplicates and spoiled bodies included.
	Events int
	// Kinds counts the events ingest publishes, by kind (duplicates included).
	Kinds map[schemas.Kind]int
	// Conversations counts conversations started; Returning those started
	// by a customer who had written before.
	Conversations, Returning int
	// Late counts requests delivered minutes after their events.
	Late int
	// Handshakes counts GET verifications and X CRC checks.
	Handshakes int
	// First and Last are the arrivals of the first and last request.
	First, Last time.Time
}

// Rate is the achieved rate: events per second of simulated time between
// start and the last arrival (0 before any).
func (c Counters) Rate(start time.Time) float64 {
	d := c.Last.Sub(start).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(c.Events) / d
}

// NewCounters returns empty counters.
func NewCounters() Counters {
	return Counters{ByOutcome: map[Outcome]int{}, ByRoute: map[string]int{}, Kinds: map[schemas.Kind]int{}}
}

// Add counts r (not its conversation: only the Generator knows those).
func (c *Counters) Add(r *Request) {
	c.Requests++
	c.ByOutcome[r.Outcome]++
	c.ByRoute[r.Route]++
	c.Events += r.Events
	for _, k := range r.Kinds {
		c.Kinds[k]++
	}
	if r.Late {
		c.Late++
	}
	if r.Handshake {
		c.Handshakes++
	}
	if c.First.IsZero() {
		c.First = r.ReceivedAt.Time
	}
	c.Last = r.ReceivedAt.Time
}

// Clone returns a copy that shares nothing with c.
func (c Counters) Clone() Counters {
	out := c
	out.ByOutcome, out.ByRoute, out.Kinds = map[Outcome]int{}, map[string]int{}, map[schemas.Kind]int{}
	for k, v := range c.ByOutcome {
		out.ByOutcome[k] = v
	}
	for k, v := range c.ByRoute {
		out.ByRoute[k] = v
	}
	for k, v := range c.Kinds {
		out.Kinds[k] = v
	}
	return out
}
