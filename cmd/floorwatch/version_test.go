package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestBuildInfoPrefersLinkerFlagsThenVCSInformation(t *testing.T) {
	info := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}}}
	cases := []struct {
		name              string
		version, revision string // as set with -ldflags
		want              build
	}{
		{"from a checkout with changes", "", "", build{Version: "(devel)", Revision: "0123abcd-dirty"}},
		{"set at build time", "v1.4.0", "feedbeef", build{Version: "v1.4.0", Revision: "feedbeef"}},
		{"version only", "v1.4.0", "", build{Version: "v1.4.0", Revision: "0123abcd-dirty"}},
	}
	for _, c := range cases {
		b := build{Version: c.version, Revision: c.revision}
		fillFromBuildInfo(&b, info)
		if b != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, b, c.want)
		}
	}
	clean := &debug.BuildInfo{Main: debug.Module{Version: "v1.5.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "false"}}}
	var b build
	fillFromBuildInfo(&b, clean)
	if b != (build{Version: "v1.5.0", Revision: "0123abcd"}) {
		t.Errorf("clean module build: %+v", b)
	}
}

func TestMetricsCarryTheBuildInfoGauge(t *testing.T) {
	reg, err := newRoleRegistry()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	stop, err := serveMetrics(addr, reg, newHealth(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b := buildInfo()
	want := `floorwatch_build_info{goversion="` + runtime.Version() + `",revision="` + b.Revision + `",version="` + b.Version + `"} 1`
	if !strings.Contains(string(body), want) {
		t.Errorf("/metrics lacks %s", want)
	}
	if err := registerBuildInfo(prometheus.NewRegistry(), b); err != nil {
		t.Errorf("a second registry: %v", err)
	}
}

// TestVersionSetAtBuildTime builds the binary as the container image does
// (-ldflags -X) and runs `floorwatch version`.
func TestVersionSetAtBuildTime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "floorwatch")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7-test -X main.revision=c0ffee", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^floorwatch v9\.8\.7-test \(revision c0ffee, go1\.[0-9.]+\)\n$`)
	if !want.Match(out) {
		t.Errorf("floorwatch version printed %q", out)
	}
}
