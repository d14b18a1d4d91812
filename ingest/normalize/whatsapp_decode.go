package normalize

import (
	"bytes"
	"unicode/utf8"

	"github.com/floorwatch/floorwatch/schemas"
)

// decodeWABody fills b from body as json.Unmarshal(body, b) would, without
// reflection: one walk over the bytes, ids and plain strings sliced from
// them. body must be valid JSON with plain, unrepeated names (Webhook
// checks the first, plainNames the second). It reports false whenever it
// is not sure to read exactly what the typed decoder would (a value of
// the wrong type, a null where an item is expected, a name that differs
// from a field's only by case, a string escape it does not decode
// itself): the item-by-item reading then takes the body, as it takes
// every body the typed decoder refuses.
func decodeWABody(body []byte, b *waBody) bool {
	r := waReader{b: body}
	ok := r.object(func(name []byte) bool {
		switch string(name) {
		case "object":
			return optional(&r, &b.Object, r.str)
		case "entry":
			return array(&r, &b.Entry, r.entry)
		}
		return r.unknown(name, "object", "entry")
	})
	r.ws()
	return ok && r.i == len(body)
}

func (r *waReader) entry(e *waBodyEntry) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "id":
			return r.flex(&e.ID)
		case "changes":
			return array(r, &e.Changes, r.change)
		}
		return r.unknown(name, "id", "changes")
	})
}

func (r *waReader) change(ch *waBodyChange) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "field":
			return r.str(&ch.Field)
		case "value":
			return optional(r, &ch.Value, r.items)
		}
		return r.unknown(name, "field", "value")
	})
}

func (r *waReader) items(v *waItems) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "metadata":
			return r.field("phone_number_id", func() bool { return r.flex(&v.Metadata.PhoneNumberID) })
		case "contacts":
			return array(r, &v.Contacts, r.contact)
		case "messages":
			return array(r, &v.Messages, r.message)
		case "statuses":
			return array(r, &v.Statuses, r.status)
		case "message_echoes":
			return array(r, &v.MessageEchoes, r.message)
		case "errors":
			return array(r, &v.Errors, r.waError)
		}
		return r.unknown(name, "metadata", "contacts", "messages", "statuses", "message_echoes", "errors")
	})
}

func (r *waReader) contact(c *waContact) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "wa_id":
			return r.flex(&c.WaID)
		case "user_id":
			return r.flex(&c.UserID)
		case "profile":
			return r.field("name", func() bool { return r.str(&c.Profile.Name) })
		}
		return r.unknown(name, "wa_id", "user_id", "profile")
	})
}

func (r *waReader) waError(e *waError) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "code":
			return r.flex(&e.Code)
		case "title":
			return r.str(&e.Title)
		}
		return r.unknown(name, "code", "title")
	})
}

func (r *waReader) status(s *waStatus) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "id":
			return r.flex(&s.ID)
		case "status":
			return r.str(&s.Status)
		case "timestamp":
			return r.stamp(&s.Timestamp)
		case "recipient_id":
			return r.flex(&s.RecipientID)
		case "recipient_user_id":
			return r.flex(&s.RecipientUserID)
		case "recipient_type":
			return r.str(&s.RecipientType)
		case "errors":
			return array(r, &s.Errors, r.waError)
		}
		return r.unknown(name, "id", "status", "timestamp", "recipient_id", "recipient_user_id", "recipient_type", "errors")
	})
}

func (r *waReader) message(m *waMessage) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "from":
			return r.flex(&m.From)
		case "from_user_id":
			return r.flex(&m.FromUserID)
		case "to":
			return r.flex(&m.To)
		case "to_user_id":
			return r.flex(&m.ToUserID)
		case "id":
			return r.flex(&m.ID)
		case "timestamp":
			return r.stamp(&m.Timestamp)
		case "type":
			return r.str(&m.Type)
		case "group_id":
			return r.flex(&m.GroupID)
		case "context":
			return optional(r, &m.Context, func(v *waContext) bool { return r.field("id", func() bool { return r.flex(&v.ID) }) })
		case "text":
			return optional(r, &m.Text, func(v *waText) bool { return r.field("body", func() bool { return r.str(&v.Body) }) })
		case "image":
			return optional(r, &m.Image, r.captioned)
		case "video":
			return optional(r, &m.Video, r.captioned)
		case "document":
			return optional(r, &m.Document, r.captioned)
		case "interactive":
			return optional(r, &m.Interactive, r.interactive)
		case "button":
			return optional(r, &m.Button, func(v *waButton) bool { return r.field("text", func() bool { return r.str(&v.Text) }) })
		case "reaction":
			return optional(r, &m.Reaction, func(v *waReaction) bool {
				return r.field("message_id", func() bool { return r.flex(&v.MessageID) })
			})
		case "order":
			return optional(r, &m.Order, func(v *waOrder) bool { return r.field("text", func() bool { return r.str(&v.Text) }) })
		case "errors":
			return array(r, &m.Errors, r.waError)
		}
		return r.unknown(name, waMessageNames...)
	})
}

