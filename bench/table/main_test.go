package main

import (
	"strings"
	"testing"
)

// out is go test -bench output of two runs, one of them split by what the
// benchmark printed while it ran.
const out = `goos: linux
goarch: amd64
pkg: github.com/floorwatch/floorwatch/processors/stream
cpu: AMD EPYC 7B13
BenchmarkDeliveryModes-2   	       1	9000000000 ns/op	        3000 alo-events/s/core	    50000 eos-events/s/core	    250000 bare-events/s/core
BenchmarkDeliveryModes-2   	action to visible: 20 transfers, p50 2490 ms
       1	9100000000 ns/op	        2000 alo-events/s/core	    60000 eos-events/s/core	    200000 bare-events/s/core
BenchmarkDeliveryModes-2   	       1	9100000000 ns/op	        4000 alo-events/s/core	    55000 eos-events/s/core	    300000 bare-events/s/core
PASS
pkg: github.com/floorwatch/floorwatch/bench/api
BenchmarkPipelineLatency/rate=1000-2         	       1	12000000000 ns/op	      1000 events/s	       620.5 webhook_p50_ms
BenchmarkApply-2   	 1000000	      1250 ns/op	     120 B/op	       2 allocs/op
ok  	github.com/floorwatch/floorwatch/bench/api	30.1s
`

func TestParseTakesEveryRunAndTheCores(t *testing.T) {
	results, cpu, cores, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if cpu != "AMD EPYC 7B13" || cores != 2 || len(results) != 5 {
		t.Fatalf("cpu %q, cores %d, %d results: %+v", cpu, cores, len(results), results)
	}
	if got := results[1].figures["eos-events/s/core"]; results[1].name != "BenchmarkDeliveryModes" || got != 60000 {
		t.Errorf("the split line: %+v", results[1])
	}
	if got := results[3]; got.name != "BenchmarkPipelineLatency/rate=1000" || got.figures["webhook_p50_ms"] != 620.5 {
		t.Errorf("a sub-benchmark: %+v", got)
	}
}

func TestTableShowsMedianMinMaxBesideThePeer(t *testing.T) {
	results, cpu, cores, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	table(&b, results, cpu, cores)
	got := b.String()
	for _, want := range []string{
		"2 cores",
		"| processors, exactly-once: events/s per core | 55 000 (50 000–60 000) | 3 | transactional consume-produce loop doing no work | 250 000 (200 000–300 000) | 0.22 |",
		"| processors, at-least-once: events/s per core | 3 000 (2 000–4 000) | 3 |",
		"| webhook 200 → row queryable, p50 (ms) at 1k events/s | 620 (620–620) | 1 | floor:",
		"| sink: records/s into ClickHouse (batch 10000) | not run | 0 |",
		"| Apply ns/op | 1 250 (1 250–1 250) | 1 | | | |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "B/op") || strings.Contains(got, "DeliveryModes ns/op") {
		t.Errorf("the table shows allocation figures or ns/op beside custom figures:\n%s", got)
	}
}
