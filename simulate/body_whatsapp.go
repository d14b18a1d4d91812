package simulate

import (
	"encoding/base64"
	"strconv"
)

// WhatsApp Cloud API bodies (whatsapp_business_account envelopes): one
// entry for the account's WABA, one change whose value carries either
// customer messages (with the sender's contact), statuses of messages the
// business sent through the API, or echoes of messages typed in the
// WhatsApp Business app (field smb_message_echoes).

func whatsappBody(p *pending) []byte {
	st, c := p.st, p.cust
	w := &jw{b: make([]byte, 0, 1024), meta: true}
	w.raw(`{"object":"whatsapp_business_account","entry":[{"id":`).str(st.waba)
	if p.items[0].kind == itNoise {
		return whatsappNoise(w, p)
	}
	w.raw(`,"changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":`).str(st.display).
		raw(`,"phone_number_id":`).str(st.account).raw(`}`)
	field := "messages"
	switch p.items[0].kind {
	case itStatus:
		if c.phone == "" {
			whatsappContact(w, c)
		}
		w.raw(`,"statuses":[`)
		for i := range p.items {
			whatsappStatus(w.comma(i), c, &p.items[i])
		}
	case itBusiness:
		field = "smb_message_echoes"
		w.raw(`,"message_echoes":[`)
		for i := range p.items {
			it := &p.items[i]
			w.comma(i).raw(`{"from":`).str(st.display)
			if c.phone != "" {
				w.kv("to", c.phone)
			} else {
				w.kv("to_user_id", c.bsuid)
			}
			w.kv("id", it.id).kv("timestamp", secs(it.at)).raw(`,"type":"text","text":{"body":`).str(it.text).raw(`}}`)
		}
	default:
		whatsappContact(w, c)
		w.raw(`,"messages":[`)
		for i := range p.items {
			whatsappMessage(w.comma(i), st.display, c, &p.items[i])
		}
	}
	w.raw(`]},"field":`).str(field).raw(`}]}]}`)
	return w.b
}

func secs(ms int64) string { return strconv.FormatInt(ms/1000, 10) }

func whatsappContact(w *jw, c *customer) {
	w.raw(`,"contacts":[{"profile":{"name":`).str(c.name)
	if c.phone == "" {
		w.kv("username", c.username).raw(`},"user_id":`).str(c.bsuid).raw(`}]`)
		return
	}
	w.raw(`},"wa_id":`).str(c.phone)
	if c.bsuid != "" {
		w.kv("user_id", c.bsuid)
	}
	w.raw(`}]`)
}

func whatsappStatus(w *jw, c *customer, it *item) {
	w.raw(`{"id":`).str(it.ref).kv("status", it.status).kv("timestamp", secs(it.at))
	if c.phone != "" {
		w.kv("recipient_id", c.phone)
	}
	if c.bsuid != "" {
		w.kv("recipient_user_id", c.bsuid)
	}
	if it.status != "read" {
		w.raw(`,"pricing":{"billable":false,"pricing_model":"PMP","type":"free_customer_service","category":"service"}`)
	}
	w.raw(`}`)
}

func whatsappMessage(w *jw, display string, c *customer, it *item) {
	w.raw(`{`)
	if it.ref != "" && it.kind == itCustomer {
		w.raw(`"context":{"from":`).str(display).kv("id", it.ref).raw(`},`)
	}
	if c.phone != "" {
		w.raw(`"from":`).str(c.phone)
	} else {
		w.raw(`"from_user_id":`).str(c.bsuid)
	}
	w.kv("id", it.id).kv("timestamp", secs(it.at))
	if it.kind == itReaction {
		w.raw(`,"reaction":{"message_id":`).str(it.ref)
		if !it.remove {
			w.kv("emoji", it.extra)
		}
		w.raw(`},"type":"reaction"}`)
		return
	}
	switch it.ctype {
	case "text":
		w.raw(`,"text":{"body":`).str(it.text).raw(`}`)
	case "image", "document":
		w.key(it.ctype).raw(`{`)
		if it.text != "" {
			w.kv("caption", it.text)
		}
		if it.ctype == "document" {
			w.kv("filename", "facture-"+it.extra+".pdf").kv("mime_type", "application/pdf")
		} else {
			w.kv("mime_type", "image/jpeg")
		}
		w.kv("sha256", mediaHash(it.extra)).kv("id", it.extra).
			kv("url", "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid="+it.extra).raw(`}`)
	case "audio":
		w.raw(`,"audio":{"mime_type":"audio\/ogg; codecs=opus","sha256":`).str(mediaHash(it.extra)).
			kv("id", it.extra).raw(`,"voice":true}`)
	case "sticker":
		w.raw(`,"sticker":{"mime_type":"image\/webp","sha256":`).str(mediaHash(it.extra)).
			kv("id", it.extra).raw(`,"animated":false}`)
	case "location":
		w.raw(`,"location":{"address":`).str(it.text).raw(`,"latitude":48.856613,"longitude":2.352222,"name":"Point relais"}`)
	case "contacts":
		w.raw(`,"contacts":[{"name":{"formatted_name":`).str(it.text).raw(`,"first_name":`).str(it.text).
			raw(`},"phones":[{"phone":`).str("+"+it.extra).kv("wa_id", it.extra).raw(`,"type":"MOBILE"}]}]`)
	case "interactive":
		w.raw(`,"interactive":{"type":"button_reply","button_reply":{"id":`).str(it.extra).kv("title", it.text).raw(`}}`)
	case "unsupported":
		w.raw(`,"errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown",` +
			`"error_data":{"details":"Message type is currently not supported."}}],"unsupported":{"type":"poll_creation"}`)
	}
	w.kv("type", it.ctype).raw(`}`)
}

// whatsappNoise is a field that carries no conversation event: a
// template status update for the account's WABA.
func whatsappNoise(w *jw, p *pending) []byte {
	it := &p.items[0]
	w.raw(`,"time":`).num(it.at / 1000).raw(`,"changes":[{"value":{"event":"APPROVED","message_template_id":`).raw(it.extra).
		raw(`,"message_template_name":"order_update","message_template_language":"en_US","reason":"NONE"},` +
			`"field":"message_template_status_update"}]}]}`)
	return w.b
}

// mediaHash is the media's sha256 as WhatsApp gives it (base64),
// stable for a media id.
func mediaHash(id string) string {
	return base64.StdEncoding.EncodeToString(randBytes(seededRand(id), 32))
}
