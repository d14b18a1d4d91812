package schemas

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The processors decode every event of the events topic: with reflection
// and the validation pass of encoding/json that was a quarter of their CPU.
// decodeEventJSON reads the flat object an Event is, field by field,
// exactly as encoding/json would (a fuzz test compares them). Whatever it
// is not sure to read the same way (a key that differs from a field name
// only by case, a string with escapes or non-ASCII bytes for a time) it
// hands to encoding/json, for that token or the whole record.

var errFallback = errors.New("not on the fast path")

// decodeEventJSON decodes b into e, or returns an error.
func decodeEventJSON(b []byte, e *Event) error {
	err := fastEvent(b, e)
	if errors.Is(err, errFallback) {
		*e = Event{}
		return json.Unmarshal(b, e)
	}
	return err
}

func fastEvent(b []byte, e *Event) error {
	s := scanner{b: b}
	s.space()
	if !s.eat('{') {
		return errFallback
	}
	s.space()
	if s.eat('}') {
		return s.end()
	}
	for {
		s.space()
		key, ok := s.plainString()
		if !ok {
			return errFallback
		}
		s.space()
		if !s.eat(':') {
			return errFallback
		}
		s.space()
		start := s.i
		if !s.skipValue() {
			return errFallback
		}
		if err := e.setField(key, b[start:s.i]); err != nil {
			return err
		}
		s.space()
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			return s.end()
		}
		return errFallback
	}
}

// setField sets the field named key from its raw JSON value.
func (e *Event) setField(key string, raw []byte) error {
	var p *string
	switch key {
	case "v":
		return setInt(&e.V, raw)
	case "kind":
		return setString((*string)(&e.Kind), raw)
	case "id":
		p = &e.ID
	case "tenant":
		p = &e.Tenant
	case "channel":
		return setString((*string)(&e.Channel), raw)
	case "account_id":
		p = &e.AccountID
	case "customer_id":
		p = &e.CustomerID
	case "customer_alt_id":
		p = &e.CustomerAltID
	case "customer_name":
		p = &e.CustomerName
	case "message_id":
		p = &e.MessageID
	case "target_message_id":
		p = &e.TargetMessageID
	case "occurred_at":
		return setTime(&e.OccurredAt, raw)
	case "received_at":
		return setTime(&e.ReceivedAt, raw)
	case "clamped":
		return setBool(&e.Clamped, raw)
	case "original_occurred_at":
		return setTime(&e.OriginalOccurredAt, raw)
	case "text":
		p = &e.Text
	case "content_type":
		p = &e.ContentType
	case "status":
		p = &e.Status
	case "error_code":
		p = &e.ErrorCode
	case "app_id":
		p = &e.AppID
	case "human_agent":
		return setBool(&e.HumanAgent, raw)
	case "interaction_type":
		p = &e.InteractionType
	case "team":
		p = &e.Team
	case "operator":
		p = &e.Operator
	case "to_team":
		p = &e.ToTeam
	case "to_operator":
		p = &e.ToOperator
	case "source":
		p = &e.Source
	case "by":
		p = &e.By
	case "conversation_id":
		p = &e.ConversationID
	default:
		// encoding/json matches field names without regard to case.
		if _, ok := eventFieldsFolded[strings.ToLower(key)]; ok {
			return errFallback
		}
		return nil
	}
	return setString(p, raw)
}

// eventFieldsFolded are Event's JSON names (lower case already).
var eventFieldsFolded = map[string]struct{}{"v": {}, "kind": {}, "id": {}, "tenant": {}, "channel": {},
	"account_id": {}, "customer_id": {}, "customer_alt_id": {}, "customer_name": {}, "message_id": {},
	"target_message_id": {}, "occurred_at": {}, "received_at": {}, "clamped": {}, "original_occurred_at": {},
	"text": {}, "content_type": {}, "status": {}, "error_code": {}, "app_id": {}, "human_agent": {},
	"interaction_type": {}, "team": {}, "operator": {}, "to_team": {}, "to_operator": {}, "source": {}, "by": {},
	"conversation_id": {}}

func isNull(raw []byte) bool { return string(raw) == "null" }

func setString(p *string, raw []byte) error {
	if isNull(raw) {
		return nil
	}
	if len(raw) < 2 || raw[0] != '"' {
		return errFallback
	}
	in := raw[1 : len(raw)-1]
	for _, c := range in {
		if c == '\\' || c >= 0x80 {
			v, ok := UnquoteJSON(in, true)
			if !ok {
				return json.Unmarshal(raw, p) // let encoding/json say what is wrong
			}
			*p = v
			return nil
		}
	}
	*p = string(in)
	return nil
}

