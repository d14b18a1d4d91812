package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"time"
)

// probeCommand is `floorwatch probe [--timeout D] URL`: a health check for
// images without a shell or HTTP client (the floorwatch image is the
// binary alone), e.g. compose's healthcheck on /readyz.
func probeCommand() command {
	return command{name: "probe", summary: "exit 0 when GET URL answers 200 (container health checks)", run: runProbe}
}

func runProbe(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() != 1 {
		return usageError("usage: floorwatch probe [--timeout D] URL")
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fs.Arg(0), nil)
	if err != nil {
		return usageError("%v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", fs.Arg(0), resp.Status)
	}
	return nil
}
