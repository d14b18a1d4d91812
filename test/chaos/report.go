package chaos

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// Tool runs floorwatch commands of the run: its binary, configuration
// file and environment.
type Tool struct {
	Bin, Config string
	Env         []string
}

// Output runs `floorwatch args...` and returns its stdout.
func (t Tool) Output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, t.Bin, args...)
	cmd.Env = t.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("floorwatch %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return out, nil
}

func (t Tool) report(ctx context.Context, args ...string) (schemas.Report, error) {
	out, err := t.Output(ctx, args...)
	if err != nil {
		return schemas.Report{}, err
	}
	var r schemas.Report
	if err := json.Unmarshal(out, &r); err != nil {
		return schemas.Report{}, fmt.Errorf("floorwatch %s: %w", args[0], err)
	}
	return r, nil
}

func (t Tool) queryArgs(q Query) []string {
	args := []string{"--config", t.Config, "--from", schemas.At(q.From).String(), "--to", schemas.At(q.To).String()}
	if len(q.By) > 0 {
		args = append(args, "--by", strings.Join(q.By, ","))
	}
	return args
}

// Pipeline is `floorwatch report`: the indicators as ClickHouse holds them.
func (t Tool) Pipeline(ctx context.Context, q Query) (schemas.Report, error) {
	return t.report(ctx, append([]string{"report"}, t.queryArgs(q)...)...)
}

// ReplayExpected is the Expected of `floorwatch replay` over the
// acknowledged requests: ingest and the processors' pure cores in one
// process, with no Kafka, no ClickHouse and no fault.
type ReplayExpected struct{ Tool Tool }

// Name implements Expected.
func (ReplayExpected) Name() string { return "floorwatch replay" }

// Report implements Expected.
func (e ReplayExpected) Report(ctx context.Context, requestsFile string, q Query) (schemas.Report, error) {
	return e.Tool.report(ctx, append([]string{"replay", "--requests", requestsFile}, e.Tool.queryArgs(q)...)...)
}

// reportText is a report as indented JSON, for comparing and diffing.
func reportText(r schemas.Report) string {
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b)
}

// lineDiff shows the lines of got that differ from want.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out strings.Builder
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			fmt.Fprintf(&out, "  line %d: want %s\n          got  %s\n", i+1, strings.TrimSpace(x), strings.TrimSpace(y))
		}
	}
	return out.String()
}

// OracleExpected is the Expected of the independent oracle (test/oracle):
// the acknowledged requests decoded as ingest decodes them, then one plain
// pass per conversation, written apart from the processors.
type OracleExpected struct{ Config *config.Config }

// Name implements Expected.
func (OracleExpected) Name() string { return "the oracle" }

// Report implements Expected.
func (e OracleExpected) Report(_ context.Context, requestsFile string, q Query) (schemas.Report, error) {
	f, err := os.Open(requestsFile)
	if err != nil {
		return schemas.Report{}, err
	}
	defer f.Close()
	var reqs []schemas.Request
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var r schemas.Request
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return schemas.Report{}, fmt.Errorf("requests file: %w", err)
		}
		reqs = append(reqs, r)
	}
	if err := sc.Err(); err != nil {
		return schemas.Report{}, err
	}
	d := oracle.Decode(e.Config, reqs)
	return oracle.New(d.Events, e.Config.Directory()).Report(oracle.Query{From: q.From, To: q.To, By: q.By})
}
