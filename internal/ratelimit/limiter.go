package ratelimit

import (
	"container/list"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/internal/telemetry"
)

// Options configure a Limiter. Zero values take the defaults noted.
type Options struct {
	// PerMinute is how many failed authentications one client may make
	// per minute, sustained (default 30).
	PerMinute float64
	// Burst is how many it may make in a row before that rate applies
	// (default 10).
	Burst int
	// MaxClients bounds the clients remembered; beyond it the least
	// recently seen is forgotten (default 100,000, a few MB).
	MaxClients int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.PerMinute <= 0 {
		o.PerMinute = 30
	}
	if o.Burst <= 0 {
		o.Burst = 10
	}
	if o.MaxClients <= 0 {
		o.MaxClients = 100_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Limiter holds one token bucket of failures per client. A client starts
// with Burst tokens; each failure takes one; tokens come back at
// PerMinute. While a client has less than one token, Allow refuses it,
// before its credentials are even looked at, so a guesser gets at most
// Burst guesses and then PerMinute a minute, whatever it sends. Requests
// that authenticate take nothing: a client that never fails is never
// refused. Safe for concurrent use.
//
// The caller, per request: key := ClientKey(r.RemoteAddr); if ok, wait :=
// l.Allow(key); !ok → 429 with Retry-After wait; else check the
// credentials, and on failure l.Failed(key).
type Limiter struct {
	opts    Options
	perNano float64 // tokens per nanosecond
	refused prometheus.Counter

	mu      sync.Mutex
	clients map[string]*list.Element // of *bucket, most recent at the front
	lru     *list.List
}

type bucket struct {
	key    string
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// New returns a Limiter whose refusals count in
// floorwatch_<stage>_auth_throttled_total, registered with reg (nil: no
// metric).
func New(opts Options, reg prometheus.Registerer, stage string) (*Limiter, error) {
	opts.setDefaults()
	l := &Limiter{opts: opts, perNano: opts.PerMinute / float64(time.Minute),
		clients: map[string]*list.Element{}, lru: list.New(),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "floorwatch_" + stage + "_auth_throttled_total",
			Help: "Requests refused (429) because their client address failed to authenticate too often.",
		})}
	if err := telemetry.Register(reg, stage, l.refused); err != nil {
		return nil, err
	}
	return l, nil
}

// refill brings b up to date at now.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.opts.Burst), b.tokens+float64(d)*l.perNano)
		b.at = now
	}
}

// Allow reports whether client may try to authenticate now and, when it
// may not, how long until it may. A refusal is counted.
func (l *Limiter) Allow(client string) (bool, time.Duration) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.clients[client]
	if !ok {
		return true, 0 // never failed, or forgotten: a full bucket
	}
	b := e.Value.(*bucket)
	l.refill(b, now)
	if b.tokens >= 1 {
		return true, 0
	}
	l.refused.Inc()
	wait := time.Duration((1 - b.tokens) / l.perNano)
	return false, max(wait, time.Second).Round(time.Second)
}

// Failed takes one token from client's bucket: call it when a request of
// client failed to authenticate.
func (l *Limiter) Failed(client string) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.clients[client]
	if !ok {
		e = l.lru.PushFront(&bucket{key: client, tokens: float64(l.opts.Burst), at: now})
		l.clients[client] = e
		for l.lru.Len() > l.opts.MaxClients {
			old := l.lru.Back()
			delete(l.clients, old.Value.(*bucket).key)
			l.lru.Remove(old)
		}
	} else {
		l.lru.MoveToFront(e)
	}
	b := e.Value.(*bucket)
	l.refill(b, now)
	b.tokens = max(b.tokens-1, 0)
}

// Clients is how many clients the Limiter remembers now.
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// ClientKey is the client a request counts for, from its remote address
// ("host:port"): the IPv4 address, or the /64 prefix of an IPv6 address
// (one subscriber usually holds a whole /64). An address it cannot
// parse is its own key.
func ClientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.WithZone("").Prefix(64)
	return p.String()
}
