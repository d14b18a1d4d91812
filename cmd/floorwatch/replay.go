package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/replay"
	"github.com/floorwatch/floorwatch/schemas"
)

func replayCommand() command {
	return command{
		name:    "replay",
		summary: "compute the indicators of a period from a file of recorded requests (SPEC 5)",
		run:     runReplay,
	}
}

const replayUsage = "usage: floorwatch replay --requests FILE [--config FILE] [--no-verify] --from T --to T [--by DIM,...]"

// runReplay implements `floorwatch replay`. It prints the JSON report on
// stdout and a one-line summary of what it read on stderr. Exit status 2
// for bad flags or a malformed requests file, 1 for a bad configuration.
func runReplay(_ context.Context, env *cmdEnv, args []string) error {
	flags := flag.NewFlagSet("replay", flag.ContinueOnError)
	flags.SetOutput(env.stderr)
	requests := flags.String("requests", "", "file of recorded requests, one JSON object per line (- for stdin)")
	cfgPath := flags.String("config", "", "configuration file (default env FLOORWATCH_CONFIG, else config.yaml when it exists)")
	noVerify := flags.Bool("no-verify", false, "skip webhook signatures and API keys")
	from := flags.String("from", "", "start of the period, RFC 3339 (inclusive)")
	to := flags.String("to", "", "end of the period, RFC 3339 (exclusive); the report is as of this instant")
	by := flags.String("by", "", "segment dimensions: tenant, channel, interaction_type, team, operator")
	if err := flags.Parse(args); err != nil {
		return flagError(err)
	}
	opts, err := replayOptions(*requests, *from, *to, *by, !*noVerify, flags.NArg())
	if err != nil {
		return err
	}
	cfg, err := loadReplayConfig(env, *cfgPath)
	if err != nil {
		return reportProblems(env.stderr, err)
	}
	in := env.stdin
	if *requests != "-" {
		f, err := os.Open(*requests)
		if err != nil {
			return usageError("requests: %v", err)
		}
		defer f.Close()
		in = f
	}
	report, st, err := replay.Run(in, cfg, opts)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	fmt.Fprintln(env.stderr, st.Summary())
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

func replayOptions(requests, from, to, by string, verify bool, extra int) (replay.Options, error) {
	if requests == "" || from == "" || to == "" || extra > 0 {
		return replay.Options{}, usageError(replayUsage)
	}
	f, err := schemas.ParseTime(from)
	if err != nil {
		return replay.Options{}, usageError("--from: %v", err)
	}
	t, err := schemas.ParseTime(to)
	if err != nil {
		return replay.Options{}, usageError("--to: %v", err)
	}
	if !t.After(f.Time) {
		return replay.Options{}, usageError("--to must come after --from")
	}
	dims, err := indicators.ParseDims(by)
	if err != nil {
		return replay.Options{}, usageError("--by: %v", err)
	}
	return replay.Options{From: f.Time, To: t.Time, By: dims, Verify: verify}, nil
}

// loadReplayConfig loads --config, else FLOORWATCH_CONFIG, else
// config.yaml; only the implicit config.yaml may be missing (then every
// default applies: one tenant, "default").
func loadReplayConfig(env *cmdEnv, path string) (*config.Config, error) {
	if path == "" {
		path = configPathDefault(env)
		if env.getenv("FLOORWATCH_CONFIG") == "" {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				path = ""
			}
		}
	}
	return config.Load(path, env.getenv)
}
