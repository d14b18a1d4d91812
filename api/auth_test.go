package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
)

// Every API request without a supervisor's token, or with one nobody has,
// is 401, whatever the route (unknown ones too) and before anything else.
func TestEveryRouteNeedsAKnownToken(t *testing.T) {
	e := newEnv(t)
	var routes []Route
	for _, r := range e.srv.Routes() {
		routes = append(routes, Route{r.Method, strings.ReplaceAll(r.Path, "{conversation_id}", "aq")})
	}
	routes = append(routes, Route{http.MethodGet, "/api/v1/nope"}, Route{http.MethodDelete, "/api/v1/cases"})
	for _, r := range routes {
		for _, header := range []string{"", "Bearer ", "Bearer not-a-token-of-anyone", "Basic " + acmeToken, acmeToken,
			"Bearer test-acme-api-key-not-a-token"} {
			req, _ := http.NewRequest(r.Method, e.http.URL+r.Path, strings.NewReader(`{"to_team":"x","idempotency_key":"k"}`))
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body [256]byte
			n, _ := resp.Body.Read(body[:])
			resp.Body.Close()
			got := string(body[:n])
			if resp.StatusCode != http.StatusUnauthorized || got != `{"error":"a supervisor's Bearer token is required","field":"Authorization"}`+"\n" ||
				resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q: %d %s, want 401 naming Authorization", r.Method, r.Path, header, resp.StatusCode, got)
			}
		}
	}
	// The scheme is case-insensitive; the token itself is not.
	if a := do(t, e.http.URL, http.MethodGet, "/api/v1/me", "", nil); a.status != http.StatusUnauthorized {
		t.Errorf("no token: %d", a.status)
	}
	req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "bearer "+acmeToken)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("lower-case scheme: %v %v", resp.StatusCode, err)
	}
	if a := do(t, e.http.URL, http.MethodGet, "/api/v1/me", strings.ToUpper(acmeToken), nil); a.status != http.StatusUnauthorized {
		t.Errorf("an upper-cased token: %d, want 401", a.status)
	}
}

// With a token: an unknown API path is a JSON 404, a known path with
// another method a JSON 405 with Allow.
func TestUnknownRoutesAndMethodsAnswerJSON(t *testing.T) {
	e := newEnv(t)
	a := do(t, e.http.URL, http.MethodGet, "/api/v1/nope", acmeToken, nil)
	if a.status != http.StatusNotFound || string(a.body) != `{"error":"no such route","field":null}`+"\n" {
		t.Errorf("unknown path: %d %s", a.status, a.body)
	}
	a = do(t, e.http.URL, http.MethodGet, "/api/v1/cases/aq/transfer", acmeToken, nil)
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST" || a.header.Get("Content-Type") != "application/json" {
		t.Errorf("GET on an action: %d %v %s", a.status, a.header, a.body)
	}
	a = do(t, e.http.URL, http.MethodPost, "/api/v1/cases", acmeToken, "{}")
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET" {
		t.Errorf("POST on the cases: %d %v %s", a.status, a.header, a.body)
	}
}

// Guessing tokens from one address is throttled like ingest's API keys:
// past the burst of wrong tokens, every request from that address is 429
// with Retry-After (a right token too) until the bucket refills; other
// addresses are not touched.
func TestTokenGuessingIsThrottledPerAddress(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	l, err := ratelimit.New(ratelimit.Options{PerMinute: 6, Burst: 3, Now: func() time.Time { return now }}, prometheus.NewRegistry(), "api")
	if err != nil {
		t.Fatal(err)
	}
	e.srv.opts.AuthLimiter = l
	for i := range 3 {
		if a := do(t, e.http.URL, http.MethodGet, "/api/v1/me", "guess", nil); a.status != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i, a.status)
		}
	}
	a := do(t, e.http.URL, http.MethodGet, "/api/v1/me", acmeToken, nil)
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "10" {
		t.Fatalf("after 3 wrong tokens: %d %s Retry-After=%q, want 429 with Retry-After 10", a.status, a.body, a.header.Get("Retry-After"))
	}
	doc := openAPI(t)
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range conform(doc, responseSchema(t, doc, "/api/v1/me", "get", 429), v, "body") {
		t.Errorf("429: %s", p)
	}
	// Another address keeps its own bucket.
	if ok, _ := l.Allow("192.0.2.7"); !ok {
		t.Error("another address is throttled too")
	}
	now = now.Add(10 * time.Second)
	if a := do(t, e.http.URL, http.MethodGet, "/api/v1/me", acmeToken, nil); a.status != http.StatusOK {
		t.Errorf("after Retry-After: %d %s, want 200", a.status, a.body)
	}
}
