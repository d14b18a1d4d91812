package api

import (
	"sync"
	"time"
)

// sharedReads lets the supervisors of one tenant share the answers of the
// live reads: each console polls every second, so with several
// supervisors on one desk the same lists would be read from ClickHouse
// many times a second. An answer is reused for ttl (well within the
// console's two-second promise) and requests that arrive while it is
// being read wait for it instead of reading again. Errors are not kept.
type sharedReads struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]*sharedRead
}

type sharedRead struct {
	done   chan struct{}
	at     time.Time
	status int
	body   any
	err    error
}

func newSharedReads(ttl time.Duration) *sharedReads {
	return &sharedReads{ttl: ttl, entries: map[string]*sharedRead{}}
}

// get returns the answer of key, reading it with read unless a fresh one
// exists or is being read.
func (c *sharedReads) get(key string, read func() (int, any, error)) (int, any, error) {
	if c.ttl <= 0 {
		return read()
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok || (isClosed(e.done) && time.Since(e.at) > c.ttl) {
		e = &sharedRead{done: make(chan struct{})}
		c.entries[key] = e
		c.sweep()
		c.mu.Unlock()
		e.status, e.body, e.err = read()
		e.at = time.Now()
		if e.err != nil {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
		close(e.done)
		return e.status, e.body, e.err
	}
	c.mu.Unlock()
	<-e.done
	return e.status, e.body, e.err
}

// sweep drops answers past their time once the map grows; c.mu is held.
func (c *sharedReads) sweep() {
	if len(c.entries) < 1024 {
		return
	}
	for k, e := range c.entries {
		if isClosed(e.done) && time.Since(e.at) > c.ttl {
			delete(c.entries, k)
		}
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
