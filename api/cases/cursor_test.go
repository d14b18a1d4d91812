package cases

import (
	"errors"
	"testing"
	"time"
)

// A cursor decodes to the position it was made from, for its own list
// and filters only.
func TestACursorRoundTripsForItsListAndFiltersOnly(t *testing.T) {
	q := Query{List: ListToRecover, Team: "sales", Within: DefaultWithin}
	pos := cursorPosition{Last: true, At: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).UnixMilli(), ID: "c|1"}
	q.Cursor = encodeCursor(&q, pos)
	got, err := decodeCursor(&q)
	if err != nil || got != pos {
		t.Fatalf("decoded %+v, %v; want %+v", got, err, pos)
	}
	for _, other := range []Query{{List: ListExpired, Team: "sales"}, {List: ListToRecover, Team: "Sales"},
		{List: ListToRecover, Team: "sales", Operator: "ana"}, {List: ListToRecover}} {
		other.Cursor = q.Cursor
		if _, err := decodeCursor(&other); !errors.Is(err, ErrBadCursor) {
			t.Errorf("%+v: %v, want ErrBadCursor", other, err)
		}
	}
	atRisk := Query{List: ListAtRisk, Within: 10 * time.Minute}
	atRisk.Cursor = encodeCursor(&atRisk, pos)
	atRisk.Within = 5 * time.Minute
	if _, err := decodeCursor(&atRisk); !errors.Is(err, ErrBadCursor) {
		t.Errorf("an at-risk cursor under another horizon: %v", err)
	}
}

// Whatever a client sends as a cursor, decoding it never panics and
// either fails with ErrBadCursor or gives a position with an id.
func FuzzDecodeCursor(f *testing.F) {
	q := Query{List: ListQueued}
	f.Add(encodeCursor(&q, cursorPosition{At: 1, ID: "x"}))
	f.Add("")
	f.Add("eyJ2IjoxfQ")
	f.Add("not base64!")
	f.Fuzz(func(t *testing.T, s string) {
		q := Query{List: ListQueued, Cursor: s}
		pos, err := decodeCursor(&q)
		if err != nil && !errors.Is(err, ErrBadCursor) {
			t.Fatalf("error %v is not ErrBadCursor", err)
		}
		if err == nil && pos.ID == "" {
			t.Fatalf("a cursor without an id decoded: %q", s)
		}
	})
}
