package e2e

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/replay"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// The oracle and `floorwatch replay` (in process) over a simulated
// weekend, with no Kafka or ClickHouse: quick to run anywhere, and a
// weekend (acme's weekend team, its edges at midnight in Paris) whatever
// day the end-to-end test simulates.
func TestOracleEqualsReplayOnSimulatedTraffic(t *testing.T) {
	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) // a Saturday
	g, err := simulate.New(cfg, simulate.Options{Seed: 7, Start: start, Rate: 0.25, End: start.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var reqs []schemas.Request
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for r := range g.All() {
		reqs = append(reqs, r.Request)
		if err := enc.Encode(r.Request); err != nil {
			t.Fatal(err)
		}
	}
	dec := oracle.Decode(cfg, reqs)
	t.Logf("%d requests %v, %d events", len(reqs), dec.Requests, len(dec.Events))
	o := oracle.New(dec.Events, cfg.Directory())
	periods := [][2]time.Time{
		{start.Add(10 * time.Hour), start.Add(13*time.Hour + 17*time.Minute)},
		{start, start.Add(23 * time.Hour)},      // midnight in Paris: the weekend team's edge
		{start, start.Add(20 * 24 * time.Hour)}, // every idle close fired
	}
	for _, p := range periods {
		for _, by := range []string{"", "team,operator", "tenant,channel,interaction_type"} {
			dims, _ := indicators.ParseDims(by)
			want, _, err := replay.Run(bytes.NewReader(buf.Bytes()), cfg, replay.Options{From: p[0], To: p[1], By: dims, Verify: true})
			if err != nil {
				t.Fatal(err)
			}
			var byList []string
			if by != "" {
				byList = strings.Split(by, ",")
			}
			got, err := o.Report(oracle.Query{From: p[0], To: p[1], By: byList})
			if err != nil {
				t.Fatal(err)
			}
			if by == "" && p == periods[2] {
				// Guard against a vacuous comparison.
				seg := got.Segments[0]
				if seg.Total < 1000 || seg.Closed != seg.Total || seg.FirstResponse.Count == 0 || seg.Reply.Count == 0 || seg.Transferred == 0 {
					t.Errorf("the whole traffic: %+v, want thousands of conversations, all closed, with first responses, replies and transfers", seg)
				}
			}
			if d := oracle.Diff(want, got); len(d) > 0 {
				if len(d) > 40 {
					d = d[:40]
				}
				t.Errorf("[%s, %s) by %q: replay ≠ oracle:\n%s", p[0], p[1], by, strings.Join(d, "\n"))
			}
		}
	}
}
