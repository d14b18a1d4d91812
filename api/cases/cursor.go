package cases

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// cursorPosition is a case's place in its list: the sort key (a flag that
// puts cases without the key last, the key's time) and the conversation id
// that breaks ties. Lists are ordered by it, ascending.
type cursorPosition struct {
	Last bool  // sorted after every case that has a time (no window)
	At   int64 // unix ms of the sort key
	ID   string
}

// cursor is what a next_cursor token holds: the list, a fingerprint of
// the filters it was made under, and the position of the page's last case.
// The token is base64url JSON: opaque to clients, readable in a log.
type cursor struct {
	V       int    `json:"v"`
	List    string `json:"l"`
	Filters string `json:"f"`
	Last    bool   `json:"n,omitempty"`
	At      int64  `json:"t"`
	ID      string `json:"id"`
}

// ErrBadCursor is returned for a cursor that was not made by this API, or
// for another list or other filters.
var ErrBadCursor = errors.New("cursor does not continue this list with these filters")

func (q *Query) fingerprint() string {
	h := sha256.New()
	for _, s := range []string{q.List, q.Channel, q.InteractionType, q.Team, q.Operator} {
		h.Write([]byte(strconv.Quote(s)))
	}
	if q.List == ListAtRisk {
		h.Write([]byte(q.Within.String()))
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

func encodeCursor(q *Query, p cursorPosition) string {
	b, _ := json.Marshal(cursor{V: 1, List: q.List, Filters: q.fingerprint(), Last: p.Last, At: p.At, ID: p.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of q's list and filters.
func decodeCursor(q *Query) (cursorPosition, error) {
	b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	if err != nil {
		return cursorPosition{}, ErrBadCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != 1 || c.ID == "" {
		return cursorPosition{}, ErrBadCursor
	}
	if c.List != q.List || c.Filters != q.fingerprint() {
		return cursorPosition{}, ErrBadCursor
	}
	return cursorPosition{Last: c.Last, At: c.At, ID: c.ID}, nil
}

func (p cursorPosition) time() time.Time { return time.UnixMilli(p.At).UTC() }
