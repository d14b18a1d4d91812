package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// version and revision are set at build time by the container image and
// release builds:
//
//	go build -ldflags "-X main.version=v1.4.0 -X main.revision=$(git rev-parse HEAD)" ./cmd/floorwatch
//
// Left empty, they come from the module and VCS information that the Go
// toolchain embeds (debug.ReadBuildInfo).
var version, revision string

// build is what a binary knows about its own build.
type build struct {
	Version, Revision, GoVersion string
}

// buildInfo returns the version and revision set with -ldflags, else those
// of the embedded build information: the module version ("(devel)" for a
// build from a checkout), the VCS revision with "-dirty" when the tree had
// changes, "unknown" when nothing says.
func buildInfo() build {
	b := build{Version: version, Revision: revision, GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if ok {
		fillFromBuildInfo(&b, info)
	}
	if b.Version == "" {
		b.Version = "unknown"
	}
	if b.Revision == "" {
		b.Revision = "unknown"
	}
	return b
}

func fillFromBuildInfo(b *build, info *debug.BuildInfo) {
	if b.Version == "" {
		b.Version = info.Main.Version
	}
	if b.Revision != "" {
		return
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "-dirty"
	}
	b.Revision = rev
}

// versionCommand is `floorwatch version`.
func versionCommand() command {
	return command{name: "version", summary: "print the version, VCS revision and Go version of this binary", run: runVersion}
}

func runVersion(_ context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: floorwatch version\n\nPrints the version and VCS revision (set at build time with\n-ldflags \"-X main.version=V -X main.revision=R\", else from the build information) and the Go version.")
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	b := buildInfo()
	fmt.Fprintf(env.stdout, "floorwatch %s (revision %s, %s)\n", b.Version, b.Revision, b.GoVersion)
	return nil
}

// registerBuildInfo adds floorwatch_build_info{version,revision,goversion} 1,
// so dashboards and alerts can tell which build every scraped process runs.
func registerBuildInfo(reg prometheus.Registerer, b build) error {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "floorwatch_build_info",
		Help: "Always 1; the labels name the build of the running binary.",
	}, []string{"version", "revision", "goversion"})
	g.WithLabelValues(b.Version, b.Revision, b.GoVersion).Set(1)
	if err := reg.Register(g); err != nil {
		return fmt.Errorf("register build info: %w", err)
	}
	return nil
}
