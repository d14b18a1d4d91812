package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
)

// ingest handles every Decoder route: admit, read the raw body, decode,
// publish, and answer only after Kafka acknowledged.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request) {
	route := decode.Route(r.URL.Path)
	// Only API keys are throttled: a webhook signature is an HMAC that
	// trying cannot guess, and a platform sends every tenant's webhooks
	// from the same addresses, which one tenant's wrong secret must not
	// lock out.
	limited := route == decode.RouteEvents && s.opts.AuthLimiter != nil
	var client string
	if limited {
		client = ratelimit.ClientKey(r.RemoteAddr)
		if !s.allowClient(w, route, client) {
			return
		}
	}
	if !s.admit(r.Context()) {
		w.Header().Set("Retry-After", "1")
		o := decode.ErrorOutcome(http.StatusServiceUnavailable, "saturated", "too many requests in flight; retry")
		o.Route = route
		s.answer(w, &o)
		return
	}
	defer func() { <-s.slots }()
	s.opts.Metrics.inFlight.Inc()
	defer s.opts.Metrics.inFlight.Dec()

	receivedAt := s.opts.Now()
	body, err := s.readBody(w, r)
	if err != nil {
		o := bodyErrorOutcome(err)
		o.Route = route
		s.answer(w, &o)
		return
	}
	var query url.Values // only a handshake reads it
	if r.Method == http.MethodGet {
		query = r.URL.Query()
	}
	o := s.opts.Decoder.Decode(r.Method, r.URL.Path, query, r.Header, body, receivedAt)
	if limited && (o.Status == http.StatusUnauthorized || o.Status == http.StatusForbidden) {
		s.opts.AuthLimiter.Failed(client)
	}
	if len(o.Events) > 0 || o.DeadLetter != nil {
		s.publish(r.Context(), &o)
	}
	s.answer(w, &o)
}

// allowClient answers 429 with Retry-After, and reports false, when
// client failed to authenticate too often (ServerOptions.AuthLimiter).
func (s *Server) allowClient(w http.ResponseWriter, route, client string) bool {
	ok, wait := s.opts.AuthLimiter.Allow(client)
	if ok {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
	o := decode.ErrorOutcome(http.StatusTooManyRequests, "auth_throttled", "too many failed authentications from this address; retry later")
	o.Route = route
	s.answer(w, &o)
	return false
}

// admit takes an in-flight slot, waiting at most AdmitWait.
func (s *Server) admit(ctx context.Context) bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(s.opts.AdmitWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// readBody reads the whole raw body, refusing more than MaxBodyBytes.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := s.opts.Decoder.MaxBodyBytes()
	if limit <= 0 {
		return io.ReadAll(r.Body)
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	return buf.Bytes(), err
}

func bodyErrorOutcome(err error) decode.Outcome {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return decode.ErrorOutcome(http.StatusRequestEntityTooLarge, "too_large", "body is larger than "+strconv.FormatInt(mbe.Limit, 10)+" bytes")
	}
	return decode.ErrorOutcome(http.StatusBadRequest, "unreadable_body", "could not read the body")
}

// publish writes o's records; if Kafka does not acknowledge all of them
// within PublishTimeout, o becomes a 503 so the sender retries.
func (s *Server) publish(ctx context.Context, o *decode.Outcome) {
	msgs, err := messages(o, s.opts.Topics)
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, s.opts.PublishTimeout)
		start := time.Now()
		err = s.opts.Publisher.Publish(ctx, msgs)
		cancel()
		s.opts.Metrics.produceLatency.Observe(time.Since(start).Seconds())
	}
	if err == nil {
		return
	}
	s.opts.Metrics.publishFailures.WithLabelValues(o.Route).Inc()
	s.opts.Logger.Error("publish failed", "route", o.Route, "channel", string(o.Channel), "tenant", o.Tenant,
		"records", len(msgs), "err", err)
	failed := decode.ErrorOutcome(http.StatusServiceUnavailable, "publish_failed", "events could not be stored; retry")
	failed.Route, failed.Channel, failed.Tenant = o.Route, o.Channel, o.Tenant
	*o = failed
}

// answer writes o and accounts for it in metrics and logs.
func (s *Server) answer(w http.ResponseWriter, o *decode.Outcome) {
	h := w.Header()
	h["Content-Type"] = contentTypeValue(o.ContentType)
	if o.Allow != "" {
		h.Set("Allow", o.Allow)
	}
	w.WriteHeader(o.Status)
	_, _ = w.Write(o.Response)
	s.account(o)
}

func (s *Server) account(o *decode.Outcome) {
	m := s.opts.Metrics
	m.requests.WithLabelValues(o.Route, statusLabel(o.Status)).Inc()
	// The request's logger is built only when a line is written: on the
	// hot path (accepted, debug off) it would be an allocation per request.
	log := func() *slog.Logger {
		return s.opts.Logger.With("route", o.Route, "channel", string(o.Channel), "tenant", o.Tenant)
	}
	if o.Status != http.StatusOK {
		level := slog.LevelInfo
		if o.Status >= 500 {
			level = slog.LevelWarn
		}
		log().Log(context.Background(), level, "request refused", "status", o.Status, "reason", o.Reason)
		return
	}
	for i := range o.Events {
		e := &o.Events[i]
		ch := string(e.Channel)
		if ch == "" {
			ch = "none"
		}
		m.published.WithLabelValues(ch, string(e.Kind)).Inc()
	}
	for _, ig := range o.Ignored {
		m.ignored.WithLabelValues(string(o.Channel), labelValue(ig.Type)).Inc()
	}
	if o.Clamped > 0 {
		m.clamped.WithLabelValues(string(o.Channel)).Add(float64(o.Clamped))
		log().Warn("event times beyond the allowed skew clamped to the arrival time", "events", o.Clamped)
	}
	if o.DeadLetter != nil {
		m.deadLetters.WithLabelValues(o.Route, o.Reason).Inc()
		log().Warn("body dead-lettered", "reason", o.Reason, "err", o.DeadLetter.Reason)
	}
	if s.opts.Logger.Enabled(context.Background(), slog.LevelDebug) {
		log().Debug("request accepted", "events", len(o.Events), "ignored", len(o.Ignored))
	}
}

// The header values of the Decoder's content types, built once: setting
// the header would allocate a value slice per request. The server never
// changes a value slice once set.
var (
	jsonContentType = []string{decode.ContentJSON}
	textContentType = []string{decode.ContentText}
)

func contentTypeValue(ct string) []string {
	switch ct {
	case decode.ContentJSON:
		return jsonContentType
	case decode.ContentText:
		return textContentType
	}
	return []string{ct}
}

// statusLabels are the metric labels of the HTTP statuses, built once.
var statusLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func statusLabel(status int) string {
	if status >= 0 && status < len(statusLabels) {
		return statusLabels[status]
	}
	return strconv.Itoa(status)
}
