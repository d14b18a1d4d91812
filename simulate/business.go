package simulate

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// send plans one item of this conversation as a request of its own.
func (p *planner) send(it item) {
	pd := &pending{tenant: p.t, st: p.st, cust: p.c, ch: p.st.ch, items: []item{it}, conv: true}
	if p.st.ch == schemas.X && (it.kind == itCustomer || it.kind == itBusiness) && p.chance(0.25) {
		pd.xaa = itoa(int64(p.r.Uint64() >> 1)) // an X Activity API delivery
		if p.chance(0.5) {
			pd.xaa = "-" + pd.xaa
		}
	}
	p.deliverPending(pd, true)
}

func (p *planner) deliverPending(pd *pending, webhook bool) {
	for i := range pd.items {
		p.last = max(p.last, pd.items[i].at)
	}
	p.events += p.g.deliver(pd, webhook)
}

// businessMessage plans a message of the business at at and how the
// channel reports it: WhatsApp messages sent through the API come back
// only as statuses (sent, delivered, read), those typed in the Business
// app as echoes; Messenger and Instagram echo every message with the app
// that sent it, then receipts; X delivers the DM itself and, sometimes,
// the customer's read. It returns the message id.
func (p *planner) businessMessage(at int64, by sender, text string) string {
	id := p.messageID(at, true)
	p.lastBiz, p.readAt = id, 0
	sec := time.Second
	switch p.st.ch {
	case schemas.WhatsApp:
		if by == byInbox {
			p.send(item{kind: itBusiness, at: at, id: id, text: text, by: by})
			return id
		}
		sent := at + p.between(300*time.Millisecond, 1500*time.Millisecond)
		delivered := sent + p.between(sec, 20*sec)
		if p.chance(0.1) { // the phone was off
			delivered = sent + p.between(2*time.Minute, 2*time.Hour)
		}
		st := func(status string, at int64) item {
			return item{kind: itStatus, at: at, ref: id, status: status}
		}
		switch {
		case p.chance(0.1): // read at once: WhatsApp sends no "delivered" then
			p.send(st("sent", sent))
			p.readAt = delivered
			p.send(st("read", delivered))
			return id
		case delivered-sent < 2000 && p.chance(0.5):
			p.deliverPending(&pending{tenant: p.t, st: p.st, cust: p.c, ch: p.st.ch, conv: true,
				items: []item{st("sent", sent), st("delivered", delivered)}}, true)
		default:
			p.send(st("sent", sent))
			p.send(st("delivered", delivered))
		}
		if p.chance(0.75) {
			p.readAt = delivered + p.between(3*sec, 4*time.Minute)
			p.send(st("read", p.readAt))
		}
	case schemas.Messenger, schemas.Instagram:
		echo := at + p.between(200*time.Millisecond, 1200*time.Millisecond)
		p.send(item{kind: itBusiness, at: echo, id: id, text: text, by: by})
		seen := echo
		if p.st.ch == schemas.Messenger && p.chance(0.85) {
			seen = echo + p.between(500*time.Millisecond, 8*sec)
			p.send(item{kind: itDelivery, at: seen, ref: id})
		}
		if p.chance(0.7) {
			p.readAt = seen + p.between(3*sec, 4*time.Minute)
			p.send(item{kind: itRead, at: p.readAt, ref: id})
		}
	case schemas.X:
		dm := at + p.between(200*time.Millisecond, sec)
		p.send(item{kind: itBusiness, at: dm, id: id, text: text, by: by})
		if p.chance(0.6) {
			p.readAt = dm + p.between(5*sec, 5*time.Minute)
			p.send(item{kind: itRead, at: p.readAt, ref: id})
		}
	}
	return id
}

// platform plans a batch of platform events about this conversation.
func (p *planner) platform(items ...item) {
	for i := range items {
		it := &items[i]
		it.kind, it.id = itPlatform, ulid(p.r, it.at)
		if p.chance(0.1) {
			it.extra = "local" // the platform wrote the time in the tenant's offset
		}
	}
	p.deliverPending(&pending{tenant: p.t, st: p.st, cust: p.c, items: items, conv: true}, false)
}

// botExchange: the bot greets with a menu and the customer taps an option.
func (p *planner) botExchange() {
	at := p.now + p.between(time.Second, 4*time.Second)
	p.businessMessage(at, byBot, oneOf(p.r, botGreetings))
	p.now = p.customerMessage(max(at, p.readAt)+p.between(4*time.Second, 45*time.Second), tap)
}

// botEnd: the bot answers and the conversation never reaches a person;
// the customer may thank it, and the platform may close it.
func (p *planner) botEnd() {
	at := p.now + p.between(time.Second, 3*time.Second)
	p.businessMessage(at, byBot, oneOf(p.r, botAnswers))
	p.now = at
	if p.chance(0.4) {
		p.now = p.customerMessage(max(at, p.readAt)+p.between(5*time.Second, time.Minute), answer)
	} else {
		p.maybeReact()
	}
	if p.t.feed && p.chance(0.45) {
		end := p.last + p.between(10*time.Minute, 90*time.Minute)
		p.platform(item{typ: schemas.KindClosed, at: end})
		p.returnLater(end)
	}
}
