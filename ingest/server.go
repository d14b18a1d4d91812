package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
	"github.com/floorwatch/floorwatch/schemas"
)

// Publisher writes a request's records and returns once Kafka acknowledged
// all of them, or an error (failure, or ctx ended first). *publish.Producer
// is the implementation.
type Publisher interface {
	Publish(ctx context.Context, msgs []publish.Message) error
	Ready(ctx context.Context, topics []string) error
}

// ServerOptions wire a Server. Decoder, Publisher, Metrics and Logger are
// required; zero durations take the defaults noted.
type ServerOptions struct {
	Listen    string // host:port, for Run
	Decoder   *decode.Decoder
	Publisher Publisher
	Topics    schemas.Topics
	Metrics   *Metrics
	Logger    *slog.Logger
	// MaxInFlight bounds the requests handled at once (0: 256). A request
	// that finds no slot within AdmitWait (0: 100ms) gets 503 with
	// Retry-After.
	MaxInFlight int
	AdmitWait   time.Duration
	// PublishTimeout bounds the wait for Kafka's acknowledgement of one
	// request's records (0: 5s); past it the request gets 503.
	PublishTimeout time.Duration
	// DrainTimeout bounds the wait for in-flight requests on shutdown (0: 30s).
	DrainTimeout time.Duration
	// Now is the clock that stamps ReceivedAt (nil: time.Now).
	Now func() time.Time
	// AuthLimiter, when set, throttles client addresses that fail to
	// authenticate (401, 403): past its burst they get 429 with
	// Retry-After before anything of their request is looked at.
	AuthLimiter *ratelimit.Limiter
	// ReadHeaderTimeout and ReadTimeout bound how long a client may take
	// to send its headers and its whole request (0: 10s and 30s), so slow
	// clients cannot hold connections and in-flight slots for long.
	ReadHeaderTimeout, ReadTimeout time.Duration
}

// Server is the ingest HTTP server. Build it with NewServer, then call Run
// (or Serve) once; it returns after ctx ends and in-flight requests are
// answered. The caller closes the Publisher after that, so every request
// that was answered 200 had its records acknowledged.
type Server struct {
	opts     ServerOptions
	slots    chan struct{}
	draining atomic.Bool
	mux      *http.ServeMux
}

// NewServer checks opts and builds the routes.
func NewServer(opts ServerOptions) (*Server, error) {
	if opts.Decoder == nil || opts.Publisher == nil || opts.Metrics == nil || opts.Logger == nil {
		return nil, errors.New("ingest: server needs a Decoder, a Publisher, Metrics and a Logger")
	}
	setDefault(&opts.MaxInFlight, 256)
	setDefault(&opts.AdmitWait, 100*time.Millisecond)
	setDefault(&opts.PublishTimeout, 5*time.Second)
	setDefault(&opts.DrainTimeout, 30*time.Second)
	setDefault(&opts.ReadHeaderTimeout, 10*time.Second)
	setDefault(&opts.ReadTimeout, 30*time.Second)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, slots: make(chan struct{}, opts.MaxInFlight), mux: http.NewServeMux()}
	s.mux.HandleFunc("/healthz", s.healthz)
	s.mux.HandleFunc("/readyz", s.readyz)
	s.mux.HandleFunc("/", s.ingest)
	return s, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Handler returns the server's routes: the Decoder's, /healthz and /readyz.
func (s *Server) Handler() http.Handler { return s.mux }

// Run listens on opts.Listen and serves until ctx ends, then drains.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("ingest: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends. It then reports not ready, stops
// accepting, waits for in-flight requests (at most DrainTimeout) and
// returns. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.ReadTimeout + s.opts.PublishTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.opts.Logger.Info("ingest listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("ingest: serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	dctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(dctx)
	<-errc
	if err != nil {
		return fmt.Errorf("ingest: drain: %w", err)
	}
	s.opts.Logger.Info("ingest drained")
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok\n")
}

// Ready returns nil while the server can take requests: it is not
// draining and Kafka answers metadata for ingest's topics. /readyz answers
// from it, and so does the process's health endpoint.
func (s *Server) Ready(ctx context.Context) error {
	if s.draining.Load() {
		return errDraining
	}
	if err := s.opts.Publisher.Ready(ctx, s.opts.Topics.IngestTopics()); err != nil {
		return fmt.Errorf("kafka not ready: %w", err)
	}
	return nil
}

var errDraining = errors.New("draining")

// readyz is 200 while Ready is nil.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		writeText(w, http.StatusServiceUnavailable, err.Error()+"\n")
		return
	}
	writeText(w, http.StatusOK, "ready\n")
}

func writeText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}
