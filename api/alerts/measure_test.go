package alerts

import (
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/schemas"
)

func TestMeasuresPerTeamAndForTheWholeTenant(t *testing.T) {
	wait := func(ms int64) *int64 { return &ms }
	m := measure([]cases.Team{
		{Team: str("sales"), Queued: 2, OldestWaitMs: wait(90000), AtRisk: 1, ToRecover: 3, Expired: 0,
			FirstResponses: 4, WithinTarget: 3, Operators: cases.OperatorCounts{Available: 2, Away: 1}},
		{Team: str("support"), Queued: 1, OldestWaitMs: wait(300001), Expired: 2, Operators: cases.OperatorCounts{Available: 1}},
		{Team: str(""), Queued: 1, OldestWaitMs: wait(1000), FirstResponses: 4, WithinTarget: 1}, // cases no team holds
	})
	for _, c := range []struct {
		team   *string
		metric string
		want   *float64
	}{
		{str("sales"), schemas.AlertQueueLength, f64(2)},
		{str("sales"), schemas.AlertOldestWait, f64(90000)},
		{str("sales"), schemas.AlertAtRiskCases, f64(1)},
		{str("sales"), schemas.AlertToRecoverCases, f64(3)},
		{str("sales"), schemas.AlertServiceLevel30m, f64(0.75)},
		{str("sales"), schemas.AlertOperatorsAvailable, f64(2)},
		{str("support"), schemas.AlertServiceLevel30m, nil},
		{str("support"), schemas.AlertExpiredCases, f64(2)},
		{nil, schemas.AlertQueueLength, f64(4)},
		{nil, schemas.AlertOldestWait, f64(300001)},
		{nil, schemas.AlertExpiredCases, f64(2)},
		{nil, schemas.AlertServiceLevel30m, f64(0.5)},
		{nil, schemas.AlertOperatorsAvailable, f64(3)},
		{str("nights"), schemas.AlertQueueLength, f64(0)}, // a team with nothing measures zero
		{str("nights"), schemas.AlertOldestWait, f64(0)},
		{str("nights"), schemas.AlertServiceLevel30m, nil},
	} {
		got := m.value(schemas.AlertRule{Team: c.team, Metric: c.metric})
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%v %s = %v, want %v", deref(c.team), c.metric, deref(got), deref(c.want))
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestThresholdsAreStrictAndNothingToMeasureNeverFires(t *testing.T) {
	above := schemas.AlertRule{Metric: schemas.AlertQueueLength, Above: f64(3)}
	below := schemas.AlertRule{Metric: schemas.AlertServiceLevel30m, Below: f64(0.8)}
	for _, c := range []struct {
		r    schemas.AlertRule
		v    *float64
		want bool
	}{
		{above, f64(3), false}, {above, f64(3.5), true}, {above, nil, false},
		{below, f64(0.8), false}, {below, f64(0.79), true}, {below, nil, false},
	} {
		if got := crossed(c.r, c.v); got != c.want {
			t.Errorf("crossed(%+v, %v) = %v", c.r, deref(c.v), got)
		}
	}
}

func TestBackoffDoublesToItsCapWithJitterInTheUpperHalf(t *testing.T) {
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		lo := backoff(attempt, time.Second, 10*time.Second, func() float64 { return 0 })
		hi := backoff(attempt, time.Second, 10*time.Second, func() float64 { return 1 })
		if lo != want/2 || hi != want {
			t.Errorf("attempt %d: [%s, %s], want [%s, %s]", attempt, lo, hi, want/2, want)
		}
	}
	if d := backoff(200, time.Second, time.Minute, func() float64 { return 1 }); d != time.Minute {
		t.Errorf("attempt 200: %s, want the cap", d)
	}
}

func TestSignaturesVerify(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	sig := Sign([]byte("k"), body)
	// HMAC-SHA256("k", body), as any receiver computes it (openssl dgst
	// -sha256 -hmac k).
	if sig != "sha256=696b5110678d1f332918da752fc2089d305cf4caf658eb24939d7e1f0b0a7934" || !Verify([]byte("k"), body, sig) {
		t.Fatalf("Sign = %s", sig)
	}
	for _, bad := range []string{"", "sha256=", "sha1=" + sig[7:], sig[:len(sig)-1] + "0", Sign([]byte("other"), body)} {
		if bad != sig && Verify([]byte("k"), body, bad) {
			t.Errorf("Verify accepted %q", bad)
		}
	}
	if Verify([]byte("k"), []byte(`{"id":"y"}`), sig) {
		t.Error("a signature verified another body")
	}
}
