package deployments

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
}

func readDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if more, ok := strings.CutSuffix(line, "\\"); ok {
			cur += more + " "
			continue
		}
		cur += line
		cmd, args, _ := strings.Cut(cur, " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur = ""
	}
	return out
}

// The image is built in one stage and runs in another, from an empty
// base, as a non-root user, with a static binary whose version is set at
// build time through the variables `floorwatch version` prints.
func TestTheImageIsAStaticNonRootBinaryWithItsVersion(t *testing.T) {
	ins := readDockerfile(t)
	var froms []string
	var build, user, entrypoint, health string
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			froms = append(froms, in.args)
		case "RUN":
			if strings.Contains(in.args, "go build") {
				build = in.args
			}
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entrypoint = in.args
		case "HEALTHCHECK":
			health = in.args
		}
	}
	if len(froms) < 2 || froms[len(froms)-1] != "scratch" {
		t.Errorf("stages %v: want a build stage and a final scratch one", froms)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-X main.version=${VERSION}", "-X main.revision=${REVISION}", "./cmd/floorwatch", "-trimpath"} {
		if !strings.Contains(build, want) {
			t.Errorf("the go build line lacks %s: %s", want, build)
		}
	}
	if u := regexp.MustCompile(`^(\d+)(:\d+)?$`).FindStringSubmatch(user); u == nil || u[1] == "0" {
		t.Errorf("USER %q: want a numeric non-root user (Kubernetes' runAsNonRoot needs a number)", user)
	}
	if !strings.Contains(entrypoint, "/usr/local/bin/floorwatch") || !strings.Contains(health, "probe") {
		t.Errorf("ENTRYPOINT %s, HEALTHCHECK %s", entrypoint, health)
	}
	src, err := os.ReadFile("../cmd/floorwatch/version.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "var version, revision string") {
		t.Error("cmd/floorwatch no longer has the version and revision variables that -ldflags sets")
	}
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	arg := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\S+)$`).FindSubmatch(mustRead(t, "Dockerfile"))
	if goVersion == nil || arg == nil || string(goVersion[1]) != string(arg[1]) {
		t.Errorf("the image builds with Go %q, go.mod asks for %q", arg, goVersion)
	}
}

// The Kubernetes pods run as the image's user.
func TestPodsRunAsTheImagesUser(t *testing.T) {
	var user string
	for _, in := range readDockerfile(t) {
		if in.cmd == "USER" {
			user = in.args
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	for _, o := range render(t, "k8s/base") {
		if len(o.containers()) > 0 {
			if got := o.str("spec", "template", "spec", "securityContext", "runAsUser"); got != uid {
				t.Errorf("%s %s runs as %q, the image's user is %s", o.str("kind"), o.str("metadata", "name"), got, uid)
			}
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
