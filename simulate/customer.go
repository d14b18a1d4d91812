package simulate

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// style is why the customer writes: it decides the text and content type.
type style uint8

const (
	opening style = iota // the first message
	answer               // a later turn
	nudge                // another message while waiting
	tap                  // a tapped option of a bot's menu
)

// customerBurst is one to three messages a few seconds apart; the first
// opens a customer wait unless one is open. Meta sometimes delivers such
// a burst in one body (batchShare).
func (p *planner) customerBurst(s style) {
	at := p.now
	if p.readAt > at {
		at = p.readAt + p.between(2*time.Second, 20*time.Second)
	}
	n := 1
	if x := p.r.Float64(); x < 0.12 {
		n = 3
	} else if x < 0.4 {
		n = 2
	}
	items := make([]item, 0, n)
	for i := range n {
		if i > 0 {
			at += p.between(3*time.Second, 40*time.Second)
			s = answer
		}
		var it item
		at, it = p.customerItem(at, s)
		items = append(items, it)
	}
	if n > 1 && p.st.ch != schemas.X && p.chance(batchShare) {
		p.deliverPending(&pending{tenant: p.t, st: p.st, cust: p.c, ch: p.st.ch, items: items, conv: true}, true)
	} else {
		for _, it := range items {
			p.send(it)
		}
	}
	p.now = at
}

// batchShare of the customer's bursts reach ingest in one Meta body.
const batchShare = 0.3

// nudges are further messages of a customer left waiting until until:
// they do not restart the wait.
func (p *planner) nudges(until int64) {
	start := max(p.waitStart, p.now)
	if until-start < (3*time.Minute).Milliseconds() || !p.chance(0.35) {
		return
	}
	p.customerMessage(start+p.between(time.Minute, time.Duration(until-start-20_000)*time.Millisecond), nudge)
}

// customerMessage plans one message of the customer at at and returns
// its time (see customerItem).
func (p *planner) customerMessage(at int64, s style) int64 {
	at, it := p.customerItem(at, s)
	p.send(it)
	return at
}

// customerItem decides a message of the customer at at, to be sent by the
// caller, and returns it with its time: X sometimes shows typing first,
// which moves the message a few seconds on. It opens the customer wait.
func (p *planner) customerItem(at int64, s style) (int64, item) {
	if p.st.ch == schemas.X && p.chance(0.15) {
		p.send(item{kind: itTyping, at: at})
		at += p.between(2*time.Second, 8*time.Second)
	}
	it := p.content(at, s)
	p.lastCust = it.id
	if !p.waitOpen {
		p.waitOpen, p.waitStart = true, at
	}
	if s != tap && p.chance(0.01) {
		p.noise(at + p.between(10*time.Second, time.Minute))
	}
	return at, it
}

// content decides what the customer sends, as the channel carries it.
func (p *planner) content(at int64, s style) item {
	r := p.r
	it := item{kind: itCustomer, at: at, ctype: "text", id: p.messageID(at, false)}
	switch s {
	case opening:
		it.text = withNumber(r, oneOf(r, locales[p.c.locale].opening))
	case nudge:
		it.text = withNumber(r, oneOf(r, followUps))
	case answer:
		it.text = withNumber(r, oneOf(r, customerAnswers))
	case tap:
		choice := menuChoices[r.IntN(len(menuChoices))]
		it.text, it.extra, it.ref = choice.title, choice.id, p.lastBiz
		switch {
		case p.st.ch == schemas.WhatsApp:
			it.ctype = "interactive"
		case p.st.ch == schemas.X || p.chance(0.5):
			it.ctype = "quick_reply"
		default:
			it.ctype, it.extra = "postback", "MENU_"+choice.id
		}
		if p.st.ch != schemas.WhatsApp {
			it.ref = ""
		}
		return it
	}
	if s != nudge {
		p.media(&it)
	}
	return it
}

// media turns some messages into the channel's other content types.
func (p *planner) media(it *item) {
	r := p.r
	x := r.Float64()
	switch p.st.ch {
	case schemas.WhatsApp:
		switch {
		case x < 0.08:
			it.ctype, it.text, it.extra = "image", oneOf(r, captions), digits(r, 16)
		case x < 0.12:
			it.ctype, it.text, it.extra = "audio", "", digits(r, 16)
		case x < 0.14:
			it.ctype, it.extra = "document", digits(r, 16)
		case x < 0.16:
			it.ctype, it.text, it.extra = "sticker", "", digits(r, 16)
		case x < 0.20:
			it.ctype, it.text = "location", "12 rue de Rivoli, 75004 Paris"
		case x < 0.22:
			it.ctype, it.text, it.extra = "contacts", "Barbara Müller", locales["DE"].phone(r)
		case x < 0.23:
			it.ctype, it.text = "unsupported", ""
		case x < 0.30 && p.lastBiz != "":
			it.ref = p.lastBiz // a reply quoting the business message
		}
	case schemas.Messenger, schemas.Instagram:
		switch {
		case x < 0.10:
			it.ctype, it.text, it.extra = "image", "", digits(r, 15)
		case x < 0.13 && p.st.ch == schemas.Messenger:
			it.ctype, it.text, it.extra = "audio", "", digits(r, 15)
		case x < 0.13:
			it.ctype, it.text, it.extra = "story_mention", "", digits(r, 17)
		case x < 0.17 && p.st.ch == schemas.Instagram:
			it.ctype, it.extra = "story_reply", digits(r, 17)
		case x < 0.19:
			it.ctype, it.text = "unsupported", ""
		case x < 0.25 && p.lastBiz != "":
			it.ref = p.lastBiz
		}
	case schemas.X:
		if x < 0.1 {
			it.ctype, it.extra = "photo", snowflake(r, it.at-1500)
			it.text += " https://t.co/" + digits(r, 10)
		}
	}
}

// maybeReact: the customer sometimes reacts to the business message they
// just read (and, now and then, takes the reaction back). X has no DM
// reactions in its webhooks.
func (p *planner) maybeReact() {
	if p.st.ch == schemas.X || p.lastBiz == "" || p.readAt == 0 || !p.chance(0.07) {
		return
	}
	at := p.readAt + p.between(2*time.Second, 30*time.Second)
	re := reactions[p.r.IntN(len(reactions))]
	it := item{kind: itReaction, at: at, ref: p.lastBiz, text: re.name, extra: re.emoji}
	if p.st.ch == schemas.WhatsApp {
		it.id = p.messageID(at, false)
	}
	p.send(it)
	if p.chance(0.15) {
		it.at, it.remove = at+p.between(5*time.Second, 2*time.Minute), true
		if p.st.ch == schemas.WhatsApp {
			it.id = p.messageID(it.at, false)
		}
		p.send(it)
	}
}

// noise is an item that carries no conversation event: a template status
// update on WhatsApp, an edit of the last message on Messenger and Instagram.
func (p *planner) noise(at int64) {
	it := item{kind: itNoise, at: at, ref: p.lastCust, text: "edit: " + oneOf(p.r, followUps), extra: digits(p.r, 15)}
	if p.st.ch != schemas.X {
		p.send(it)
	}
}

// messageID mints the id of a message in this conversation.
func (p *planner) messageID(at int64, outbound bool) string {
	switch p.st.ch {
	case schemas.WhatsApp:
		peer := p.c.phone
		if peer == "" {
			peer = p.c.bsuid[3:]
		}
		return wamid(p.r, peer, outbound)
	case schemas.Messenger:
		return messengerMid(p.r)
	case schemas.Instagram:
		return instagramMid(p.r, p.st.account)
	}
	return snowflake(p.r, at)
}
