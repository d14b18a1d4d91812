// Package testenv gives integration tests and benchmarks the real Kafka and ClickHouse to run against (from the environment, deployments/local/services or Docker), skipping cleanly when there is none.
package testenv
