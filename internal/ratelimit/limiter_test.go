package ratelimit

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newLimiter(t *testing.T, o Options, reg prometheus.Registerer) (*Limiter, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	o.Now = c.now
	l, err := New(o, reg, "ingest")
	if err != nil {
		t.Fatal(err)
	}
	return l, c
}

func TestAClientThatFailsBurstTimesIsRefusedUntilATokenComesBack(t *testing.T) {
	reg := prometheus.NewRegistry()
	l, c := newLimiter(t, Options{PerMinute: 6, Burst: 3}, reg)
	for i := range 3 {
		if ok, _ := l.Allow("203.0.113.7"); !ok {
			t.Fatalf("guess %d refused within the burst", i+1)
		}
		l.Failed("203.0.113.7")
	}
	ok, wait := l.Allow("203.0.113.7")
	if ok || wait != 10*time.Second {
		t.Fatalf("after the burst: allowed %v, retry after %s; want refused for 10s (6 a minute)", ok, wait)
	}
	if ok, _ := l.Allow("198.51.100.1"); !ok {
		t.Error("another client was refused")
	}
	c.advance(9 * time.Second)
	if ok, _ := l.Allow("203.0.113.7"); ok {
		t.Error("allowed before its token came back")
	}
	c.advance(time.Second)
	if ok, _ := l.Allow("203.0.113.7"); !ok {
		t.Error("refused once its token came back")
	}
	l.Failed("203.0.113.7")
	if ok, _ := l.Allow("203.0.113.7"); ok {
		t.Error("a second guess passed on one token")
	}
	if got := gathered(t, reg, "floorwatch_ingest_auth_throttled_total"); got != 3 {
		t.Errorf("floorwatch_ingest_auth_throttled_total = %v, want 3 refusals", got)
	}
}

// gathered is the value of counter name in reg (-1: not registered).
func gathered(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return -1
}

func TestAClientThatNeverFailsIsNeverRefused(t *testing.T) {
	l, _ := newLimiter(t, Options{PerMinute: 1, Burst: 1}, nil)
	for range 1000 {
		if ok, _ := l.Allow("192.0.2.1"); !ok {
			t.Fatal("a client with no failure was refused")
		}
	}
	if l.Clients() != 0 {
		t.Errorf("%d clients remembered, want none: only failures are kept", l.Clients())
	}
}

func TestTheBucketRefillsToTheBurstAndNoFurther(t *testing.T) {
	l, c := newLimiter(t, Options{PerMinute: 60, Burst: 2}, nil)
	l.Failed("a")
	c.advance(time.Hour)
	for i := range 2 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("guess %d after an hour refused", i+1)
		}
		l.Failed("a")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Error("an hour of quiet gave more than the burst")
	}
}

func TestMemoryIsBoundedByForgettingTheLeastRecentClient(t *testing.T) {
	l, _ := newLimiter(t, Options{PerMinute: 1, Burst: 1, MaxClients: 100}, nil)
	for i := range 10_000 {
		l.Failed(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	if n := l.Clients(); n != 100 {
		t.Fatalf("%d clients remembered, want the bound 100", n)
	}
	if ok, _ := l.Allow("10.0.39.15"); ok { // the last one: still remembered
		t.Error("the most recent client was forgotten")
	}
	if ok, _ := l.Allow("10.0.0.0"); !ok { // the first one: forgotten
		t.Error("the least recent client is still remembered")
	}
}

func TestConcurrentUseKeepsTheCount(t *testing.T) {
	l, _ := newLimiter(t, Options{PerMinute: 1, Burst: 50}, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if ok, _ := l.Allow("x"); ok {
					l.Failed("x")
				}
			}
		}()
	}
	wg.Wait()
	if ok, _ := l.Allow("x"); ok {
		t.Error("800 concurrent failures left a token")
	}
}

func TestClientKeys(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"203.0.113.7:51234", "203.0.113.7"},
		{"[::ffff:203.0.113.7]:443", "203.0.113.7"},
		{"[2001:db8:1:2:aaaa::1]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9%eth0]:443", "2001:db8:1:2::/64"},
		{"@", "@"},
	} {
		if got := ClientKey(c.addr); got != c.want {
			t.Errorf("ClientKey(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
	if strings.Contains(ClientKey("[2001:db8::1]:1"), "%") {
		t.Error("zone kept")
	}
}
