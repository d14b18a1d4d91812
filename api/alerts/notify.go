package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// SignatureHeader carries a notification's signature: "sha256=" and the
// hex HMAC-SHA256 of the body under the notify target's secret.
const SignatureHeader = "X-Floorwatch-Signature"

// Sign returns the SignatureHeader value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is body's signature under secret, in
// constant time: what a receiver does before trusting a notification.
func Verify(secret, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(sum, m.Sum(nil))
}

// notificationID derives a change's id from what makes it that change,
// so whoever sends it, however often, sends the same id.
func notificationID(tenant, rule, state string, at schemas.Time) string {
	sum := sha256.Sum256([]byte(tenant + "\x00" + rule + "\x00" + state + "\x00" + at.String()))
	return hex.EncodeToString(sum[:16])
}

// Target is one receiver of a tenant's notifications.
type Target struct {
	URL    string
	Secret []byte
}

// sender POSTs notifications until a 2xx.
type sender struct {
	client       *http.Client
	timeout      time.Duration
	retryInitial time.Duration
	retryMax     time.Duration
	userAgent    string
	metrics      *Metrics
}

// deliver POSTs body to t until it answers 2xx, pausing between attempts
// (backoff); it gives up only when ctx ends.
func (s *sender) deliver(ctx context.Context, t Target, body []byte) error {
	for attempt := 0; ; attempt++ {
		err := s.post(ctx, t, body)
		if err == nil {
			s.metrics.attempts.WithLabelValues("delivered").Inc()
			return nil
		}
		s.metrics.attempts.WithLabelValues("failed").Inc()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt, s.retryInitial, s.retryMax, rand.Float64)):
		}
	}
}

func (s *sender) post(ctx context.Context, t Target, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.userAgent)
	req.Header.Set(SignatureHeader, Sign(t.Secret, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	// Drain a little so the connection can be reused; receivers answer small.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("notify: %d", resp.StatusCode)
	}
	return nil
}

// backoff is the pause after the attempt-th failure (from 0): initial
// doubling up to max, then a random point in its upper half, so that
// evaluators retrying one receiver after its outage do not come back in
// step.
func backoff(attempt int, initial, max time.Duration, rnd func() float64) time.Duration {
	d := max
	if attempt < 32 && initial<<attempt < max && initial<<attempt > 0 {
		d = initial << attempt
	}
	return d/2 + time.Duration(rnd()*float64(d/2))
}
