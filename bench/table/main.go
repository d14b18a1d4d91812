// Command table reads `go test -bench` output (several runs of each
// benchmark, -count) on stdin and prints one Markdown table: each headline
// figure as the median of its runs with min and max, beside the peer or
// ceiling measured in the same benchmark, then every other figure the
// benchmarks reported. `make bench` ends with it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// headline is one figure of the table and what it is read against.
type headline struct {
	what  string // the figure, as a supervisor or an operator would ask for it
	bench string // benchmark name without the -N suffix
	unit  string
	// peerUnit is the same benchmark's measure of the peer or ceiling
	// (empty when peerText says what bounds the figure instead).
	peer, peerUnit, peerText string
	lower                    bool // a cost: less is better
}

var headlines = []headline{
	{what: "ingest: CPU per signed WhatsApp webhook (µs)", bench: "BenchmarkIngestAgainstBareProducer", unit: "ingest-cpu-µs/req",
		peer: "bare handler: read the body, produce, answer", peerUnit: "bare-cpu-µs/req", lower: true},
	{what: "processors, exactly-once: events/s per core", bench: "BenchmarkDeliveryModes", unit: "eos-events/s/core",
		peer: "transactional consume-produce loop doing no work", peerUnit: "bare-events/s/core"},
	{what: "processors, at-least-once: events/s per core", bench: "BenchmarkDeliveryModes", unit: "alo-events/s/core",
		peer: "transactional consume-produce loop doing no work", peerUnit: "bare-events/s/core"},
	{what: "sink: records/s into ClickHouse (batch 10000)", bench: "BenchmarkSinkEndToEnd/batch_rows=10000", unit: "rows/s",
		peer: "bare clickhouse-go batch insert of the same rows", peerUnit: "bare-rows/s"},
	{what: "sink: records/s into ClickHouse (batch 1000)", bench: "BenchmarkSinkEndToEnd/batch_rows=1000", unit: "rows/s",
		peer: "bare clickhouse-go batch insert of the same rows", peerUnit: "bare-rows/s"},
	{what: "Kafka producer (franz-go): records/s", bench: "BenchmarkProducerFranzVsKafkaGo", unit: "franz-rec/s",
		peer: "segmentio/kafka-go, same records", peerUnit: "kafkago-rec/s"},
	{what: "webhook 200 → row queryable, p50 (ms) at 1k events/s", bench: "BenchmarkPipelineLatency/rate=1000", unit: "webhook_p50_ms",
		peerText: "floor: sink.batch_interval (half of it on average)"},
	{what: "webhook 200 → row queryable, p99 (ms) at 1k events/s", bench: "BenchmarkPipelineLatency/rate=1000", unit: "webhook_p99_ms",
		peerText: "floor: sink.batch_interval"},
	{what: "webhook 200 → row queryable, p50 (ms) at 5k events/s", bench: "BenchmarkPipelineLatency/rate=5000", unit: "webhook_p50_ms",
		peerText: "floor: sink.batch_interval (half of it on average)"},
	{what: "webhook 200 → row queryable, p99 (ms) at 5k events/s", bench: "BenchmarkPipelineLatency/rate=5000", unit: "webhook_p99_ms",
		peerText: "floor: sink.batch_interval"},
	{what: "ingest answer under load, p99 (ms) at 2k webhooks/s", bench: "BenchmarkPipelineLatency/rate=2000", unit: "ingest_p99_ms",
		peerText: "target ≤ 20"},
	{what: "rate achieved (events/s) at 1k", bench: "BenchmarkPipelineLatency/rate=1000", unit: "events/s", peerText: "asked: 1000"},
	{what: "rate achieved (events/s) at 2k", bench: "BenchmarkPipelineLatency/rate=2000", unit: "events/s", peerText: "asked: 2000"},
	{what: "rate achieved (events/s) at 5k", bench: "BenchmarkPipelineLatency/rate=5000", unit: "events/s", peerText: "asked: 5000"},
	{what: "new queued case visible to a supervisor, p50 (ms) at 1k events/s", bench: "BenchmarkPipelineLatency/rate=1000", unit: "new_case_p50_ms",
		peerText: "floor: process.flush_interval + sink.batch_interval"},
	{what: "new queued case visible to a supervisor, p99 (ms) at 1k events/s", bench: "BenchmarkPipelineLatency/rate=1000", unit: "new_case_p99_ms",
		peerText: "floor: process.flush_interval + sink.batch_interval"},
	{what: "new queued case visible to a supervisor, p50 (ms) at 5k events/s", bench: "BenchmarkPipelineLatency/rate=5000", unit: "new_case_p50_ms",
		peerText: "floor: process.flush_interval + sink.batch_interval"},
	{what: "new queued case visible to a supervisor, p99 (ms) at 5k events/s", bench: "BenchmarkPipelineLatency/rate=5000", unit: "new_case_p99_ms",
		peerText: "floor: process.flush_interval + sink.batch_interval"},
	{what: "supervisor's transfer → listed in the new queue, p50 (ms)", bench: "BenchmarkActionToVisible", unit: "p50_ms",
		peerText: "floor: process.flush_interval + sink.batch_interval"},
	{what: "alert crossing → notification POST, p50 (ms)", bench: "BenchmarkCrossingToNotification", unit: "p50_ms",
		peerText: "floor: flush + batch + alerting.evaluate_every"},
	{what: "alert rules: one round, 1000 rules over 50 tenants (ms)", bench: "BenchmarkAlertRules", unit: "round_ms",
		peer: "GET /api/v1/teams for one tenant, p50", peerUnit: "teams_read_p50_ms", lower: true},
	{what: "Grafana: slowest panel over the generated month (ms)", bench: "BenchmarkDashboardPanels", unit: "slowest_panel_ms",
		peer: "the same indicators from the raw events, slowest", peerUnit: "slowest_raw_ms", lower: true},
	{what: "queue health: expected wait's absolute error, p50 (s)", bench: "BenchmarkExpectedWaitError", unit: "abs_error_p50_s",
		peer: "Little's law over the same readings", peerUnit: "little_abs_error_p50_s", lower: true},
	{what: "processors: memory per open conversation (B)", bench: "BenchmarkMemoryPerOpenConversation", unit: "B/conv",
		peerText: "target ≤ 512"},
}

