package chaos

import (
	"reflect"
	"testing"
	"time"
)

func TestAScheduleIsAFunctionOfItsSeed(t *testing.T) {
	a, b := Schedule(7, Long), Schedule(7, Long)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two schedules")
	}
	if reflect.DeepEqual(a, Schedule(8, Long)) {
		t.Fatal("seeds 7 and 8 gave the same schedule")
	}
}

func TestTheLongPlanKillsAtLeastFiftyInstancesOfEveryRoleAndEachOutageOnce(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		fs := Schedule(seed, Long)
		kinds := map[FaultKind]int{}
		roles := map[string]int{}
		var last time.Duration
		for _, f := range fs {
			kinds[f.Kind]++
			if f.At < last {
				t.Fatalf("seed %d: faults out of order", seed)
			}
			last = f.At
			if f.At < 0 || f.At+f.For > Long.Traffic {
				t.Errorf("seed %d: %s at %s for %s falls outside the traffic", seed, f.Kind, f.At, f.For)
			}
			switch f.Kind {
			case KillInstance:
				roles[f.Role]++
				if f.Instance < 1 || f.Instance > Long.Instances || f.For < Long.RestartAfter[0] || f.For > Long.RestartAfter[1] {
					t.Errorf("seed %d: bad instance kill %+v", seed, f)
				}
			case KillBroker:
				if f.Node < 1 || f.Node > brokerNodes || f.At+f.For > Long.Traffic/2 {
					t.Errorf("seed %d: bad broker kill %+v", seed, f)
				}
			case KillClickHouse:
				if f.For != time.Minute || f.At < Long.Traffic/2 {
					t.Errorf("seed %d: bad ClickHouse outage %+v", seed, f)
				}
			}
		}
		if kinds[KillInstance] < 50 || kinds[KillBroker] != 1 || kinds[KillClickHouse] != 1 {
			t.Errorf("seed %d: faults %v, want ≥ 50 instance kills and one of each outage", seed, kinds)
		}
		for _, r := range Roles {
			if roles[r] == 0 {
				t.Errorf("seed %d: no %s instance killed", seed, r)
			}
		}
	}
}

func TestThePlansAreValid(t *testing.T) {
	for _, p := range []Plan{Short, Long} {
		if err := p.validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	bad := Short
	bad.ClickHouseDown = Short.Traffic
	if bad.validate() == nil {
		t.Error("an outage longer than the traffic was accepted")
	}
}
