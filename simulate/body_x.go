package simulate

// X bodies: the Account Activity envelope ({"for_user_id", event arrays,
// "users"/"apps" maps}) or, when the pending carries an event_uuid, the X
// Activity API envelope ({"data":{"event_type","filter","payload"}}).
// Strings are raw UTF-8; every id is a string, except the media id that
// X also sends as a JSON number beyond 2^53.

func xBody(p *pending) []byte {
	st, c := p.st, p.cust
	w := &jw{b: make([]byte, 0, 1024)}
	it0 := &p.items[0]
	if p.xaa != "" {
		eventType, tag := "dm.received", "dm-inbound"
		if it0.kind == itBusiness {
			eventType, tag = "dm.sent", "dm-outbound"
		}
		w.raw(`{"data":{"event_uuid":`).str(p.xaa).raw(`,"filter":{"user_id":`).str(st.account).
			raw(`},"event_type":`).str(eventType).kv("tag", tag).raw(`,"payload":{`)
		xDMs(w, p)
		w.raw(`,"users":{`).str(c.id).raw(`:{"data":{"id":`).str(c.id).kv("username", c.username).kv("name", c.name).
			raw(`}}}},"includes":{}}}`)
		return w.b
	}
	w.raw(`{"for_user_id":`).str(st.account).raw(`,`)
	switch it0.kind {
	case itRead:
		w.raw(`"direct_message_mark_read_events":[`)
		for i := range p.items {
			it := &p.items[i]
			w.comma(i).raw(`{"created_timestamp":`).str(msString(it.at)).kv("sender_id", c.id).
				raw(`,"target":{"recipient_id":`).str(st.account).raw(`},"last_read_event_id":`).str(it.ref).raw(`}`)
		}
		w.raw(`]`)
	case itTyping:
		w.raw(`"direct_message_indicate_typing_events":[{"created_timestamp":`).str(msString(it0.at)).
			kv("sender_id", c.id).raw(`,"target":{"recipient_id":`).str(st.account).raw(`}}]`)
	default:
		xDMs(w, p)
		if it0.kind == itBusiness {
			app := p.tenant.xPlatformApp
			if it0.by == byBot {
				app = p.tenant.xBotApp
			}
			w.raw(`,"apps":{`).str(app).raw(`:{"id":`).str(app).kv("name", p.tenant.id+" desk").
				kv("url", "https://desk.example.com").raw(`}}`)
		}
	}
	w.raw(`,"users":{`).str(c.id).raw(`:{"id":`).str(c.id).kv("name", c.name).kv("screen_name", c.username).
		raw(`},`).str(st.account).raw(`:{"id":`).str(st.account).kv("name", p.tenant.id+" support").
		kv("screen_name", st.screenName).raw(`}}}`)
	return w.b
}

func msString(ms int64) string { return itoa(ms) }

// xDMs writes the direct_message_events array.
func xDMs(w *jw, p *pending) {
	st, c := p.st, p.cust
	w.raw(`"direct_message_events":[`)
	for i := range p.items {
		it := &p.items[i]
		from, to := c.id, st.account
		if it.kind == itBusiness {
			from, to = to, from
		}
		w.comma(i).raw(`{"type":"message_create","id":`).str(it.id).kv("created_timestamp", msString(it.at)).
			raw(`,"message_create":{"target":{"recipient_id":`).str(to).raw(`},"sender_id":`).str(from)
		if it.kind == itBusiness {
			app := p.tenant.xPlatformApp
			if it.by == byBot {
				app = p.tenant.xBotApp
			}
			w.kv("source_app_id", app)
		}
		w.raw(`,"message_data":{"text":`).str(it.text).
			raw(`,"entities":{"hashtags":[],"symbols":[],"user_mentions":[],"urls":[]}`)
		switch it.ctype {
		case "quick_reply":
			w.raw(`,"quick_reply_response":{"type":"options","metadata":`).str(it.extra).raw(`}`)
		case "photo":
			media := "https://ton.twitter.com/1.1/ton/data/dm/" + it.id + "/" + it.extra + "/photo.jpg"
			w.raw(`,"attachment":{"type":"media","media":{"id":`).raw(it.extra).kv("id_str", it.extra).
				kv("media_url_https", media).kv("url", "https://t.co/"+it.extra[:10]).
				kv("expanded_url", "https://twitter.com/messages/media/"+it.id).raw(`,"type":"photo"}}`)
		}
		w.raw(`}}}`)
	}
	w.raw(`]`)
}
