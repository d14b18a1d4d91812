package testenv

// Docker fallback: when no address is given in the environment and a Docker
// daemon answers, testenv starts the official images with testcontainers-go,
// once per test binary; testcontainers' reaper removes them when the binary
// exits. Development machines and CI of this project have no Docker: there,
// deployments/local/services runs the services and this path is never
// exercised, so it is kept as small as possible.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Images used by the Docker fallback; FLOORWATCH_KAFKA_IMAGE and
// FLOORWATCH_CLICKHOUSE_IMAGE override them.
const (
	defaultKafkaImage      = "apache/kafka:4.4.0"
	defaultClickHouseImage = "clickhouse/clickhouse-server:26.7"
)

var errNoDocker = errors.New("no Docker daemon")

var (
	dockerOnce sync.Once
	dockerErr  error

	kafkaOnce    sync.Once
	kafkaBrokers []string
	kafkaErr     error

	chOnce   sync.Once
	chNative string
	chHTTP   string
	chErr    error
)

// dockerAvailable reports whether a Docker daemon answers. Without any sign of
// one (DOCKER_HOST, a testcontainers override or a socket file) it does not
// even ask testcontainers, which would log its own search.
func dockerAvailable() error {
	dockerOnce.Do(func() {
		if !dockerHinted() {
			dockerErr = errNoDocker
			return
		}
		defer func() {
			if r := recover(); r != nil { // testcontainers panics when it finds no host
				dockerErr = fmt.Errorf("%w: %v", errNoDocker, r)
			}
		}()
		p, err := testcontainers.NewDockerProvider()
		if err != nil {
			dockerErr = fmt.Errorf("%w: %v", errNoDocker, err)
			return
		}
		defer p.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Health(ctx); err != nil {
			dockerErr = fmt.Errorf("%w: %v", errNoDocker, err)
		}
	})
	return dockerErr
}

func dockerHinted() bool {
	if os.Getenv("DOCKER_HOST") != "" || os.Getenv("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE") != "" {
		return true
	}
	home, _ := os.UserHomeDir()
	for _, p := range []string{
		"/var/run/docker.sock",
		filepath.Join(home, ".docker", "run", "docker.sock"),
		filepath.Join(home, ".testcontainers.properties"),
		filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), "docker.sock"),
	} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

func image(env, def string) string {
	if v := os.Getenv(env); v != "" {
		return v
	}
	return def
}

// dockerKafka starts a single-node KRaft broker. The broker must advertise the
// port the host sees, so the host port is picked before the start and bound
// explicitly (this assumes a local daemon, reached on localhost).
func dockerKafka() ([]string, error) {
	kafkaOnce.Do(func() {
		if kafkaErr = dockerAvailable(); kafkaErr != nil {
			return
		}
		port, err := freePort()
		if err != nil {
			kafkaErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		_, err = testcontainers.Run(ctx, image("FLOORWATCH_KAFKA_IMAGE", defaultKafkaImage),
			testcontainers.WithExposedPorts("9092/tcp"),
			testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
				hc.PortBindings = network.PortMap{
					network.MustParsePort("9092/tcp"): {{HostPort: strconv.Itoa(port)}},
				}
			}),
			testcontainers.WithEnv(map[string]string{
				"KAFKA_NODE_ID":                                  "1",
				"KAFKA_PROCESS_ROLES":                            "broker,controller",
				"KAFKA_LISTENERS":                                "PLAINTEXT://:9092,CONTROLLER://:9093",
				"KAFKA_ADVERTISED_LISTENERS":                     "PLAINTEXT://localhost:" + strconv.Itoa(port),
				"KAFKA_CONTROLLER_LISTENER_NAMES":                "CONTROLLER",
				"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":           "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
				"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@localhost:9093",
				"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
				"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
				"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
				"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
				"KAFKA_AUTO_CREATE_TOPICS_ENABLE":                "false",
			}),
			testcontainers.WithWaitStrategy(wait.ForLog("Kafka Server started").WithStartupTimeout(3*time.Minute)),
		)
		if err != nil {
			kafkaErr = fmt.Errorf("starting a Kafka container: %w", err)
			return
		}
		kafkaBrokers = []string{net.JoinHostPort("localhost", strconv.Itoa(port))}
	})
	return kafkaBrokers, kafkaErr
}

func dockerClickHouse() (nativeAddr, httpURL string, err error) {
	chOnce.Do(func() {
		if chErr = dockerAvailable(); chErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		c, err := testcontainers.Run(ctx, image("FLOORWATCH_CLICKHOUSE_IMAGE", defaultClickHouseImage),
			testcontainers.WithExposedPorts("9000/tcp", "8123/tcp"),
			// Keep the image's passwordless default user reachable from the host.
			testcontainers.WithEnv(map[string]string{"CLICKHOUSE_SKIP_USER_SETUP": "1"}),
			testcontainers.WithWaitStrategy(wait.ForHTTP("/ping").WithPort("8123/tcp").WithStartupTimeout(3*time.Minute)),
		)
		if err != nil {
			chErr = fmt.Errorf("starting a ClickHouse container: %w", err)
			return
		}
		if chNative, chErr = c.PortEndpoint(ctx, "9000/tcp", ""); chErr != nil {
			return
		}
		chHTTP, chErr = c.PortEndpoint(ctx, "8123/tcp", "http")
	})
	return chNative, chHTTP, chErr
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
