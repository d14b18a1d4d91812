package simulate

import (
	"fmt"
	"time"
)

// Options are what one run generates.
type Options struct {
	// Seed decides every random choice: the same configuration, options
	// and seed give the same requests, byte for byte.
	Seed uint64
	// Start is the simulated instant the run begins at; required.
	Start time.Time
	// Rate is the target average number of events per second of simulated
	// time over a day (DefaultRate when zero). The instantaneous rate
	// follows each tenant's daily curve around it.
	Rate float64
	// End, when set, bounds the run: no request arrives at or after it.
	End time.Time
	// Conversations, when positive, bounds the run: no conversation starts
	// after that many, and the stream ends with the last request of the
	// last one (requests planned days ahead, such as the reply to a message
	// left on a Friday night, included).
	Conversations int
}

// DefaultRate is the rate of a run that sets none, in events per second.
const DefaultRate = 10

func (o *Options) validate() error {
	switch {
	case o.Start.IsZero():
		return fmt.Errorf("simulate: a start time is required")
	case o.Rate < 0 || o.Rate > 1e6:
		return fmt.Errorf("simulate: rate must be between 0 and 1e6 events per second, got %g", o.Rate)
	case !o.End.IsZero() && !o.End.After(o.Start):
		return fmt.Errorf("simulate: the end (%s) must come after the start (%s)", o.End, o.Start)
	case o.Conversations < 0:
		return fmt.Errorf("simulate: conversations must not be negative")
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	return nil
}
