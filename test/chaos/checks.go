package chaos

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/schemas"
)

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