// UnquoteJSON decodes the inside of a JSON string whose syntax was
// checked: escapes (\uXXXX with surrogate pairs). With replace, as
// encoding/json does, a lone surrogate and an invalid UTF-8 byte read as
// U+FFFD; without, either makes it report false (decoders differ there).
func UnquoteJSON(in []byte, replace bool) (string, bool) {
	out := make([]byte, 0, len(in)+8)
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '\\':
			if i+1 >= len(in) {
				return "", false
			}
			switch in[i+1] {
			case '"', '\\', '/':
				out = append(out, in[i+1])
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(in[i+2:])
				if !ok {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) && i+6 <= len(in) && in[i] == '\\' && in[i+1] == 'u' {
					if r2, ok := hex4(in[i+2:]); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							i += 6
							continue
						}
					}
				}
				if utf16.IsSurrogate(r) {
					if !replace {
						return "", false
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return "", false
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(in[i:])
			if r == utf8.RuneError && size == 1 && !replace {
				return "", false
			}
			out = utf8.AppendRune(out, r) // RuneError for an invalid byte, as encoding/json
			i += size
		}
	}
	return string(out), true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 || b[0] == '+' || b[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(v), err == nil
}

func setTime(t *Time, raw []byte) error { return t.UnmarshalJSON(raw) }

func setBool(p *bool, raw []byte) error {
	switch string(raw) {
	case "true":
		*p = true
	case "false":
		*p = false
	case "null":
	default:
		return errFallback
	}
	return nil
}

func setInt(p *int, raw []byte) error {
	if isNull(raw) {
		return nil
	}
	if !validNumber(raw) {
		return errFallback
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return errFallback
	}
	*p = int(v)
	return nil
}

// validNumber reports whether raw is a JSON number.
func validNumber(raw []byte) bool {
	i := 0
	if i < len(raw) && raw[i] == '-' {
		i++
	}
	switch {
	case i < len(raw) && raw[i] == '0':
		i++
	case i < len(raw) && raw[i] >= '1' && raw[i] <= '9':
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(raw) && raw[i] == '.' {
		i++
		if i == len(raw) || raw[i] < '0' || raw[i] > '9' {
			return false
		}
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		i++
		if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
			i++
		}
		if i == len(raw) || raw[i] < '0' || raw[i] > '9' {
			return false
		}
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
	}
	return i == len(raw)
}

// scanner walks a JSON text. Its methods report false on anything it
// does not read exactly as encoding/json would; the caller then falls
// back to encoding/json.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end checks nothing but white space follows.
func (s *scanner) end() error {
	s.space()
	if s.i != len(s.b) {
		return errFallback
	}
	return nil
}

// plainString reads a string without escapes or bytes outside printable
// ASCII (every key of Event).
func (s *scanner) plainString() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return string(s.b[start : s.i-1]), true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
		s.i++
	}
	return "", false
}

// skipValue moves past one JSON value, checking its syntax.
func (s *scanner) skipValue() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.skipString()
	case c == '{':
		return s.skipContainer('{', '}', true)
	case c == '[':
		return s.skipContainer('[', ']', false)
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		start := s.i
		for s.i < len(s.b) && strings.IndexByte("+-.eE0123456789", s.b[s.i]) >= 0 {
			s.i++
		}
		return validNumber(s.b[start:s.i])
	}
	return false
}

func (s *scanner) literal(l string) bool {
	if len(s.b)-s.i >= len(l) && string(s.b[s.i:s.i+len(l)]) == l {
		s.i += len(l)
		return true
	}
	return false
}

// skipString moves past a string; its escapes must be well formed and it
// may hold no control character (UTF-8 validity is left to the string's
// own decoding).
func (s *scanner) skipString() bool {
	s.i++
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			s.i++
			if s.i >= len(s.b) {
				return false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(s.b)-s.i < 5 {
					return false
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				s.i += 4
			default:
				return false
			}
		}
		s.i++
	}
	return false
}

func (s *scanner) skipContainer(open, close byte, object bool) bool {
	s.i++ // open
	s.space()
	if s.eat(close) {
		return true
	}
	for {
		s.space()
		if object {
			if s.i >= len(s.b) || s.b[s.i] != '"' || !s.skipString() {
				return false
			}
			s.space()
			if !s.eat(':') {
				return false
			}
			s.space()
		}
		if !s.skipValue() {
			return false
		}
		s.space()
		if s.eat(',') {
			continue
		}
		return s.eat(close)
	}
}