// result is one benchmark line: its name and figures by unit.
type result struct {
	name    string
	figures map[string]float64
}

var (
	nameRE   = regexp.MustCompile(`^(Benchmark\S+?)(?:-(\d+))?(?:\s+(.*))?$`)
	figureRE = regexp.MustCompile(`^\d+\s+((?:[-+0-9.eE]+\s+\S+\s*)+)$`)
)

// parse reads go test -bench output. A benchmark that prints while it
// runs splits its line: the name, the printed lines, then the figures on a
// line of their own; such figures belong to the last name seen.
// cores is the GOMAXPROCS the benchmarks ran with (their names' -N).
func parse(r io.Reader) (results []result, cpu string, cores int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var pending string
	cores = 1
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = c
			continue
		}
		rest := line
		if m := nameRE.FindStringSubmatch(line); m != nil {
			pending, rest = m[1], m[3]
			if m[2] != "" {
				cores, _ = strconv.Atoi(m[2])
			}
		}
		if pending == "" {
			continue
		}
		m := figureRE.FindStringSubmatch(rest)
		if m == nil {
			continue
		}
		fields := strings.Fields(m[1])
		res := result{name: pending, figures: map[string]float64{}}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, "", 0, fmt.Errorf("%s: %q: %w", pending, fields[i], err)
			}
			res.figures[fields[i+1]] = v
		}
		results = append(results, res)
		pending = ""
	}
	return results, cpu, cores, sc.Err()
}

// spread is the median, min and max of one figure's runs.
type spread struct {
	median, min, max float64
	runs             int
}

func spreadOf(vs []float64) spread {
	s := slices.Sorted(slices.Values(vs))
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{median: m, min: s[0], max: s[len(s)-1], runs: len(s)}
}

func (s spread) String() string {
	if s.runs == 0 {
		return "not run"
	}
	return fmt.Sprintf("%s (%s–%s)", num(s.median), num(s.min), num(s.max))
}

// num prints v with three significant figures, thousands grouped.
func num(v float64) string {
	switch a := max(v, -v); {
	case a >= 1000:
		s := strconv.FormatFloat(v, 'f', 0, 64)
		var out []byte
		for i, c := range []byte(s) {
			if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
				out = append(out, ' ')
			}
			out = append(out, c)
		}
		return string(out)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// table writes the Markdown table of results.
func table(w io.Writer, results []result, cpu string, cores int) {
	runs := map[string][]float64{} // name + "\x00" + unit → values
	var order []string             // first appearance of each name + unit
	for _, r := range results {
		units := make([]string, 0, len(r.figures))
		for u := range r.figures {
			units = append(units, u)
		}
		slices.Sort(units)
		for _, u := range units {
			k := r.name + "\x00" + u
			if _, ok := runs[k]; !ok {
				order = append(order, k)
			}
			runs[k] = append(runs[k], r.figures[u])
		}
	}
	get := func(name, unit string) spread {
		vs := runs[name+"\x00"+unit]
		if len(vs) == 0 {
			return spread{}
		}
		return spreadOf(vs)
	}

	fmt.Fprintf(w, "\n%d cores (GOMAXPROCS of the benchmarks), %s; median of the runs (min–max); peers measured in the same benchmark run;\n"+
		"share of the peer: figure / peer, or peer / figure for a cost (1 = as good as the peer)\n\n", cores, cpu)
	fmt.Fprintln(w, "| figure | median (min–max) | runs | peer or ceiling | peer median (min–max) | share of the peer |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	shown := map[string]bool{}
	for _, h := range headlines {
		s := get(h.bench, h.unit)
		shown[h.bench+"\x00"+h.unit] = true
		peer, peerFig, ratio := h.peerText+h.peer, "", "" // one of the two is set
		if h.peerUnit != "" {
			shown[h.bench+"\x00"+h.peerUnit] = true
			p := get(h.bench, h.peerUnit)
			peerFig = p.String()
			if s.runs > 0 && p.runs > 0 && p.median != 0 && s.median != 0 {
				r := s.median / p.median
				if h.lower {
					r = 1 / r
				}
				ratio = fmt.Sprintf("%.2f", r)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s |\n", h.what, s, s.runs, peer, peerFig, ratio)
	}
	hasCustom := map[string]bool{}
	for _, k := range order {
		name, unit, _ := strings.Cut(k, "\x00")
		if !standardUnit(unit) {
			hasCustom[name] = true
		}
	}
	for _, k := range order {
		name, unit, _ := strings.Cut(k, "\x00")
		if shown[k] || unit == "B/op" || unit == "allocs/op" || (unit == "ns/op" && hasCustom[name]) {
			continue
		}
		s := get(name, unit)
		fmt.Fprintf(w, "| %s %s | %s | %d | | | |\n", strings.TrimPrefix(name, "Benchmark"), unit, s, s.runs)
	}
}

func standardUnit(u string) bool { return u == "ns/op" || u == "B/op" || u == "allocs/op" }

func main() {
	results, cpu, cores, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
	if len(results) == 0 {
		fmt.Fprintln(os.Stderr, "table: no benchmark results on stdin")
		os.Exit(1)
	}
	table(os.Stdout, results, cpu, cores)
}
