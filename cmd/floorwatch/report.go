package main

import (
	"context"
	"encoding/json"
	"flag"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/sinks/report"
)

// reportCommand is `floorwatch report --from T --to T [--by DIM,...] [--config F]`.
func reportCommand() command {
	return command{name: "report", summary: "print the indicators of a period from ClickHouse (same JSON as replay)", run: runReport}
}

func runReport(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("config", configPathDefault(env), "configuration file (env FLOORWATCH_CONFIG)")
	from := fs.String("from", "", "start of the period, RFC 3339 (inclusive)")
	to := fs.String("to", "", "end of the period, RFC 3339 (exclusive); the report is as of this instant")
	by := fs.String("by", "", "segment dimensions: tenant, channel, interaction_type, team, operator")
	tenant := fs.String("tenant", "", "only this tenant")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 || *from == "" || *to == "" {
		return usageError("usage: floorwatch report --from T --to T [--by DIM,...] [--tenant T] [--config F]")
	}
	f, err := schemas.ParseTime(*from)
	if err != nil {
		return usageError("--from: %v", err)
	}
	t, err := schemas.ParseTime(*to)
	if err != nil {
		return usageError("--to: %v", err)
	}
	if !t.After(f.Time) {
		return usageError("--to must come after --from")
	}
	dims, err := parseReportDims(*by)
	if err != nil {
		return usageError("--by: %v", err)
	}
	cfg, err := config.Load(*path, env.getenv)
	if err != nil {
		return reportProblems(env.stderr, err)
	}
	conn, err := connect.ClickHouse(ctx, cfg.ClickHouse, true)
	if err != nil {
		return err
	}
	defer conn.Close()
	r, err := report.Build(ctx, conn, f.Time, t.Time, dims, report.Filter{Tenant: *tenant})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// parseReportDims reads --by exactly as replay does (indicators.ParseDims:
// known names, no repeats), as the names sinks/report takes.
func parseReportDims(s string) ([]string, error) {
	dims, err := indicators.ParseDims(s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dims {
		out = append(out, string(d))
	}
	return out, nil
}
