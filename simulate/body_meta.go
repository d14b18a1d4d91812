package simulate

import "github.com/floorwatch/floorwatch/schemas"

// Messenger ("page") and Instagram ("instagram") bodies: one entry for the
// Page or professional account, its messaging[] items in time order.
// Customer items go from the customer (PSID, IGSID) to the account;
// echoes the other way, with the app that sent them.

// pageInboxAppID is Meta's Page Inbox app: an echo from it was typed by a
// person in the Page's own inbox.
const pageInboxAppID = "263902037430900"

func metaBody(p *pending) []byte {
	st, c := p.st, p.cust
	object := "page"
	if st.ch == schemas.Instagram {
		object = "instagram"
	}
	w := &jw{b: make([]byte, 0, 1024), meta: true}
	w.raw(`{"object":`).str(object).raw(`,"entry":[{"id":`).str(st.account).
		raw(`,"time":`).num(p.items[len(p.items)-1].at).raw(`,"messaging":[`)
	for i := range p.items {
		it := &p.items[i]
		w.comma(i)
		from, to := c.id, st.account
		if it.kind == itBusiness {
			from, to = to, from
		}
		w.raw(`{"sender":{"id":`).str(from).raw(`},"recipient":{"id":`).str(to).raw(`}`)
		if it.kind != itDelivery {
			w.raw(`,"timestamp":`).num(it.at)
		}
		metaItem(w, st.ch, p.tenant, it)
		w.raw(`}`)
	}
	w.raw(`]}]}`)
	return w.b
}

func metaItem(w *jw, ch schemas.Channel, t *tenantSim, it *item) {
	switch it.kind {
	case itBusiness:
		w.raw(`,"message":{"mid":`).str(it.id).kv("text", it.text).raw(`,"is_echo":true`)
		switch it.by {
		case byInbox:
			w.raw(`,"app_id":` + pageInboxAppID)
		case byBot:
			w.raw(`,"app_id":` + t.botApp)
		default:
			w.raw(`,"app_id":`+t.platformApp).kv("metadata", "agent")
		}
		w.raw(`}`)
	case itDelivery:
		w.raw(`,"delivery":{"mids":[`).str(it.ref).raw(`],"watermark":`).num(it.at).raw(`}`)
	case itRead:
		if ch == schemas.Instagram {
			w.raw(`,"read":{"mid":`).str(it.ref).raw(`}`)
		} else {
			w.raw(`,"read":{"watermark":`).num(it.at).raw(`}`)
		}
	case itReaction:
		w.raw(`,"reaction":{"mid":`).str(it.ref)
		if it.remove {
			w.raw(`,"action":"unreact"}`)
		} else {
			w.raw(`,"action":"react","reaction":`).str(it.text).kv("emoji", it.extra).raw(`}`)
		}
	case itNoise:
		w.raw(`,"message_edit":{"mid":`).str(it.ref).kv("text", it.text).raw(`,"num_edit":1}`)
	default:
		metaCustomer(w, it)
	}
}

// metaCustomer writes what the customer sent: a message of some content
// type, or a postback (a tapped button).
func metaCustomer(w *jw, it *item) {
	if it.ctype == "postback" {
		w.raw(`,"postback":{"title":`).str(it.text).kv("payload", it.extra).kv("mid", it.id).raw(`}`)
		return
	}
	w.raw(`,"message":{"mid":`).str(it.id)
	switch it.ctype {
	case "text":
		w.kv("text", it.text)
		if it.ref != "" {
			w.raw(`,"reply_to":{"mid":`).str(it.ref).raw(`}`)
		}
	case "quick_reply":
		w.kv("text", it.text).raw(`,"quick_reply":{"payload":`).str(it.extra).raw(`}`)
	case "story_reply":
		w.kv("text", it.text).raw(`,"reply_to":{"story":{"url":`).
			str("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id="+it.extra).kv("id", it.extra).raw(`}}`)
	case "unsupported":
		w.raw(`,"is_unsupported":true`)
	default: // attachments: image, audio, video, story_mention, fallback
		w.raw(`,"attachments":[{"type":`).str(it.ctype).raw(`,"payload":{"url":`).
			str("https://scontent.xx.fbcdn.net/v/t1.15752-9/" + it.extra + "_n.jpg?_nc_cat=1&oh=00_AfB" + it.extra[:6]).raw(`}}]`)
	}
	w.raw(`}`)
}
