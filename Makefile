# Build glue. `make test` is the whole check (CI runs it through .ci/run);
# scripts/test does the work, deployments/local/services runs Kafka and
# ClickHouse as local processes.

SHELL := /bin/bash
SERVICES := deployments/local/services

# Flags for go test in `make test`.
GOTESTFLAGS ?= -count=1 -timeout 15m
# Fuzz pass at the end of `make test`: add pkg:FuzzName entries, e.g.
#   FUZZ_TARGETS += schemas:FuzzDecode
FUZZ_TARGETS ?=
FUZZTIME ?= 10s
# `make bench` pattern and flags.
BENCH ?= .
BENCHFLAGS ?= -benchmem

export GOTESTFLAGS FUZZ_TARGETS FUZZTIME BENCH BENCHFLAGS

.PHONY: test bench services-up services-down services-status services-reset

test:
	scripts/test test

bench:
	scripts/test bench

services-up:
	$(SERVICES) up

services-down:
	$(SERVICES) down

services-status:
	$(SERVICES) status

services-reset:
	$(SERVICES) reset
