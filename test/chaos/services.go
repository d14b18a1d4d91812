package chaos

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Ports are the run's own listeners, all on loopback, so that it never
// touches the services others use. Base is ClickHouse's native port; the
// rest follow it (see Ports.of).
type Ports struct{ Base int }

// DefaultPorts keep clear of deployments/local/services' defaults.
var DefaultPorts = Ports{Base: 29000}

func (p Ports) clickHouse() int     { return p.Base }
func (p Ports) clickHouseHTTP() int { return p.Base + 1 }
func (p Ports) ingest(i int) int    { return p.Base + 10 + i }
func (p Ports) kafka() int          { return p.Base + 92 } // nodes 2 and 3: +100, +200
func (p Ports) kafkaController() int {
	return p.Base + 93
}
func (p Ports) kafkaSASL() int { return p.Base + 94 }

// brokers lists the Kafka cluster's client addresses.
func (p Ports) brokers() []string {
	out := make([]string, brokerNodes)
	for i := range out {
		out[i] = "127.0.0.1:" + strconv.Itoa(p.kafka()+100*i)
	}
	return out
}

// Services drives deployments/local/services for the run: its own state
// dir and ports, a three-node Kafka cluster.
type Services struct {
	script string
	env    []string
}

// NewServices returns the services of state dir state on ports p; root
// is the repository.
func NewServices(root, state string, p Ports) *Services {
	env := cleanEnv(os.Environ(), "FLOORWATCH_CACHE", "FLOORWATCH_START_TIMEOUT", "FLOORWATCH_KAFKA_HEAP")
	env = append(env,
		"FLOORWATCH_STATE="+state,
		"FLOORWATCH_KAFKA_NODES="+strconv.Itoa(brokerNodes),
		"FLOORWATCH_KAFKA_PORT="+strconv.Itoa(p.kafka()),
		"FLOORWATCH_KAFKA_CONTROLLER_PORT="+strconv.Itoa(p.kafkaController()),
		"FLOORWATCH_KAFKA_SASL_PORT="+strconv.Itoa(p.kafkaSASL()),
		"FLOORWATCH_CLICKHOUSE_PORT="+strconv.Itoa(p.clickHouse()),
		"FLOORWATCH_CLICKHOUSE_HTTP_PORT="+strconv.Itoa(p.clickHouseHTTP()))
	return &Services{script: filepath.Join(root, "deployments", "local", "services"), env: env}
}

// cleanEnv is env without floorwatch's variables, but for the ones kept:
// a run must not inherit the addresses of the shared services.
func cleanEnv(env []string, keep ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "FLOORWATCH_") && !contains(keep, name) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Run runs `services args...` and returns its stdout; its stderr is in
// the error.
func (s *Services) Run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.script, args...)
	cmd.Env = s.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("services %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
