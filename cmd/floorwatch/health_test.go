package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestReadyzIsReadyOnlyWhenEveryRoleIsAndNotWhileStopping(t *testing.T) {
	h := newHealth("ingest", "sink")
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	h.stopOn(ctx)
	reg := prometheus.NewRegistry()
	addr := freeAddr(t)
	stopMetrics, err := serveMetrics(addr, reg, h, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stopMetrics()
	base := "http://" + addr

	expect := func(path string, status int, body string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != status || !strings.Contains(string(b), body) {
			t.Errorf("GET %s: %d %q, want %d containing %q", path, resp.StatusCode, b, status, body)
		}
	}
	expect("/healthz", 200, "ok")
	expect("/readyz", 503, "ingest: not ready: starting\nsink: not ready: starting\n")

	h.ready("ingest", func(context.Context) error { return nil })
	expect("/readyz", 503, "ingest: ok\nsink: not ready: starting\n")

	sinkErr := errors.New("clickhouse: connection refused")
	h.ready("sink", func(context.Context) error { return sinkErr })
	expect("/readyz", 503, "sink: not ready: clickhouse: connection refused\n")

	sinkErr = nil
	h.ready("sink", func(context.Context) error { return sinkErr })
	expect("/readyz", 200, "ingest: ok\nsink: ok\n")

	stop() // the shutdown signal
	for i := 0; i < 100 && !h.stopping.Load(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	expect("/readyz", 503, "stopping")
	expect("/healthz", 200, "ok") // alive until the listener closes, last
}

func TestANilHealthIgnoresRoles(t *testing.T) {
	var h *health
	h.ready("ingest", func(context.Context) error { return nil }) // must not panic
}

func TestProbeExitsZeroOnlyOn200(t *testing.T) {
	h := newHealth("sink")
	addr := freeAddr(t)
	stop, err := serveMetrics(addr, prometheus.NewRegistry(), h, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if code, _, stderr := runCLI(t, "", "probe", "http://"+addr+"/readyz"); code != 1 || !strings.Contains(stderr, "503") {
		t.Errorf("probe of a starting role: exit %d, stderr %q; want 1 naming 503", code, stderr)
	}
	h.ready("sink", func(context.Context) error { return nil })
	if code, _, stderr := runCLI(t, "", "probe", "http://"+addr+"/readyz"); code != 0 {
		t.Errorf("probe of a ready role: exit %d, stderr %q; want 0", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "probe", "--timeout", "200ms", "http://"+freeAddr(t)+"/readyz"); code != 1 {
		t.Errorf("probe of a closed port: exit %d, want 1", code)
	}
}
