package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/api/console"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
)

// Route is one API operation: a method and a path in the OpenAPI
// document's form (api/openapi.yaml).
type Route struct {
	Method, Path string
}

// supervisor is who sent a request: the token's tenant and supervisor.
type supervisor struct {
	tenant, name string
}

// handler answers one API route for an authenticated supervisor: a status
// and a JSON body, or an error (an *Error is the client's; any other is
// answered 500, or 503 when the store did not answer in time).
type handler func(r *http.Request, who supervisor) (int, any, error)

type route struct {
	Route
	handle handler
	// shared marks a live read whose answer the tenant's identical
	// requests share for a moment (Options.ShareReadsFor).
	shared bool
}

func (s *Server) apiRoutes() []route {
	return []route{
		{Route{http.MethodGet, "/api/v1/me"}, s.me, false},
		{Route{http.MethodGet, "/api/v1/indicators"}, s.indicators, false},
		{Route{http.MethodGet, "/api/v1/cases"}, s.cases, true},
		{Route{http.MethodGet, "/api/v1/operators"}, s.operators, true},
		{Route{http.MethodGet, "/api/v1/teams"}, s.teams, true},
		{Route{http.MethodGet, "/api/v1/alerts"}, s.alerts, true},
		{Route{http.MethodPost, "/api/v1/cases/{conversation_id}/transfer"}, s.transfer, false},
		{Route{http.MethodPost, "/api/v1/cases/{conversation_id}/recover"}, s.recover, false},
	}
}

// Routes lists the API's operations (not the console's assets).
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.apiRoutes() {
		out = append(out, r.Route)
	}
	return out
}

// routes builds the mux: every API path answers its methods and 405
// otherwise, any other /api/ path 404, all of them as JSON and only for a
// known token (401 before anything else, so that an unauthenticated
// caller learns nothing, not even which paths exist); the console at /.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	byPath := map[string][]route{}
	var paths []string
	for _, r := range s.apiRoutes() {
		if _, ok := byPath[r.Path]; !ok {
			paths = append(paths, r.Path)
		}
		byPath[r.Path] = append(byPath[r.Path], r)
	}
	for _, p := range paths {
		mux.Handle(p, s.authenticated(p, s.dispatch(byPath[p])))
	}
	mux.Handle("/api/", s.authenticated("other", func(w http.ResponseWriter, _ *http.Request, _ supervisor) {
		writeError(w, &Error{Status: http.StatusNotFound, Message: "no such route"})
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("/", console.Handler())
	return mux
}

// dispatch picks the route of the request's method.
func (s *Server) dispatch(rs []route) func(http.ResponseWriter, *http.Request, supervisor) {
	return func(w http.ResponseWriter, r *http.Request, who supervisor) {
		i := slices.IndexFunc(rs, func(rt route) bool { return rt.Method == r.Method })
		if i < 0 {
			var allow []string
			for _, rt := range rs {
				allow = append(allow, rt.Method)
			}
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, &Error{Status: http.StatusMethodNotAllowed, Message: r.Method + " is not allowed here"})
			return
		}
		s.serve(w, r, who, rs[i])
	}
}

// serve runs the route's handler, or shares a recent answer of a live
// read, and answers what it returned.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, who supervisor, rt route) {
	read := func() (int, any, error) { return rt.handle(r, who) }
	if rt.shared {
		// Others may wait for this read: it must not end with this caller.
		shared := r.WithContext(context.WithoutCancel(r.Context()))
		read = func() (int, any, error) { return rt.handle(shared, who) }
	}
	var status int
	var body any
	var err error
	if rt.shared {
		status, body, err = s.shared.get(who.tenant+"\x00"+r.URL.RawQuery+"\x00"+rt.Path, read)
	} else {
		status, body, err = read()
	}
	if err == nil {
		writeJSON(w, status, body)
		return
	}
	var e *Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, context.DeadlineExceeded):
		s.opts.Logger.Warn("api: the store did not answer in time", "tenant", who.tenant, "path", r.URL.Path, "err", err)
		e = &Error{Status: http.StatusServiceUnavailable, Message: "the data store did not answer in time", RetryAfter: time.Second}
	default:
		s.opts.Logger.Error("api: request failed", "tenant", who.tenant, "path", r.URL.Path, "err", err)
		e = &Error{Status: http.StatusInternalServerError, Message: "internal error"}
	}
	writeError(w, e)
}

// authenticated answers 401 unless the request carries a supervisor's
// Bearer token, and counts and times every request under label.
func (s *Server) authenticated(label string, next func(http.ResponseWriter, *http.Request, supervisor)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		s.opts.Metrics.inFlight.Inc()
		defer func() {
			s.opts.Metrics.inFlight.Dec()
			s.opts.Metrics.observe(label, rec.status, time.Since(start))
		}()
		client := ratelimit.ClientKey(r.RemoteAddr)
		if l := s.opts.AuthLimiter; l != nil {
			if ok, wait := l.Allow(client); !ok {
				rec.Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Seconds()+0.999))))
				writeError(rec, &Error{Status: http.StatusTooManyRequests, Message: "too many failed tokens from this address; retry later"})
				return
			}
		}
		who, ok := s.supervisorOf(r)
		if !ok {
			if l := s.opts.AuthLimiter; l != nil {
				l.Failed(client)
			}
			writeError(rec, &Error{Status: http.StatusUnauthorized, Message: "a supervisor's Bearer token is required", Field: "Authorization"})
			return
		}
		next(rec, r, who)
	})
}

func (s *Server) supervisorOf(r *http.Request) (supervisor, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return supervisor{}, false
	}
	tenant, name, ok := s.opts.Directory.SupervisorForToken(strings.TrimSpace(token))
	return supervisor{tenant: tenant, name: name}, ok
}

// statusRecorder remembers the status a handler wrote, for the metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
