// Package telemetry holds the one way floorwatch's stages register their
// Prometheus series: through the Registerer they are given, returning an
// error (never panicking) when a series is already registered.
package telemetry

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers every collector with reg, or returns an error naming
// the stage. A nil reg registers nothing (a stage run without metrics).
func Register(reg prometheus.Registerer, stage string, cs ...prometheus.Collector) error {
	if reg == nil {
		return nil
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("%s: register metrics: %w", stage, err)
		}
	}
	return nil
}
