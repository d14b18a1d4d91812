package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

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

// Result is what a run proved, or failed to.
type Result struct {
	Plan   string
	Seed   uint64
	Events EventVerdict
	// Reports compared equal with the oracle; ReportDiffs those that did not.
	Reports     int
	ReportDiffs []string
	Oracle      string
	// Kills by role; BrokerRestarts and ClickHouseDown of the outages.
	Kills          map[string]int
	BrokerRestarts int
	ClickHouseDown time.Duration
	// What the sender was answered.
	Sent       int
	Final      map[int]int
	Attempts   map[int]int
	Wrong      []string
	Slowest503 time.Duration
	// Exits the fleet did not cause, per instance.
	Exits map[string][]string
	// Crashes and secret leaks found in the logs, over LogLines lines.
	Crashes, Leaks []string
	LogLines       int
	// Failures lists every broken guarantee; empty means the run passed.
	Failures []string
	Elapsed  time.Duration
}

// OK reports whether every guarantee held.
func (r *Result) OK() bool { return len(r.Failures) == 0 }

// TotalKills sums Kills.
func (r *Result) TotalKills() int {
	n := 0
	for _, k := range r.Kills {
		n += k
	}
	return n
}

// Line is the run's last line.
func (r *Result) Line() string {
	return fmt.Sprintf("chaos: acknowledged=%d stored=%d lost=%d duplicated=%d kills=%d broker_restarts=%d clickhouse_down_s=%d",
		r.Events.Acknowledged, r.Events.Stored, r.Events.Lost, r.Events.Duplicated, r.TotalKills(),
		r.BrokerRestarts, int(r.ClickHouseDown.Round(time.Second)/time.Second))
}

// fail records a broken guarantee; run.failf is the one to call from
// the fault goroutines.
func (r *Result) fail(format string, a ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, a...))
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
		r.o.Expected = ReplayExpected{Tool: r.tool}
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

// verdict waits for the pipeline to take in everything acknowledged, then
// proves it: events by id, indicators against the oracle, answers, logs.
func (r *run) verdict(ctx context.Context) error {
	to := time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{"127.0.0.1:" + strconv.Itoa(r.o.Ports.clickHouse())},
		Auth: clickhouse.Auth{Database: "floorwatch", Username: "default"}, DialTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	defer conn.Close()
	kcl, err := kgo.NewClient(kgo.SeedBrokers(r.o.Ports.brokers()...))
	if err != nil {
		return err
	}
	defer kcl.Close()
	adm := kadm.NewClient(kcl)
	topics := schemas.NewTopics("")
	wctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	if err := waitCaughtUp(wctx, adm, "floorwatch-process", topics.Events); err != nil {
		return err
	}
	r.logf("processors caught up; waiting for every watermark to pass %s", schemas.At(to))
	if err := waitWatermarks(wctx, conn, topics.Events, r.o.Plan.Partitions, to); err != nil {
		return err
	}
	if err := waitCaughtUp(wctx, adm, "floorwatch-sink", topics.Events, topics.OperatorStatus, topics.IngestDeadLetters); err != nil {
		return err
	}
	r.logf("sink caught up")
	r.checkEvents(wctx, conn)
	r.checkReports(wctx, to)
	r.checkAnswers()
	r.stopFleet()
	r.checkLogs()
	return nil
}

func (r *run) checkEvents(ctx context.Context, conn driver.Conn) {
	l := r.ledgerRequests()
	acked, sent := DecodeRequests(r.cfg, l.acked), DecodeRequests(r.cfg, l.sent)
	if acked.Refused > 0 {
		r.res.fail("%d acknowledged requests are ones the decoder refuses", acked.Refused)
	}
	stored, err := Stored(ctx, conn)
	if err != nil {
		r.res.fail("%v", err)
		return
	}
	dls, err := StoredDeadLetters(ctx, conn)
	if err != nil {
		r.res.fail("%v", err)
		return
	}
	v := CompareEvents(acked, sent, stored, dls)
	r.res.Events = v
	r.logf("events: %d acknowledged, %d stored, %d lost, %d stored twice, %d unexpected; dead letters %d, %d lost",
		v.Acknowledged, v.Stored, v.Lost, v.Duplicated, v.Unexpected, v.DeadLetters, v.DeadLettersLost)
	if !v.OK() {
		r.res.fail("events: %d lost, %d duplicated, %d unexpected, %d dead letters lost (of %d acknowledged): %s",
			v.Lost, v.Duplicated, v.Unexpected, v.DeadLettersLost, v.Acknowledged, strings.Join(v.Samples, "; "))
	}
}

