package chaos

import (
	"fmt"
	"time"
)

// Plan is the shape of a run: how long and how fast the traffic flows,
// and how many faults hit it.
type Plan struct {
	Name string
	// Traffic is the wall time the simulated traffic flows.
	Traffic time.Duration
	// Rate is the average of events per wall second.
	Rate float64
	// Speedup is simulated seconds per wall second: the traffic covers
	// Traffic×Speedup of simulated time, ending at the present.
	Speedup float64
	// Instances of each role (ingest, process, sink).
	Instances int
	// Kills are the SIGKILLs of floorwatch instances, spread over the
	// traffic, each restarted after a delay in RestartAfter.
	Kills        int
	RestartAfter [2]time.Duration
	// BrokerDown is how long one Kafka node stays killed (0: none).
	BrokerDown time.Duration
	// ClickHouseDown is how long ClickHouse stays killed (0: never).
	ClickHouseDown time.Duration
	// Partitions of every topic.
	Partitions int
}

// Short is the run of `make test`: every kind of fault, few of each, in
// about three minutes on two cores.
var Short = Plan{
	Name: "short", Traffic: 70 * time.Second, Rate: 25, Speedup: 20, Instances: 2,
	Kills: 8, RestartAfter: [2]time.Duration{500 * time.Millisecond, 3 * time.Second},
	BrokerDown: 12 * time.Second, ClickHouseDown: 20 * time.Second, Partitions: 6,
}

// Long is the run on demand: at least 50 kills, a broker down, and
// ClickHouse unavailable for a minute.
var Long = Plan{
	Name: "long", Traffic: 10 * time.Minute, Rate: 40, Speedup: 20, Instances: 2,
	Kills: 60, RestartAfter: [2]time.Duration{500 * time.Millisecond, 5 * time.Second},
	BrokerDown: 30 * time.Second, ClickHouseDown: time.Minute, Partitions: 6,
}

// validate reports a plan that cannot run.
func (p Plan) validate() error {
	switch {
	case p.Traffic < 20*time.Second:
		return fmt.Errorf("chaos: traffic of %s is too short (at least 20s)", p.Traffic)
	case p.Rate <= 0 || p.Speedup < 1:
		return fmt.Errorf("chaos: rate must be positive and speedup at least 1")
	case p.Instances < 1 || p.Partitions < 1:
		return fmt.Errorf("chaos: instances and partitions must be positive")
	case p.RestartAfter[0] <= 0 || p.RestartAfter[1] < p.RestartAfter[0]:
		return fmt.Errorf("chaos: restart delays must be positive and ordered")
	case p.ClickHouseDown+p.BrokerDown > p.Traffic/2:
		return fmt.Errorf("chaos: the outages must fit in half the traffic")
	}
	return nil
}
