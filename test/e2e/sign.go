package e2e

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/schemas"
)

// ReadRequests reads a requests file (SPEC 5): one JSON object per line,
// blank lines skipped.
func ReadRequests(r io.Reader) ([]schemas.Request, error) {
	var out []schemas.Request
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 8<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var req schemas.Request
		if err := json.Unmarshal([]byte(line), &req); err != nil {
			return nil, fmt.Errorf("requests line %d: %w", n, err)
		}
		out = append(out, req)
	}
	return out, sc.Err()
}

// Signer signs recorded requests with a configuration's credentials, as
// the platforms would: webhooks get the signature header of the first
// candidate secret that ingest accepts for them, platform events the
// first API key that ingest accepts.
type Signer struct {
	dir  *config.Directory
	keys []string
	dec  *decode.Decoder
}

// NewSigner signs with cfg's secrets and API keys.
func NewSigner(cfg *config.Config) *Signer {
	var keys []string
	for _, k := range cfg.APIKeys {
		keys = append(keys, k.Value())
	}
	for _, t := range cfg.Tenants {
		for _, k := range t.APIKeys {
			keys = append(keys, k.Value())
		}
	}
	dir := cfg.Directory()
	return &Signer{dir: dir, keys: keys, dec: decode.NewDecoder(dir, decode.Options{
		MaxBodyBytes: cfg.Ingest.MaxBodyBytes, MaxBatchEvents: cfg.Ingest.MaxBatchEvents, Verify: true})}
}

// Sign returns r with its credentials replaced: those of the tenant that
// owns it when one is found. A request no credential makes acceptable is
// returned signed with the first candidate (ingest rejects it, and so does
// replay).
func (s *Signer) Sign(r schemas.Request) schemas.Request {
	path, rawQuery, _ := strings.Cut(r.Path, "?")
	q, _ := url.ParseQuery(rawQuery)
	var tries []http.Header
	if ch, ok := strings.CutPrefix(path, "/webhooks/"); ok {
		for _, ts := range s.dir.WebhookSecrets(schemas.Channel(ch)) {
			tries = append(tries, signed(r.Headers, schemas.Channel(ch), ts.Secret, []byte(r.Body)))
		}
	} else {
		for _, k := range s.keys {
			h := clone(r.Headers)
			h.Set("Authorization", "Bearer "+k)
			tries = append(tries, h)
		}
	}
	// Best: 200 with nothing dead-lettered (the right tenant's secret);
	// else the first 200 (a body that cannot be normalized); else the last.
	best, bestRank := -1, 0
	for i, h := range tries {
		o := s.dec.Decode(r.Method, path, q, h, []byte(r.Body), r.ReceivedAt.Time)
		rank := 1
		if o.Status == http.StatusOK {
			rank = 2
			if o.DeadLetter == nil {
				rank = 3
			}
		}
		if rank > bestRank {
			best, bestRank = i, rank
		}
	}
	if best >= 0 {
		r.Headers = schemas.Headers(tries[best])
	}
	return r
}

func signed(h schemas.Headers, ch schemas.Channel, secret, body []byte) http.Header {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	out := clone(h)
	if ch == schemas.X {
		out.Set("X-Twitter-Webhooks-Signature", "sha256="+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	} else {
		out.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(m.Sum(nil)))
	}
	return out
}

func clone(h schemas.Headers) http.Header {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			out.Add(k, v)
		}
	}
	out.Del("Authorization")
	out.Del("X-Hub-Signature-256")
	out.Del("X-Twitter-Webhooks-Signature")
	return out
}