type ledgerRequests struct{ acked, sent []schemas.Request }

func (r *run) ledgerRequests() ledgerRequests {
	read := func(name string) []schemas.Request {
		f, err := os.Open(filepath.Join(r.o.State, name))
		if err != nil {
			return nil
		}
		defer f.Close()
		var out []schemas.Request
		dec := json.NewDecoder(f)
		for {
			var q schemas.Request
			if err := dec.Decode(&q); err != nil {
				return out
			}
			out = append(out, q)
		}
	}
	return ledgerRequests{acked: read("acknowledged.jsonl"), sent: read("sent.jsonl")}
}

// reportBys are the segmentations the indicators are compared by.
var reportBys = [][]string{nil, {"tenant"}, {"tenant", "channel"}, {"tenant", "team", "operator"},
	{"tenant", "channel", "interaction_type", "team", "operator"}}

func (r *run) checkReports(ctx context.Context, to time.Time) {
	from := to.Add(-time.Duration(float64(r.o.Plan.Traffic)*r.o.Plan.Speedup) - time.Hour).Truncate(time.Hour)
	file := filepath.Join(r.o.State, "acknowledged.jsonl")
	deadline := time.Now().Add(2 * time.Minute)
	for _, by := range reportBys {
		q := Query{From: from, To: to, By: by}
		want, err := r.o.Expected.Report(ctx, file, q)
		if err != nil {
			r.res.fail("oracle: %v", err)
			continue
		}
		wantText := reportText(want)
		var gotText string
		for {
			got, err := r.tool.Pipeline(ctx, q)
			if err == nil {
				gotText = reportText(got)
			}
			if gotText == wantText || time.Now().After(deadline) || ctx.Err() != nil {
				break
			}
			time.Sleep(2 * time.Second)
		}
		name := strings.Join(by, ",")
		if gotText != wantText {
			r.res.ReportDiffs = append(r.res.ReportDiffs, "--by "+name+":\n"+lineDiff(wantText, gotText))
			r.res.fail("indicators --by %q differ from %s", name, r.o.Expected.Name())
			continue
		}
		r.res.Reports++
	}
	r.logf("indicators: %d of %d reports equal %s", r.res.Reports, len(reportBys), r.o.Expected.Name())
}

func (r *run) checkAnswers() {
	if len(r.res.Wrong) > 0 {
		n := min(len(r.res.Wrong), 10)
		r.res.fail("%d requests got a final answer other than the one meant: %s", len(r.res.Wrong), strings.Join(r.res.Wrong[:n], "; "))
	}
	if n := r.res.Final[0]; n > 0 {
		r.res.fail("%d requests got no final answer within 90 s of the traffic's end", n)
	}
	// A 503 must come within the publish timeout; the margin covers the
	// scheduling of a shared two-core machine.
	if limit := r.cfg.Ingest.PublishTimeout + 3*time.Second; r.res.Slowest503 > limit {
		r.res.fail("a 503 took %s, over the publish timeout (%s) plus 3 s", r.res.Slowest503, r.cfg.Ingest.PublishTimeout)
	}
}

