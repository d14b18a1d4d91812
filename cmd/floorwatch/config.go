package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
)

// configCommand is `floorwatch config validate|show [--config F]` and
// `floorwatch config grafana --out DIR [--config F]`.
func configCommand() command {
	return command{name: "config", summary: "validate or show the effective configuration, or write the tenants' Grafana provisioning", run: runConfig}
}

func runConfig(_ context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || (args[0] != "validate" && args[0] != "show" && args[0] != "grafana") {
		return usageError("usage: floorwatch config validate|show [--config FILE], or floorwatch config grafana --out DIR [--config FILE]")
	}
	fs := flag.NewFlagSet("config "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("config", configPathDefault(env), "configuration file (env FLOORWATCH_CONFIG)")
	out := new(string)
	if args[0] == "grafana" {
		out = fs.String("out", "", "Grafana provisioning directory: writes datasources/ and dashboards/floorwatch-tenants.yaml there")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := config.Load(*path, env.getenv)
	if err != nil {
		return reportProblems(env.stderr, err)
	}
	if args[0] == "grafana" {
		return writeGrafanaTenants(cfg, *out, env.stdout)
	}
	if args[0] == "show" {
		out, err := cfg.YAML()
		if err != nil {
			return fmt.Errorf("render configuration: %w", err)
		}
		_, err = env.stdout.Write(out)
		return err
	}
	fmt.Fprintln(env.stdout, summary(cfg))
	return nil
}

// configPathDefault is FLOORWATCH_CONFIG, else config.yaml.
func configPathDefault(env *cmdEnv) string {
	if p := env.getenv("FLOORWATCH_CONFIG"); p != "" {
		return p
	}
	return "config.yaml"
}

// reportProblems prints one "key: message" line per problem and exits 1.
func reportProblems(w io.Writer, err error) error {
	var ce *config.Error
	if !errors.As(err, &ce) {
		return err
	}
	for _, p := range ce.Problems {
		fmt.Fprintln(w, p.String())
	}
	return &exitError{code: 1}
}

// summary is the one line `config validate` prints for a valid file.
func summary(cfg *config.Config) string {
	accounts, keys := 0, len(cfg.APIKeys)
	for i := range cfg.Tenants {
		t := &cfg.Tenants[i]
		for _, ch := range schemas.Channels {
			accounts += len(t.Accounts.Of(ch))
		}
		keys += len(t.APIKeys)
	}
	return fmt.Sprintf("ok: %d tenants, %d channel accounts, %d API keys",
		len(cfg.Directory().Tenants()), accounts, keys)
}
