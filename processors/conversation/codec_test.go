package conversation

import (
	"reflect"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

func codecStory() []schemas.Event {
	return []schemas.Event{customer("09:00"), routed("09:01", "sales"), assigned("09:02", "ana"),
		replied("09:04", "ana"), transferred("09:05", "billing", "bob"), customer("09:06"),
		recovered("09:07", "", "carol"), closed("09:30", "carol"), customer("10:00")}
}

func TestAStateSurvivesEncodingIntoAnotherProcess(t *testing.T) {
	tn := mustTenant(t, schemas.DefaultPolicy("acme"))
	s := NewState(testKey)
	for _, e := range codecStory() {
		if _, err := s.Add(tn, &e); err != nil {
			t.Fatal(err)
		}
	}
	b := s.AppendBinary(tn, nil)
	// Another process interns names in another order.
	other := mustTenant(t, schemas.DefaultPolicy("acme"))
	other.Names().ID("zed")
	got, err := DecodeState(other, testKey, b)
	if err != nil {
		t.Fatal(err)
	}
	now := clock("+1d 12:00")
	if w, g := s.Derive(nil, tn, nil, now), got.Derive(nil, other, nil, now); !reflect.DeepEqual(w, g) {
		t.Fatalf("decoded state derives\n%+v\nwant\n%+v", g, w)
	}
	if again := got.AppendBinary(other, nil); string(again) != string(b) {
		t.Fatal("re-encoding the decoded state gives other bytes")
	}
}

func TestCorruptStatesAreRefused(t *testing.T) {
	tn := mustTenant(t, schemas.DefaultPolicy("acme"))
	s := NewState(testKey)
	for _, e := range codecStory() {
		s.Add(tn, &e)
	}
	b := s.AppendBinary(tn, nil)
	for name, bad := range map[string][]byte{
		"empty":          nil,
		"newer version":  append([]byte{9}, b[1:]...),
		"truncated":      b[:len(b)-3],
		"trailing bytes": append(append([]byte{}, b...), 0),
	} {
		if _, err := DecodeState(tn, testKey, bad); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func FuzzDecodeState(f *testing.F) {
	tn := mustTenant(f, schemas.DefaultPolicy("acme"))
	s := NewState(testKey)
	for _, e := range codecStory() {
		s.Add(tn, &e)
	}
	f.Add(s.AppendBinary(tn, nil))
	f.Add([]byte{1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeState(tn, testKey, b)
		if err != nil {
			return
		}
		// Whatever decodes re-encodes and folds without panicking.
		got.Derive(nil, tn, nil, clock("+1d 12:00"))
		if _, err := DecodeState(tn, testKey, got.AppendBinary(tn, nil)); err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
	})
}

func TestOperatorsListsEveryOperatorTheLogNames(t *testing.T) {
	tn := mustTenant(t, schemas.DefaultPolicy("acme"))
	s := NewState(testKey)
	for _, e := range codecStory() {
		s.Add(tn, &e)
	}
	if got, want := s.Operators(tn), []string{"ana", "bob", "carol"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Operators() = %v, want %v", got, want)
	}
}
