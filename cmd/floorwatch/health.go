package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// health is a process's liveness and readiness, served next to /metrics on
// the metrics listener (metrics.listen) for every role, so probes reach
// every role the same way and the webhook port stays the platforms' only:
//
//   - /healthz: 200 while the process serves HTTP (a liveness probe);
//   - /readyz: 200 when every role of the process can do its job (each
//     role's check: ingest, Kafka answers for its topics; process, presence
//     caught up and a member of its group; sink, a member of its group and
//     ClickHouse answers a ping; api, its own check), 503 with one line per
//     role while one is starting or cannot, and from the moment shutdown
//     begins (drain), so that no new traffic or disruption budget counts on
//     a stopping process.
//
// A role that never called ready counts as starting.
type health struct {
	roles    []string
	stopping atomic.Bool

	mu     sync.Mutex
	checks map[string]func(context.Context) error
}

func newHealth(roles ...string) *health {
	return &health{roles: roles, checks: map[string]func(context.Context) error{}}
}

// ready records that role is up and how to tell whether it can work now.
// A nil health (a role run without health endpoints) ignores it.
func (h *health) ready(role string, check func(context.Context) error) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks[role] = check
}

// stopOn turns /readyz to 503 once ctx ends (the shutdown signal).
func (h *health) stopOn(ctx context.Context) {
	go func() {
		<-ctx.Done()
		h.stopping.Store(true)
	}()
}

// check runs every role's check and reports each role's state.
func (h *health) check(ctx context.Context) (ok bool, report string) {
	if h.stopping.Load() {
		return false, "stopping\n"
	}
	var b strings.Builder
	ok = true
	for _, role := range h.roles {
		h.mu.Lock()
		c := h.checks[role]
		h.mu.Unlock()
		var err error
		if c == nil {
			err = fmt.Errorf("starting")
		} else {
			err = c(ctx)
		}
		if err != nil {
			ok = false
			fmt.Fprintf(&b, "%s: not ready: %v\n", role, err)
			continue
		}
		fmt.Fprintf(&b, "%s: ok\n", role)
	}
	return ok, b.String()
}

// register adds /healthz and /readyz to mux.
func (h *health) register(mux *http.ServeMux) {
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writePlain(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		ok, report := h.check(ctx)
		status := http.StatusOK
		if !ok {
			status = http.StatusServiceUnavailable
		}
		writePlain(w, status, report)
	})
}

func writePlain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
