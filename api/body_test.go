package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/floorwatch/floorwatch/schemas"
)

// Whatever body a client sends, reading it never panics; a body it
// accepts has an idempotency key, valid UTF-8 targets without '|' and,
// for a transfer, a target; a refusal names a status.
func FuzzActionBody(f *testing.F) {
	for _, s := range []string{`{"to_team":"support","idempotency_key":"k"}`, `{}`, `[]`, `null`, `{"to_team":5}`,
		`{"to_operator":"ana","idempotency_key":"k","x":1}`, `{"to_team":"a|b","idempotency_key":"k"}`, "{\"to_team\":\"\\u0000\"}"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body string, transfer bool) {
		kind := schemas.KindRecovered
		if transfer {
			kind = schemas.KindTransferred
		}
		r := httptest.NewRequest(http.MethodPost, "/api/v1/cases/x/transfer", strings.NewReader(body))
		b, e := readActionBody(r, kind)
		if e != nil {
			if e.Status < 400 || e.Status > 499 || e.Message == "" {
				t.Fatalf("refusal %+v", e)
			}
			return
		}
		if strings.TrimSpace(b.IdempotencyKey) == "" || (transfer && b.ToTeam == "" && b.ToOperator == "") {
			t.Fatalf("accepted %+v", b)
		}
		for _, v := range []string{b.ToTeam, b.ToOperator} {
			if strings.Contains(v, "|") || !utf8.ValidString(v) {
				t.Fatalf("accepted target %q", v)
			}
		}
	})
}