func (r *run) checkLogs() {
	var logs []string
	for _, role := range Roles {
		for i := 1; i <= r.o.Plan.Instances; i++ {
			logs = append(logs, filepath.Join(r.o.State, "logs", role+"-"+strconv.Itoa(i)+".log"))
		}
	}
	crashes, leaks, lines, err := ScanLogs(logs, r.cfg.SecretValues())
	if err != nil {
		r.res.fail("scan logs: %v", err)
	}
	r.res.Crashes, r.res.Leaks, r.res.LogLines = crashes, leaks, lines
	if len(crashes) > 0 {
		r.res.fail("crashes: %s", strings.Join(crashes, "; "))
	}
	if len(leaks) > 0 {
		r.res.fail("configured secrets in the logs: %s", strings.Join(leaks, "; "))
	}
	r.logf("logs: %d lines, %d crashes, %d secrets", lines, len(crashes), len(leaks))
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

// waitCaughtUp waits until group has committed, on every partition of
// topics, the last stable offset.
func waitCaughtUp(ctx context.Context, adm *kadm.Client, group string, topics ...string) error {
	var last string
	for {
		behind, err := lag(ctx, adm, group, topics)
		if err == nil && behind == 0 {
			return nil
		}
		last = fmt.Sprintf("%d records behind (%v)", behind, err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("chaos: group %s did not catch up on %v: %s", group, topics, last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func lag(ctx context.Context, adm *kadm.Client, group string, topics []string) (int64, error) {
	ends, err := adm.ListCommittedOffsets(ctx, topics...)
	if err != nil {
		return -1, err
	}
	committed, err := adm.FetchOffsetsForTopics(ctx, group, topics...)
	if err != nil {
		return -1, err
	}
	var behind int64
	var errs []error
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			errs = append(errs, o.Err)
			return
		}
		c, ok := committed.Lookup(o.Topic, o.Partition)
		at := int64(0)
		if ok && c.Err == nil && c.At >= 0 {
			at = c.At
		}
		behind += max(o.Offset-at, 0)
	})
	return behind, errors.Join(errs...)
}

// waitWatermarks waits until every partition of topic has a watermark at
// or after to in ClickHouse.
func waitWatermarks(ctx context.Context, conn driver.Conn, topic string, partitions int, to time.Time) error {
	var n uint64
	var low time.Time
	var err error
	for {
		err = conn.QueryRow(ctx, `SELECT count(), min(m) FROM (SELECT partition, max(complete_until) AS m
			FROM watermarks WHERE topic = ? GROUP BY partition)`, topic).Scan(&n, &low)
		if err == nil && int(n) == partitions && !low.Before(to) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("chaos: watermarks of %s: %d partitions, lowest %s; want %d at or after %s (err %v)",
				topic, n, low, partitions, to, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Summary is the run's report, before its last line.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chaos: plan %s, seed %d, %s\n", r.Plan, r.Seed, r.Elapsed.Round(time.Second))
	fmt.Fprintf(&b, "  requests   %d sent; final answers %s; attempts %s; slowest 503 %s\n",
		r.Sent, statusList(r.Final), statusList(r.Attempts), r.Slowest503.Round(time.Millisecond))
	fmt.Fprintf(&b, "  events     %d acknowledged, %d stored once, %d lost, %d duplicated, %d unexpected; dead letters %d, %d lost\n",
		r.Events.Acknowledged, r.Events.Stored-r.Events.Duplicated, r.Events.Lost, r.Events.Duplicated, r.Events.Unexpected,
		r.Events.DeadLetters, r.Events.DeadLettersLost)
	fmt.Fprintf(&b, "  indicators %d of %d reports equal %s\n", r.Reports, len(reportBys), r.Oracle)
	fmt.Fprintf(&b, "  faults     kills %v, broker restarts %d, ClickHouse down %s\n", r.Kills, r.BrokerRestarts,
		r.ClickHouseDown.Round(100*time.Millisecond))
	names := make([]string, 0, len(r.Exits))
	for n := range r.Exits {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  exits      %s (not killed): %s\n", n, strings.Join(r.Exits[n], "; "))
	}
	fmt.Fprintf(&b, "  logs       %d lines, %d crashes, %d secrets\n", r.LogLines, len(r.Crashes), len(r.Leaks))
	for _, d := range r.ReportDiffs {
		fmt.Fprintf(&b, "  diff %s", d)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "  FAILED: %s\n", f)
	}
	return b.String()
}

func statusList(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		name := strconv.Itoa(k)
		if k == 0 {
			name = "none"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", name, m[k]))
	}
	return strings.Join(parts, ", ")
}
