package schemas

import (
	"fmt"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// The encoding of Event was chosen by these benchmarks: JSON (the codec)
// against a hand-written Protobuf encoding of the same fields, per event,
// encode plus decode. Run: go test ./schemas -bench EventCodec -benchmem.
// docs/ingest.md records the figures.

func BenchmarkEventCodec(b *testing.B) {
	e := sampleEvent()
	e.CustomerAltID, e.TargetMessageID, e.ErrorCode, e.AppID, e.HumanAgent = "", "", "", "", false
	e.Status, e.InteractionType, e.Team, e.Operator, e.ToTeam, e.ToOperator = "", "", "", "", "", ""
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			v, err := MarshalEvent(&e)
			if err != nil {
				b.Fatal(err)
			}
			size = len(v)
			if _, err := UnmarshalEvent(v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size), "bytes/event")
	})
	b.Run("protowire", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		buf := make([]byte, 0, 512)
		for b.Loop() {
			v := appendEventProto(buf[:0], &e)
			size = len(v)
			if _, err := consumeEventProto(v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size), "bytes/event")
	})
}

func TestTheProtoEncodingOfTheBenchmarkRoundTrips(t *testing.T) {
	e := sampleEvent()
	got, err := consumeEventProto(appendEventProto(nil, &e))
	if err != nil || got != e {
		t.Fatalf("proto round trip: %+v, %v", got, err)
	}
}

// eventStrings lists Event's string fields with their field numbers.
func eventStrings(e *Event) []*string {
	return []*string{(*string)(&e.Kind), &e.ID, &e.Tenant, (*string)(&e.Channel), &e.AccountID, &e.CustomerID,
		&e.CustomerAltID, &e.MessageID, &e.TargetMessageID, &e.Text, &e.ContentType, &e.Status, &e.ErrorCode,
		&e.AppID, &e.InteractionType, &e.Team, &e.Operator, &e.ToTeam, &e.ToOperator}
}

// Field numbers: 1 v, 2 occurred_at (ms), 3 received_at (ms), 4 human_agent,
// 10+i the i-th of eventStrings.
func appendEventProto(b []byte, e *Event) []byte {
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(e.V))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(e.OccurredAt.UnixMilli()))
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(e.ReceivedAt.UnixMilli()))
	if e.HumanAgent {
		b = protowire.AppendTag(b, 4, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	for i, s := range eventStrings(e) {
		if *s != "" {
			b = protowire.AppendTag(b, protowire.Number(10+i), protowire.BytesType)
			b = protowire.AppendString(b, *s)
		}
	}
	return b
}

func consumeEventProto(b []byte) (Event, error) {
	var e Event
	strs := eventStrings(&e)
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Event{}, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return Event{}, protowire.ParseError(n)
			}
			b = b[n:]
			switch num {
			case 1:
				e.V = int(v)
			case 2:
				e.OccurredAt = UnixMilli(int64(v))
			case 3:
				e.ReceivedAt = UnixMilli(int64(v))
			case 4:
				e.HumanAgent = v == 1
			}
		case typ == protowire.BytesType && num >= 10 && int(num-10) < len(strs):
			v, n := protowire.ConsumeString(b)
			if n < 0 {
				return Event{}, protowire.ParseError(n)
			}
			b = b[n:]
			*strs[num-10] = v
		default:
			return Event{}, fmt.Errorf("field %d of wire type %d", num, typ)
		}
	}
	return e, nil
}
