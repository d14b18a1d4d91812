package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The environment variables that testenv reads. deployments/local/services env
// prints the first three; FLOORWATCH_REQUIRE_SERVICES=1 (set by .ci/run) turns
// a missing service from a skip into a failure.
const (
	EnvKafkaBrokers = "FLOORWATCH_KAFKA_BROKERS"
	// EnvKafkaSASLBrokers is the same broker's SASL listener (PLAIN and
	// SCRAM), which deployments/local/services opens.
	EnvKafkaSASLBrokers = "FLOORWATCH_KAFKA_SASL_BROKERS"
	EnvClickHouseAddr   = "FLOORWATCH_CLICKHOUSE_ADDR"
	EnvClickHouseHTTP   = "FLOORWATCH_CLICKHOUSE_HTTP"
	EnvRequireServices  = "FLOORWATCH_REQUIRE_SERVICES"
)

// RequireServices reports whether a missing service must fail the test
// instead of skipping it.
func RequireServices() bool {
	v := strings.TrimSpace(os.Getenv(EnvRequireServices))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// KafkaBrokers returns the seed brokers of a real Kafka cluster: those in
// FLOORWATCH_KAFKA_BROKERS (comma separated), else a broker in a Docker
// container started once per test binary, else it skips the test (or fails it
// when FLOORWATCH_REQUIRE_SERVICES=1).
func KafkaBrokers(tb testing.TB) []string {
	tb.Helper()
	if v := os.Getenv(EnvKafkaBrokers); strings.TrimSpace(v) != "" {
		return splitList(v)
	}
	brokers, err := dockerKafka()
	if err != nil {
		unavailable(tb, "Kafka", EnvKafkaBrokers, err)
		return nil
	}
	return brokers
}

// KafkaSASLBrokers returns the SASL listener of the broker of KafkaBrokers
// (FLOORWATCH_KAFKA_SASL_BROKERS), else it skips the test (or fails it when
// FLOORWATCH_REQUIRE_SERVICES=1). The Docker fallback has no SASL listener.
func KafkaSASLBrokers(tb testing.TB) []string {
	tb.Helper()
	if v := os.Getenv(EnvKafkaSASLBrokers); strings.TrimSpace(v) != "" {
		return splitList(v)
	}
	unavailable(tb, "Kafka SASL listener", EnvKafkaSASLBrokers, fmt.Errorf("not set; the Docker fallback has none (%w)", errNoDocker))
	return nil
}

// ClickHouse returns the native-protocol address (host:port) and the HTTP
// URL of a real ClickHouse server: those in FLOORWATCH_CLICKHOUSE_ADDR and
// FLOORWATCH_CLICKHOUSE_HTTP, else a server in a Docker container started once
// per test binary, else it skips the test (or fails it when
// FLOORWATCH_REQUIRE_SERVICES=1).
func ClickHouse(tb testing.TB) (nativeAddr, httpURL string) {
	tb.Helper()
	nativeAddr = strings.TrimSpace(os.Getenv(EnvClickHouseAddr))
	httpURL = strings.TrimRight(strings.TrimSpace(os.Getenv(EnvClickHouseHTTP)), "/")
	if nativeAddr != "" && httpURL != "" {
		return nativeAddr, httpURL
	}
	if nativeAddr != "" || httpURL != "" {
		tb.Fatalf("testenv: set both %s and %s, or neither", EnvClickHouseAddr, EnvClickHouseHTTP)
	}
	nativeAddr, httpURL, err := dockerClickHouse()
	if err != nil {
		unavailable(tb, "ClickHouse", EnvClickHouseAddr+" and "+EnvClickHouseHTTP, err)
		return "", ""
	}
	return nativeAddr, httpURL
}

// unavailable skips (or, when services are required, fails) a test that has
// no service to run against.
func unavailable(tb testing.TB, service, vars string, why error) {
	tb.Helper()
	if !errors.Is(why, errNoDocker) { // Docker answered but the container failed
		tb.Fatalf("testenv: %s: %v", service, why)
		return
	}
	msg := fmt.Sprintf("testenv: no %s: set %s (eval \"$(deployments/local/services up)\") or run a Docker daemon (%v)",
		service, vars, why)
	if RequireServices() {
		tb.Fatal(msg + "; " + EnvRequireServices + "=1 forbids skipping")
		return
	}
	tb.Skip(msg)
}

// UniqueName returns a name unique to this test and run, usable as a Kafka
// topic, a consumer group, a transactional ID and a ClickHouse database or
// table name: prefix, the test's name and random hex, in [a-z0-9_].
func UniqueName(tb testing.TB, prefix string) string {
	tb.Helper()
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatalf("testenv: random name: %v", err)
	}
	name := sanitize(tb.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	parts := []string{sanitize(prefix), name, hex.EncodeToString(b[:])}
	if parts[0] == "" {
		parts = parts[1:]
	}
	return strings.Join(parts, "_")
}

func sanitize(s string) string {
	var sb strings.Builder
	lastUnderscore := false
	for _, r := range strings.ToLower(s) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !ok {
			if lastUnderscore || sb.Len() == 0 {
				continue
			}
			sb.WriteByte('_')
			lastUnderscore = true
			continue
		}
		sb.WriteRune(r)
		lastUnderscore = false
	}
	return strings.TrimSuffix(sb.String(), "_")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
