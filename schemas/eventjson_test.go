package schemas

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The fast event decoder reads every input as encoding/json does: the same
// Event when encoding/json succeeds, an error when it fails.
func FuzzEventDecoderAgreesWithEncodingJSON(f *testing.F) {
	e := sampleEvent()
	b, _ := json.Marshal(&e)
	f.Add(b)
	for _, s := range []string{`{}`, `null`, `{"v":1,"Tenant":"x"}`, `{"v":1.0}`, `{"v":01}`, `{"v":"1"}`,
		`{"tenant":"caf\u00e9","text":"a\"b"}`, `{"occurred_at":"2026-11-20T09:00:00Z","x":[1,{"y":null}]}`,
		`{"clamped":true,"human_agent":null,"id":null}`, `{"a":1}x`, `{"text":"\xff"}`, `{"v":1,}`, ` { "v" : 2 } `,
		`{"occurred_at":"\u0032026-11-20T09:00:00Z"}`, `{"text":"tab	inside"}`, `{"v":99999999999999999999}`,
		`{"text":"\ud83d\ude00 \ud83d x \ude00 \u00e9\n\/"}`, "{\"text\":\"caf\xc3\xa9 \xed\xa0\x80 \xc3\"}",
		`{"text":"\ud83d\u0041"}`, `{"text":"\uD83D\uDE00"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want, got Event
		werr := json.Unmarshal(b, &want)
		gerr := decodeEventJSON(b, &got)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: encoding/json err %v, fast decoder err %v", b, werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", b, got, want)
		}
	})
}

func BenchmarkDecodeEvent(b *testing.B) {
	e := sampleEvent()
	raw, _ := json.Marshal(&e)
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var x Event
			_ = json.Unmarshal(raw, &x)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			var x Event
			_ = decodeEventJSON(raw, &x)
		}
	})
}
