package chaos

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Roles are the floorwatch roles the fleet runs, each Plan.Instances times.
var Roles = []string{"ingest", "process", "sink"}

// FaultKind names what a fault does.
type FaultKind uint8

const (
	// KillInstance SIGKILLs one floorwatch instance and restarts it after For.
	KillInstance FaultKind = iota
	// KillBroker SIGKILLs Kafka node Node and restarts it after For.
	KillBroker
	// KillClickHouse SIGKILLs ClickHouse and restarts it after For.
	KillClickHouse
)

func (k FaultKind) String() string {
	return [...]string{"kill-instance", "kill-broker", "kill-clickhouse"}[k]
}

// Fault is one fault of a run, At after the traffic began.
type Fault struct {
	At   time.Duration
	Kind FaultKind
	// Role and Instance (1-based) of a KillInstance; Node (1-based) of a KillBroker.
	Role     string
	Instance int
	Node     int
	// For is how long the victim stays down.
	For time.Duration
}

// Schedule returns the faults of plan p for seed, in time order. It is a
// pure function of its arguments: a seed names a run's faults exactly
// (the moments are offsets from the traffic's start), so a failing run
// is replayed with the same seed. Instance kills fall one in each of
// p.Kills equal slots of the traffic (its first and last 5% left quiet),
// at a random moment of the slot, on a random role and instance; the
// broker goes down in the first half, ClickHouse in the second.
func Schedule(seed uint64, p Plan) []Fault {
	rng := rand.New(rand.NewPCG(seed, 0xc4a05))
	between := func(lo, hi time.Duration) time.Duration {
		if hi <= lo {
			return lo
		}
		return lo + time.Duration(rng.Int64N(int64(hi-lo)))
	}
	var out []Fault
	lo, hi := p.Traffic/20, p.Traffic-p.Traffic/20
	if p.Kills > 0 {
		slot := (hi - lo) / time.Duration(p.Kills)
		for i := range p.Kills {
			start := lo + time.Duration(i)*slot
			out = append(out, Fault{
				At: between(start, start+slot), Kind: KillInstance,
				Role: Roles[rng.IntN(len(Roles))], Instance: 1 + rng.IntN(p.Instances),
				For: between(p.RestartAfter[0], p.RestartAfter[1]),
			})
		}
	}
	if p.BrokerDown > 0 {
		out = append(out, Fault{At: between(p.Traffic/5, p.Traffic/2-p.BrokerDown), Kind: KillBroker,
			Node: 1 + rng.IntN(brokerNodes), For: p.BrokerDown})
	}
	if p.ClickHouseDown > 0 {
		out = append(out, Fault{At: between(p.Traffic/2, hi-p.ClickHouseDown), Kind: KillClickHouse,
			For: p.ClickHouseDown})
	}
	slices.SortStableFunc(out, func(a, b Fault) int { return int(a.At - b.At) })
	return out
}

// brokerNodes is the size of the run's Kafka cluster.
const brokerNodes = 3
