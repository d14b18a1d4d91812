// Command chaos runs the fault suite of test/chaos against a floorwatch
// binary and prints its summary and, last, the line
// `chaos: acknowledged=N stored=N lost=0 duplicated=0 kills=K broker_restarts=B clickhouse_down_s=S`.
// It exits 0 when every guarantee held, 1 when one broke, 2 on bad flags
// or when the run could not be carried out. scripts/chaos builds and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/floorwatch/floorwatch/test/chaos"
)

func main() {
	short := flag.Bool("short", false, "the short plan of make test (about three minutes) instead of the long one")
	seed := flag.Uint64("seed", 1, "seed of the traffic and of the fault schedule")
	bin := flag.String("bin", "", "floorwatch binary under test (required)")
	root := flag.String("root", ".", "repository root")
	state := flag.String("state", filepath.Join(os.TempDir(), "floorwatch-chaos"), "state dir of the run's services and logs")
	ports := flag.Int("port-base", chaos.DefaultPorts.Base, "first of the run's loopback ports (base..base+294)")
	keep := flag.Bool("keep", false, "keep the state dir after a run that passed")
	traffic := flag.Duration("traffic", 0, "override the plan's traffic duration")
	kills := flag.Int("kills", -1, "override the plan's number of instance kills")
	flag.Parse()
	if *bin == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: chaos --bin FLOORWATCH [--short] [--seed N] [--root DIR] [--state DIR] [--port-base P] [--keep]")
		os.Exit(2)
	}
	plan := chaos.Long
	if *short {
		plan = chaos.Short
	}
	if *traffic > 0 {
		plan.Traffic = *traffic
	}
	if *kills >= 0 {
		plan.Kills = *kills
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chaos:", err)
			os.Exit(2)
		}
		return a
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	res, err := chaos.Run(ctx, chaos.Options{Root: abs(*root), Bin: abs(*bin), State: abs(*state),
		Ports: chaos.Ports{Base: *ports}, Plan: plan, Seed: *seed, Keep: *keep, Progress: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos: the run could not be carried out after %s: %v\n", time.Since(start).Round(time.Second), err)
		if res != nil {
			fmt.Print(res.Summary())
		}
		os.Exit(2)
	}
	fmt.Print(res.Summary())
	fmt.Println(res.Line())
	if !res.OK() {
		os.Exit(1)
	}
}
