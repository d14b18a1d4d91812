package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
	"github.com/floorwatch/floorwatch/schemas"
)

// Directory answers who a token is and what a tenant's settings are.
// *config.Directory is the implementation; it is safe for concurrent use.
type Directory interface {
	// SupervisorForToken returns the tenant and name of the supervisor
	// whose Bearer token is token (compared in constant time).
	SupervisorForToken(token string) (tenant, name string, ok bool)
	// Policy returns a tenant's thresholds, targets and business hours.
	Policy(tenant string) schemas.Policy
	// Channels returns the channels a tenant has accounts on.
	Channels(tenant string) []schemas.Channel
	// AlertRules returns a tenant's alert rules, in configuration order,
	// thresholds in the metric's unit.
	AlertRules(tenant string) []schemas.AlertRule
}

// ReportFunc builds the indicator report of SPEC 5 over [from, to),
// grouped by the dimensions in by, for one tenant only.
// sinks/report.Build with its tenant filter is the implementation.
type ReportFunc func(ctx context.Context, from, to time.Time, by []string, tenant string) (schemas.Report, error)

// Options wire a Server. Directory, Store, Report, Publisher, Metrics and
// Logger are required; zero durations take the defaults noted.
type Options struct {
	Listen    string // host:port, for Run
	Directory Directory
	Store     *cases.Store
	Report    ReportFunc
	Publisher Publisher
	Metrics   *Metrics
	Logger    *slog.Logger
	// PublishTimeout bounds the wait for Kafka's acknowledgement of an
	// action (0: 5s); past it the request gets 503 with Retry-After.
	PublishTimeout time.Duration
	// QueryTimeout bounds each request's reads from ClickHouse (0: 10s);
	// past it the request gets 503.
	QueryTimeout time.Duration
	// ReportTimeout bounds GET /api/v1/indicators (0: 60s): the report
	// runs fourteen queries over the period's conversations.
	ReportTimeout time.Duration
	// DrainTimeout bounds the wait for in-flight requests on shutdown (0: 30s).
	DrainTimeout time.Duration
	// ShareReadsFor is how long the answer of a live read (cases,
	// operators, teams, alerts) is shared by the same tenant's identical requests
	// (0: 500ms; negative: never).
	ShareReadsFor time.Duration
	// Now is the clock of wait ages, at-risk lines and actions (nil: time.Now).
	Now func() time.Time
	// AuthLimiter throttles token guessing per client address (nil: none):
	// past its burst of failed tokens, 429 with Retry-After.
	AuthLimiter *ratelimit.Limiter
}

// Server is the supervisor API and console. Build it with New, then call
// Run (or Serve) once; it returns after ctx ended and the requests in
// flight were answered. The caller closes the Publisher and the Store's
// connection after that, so every action answered 202 was acknowledged.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	actions *recentActions
	shared  *sharedReads
}

// New checks opts and builds the routes.
func New(opts Options) (*Server, error) {
	if opts.Directory == nil || opts.Store == nil || opts.Report == nil || opts.Publisher == nil ||
		opts.Metrics == nil || opts.Logger == nil {
		return nil, errors.New("api: the server needs a Directory, a Store, a Report, a Publisher, Metrics and a Logger")
	}
	setDefault(&opts.PublishTimeout, 5*time.Second)
	setDefault(&opts.QueryTimeout, 10*time.Second)
	setDefault(&opts.ReportTimeout, 60*time.Second)
	setDefault(&opts.DrainTimeout, 30*time.Second)
	setDefault(&opts.ShareReadsFor, 500*time.Millisecond)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, actions: newRecentActions(10000), shared: newSharedReads(opts.ShareReadsFor)}
	s.mux = s.routes()
	return s, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Handler returns the server's routes: the API, the console and /healthz.
func (s *Server) Handler() http.Handler { return s.mux }

// Run listens on opts.Listen and serves until ctx ends, then drains.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("api: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends. It then stops accepting, waits for
// the requests in flight (at most DrainTimeout: an action waits for
// Kafka's answer or its PublishTimeout) and returns. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + max(s.opts.ReportTimeout, s.opts.QueryTimeout+s.opts.PublishTimeout),
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.opts.Logger.Info("api listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("api: serve: %w", err)
	case <-ctx.Done():
	}
	dctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(dctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("api: drain: %w", err)
	}
	s.opts.Logger.Info("api drained")
	return nil
}
