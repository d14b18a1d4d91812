# Build glue. `make test` is the whole check (CI runs it through .ci/run);
# scripts/test does the work, deployments/local/services runs Kafka and
# ClickHouse as local processes.

SHELL := /bin/bash
SERVICES := deployments/local/services
.DEFAULT_GOAL := test

# Flags for go test in `make test`.
GOTESTFLAGS ?= -count=1 -timeout 15m
# Every parser's fuzz target, as pkg:FuzzName. `make test` runs only their
# seed corpora and committed regressions (testdata/fuzz), as plain `go test`
# does, so CI never depends on chance; `make fuzz` explores at random for
# FUZZTIME each. Whatever it finds is fixed and its input committed under
# the package's testdata/fuzz/<FuzzName>/. FUZZTIME may be a duration or a
# count of executions (`make fuzz FUZZTIME=500000x`): go1.26's coordinator
# can fail a duration run with a spurious "context deadline exceeded" at
# its end on a loaded machine (golang/go#75804).
FUZZ_TARGETS ?= \
	ingest/normalize:FuzzWebhookWhatsApp \
	ingest/normalize:FuzzWebhookMessenger \
	ingest/normalize:FuzzWebhookInstagram \
	ingest/normalize:FuzzWebhookX \
	ingest/normalize:FuzzPlatformEvents \
	ingest/normalize:FuzzVerifySignatures \
	ingest/normalize:FuzzWhatsAppOnePassMatchesItemByItem \
	ingest/normalize:FuzzWhatsAppDecoderMatchesTheTypedDecoder \
	ingest/decode:FuzzDecode \
	schemas:FuzzUnmarshalEvent \
	schemas:FuzzEventDecoderAgreesWithEncodingJSON \
	schemas:FuzzUnmarshalDeadLetter \
	schemas:FuzzParseConversationKey \
	schemas:FuzzParseTime \
	config:FuzzLoad \
	config:FuzzParseInterval \
	replay:FuzzParseRequest \
	processors/conversation:FuzzFold \
	processors/conversation:FuzzDecodeState \
	processors/stream:FuzzDecodeEntry \
	processors/stream:FuzzDecodeMeta \
	processors/windows:FuzzParseConvID \
	sinks/clickhouse:FuzzRowsNeverPanics \
	api:FuzzActionBody \
	api/cases:FuzzDecodeCursor \
	sinks/clickhouse:FuzzParsePlan \
	processors/indicators:FuzzParseDims \
	internal/ratelimit:FuzzClientKey
FUZZTIME ?= 10m
# `make bench` pattern and flags.
BENCH ?= .
BENCHFLAGS ?= -benchmem
BENCHCOUNT ?= 3

export GOTESTFLAGS FUZZ_TARGETS FUZZTIME BENCH BENCHFLAGS BENCHCOUNT

.PHONY: up down demo-traffic test bench fuzz chaos services-up services-down services-status services-reset

# `make up`: install (when missing) and start Kafka and ClickHouse, build
# floorwatch, run the whole pipeline in the foreground with config.yaml and
# feed it simulated traffic without end (floorwatch simulate, SIMULATE_RATE
# events per second, 20 by default; scripts/up). Ctrl-C stops the simulator
# and floorwatch; the services keep running until `make down`.
up:
	scripts/up

down:
	$(SERVICES) down

# Posts test/e2e/testdata/requests.jsonl, signed with config.yaml's
# development secrets, to the ingest that `make up` runs.
demo-traffic:
	go run ./test/e2e/demotraffic --config config.yaml

test:
	scripts/test test

bench:
	scripts/test bench

fuzz:
	scripts/test fuzz

# The long fault suite (scripts/chaos; `make test` runs its --short form):
# ≥ 50 SIGKILLs of instances, a Kafka node and ClickHouse down, then the
# proof that nothing acknowledged was lost or counted twice. CHAOS_FLAGS
# adds flags, e.g. CHAOS_FLAGS="--seed 7 --keep".
CHAOS_FLAGS ?=
chaos:
	scripts/chaos $(CHAOS_FLAGS)

services-up:
	$(SERVICES) up

services-down:
	$(SERVICES) down

services-status:
	$(SERVICES) status

services-reset:
	$(SERVICES) reset
