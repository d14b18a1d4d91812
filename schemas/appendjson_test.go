package schemas

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// The hand-written encoders write byte for byte what encoding/json writes,
// on random values with every optional field set or not, odd strings
// (quotes, HTML characters, non-ASCII, invalid UTF-8) and odd times.
func TestAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	strs := []string{"", "acme", "ana-1", `quo"te`, "back\\slash", "<b>&", "Café ☕", "\xff\xfe", "tab\tnew\nline", "\u2028"}
	str := func() string { return strs[r.IntN(len(strs))] }
	tm := func() Time {
		switch r.IntN(6) {
		case 0:
			return Time{}
		case 1:
			return At(time.Date(1, 1, 1, 0, 0, 0, 1e6, time.UTC))
		case 2:
			return At(time.Date(12026, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		return UnixMilli(r.Int64N(5e12))
	}
	seg := func() Segment { return Segment{str(), Channel(str()), str(), str(), str()} }
	dd := func() DurationDelta {
		d := DurationDelta{Count: r.Int64N(9) - 4, SumMs: r.Int64(), BusinessSumMs: -r.Int64()}
		for range r.IntN(4) {
			d.Add(r.Int64N(1e8), r.Int64N(1e8), int64(r.IntN(3)-1))
		}
		return d
	}
	for i := range 2000 {
		row := ConversationRow{V: r.IntN(3), ConversationID: str(), Version: r.Int64(), Deleted: r.IntN(2) == 0,
			Tenant: str(), Channel: Channel(str()), AccountID: str(), CustomerID: str(), InteractionType: str(),
			Team: str(), Operator: str(), Status: str(), RecoverReason: str(), OpenedAt: tm(), RoutedAt: tm(),
			AssignedAt: tm(), AttendedAt: tm(), FirstResponseAt: tm(), LastCustomerMessageAt: tm(), WaitStartedAt: tm(),
			QueuedSince: tm(), FirstCustomerMessageAt: tm(), WindowExpiresAt: tm(), ClosedAt: tm(), ClosedBy: str(), LastEventAt: tm(),
			FirstResponseMs: r.Int64() - r.Int64(), ResolutionMs: -1, ReplyCount: r.Int64N(10), CompleteUntil: tm()}
		for range r.IntN(3) {
			row.TransferTimes = append(row.TransferTimes, tm())
		}
		for range r.IntN(3) {
			row.Durations = append(row.Durations, DurationRecord{Kind: str(), EndedAt: tm(), Team: str(), Operator: str(),
				Ms: r.Int64(), BusinessMs: r.Int64N(5), TargetMs: r.Int64N(2) * 300000})
		}
		sc := StatusChange{V: 1, ConversationID: str(), Seq: r.Int32(), Version: r.Int64(), Deleted: r.IntN(2) == 0,
			Segment: seg(), Status: str(), RecoverReason: str(), ValidFrom: tm(), ValidTo: tm(), ByTimer: r.IntN(2) == 0}
		md := MetricDelta{V: 1, Minute: tm(), Segment: seg(), Opened: r.Int64N(5), Closed: -r.Int64N(5),
			Transfers: r.Int64(), FirstResponseWithinTarget: 1, FirstResponse: dd(), Reply: dd(), Resolution: dd()}
		ev := Event{V: r.IntN(3), Kind: Kind(str()), ID: str(), Tenant: str(), Channel: Channel(str()), AccountID: str(),
			CustomerID: str(), CustomerAltID: str(), CustomerName: str(), MessageID: str(), TargetMessageID: str(),
			OccurredAt: tm(), ReceivedAt: tm(), Clamped: r.IntN(2) == 0, OriginalOccurredAt: tm(), Text: str(),
			ContentType: str(), Status: str(), ErrorCode: str(), AppID: str(), HumanAgent: r.IntN(2) == 0,
			InteractionType: str(), Team: str(), Operator: str(), ToTeam: str(), ToOperator: str(), Source: str(),
			By: str(), ConversationID: str()}
		for _, c := range []struct {
			name string
			v    any
			got  []byte
		}{
			{"event", &ev, ev.AppendJSON(nil)},
			{"row", &row, row.AppendJSON(nil)},
			{"status change", &sc, sc.AppendJSON(nil)},
			{"metric delta", &md, md.AppendJSON(nil)},
		} {
			want, err := json.Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.got, want) {
				t.Fatalf("%s %d:\n got %s\nwant %s", c.name, i, c.got, want)
			}
		}
	}
}

func BenchmarkConversationRowJSON(b *testing.B) {
	row := ConversationRow{V: 1, ConversationID: "3a90f5179d57d290c5b535aedf1954fd", Version: 7, Tenant: "acme",
		Channel: WhatsApp, AccountID: "100000000000001", CustomerID: "33600000001", InteractionType: "messaging",
		Team: "sales", Operator: "ana", Status: "active", OpenedAt: UnixMilli(1.79e12), RoutedAt: UnixMilli(1.79e12 + 6e4),
		AssignedAt: UnixMilli(1.79e12 + 12e4), LastCustomerMessageAt: UnixMilli(1.79e12), WaitStartedAt: UnixMilli(1.79e12),
		WindowExpiresAt: UnixMilli(1.79e12 + 864e5), LastEventAt: UnixMilli(1.79e12 + 12e4), FirstResponseMs: -1,
		ResolutionMs: -1, CompleteUntil: UnixMilli(1.79e12 + 12e4)}
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(&row)
		}
	})
	buf := make([]byte, 0, 1024)
	b.Run("AppendJSON", func(b *testing.B) {
		for b.Loop() {
			buf = row.AppendJSON(buf[:0])
		}
	})
}
