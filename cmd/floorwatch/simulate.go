package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"sync/atomic"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
	"github.com/floorwatch/floorwatch/simulate/send"
)

func simulateCommand() command {
	return command{
		name:    "simulate",
		summary: "generate realistic signed traffic for the configured tenants: post it to ingest, write a requests file, or both (SPEC 5)",
		run:     runSimulate,
	}
}

const simulateUsage = "usage: floorwatch simulate [--config F] [--url URL] [--out FILE] [--rate EV/S] " +
	"[--duration D | --conversations N] [--seed S] [--start T]"

// simulateFlags are the flags of `floorwatch simulate`, parsed.
type simulateFlags struct {
	config, url, out, start string
	receiveAlerts           string
	rate, speedup           float64
	duration                time.Duration
	conversations           int
	seed                    uint64
	connections             int
}

// simulateRun is what the flags mean at the moment the command starts.
type simulateRun struct {
	gen  simulate.Options
	send send.Options
}

// runSimulate implements `floorwatch simulate`: progress and the closing
// summary on stderr; exit status 2 for bad flags, 1 for a bad
// configuration or a requests file that cannot be written. Ctrl-C stops
// the run and still prints the summary (status 0).
func runSimulate(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var f simulateFlags
	fs.StringVar(&f.config, "config", configPathDefault(env), "configuration whose tenants, accounts and secrets the traffic uses (env FLOORWATCH_CONFIG)")
	fs.StringVar(&f.url, "url", "", "ingest base URL to post to, e.g. http://127.0.0.1:8080")
	fs.StringVar(&f.out, "out", "", "requests file to write, one JSON line per request (- for stdout)")
	fs.Float64Var(&f.rate, "rate", simulate.DefaultRate, "target rate in events per second: of simulated time; per wall second when --start is in the past with --url")
	fs.DurationVar(&f.duration, "duration", 0, "simulated time to cover (default: until Ctrl-C with --url)")
	fs.IntVar(&f.conversations, "conversations", 0, "stop after this many conversations (and their last request)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed and flags give the same requests")
	fs.StringVar(&f.start, "start", "", "simulated start, RFC 3339 or \"now\" (default now); in the past with --url, the run catches up faster than real time and stops at the present")
	fs.Float64Var(&f.speedup, "speedup", 10, "when catching up from a past --start: how many times faster than real time the simulated clock runs on average")
	fs.IntVar(&f.connections, "connections", 8, "requests in flight at most with --url")
	fs.StringVar(&f.receiveAlerts, "receive-alerts", "", "also play the tenants' alert receivers on this address (host:port): print each notification whose signature verifies")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q\n%s", fs.Arg(0), simulateUsage)
	}
	run, err := f.resolve(time.Now())
	if err != nil {
		return err
	}
	cfg, err := config.Load(f.config, env.getenv)
	if err != nil {
		return reportProblems(env.stderr, err)
	}
	return simulateWith(ctx, env, cfg, f, run)
}

// resolve checks the flags together and decides the run's options as of now.
func (f *simulateFlags) resolve(now time.Time) (simulateRun, error) {
	switch {
	case f.url == "" && f.out == "":
		return simulateRun{}, usageError("nothing to do: give --url, --out or both\n%s", simulateUsage)
	case f.duration != 0 && f.conversations != 0:
		return simulateRun{}, usageError("--duration and --conversations exclude each other")
	case f.url == "" && f.duration == 0 && f.conversations == 0:
		return simulateRun{}, usageError("--out alone needs --duration or --conversations: the traffic never ends by itself")
	case f.rate <= 0 || f.speedup < 1 || f.connections < 1 || f.duration < 0 || f.conversations < 0:
		return simulateRun{}, usageError("--rate must be positive, --speedup at least 1, --connections at least 1, --duration and --conversations not negative")
	}
	start := now
	if f.url == "" {
		start = now.Truncate(time.Second)
	}
	if f.start != "" && f.start != "now" {
		t, err := schemas.ParseTime(f.start)
		if err != nil {
			return simulateRun{}, usageError("--start: %v", err)
		}
		start = t.Time
	}
	r := simulateRun{gen: simulate.Options{Seed: f.seed, Start: start, Rate: f.rate, Conversations: f.conversations},
		send: send.Options{URL: f.url, Connections: f.connections}}
	if f.duration > 0 {
		r.gen.End = start.Add(f.duration)
	}
	switch {
	case f.url == "":
		r.send.Pace = send.AsFast
	case start.After(now.Add(time.Second)):
		return simulateRun{}, usageError("--start is in the future: with --url, simulated time never runs ahead of the wall clock")
	case start.Before(now.Add(-time.Second)):
		r.send.Pace, r.send.Rate = send.CatchUp, f.rate
		r.gen.Rate = f.rate / f.speedup
	default:
		r.send.Pace = send.RealTime
	}
	return r, nil
}

// simulateWith runs the generator into the sender, with progress, and
// prints the summary.
func simulateWith(ctx context.Context, env *cmdEnv, cfg *config.Config, f simulateFlags, run simulateRun) error {
	g, err := simulate.New(cfg, run.gen)
	if err != nil {
		return err
	}
	if f.receiveAlerts != "" {
		stop, err := receiveAlerts(f.receiveAlerts, cfg.Directory(), env.stderr)
		if err != nil {
			return err
		}
		defer stop()
	}
	if f.out != "" {
		var w io.Writer = env.stdout
		if f.out != "-" {
			file, err := os.Create(f.out)
			if err != nil {
				return usageError("--out: %v", err)
			}
			defer file.Close()
			w = file
		}
		run.send.Out = w
	}
	s := send.New(run.send)
	var conversations atomic.Int64
	// The generator is not safe for concurrent use: what progress needs of
	// it is published from the goroutine that reads it.
	reqs := iter.Seq[simulate.Request](func(yield func(simulate.Request) bool) {
		for r := range g.All() {
			conversations.Store(int64(g.Conversations()))
			if !yield(r) {
				return
			}
		}
	})
	stop := startProgress(env.stderr, progressView{start: run.gen.Start, end: run.gen.End,
		conversations: f.conversations, pace: run.send.Pace, now: time.Now()}, s, &conversations)
	err = s.Run(ctx, reqs)
	stop()
	st := s.Stats()
	printSimulateSummary(env.stderr, summaryInput{stats: st, gen: g.Counters(), opts: run.gen, pace: run.send.Pace,
		url: f.url, out: f.out, stopped: ctx.Err() != nil, wallRate: f.rate})
	if err != nil {
		return fmt.Errorf("requests file: %w", err)
	}
	return nil
}
