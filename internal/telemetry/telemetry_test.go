package telemetry

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisteringTwiceIsAnErrorNotAPanic(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := func() prometheus.Collector {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "floorwatch_test_total", Help: "test"})
	}
	if err := Register(reg, "test", c()); err != nil {
		t.Fatal(err)
	}
	if err := Register(reg, "test", c()); err == nil || !strings.HasPrefix(err.Error(), "test: register metrics") {
		t.Fatalf("second registration: %v, want an error naming the stage", err)
	}
	if err := Register(nil, "test", c()); err != nil {
		t.Fatalf("nil registerer: %v", err)
	}
}
