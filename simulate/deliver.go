package simulate

import "time"

// How platforms deliver: shares of requests, in one place.
const (
	lateShare        = 0.02    // delivered 1-12 minutes late, after later requests
	webhookDupShare  = 0.025   // re-sent (a retry, a second subscribed app)
	platformDupShare = 0.01    // the platform's own retries
	badSigShare      = 0.005   // a copy with a bad signature or an unknown API key
	unparseableShare = 0.00625 // of webhooks, 0.5% of all requests: signed, not a webhook body
)

// deliver plans how p's items reach ingest: a short latency after the
// last item occurred, sometimes minutes late; sometimes followed by a
// byte-identical retry, a badly signed copy or a signed but unparseable
// copy. It pushes every resulting request and returns the events they
// carry (see Request.Events).
func (g *Generator) deliver(p *pending, webhook bool) int {
	r := g.rng
	last := p.items[0].at
	for i := range p.items {
		last = max(last, p.items[i].at)
	}
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	if webhook {
		p.at = last + ms(150*time.Millisecond) + r.Int64N(ms(2300*time.Millisecond))
	} else {
		p.at = last + ms(40*time.Millisecond) + r.Int64N(ms(600*time.Millisecond))
	}
	if r.Float64() < lateShare {
		p.at, p.late = last+ms(time.Minute)+r.Int64N(ms(11*time.Minute)), true
	}
	g.push(p)
	events := len(p.items)
	dup := platformDupShare
	if webhook {
		dup = webhookDupShare
	}
	if r.Float64() < dup {
		q := *p
		q.outcome, q.late = Duplicate, false
		if r.Float64() < 0.5 {
			q.at += r.Int64N(ms(1500 * time.Millisecond)) // a second subscribed app
		} else {
			q.at += ms(20*time.Second) + r.Int64N(ms(15*time.Minute)) // retried after a timeout
		}
		g.push(&q)
		events += len(q.items)
	}
	if r.Float64() < badSigShare {
		q := *p
		q.outcome, q.late, q.spoil = BadSignature, false, uint8(r.IntN(3))
		q.at += r.Int64N(ms(30 * time.Second))
		g.push(&q)
		events += len(q.items)
	}
	if webhook && r.Float64() < unparseableShare {
		q := *p
		q.outcome, q.late, q.spoil = Unparseable, false, uint8(r.IntN(2))
		q.at += r.Int64N(ms(30 * time.Second))
		g.push(&q)
		events++
	}
	return events
}