var waMessageNames = []string{"from", "from_user_id", "to", "to_user_id", "id", "timestamp", "type", "group_id",
	"context", "text", "image", "video", "document", "interactive", "button", "reaction", "order", "errors"}

func (r *waReader) captioned(v *waCaptioned) bool {
	return r.field("caption", func() bool { return r.str(&v.Caption) })
}

func (r *waReader) titled(v *waTitled) bool {
	return r.field("title", func() bool { return r.str(&v.Title) })
}

func (r *waReader) interactive(v *waInteractive) bool {
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "button_reply":
			return optional(r, &v.ButtonReply, r.titled)
		case "list_reply":
			return optional(r, &v.ListReply, r.titled)
		case "nfm_reply":
			return optional(r, &v.NfmReply, func(n *waNfmReply) bool { return r.field("body", func() bool { return r.str(&n.Body) }) })
		}
		return r.unknown(name, "button_reply", "list_reply", "nfm_reply")
	})
}

// waReader walks a valid JSON body.
type waReader struct {
	b []byte
	i int
}

func (r *waReader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// next returns the first byte of the next value, or 0 at the end.
func (r *waReader) next() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// null moves past a null and reports whether there was one.
func (r *waReader) null() bool {
	if r.next() == 'n' {
		r.i += len("null")
		return true
	}
	return false
}

// skip moves past the next value and returns it.
func (r *waReader) skip() []byte {
	r.ws()
	start := r.i
	switch r.next() {
	case '"':
		r.i = stringEnd(r.b, r.i+1) + 1
	case '{', '[':
		for depth := 0; r.i < len(r.b); r.i++ {
			switch r.b[r.i] {
			case '"':
				r.i = stringEnd(r.b, r.i+1)
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					r.i++
					return r.b[start:r.i]
				}
			}
		}
	default:
		for r.i < len(r.b) && !valueEnd[r.b[r.i]] {
			r.i++
		}
	}
	return r.b[start:r.i]
}

// valueEnd marks the bytes a number or a literal ends at.
var valueEnd = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\n': true, '\r': true}

// object calls member once per name of the next value, an object, with
// the reader at the name's value, which member must read; a null is an
// object with no names. It reports false for any other value, or when
// member does.
func (r *waReader) object(member func(name []byte) bool) bool {
	if r.null() {
		return true
	}
	if r.next() != '{' {
		return false
	}
	r.i++
	if r.next() == '}' {
		r.i++
		return true
	}
	for {
		r.ws()
		end := stringEnd(r.b, r.i+1)
		name := r.b[r.i+1 : end]
		r.i = end + 1
		r.ws()
		r.i++ // the colon
		if !member(name) {
			return false
		}
		switch r.next() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			return false
		}
	}
}

// field reads an object with one known name into v.
func (r *waReader) field(known string, read func() bool) bool {
	return r.object(func(name []byte) bool {
		if string(name) == known {
			return read()
		}
		return r.unknown(name, known)
	})
}

// unknown skips the value of a name that is no field, or reports false
// when the name is a field's but for case: the typed decoder would fill
// the field.
func (r *waReader) unknown(name []byte, fields ...string) bool {
	for _, f := range fields {
		if bytes.EqualFold(name, []byte(f)) {
			return false
		}
	}
	r.skip()
	return true
}

// array reads the next value, an array of objects, into *dst (a null
// leaves it nil). A null item is refused: the typed decoder would make it
// a zero item, where the item-by-item reading skips it as malformed.
func array[T any](r *waReader, dst *[]T, item func(*T) bool) bool {
	if r.null() {
		return true
	}
	if r.next() != '[' {
		return false
	}
	r.i++
	out := make([]T, 0, 1)
	if r.next() == ']' {
		r.i++
		*dst = out
		return true
	}
	for {
		if r.next() != '{' {
			return false
		}
		out = append(out, *new(T))
		if !item(&out[len(out)-1]) {
			return false
		}
		switch r.next() {
		case ',':
			r.i++
		case ']':
			r.i++
			*dst = out
			return true
		default:
			return false
		}
	}
}

// optional reads the next value, an object or null, into a new *T or nil.
func optional[T any](r *waReader, dst **T, read func(*T) bool) bool {
	if r.null() {
		return true
	}
	*dst = new(T)
	return read(*dst)
}

// flex reads an id (flexID.UnmarshalJSON: a string, an integer or null).
func (r *waReader) flex(dst *flexID) bool {
	return dst.UnmarshalJSON(r.skip()) == nil
}

func (r *waReader) stamp(dst *stamp) bool {
	return dst.UnmarshalJSON(r.skip()) == nil
}

// str reads a string (null leaves dst as it is).
func (r *waReader) str(dst *string) bool {
	if r.null() {
		return true
	}
	if r.next() != '"' {
		return false
	}
	raw := r.skip()
	s, ok := unquote(raw[1 : len(raw)-1])
	*dst = s
	return ok
}

// unquote returns the string a JSON string's contents stand for, or
// false for an invalid UTF-8 byte or a lone surrogate, which decoders
// replace each their own way.
func unquote(b []byte) (string, bool) {
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return string(b), true
	}
	return schemas.UnquoteJSON(b, false)
}
