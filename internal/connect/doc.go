// Package connect builds the Kafka and ClickHouse clients' options once,
// from the configuration (brokers, TLS, SASL, credentials), for
// cmd/floorwatch to pass to every stage, and creates the pipeline's
// topics.
package connect
