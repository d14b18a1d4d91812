package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
)

// Options configure Run.
type Options struct {
	// Root is the repository (deployments/local/services, config.yaml).
	Root string
	// Bin is the floorwatch binary under test.
	Bin string
	// Config is the configuration (tenants, secrets); default Root/config.yaml.
	Config string
	// State holds the services' data and the logs; removed after a run
	// that passed, unless Keep.
	State string
	Keep  bool
	Ports Ports
	Plan  Plan
	Seed  uint64
	// Expected is the oracle of the indicators (nil: ReplayExpected).
	Expected Expected
	// Progress receives one line per step and fault (nil: discarded).
	Progress io.Writer
}

// run is one Run's state.
type run struct {
	mu      sync.Mutex // res, while the faults run
	o       Options
	res     *Result
	began   time.Time
	svc     *Services
	env     []string
	cfg     *config.Config
	tool    Tool
	fleet   *Fleet
	ingests []string
}

func (r *run) failf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.fail(format, a...)
}

func (r *run) logf(format string, a ...any) {
	if r.o.Progress != nil {
		fmt.Fprintf(r.o.Progress, "chaos: +%5.1fs "+format+"\n", append([]any{time.Since(r.began).Seconds()}, a...)...)
	}
}

// Run starts the run's services and fleet, sends the plan's traffic
// while the faults of Schedule(seed) hit, then proves what was stored.
// An error means the run could not be carried out (services that would
// not start, a context ended); a run that was carried out returns its
// Result, whose Failures say which guarantee broke.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.Plan.validate(); err != nil {
		return nil, err
	}
	if o.Config == "" {
		o.Config = filepath.Join(o.Root, "config.yaml")
	}
	if o.Ports.Base == 0 {
		o.Ports = DefaultPorts
	}
	r := &run{o: o, began: time.Now(), res: &Result{Plan: o.Plan.Name, Seed: o.Seed, Kills: map[string]int{}}}
	if err := os.MkdirAll(filepath.Join(o.State, "logs"), 0o755); err != nil {
		return nil, err
	}
	r.svc = NewServices(o.Root, o.State, o.Ports)
	r.logf("services: 3 Kafka nodes and ClickHouse under %s", o.State)
	if _, err := r.svc.Run(ctx, "up", "--fresh"); err != nil {
		return nil, err
	}
	defer r.teardown()
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	if err := r.traffic(ctx); err != nil {
		return nil, err
	}
	if err := r.verdict(ctx); err != nil {
		return nil, err
	}
	r.res.Elapsed = time.Since(r.began)
	return r.res, nil
}

// setup migrates, starts the fleet and waits for ingest.
func (r *run) setup(ctx context.Context) error {
	p := r.o.Ports
	r.env = append(cleanEnv(os.Environ()),
		"FLOORWATCH_CONFIG="+r.o.Config,
		"FLOORWATCH_KAFKA_BROKERS="+strings.Join(p.brokers(), ","),
		"FLOORWATCH_KAFKA_PARTITIONS="+strconv.Itoa(r.o.Plan.Partitions),
		"FLOORWATCH_CLICKHOUSE_ADDR=127.0.0.1:"+strconv.Itoa(p.clickHouse()),
		"FLOORWATCH_CLICKHOUSE_DATABASE=floorwatch",
		"FLOORWATCH_METRICS_LISTEN=127.0.0.1:0",
		"FLOORWATCH_LOG_LEVEL=info", "FLOORWATCH_LOG_FORMAT=text")
	envMap := map[string]string{}
	for _, kv := range r.env {
		k, v, _ := strings.Cut(kv, "=")
		envMap[k] = v
	}
	cfg, err := config.Load(r.o.Config, func(k string) string { return envMap[k] })
	if err != nil {
		return fmt.Errorf("chaos: config: %w", err)
	}
	r.cfg = cfg
	r.tool = Tool{Bin: r.o.Bin, Config: r.o.Config, Env: r.env}
	if r.o.Expected == nil {
		r.o.Expected = OracleExpected{Config: cfg}
	}
	r.res.Oracle = r.o.Expected.Name()
	if _, err := r.tool.Output(ctx, "migrate"); err != nil {
		return err
	}
	for i := 1; i <= r.o.Plan.Instances; i++ {
		r.ingests = append(r.ingests, "http://127.0.0.1:"+strconv.Itoa(p.ingest(i)))
	}
	r.fleet = NewFleet(r.o.Bin, filepath.Join(r.o.State, "logs"), r.o.Plan.Instances, r.env, func(i int) []string {
		return []string{"FLOORWATCH_INGEST_LISTEN=127.0.0.1:" + strconv.Itoa(p.ingest(i))}
	})
	r.fleet.Start()
	r.logf("fleet: %d instances of ingest, process and sink", r.o.Plan.Instances)
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return WaitReady(wctx, r.ingests)
}

