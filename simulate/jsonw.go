package simulate

import (
	"strconv"
	"unicode/utf8"
)

// jw appends JSON by hand: field order and string escaping are part of
// what a platform sends, and the signature covers those exact bytes.
// meta selects Meta's escaping (every non-ASCII rune as \uXXXX in
// lowercase hex, '/' as "\/"); otherwise strings are raw UTF-8, as X and
// the contact-center platform send them.
type jw struct {
	b    []byte
	meta bool
}

func (w *jw) raw(s string) *jw { w.b = append(w.b, s...); return w }

func (w *jw) num(n int64) *jw { w.b = strconv.AppendInt(w.b, n, 10); return w }

// str appends s as a JSON string.
func (w *jw) str(s string) *jw {
	w.b = appendString(w.b, s, w.meta)
	return w
}

// key appends "key": after a comma unless it opens an object.
func (w *jw) key(k string) *jw {
	if n := len(w.b); n > 0 && w.b[n-1] != '{' && w.b[n-1] != '[' {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	return w
}

// kv appends "key":"value".
func (w *jw) kv(k, v string) *jw { return w.key(k).str(v) }

// comma separates array elements.
func (w *jw) comma(i int) *jw {
	if i > 0 {
		w.b = append(w.b, ',')
	}
	return w
}

const hexDigits = "0123456789abcdef"

func appendString(b []byte, s string, meta bool) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '/' && meta:
				b = append(b, '\\', '/')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = appendU(b, rune(c))
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !meta {
			b = append(b, s[i:i+size]...)
		} else if r >= 0x10000 {
			r -= 0x10000
			b = appendU(b, 0xd800+(r>>10))
			b = appendU(b, 0xdc00+(r&0x3ff))
		} else {
			b = appendU(b, r)
		}
		i += size
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
