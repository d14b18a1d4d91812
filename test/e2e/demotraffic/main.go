// Command demotraffic posts a small recorded requests file, signed with a
// configuration's development secrets, to a running ingest (`make
// demo-traffic`), then prints the report command that shows its numbers.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/test/e2e"
)

func main() {
	cfgPath := flag.String("config", "config.yaml", "configuration whose secrets sign the requests")
	requests := flag.String("requests", "test/e2e/testdata/requests.jsonl", "recorded requests, one JSON object per line")
	base := flag.String("url", "", "ingest base URL (default http:// + ingest.listen)")
	wait := flag.Duration("wait", time.Minute, "how long to wait for ingest to be ready")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *cfgPath, *requests, *base, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "demotraffic:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfgPath, requests, base string, wait time.Duration) error {
	cfg, err := config.Load(cfgPath, os.Getenv)
	if err != nil {
		return err
	}
	if base == "" {
		base = "http://" + cfg.Ingest.Listen
	}
	f, err := os.Open(requests)
	if err != nil {
		return err
	}
	defer f.Close()
	reqs, err := e2e.ReadRequests(f)
	if err != nil {
		return err
	}
	s := e2e.NewSigner(cfg)
	signed := make([]schemas.Request, len(reqs))
	for i, r := range reqs {
		signed[i] = s.Sign(r)
	}
	if err := awaitReady(ctx, base, wait); err != nil {
		return err
	}
	statuses, err := e2e.Post(ctx, http.DefaultClient, base, signed)
	if err != nil {
		return err
	}
	fmt.Printf("posted %d requests to %s, answers by status: %v\n", len(signed), base, statuses)
	fmt.Printf("after a few seconds:\n  bin/floorwatch report --config %s --from 2026-11-18T00:00:00Z --to 2026-11-19T00:00:00Z --by tenant,team\n", cfgPath)
	return nil
}

// awaitReady polls GET /readyz until it answers 200.
func awaitReady(ctx context.Context, base string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ingest at %s not ready after %s (is `make up` running?)", base, wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
