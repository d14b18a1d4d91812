package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// The status of a case at --to is the one it has at that instant, every
// timer due at or before --to having fired (docs/indicators.md §3): at
// 09:00 in Paris, when acme's office opens, a night's wait is no longer
// outside business hours. One conversation, through the real pipeline:
// the customer writes at 07:00 Paris and is routed to sales at 07:01
// (to_recover, outside business hours, until 09:00); at --to = 09:00
// Paris the case is queued for replay and the oracle, and must be for
// report too. At --to = 09:00:00.001 the three agree in any case, so a
// difference at 09:00 sits exactly on the timer's edge.
func TestStatusAtABusinessHoursEdge(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka and ClickHouse")
	}
	chAddr, _ := testenv.ClickHouse(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	tmp := t.TempDir()
	bin := testenv.BuildFloorwatch(t, "")
	prefix, env := pipelineEnv(t, "edge")
	all := startAll(ctx, t, bin, env, prefix+".")
	base := "http://" + all.await(ctx, t, "ingest listening")
	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}

	opens := lastWeekdayOpening(t)
	wrote := opens.Add(-2 * time.Hour)
	s := &sender{t: t, ctx: ctx, base: base, signer: NewSigner(cfg), statuses: map[string]map[int]int{}}
	s.webhook("acme", whatsappBody("100000000000001", "33600000999", "edge-in-1", wrote))
	s.events("acme", "dev-acme-api-key", routed("edge-r-1", "33600000999", wrote.Add(time.Minute)))
	requests := s.write(filepath.Join(tmp, "requests.jsonl"))
	now := time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
	waitWatermarks(ctx, t, chAddr, prefix, prefix+"."+schemas.TopicEvents, 4, now)

	from := opens.Add(-3 * time.Hour)
	edge, after := period{"edge", from, opens}, period{"after", from, opens.Add(time.Millisecond)}
	run := func(tool string, p period) []byte {
		args := reportArgs(p, "")
		if tool == "replay" {
			args = append([]string{"--requests", requests}, args...)
		}
		return runTool(ctx, t, bin, env, append([]string{tool}, args...)...)
	}
	// The rows are in ClickHouse once report agrees with replay a
	// millisecond after the edge.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		if bytes.Equal(run("report", after), run("replay", after)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("--to %s: report never equalled replay:\n%s", schemas.At(after.to), lineDiff(string(run("replay", after)), string(run("report", after))))
		}
	}
	o := oracle.New(oracle.Decode(cfg, readFile(t, requests)).Events, cfg.Directory())
	want, err := o.Report(oracle.Query{From: edge.from, To: edge.to})
	if err != nil {
		t.Fatal(err)
	}
	replayed, reported := run("replay", edge), run("report", edge)
	var rep, got schemas.Report
	if err := json.Unmarshal(replayed, &rep); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(reported, &got); err != nil {
		t.Fatal(err)
	}
	if d := oracle.Diff(want, rep); len(d) > 0 {
		t.Errorf("--to %s: replay differs from the oracle:\n%s", schemas.At(opens), lines(d))
	}
	if d := oracle.Diff(rep, got); len(d) > 0 {
		t.Errorf("minimal reproduction: acme, WhatsApp, one customer who writes at %s (07:00 in Paris) and is routed to sales at %s;\n"+
			"report --from %s --to %s (09:00 in Paris: acme's office opens, a timer due at --to):\n"+
			"replay and the oracle say the case is queued (its wait is no longer outside business hours), report does not (replay ≠ report):\n%s",
			schemas.At(wrote), schemas.At(wrote.Add(time.Minute)), schemas.At(from), schemas.At(opens), lines(d))
	}
	all.stop(t)
}

// lastWeekdayOpening is 09:00 in Paris on the latest weekday before
// today that is not one of acme's holidays: when acme's office hours open.
func lastWeekdayOpening(t *testing.T) time.Time {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	d := time.Now().In(paris).AddDate(0, 0, -1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || d.Format("01-02") == "12-25" || d.Format("01-02") == "01-01" {
		d = d.AddDate(0, 0, -1)
	}
	y, m, day := d.Date()
	return time.Date(y, m, day, 9, 0, 0, 0, paris)
}