// traffic sends the plan's requests while its faults happen, then waits
// until every instance runs again.
func (r *run) traffic(ctx context.Context) error {
	pl := r.o.Plan
	wallStart := time.Now()
	simStart := wallStart.Add(-time.Duration(float64(pl.Traffic) * (pl.Speedup - 1)))
	gen, err := simulate.New(r.cfg, simulate.Options{Seed: r.o.Seed, Start: simStart,
		End: wallStart.Add(pl.Traffic), Rate: pl.Rate / pl.Speedup})
	if err != nil {
		return err
	}
	r.res.Sent = 0
	s := &Sender{URLs: r.ingests, Speedup: pl.Speedup, SimStart: simStart,
		GiveUp: wallStart.Add(pl.Traffic + 90*time.Second), PublishTimeout: r.cfg.Ingest.PublishTimeout}
	r.logf("traffic: %s at %.0f events/s, simulated from %s (×%.0f)", pl.Traffic, pl.Rate,
		simStart.UTC().Format(time.RFC3339), pl.Speedup)
	faults := Schedule(r.o.Seed, pl)
	var wg sync.WaitGroup
	for _, f := range faults {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if sleepUntil(ctx, wallStart.Add(f.At)) {
				r.fault(ctx, f)
			}
		}()
	}
	s.Run(ctx, gen.All())
	wg.Wait()
	l := s.Ledger()
	r.res.Sent, r.res.Final, r.res.Attempts, r.res.Wrong, r.res.Slowest503 = l.Sent, l.Final, l.Attempts, l.Wrong, l.Slowest503
	r.logf("traffic done: %d requests, final answers %v, attempts %v", l.Sent, l.Final, l.Attempts)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeRequests(filepath.Join(r.o.State, "acknowledged.jsonl"), l.Acknowledged); err != nil {
		return err
	}
	if err := writeRequests(filepath.Join(r.o.State, "sent.jsonl"), l.Requests); err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); !r.fleet.AllRunning(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.res.fail("not every instance runs again a minute after the traffic")
			break
		}
	}
	return nil
}

// fault carries out one fault of the schedule.
func (r *run) fault(ctx context.Context, f Fault) {
	switch f.Kind {
	case KillInstance:
		ok, err := r.fleet.Kill(ctx, f.Role, f.Instance, f.For)
		if err != nil || !ok {
			r.logf("kill %s-%d: nothing to kill (%v)", f.Role, f.Instance, err)
			return
		}
		r.logf("SIGKILL %s-%d, restart in %s", f.Role, f.Instance, f.For.Round(time.Millisecond))
	case KillBroker:
		node := "kafka:" + strconv.Itoa(f.Node)
		if _, err := r.svc.Run(ctx, "kill", node); err != nil {
			r.failf("kill %s: %v", node, err)
			return
		}
		r.logf("SIGKILL Kafka node %d for %s", f.Node, f.For)
		sleepUntil(ctx, time.Now().Add(f.For))
		if _, err := r.svc.Run(ctx, "up", "kafka"); err != nil {
			r.failf("restart %s: %v", node, err)
			return
		}
		r.mu.Lock()
		r.res.BrokerRestarts++
		r.mu.Unlock()
		r.logf("Kafka node %d back", f.Node)
	case KillClickHouse:
		down := time.Now()
		if _, err := r.svc.Run(ctx, "kill", "clickhouse"); err != nil {
			r.failf("kill clickhouse: %v", err)
			return
		}
		r.logf("SIGKILL ClickHouse for %s", f.For)
		sleepUntil(ctx, down.Add(f.For))
		if _, err := r.svc.Run(ctx, "up", "clickhouse"); err != nil {
			r.failf("restart clickhouse: %v", err)
			return
		}
		took := time.Since(down)
		r.mu.Lock()
		r.res.ClickHouseDown += took
		r.mu.Unlock()
		r.logf("ClickHouse back after %s", took.Round(100*time.Millisecond))
	}
}

func writeRequests(path string, reqs []schemas.Request) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for i := range reqs {
		if err := enc.Encode(&reqs[i]); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// stopFleet stops the fleet (SIGTERM) and keeps its figures.
func (r *run) stopFleet() {
	if r.fleet == nil {
		return
	}
	r.res.Exits, r.res.Kills = r.fleet.Exits(), r.fleet.Kills()
	r.fleet.Stop()
	r.fleet = nil
}

// teardown stops the fleet and the services; the state dir goes too
// after a run that passed, unless Keep.
func (r *run) teardown() {
	r.stopFleet()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := r.svc.Run(ctx, "down"); err != nil {
		r.logf("services down: %v", err)
	}
	if r.res.OK() && r.res.Events.Acknowledged > 0 && !r.o.Keep {
		_ = os.RemoveAll(r.o.State)
	} else {
		r.logf("kept %s (logs, requests, service data)", r.o.State)
	}
}
