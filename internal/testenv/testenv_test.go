package testenv

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"
)

func TestUniqueName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9_]+$`)
	seen := map[string]bool{}
	for range 100 {
		n := UniqueName(t, "Topic-X")
		if !valid.MatchString(n) {
			t.Fatalf("UniqueName = %q: want [a-z0-9_] only", n)
		}
		if len(n) > 80 {
			t.Fatalf("UniqueName = %q: too long", n)
		}
		if seen[n] {
			t.Fatalf("UniqueName repeated %q", n)
		}
		seen[n] = true
	}
	if n := UniqueName(t, "p"); n[:len("p_testuniquename_")] != "p_testuniquename_" {
		t.Fatalf("UniqueName = %q: want prefix and test name first", n)
	}
}

func TestEnvAddresses(t *testing.T) {
	t.Setenv(EnvKafkaBrokers, " 127.0.0.1:1, 127.0.0.1:2 ,")
	if got := fmt.Sprint(KafkaBrokers(t)); got != "[127.0.0.1:1 127.0.0.1:2]" {
		t.Fatalf("KafkaBrokers = %s", got)
	}
	t.Setenv(EnvClickHouseAddr, "127.0.0.1:3")
	t.Setenv(EnvClickHouseHTTP, "http://127.0.0.1:4/")
	if a, h := ClickHouse(t); a != "127.0.0.1:3" || h != "http://127.0.0.1:4" {
		t.Fatalf("ClickHouse = %q, %q", a, h)
	}
}

// recorder stands in for a *testing.T to see whether unavailable skips or fails.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Skip(...any)           { r.skipped = true }
func (r *recorder) Fatal(...any)          { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		require string
		err     error
		skip    bool
		fail    bool
	}{
		{require: "", err: errNoDocker, skip: true},
		{require: "0", err: errNoDocker, skip: true},
		{require: "1", err: errNoDocker, fail: true},
		{require: "", err: errors.New("container failed"), fail: true},
	} {
		t.Setenv(EnvRequireServices, tc.require)
		r := &recorder{TB: t}
		unavailable(r, "Kafka", EnvKafkaBrokers, tc.err)
		if r.skipped != tc.skip || r.failed != tc.fail {
			t.Errorf("require=%q err=%v: skipped=%v failed=%v, want %v %v",
				tc.require, tc.err, r.skipped, r.failed, tc.skip, tc.fail)
		}
	}
}

func TestQuantileIsTheNearestRank(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3, 6, 8, 7, 10, 9} // 1..10, unsorted
	for q, want := range map[float64]time.Duration{0: 1, 0.1: 1, 0.5: 5, 0.55: 6, 0.99: 10, 1: 10} {
		if got := Quantile(ds, q); got != want {
			t.Errorf("Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if Quantile(nil, 0.5) != 0 || ds[0] != 5 {
		t.Error("Quantile of none is not 0, or it sorted its argument")
	}
}
