package schemas

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestADeltaBoundsWhatItAddedAndNotWhatItRetracted(t *testing.T) {
	var d DurationDelta
	d.Add(600_000, 60_000, 1)
	d.Add(900_000, 90_000, -1) // a correction: retracting cannot narrow or widen
	d.Add(300_000, 30_000, 1)
	want := DurationBounds{MinMs: 300_000, MaxMs: 600_000, BusinessMinMs: 30_000, BusinessMaxMs: 60_000}
	if b, ok := d.KnownBounds(); !ok || b != want {
		t.Errorf("bounds %+v (%v), want %+v", b, ok, want)
	}
	b, _ := json.Marshal(d)
	var back DurationDelta
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, d) {
		t.Errorf("JSON round trip gave %+v (%v), want %+v", back, err, d)
	}
}

func TestADeltaWithoutBoundsThatAddedDurationsHasUnknownBounds(t *testing.T) {
	cases := []struct {
		name string
		d    DurationDelta
		want DurationBounds
		ok   bool
	}{
		{"an old record that added one duration", DurationDelta{Count: 1, Buckets: map[int32]int64{600: 1}}, UnknownBounds, true},
		{"a retraction only", DurationDelta{Count: -1, Buckets: map[int32]int64{600: -1}}, DurationBounds{}, false},
		{"nothing", DurationDelta{}, DurationBounds{}, false},
	}
	for _, c := range cases {
		if b, ok := c.d.KnownBounds(); b != c.want || ok != c.ok {
			t.Errorf("%s: %+v %v, want %+v %v", c.name, b, ok, c.want, c.ok)
		}
	}
}
