package conversation

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// eventsFromBytes turns fuzz input into events, 4 bytes each: kind,
// minutes since 09:00 (two bytes), and a name pick.
func eventsFromBytes(b []byte) []schemas.Event {
	kinds := []schemas.Kind{schemas.KindCustomerMessage, schemas.KindRouted, schemas.KindAssigned,
		schemas.KindOperatorReplied, schemas.KindTransferred, schemas.KindRecovered, schemas.KindClosed,
		schemas.KindOperatorStatus, schemas.KindBusinessMessage, schemas.KindRead}
	names := []string{"", "ana", "bob", "sales"}
	statuses := []string{"available", "away", "offline"}
	var out []schemas.Event
	for i := 0; i+4 <= len(b) && len(out) < 64; i += 4 {
		k := kinds[int(b[i])%len(kinds)]
		at := clock("09:00").Add(time.Duration(int(b[i+1])<<8|int(b[i+2])) * time.Minute * 3)
		n := names[int(b[i+3])%len(names)]
		e := ev(k, "09:00", func(e *schemas.Event) {
			e.ID = fmt.Sprintf("e%x", b[i:i+4]) // same id, same event
			e.OccurredAt = schemas.At(at)
			e.Team, e.Operator, e.ToTeam, e.ToOperator = n, n, n, names[int(b[i+3]/4)%len(names)]
			e.Status = statuses[int(b[i+3])%3]
			e.HumanAgent = b[i+3]&1 == 1
		})
		if k == schemas.KindOperatorStatus && e.Operator == "" {
			continue
		}
		out = append(out, e)
	}
	return out
}

func FuzzFold(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 0, 1, 3, 2, 0, 2, 1, 3, 0, 5, 1, 6, 0, 9, 1})
	f.Add([]byte{0, 0, 0, 0, 7, 0, 1, 1, 2, 0, 2, 1, 0, 10, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		events := eventsFromBytes(b)
		tn := mustTenant(t, schemas.Policy{BusinessHours: officeHours(), EchoesAsReplies: len(b)%2 == 0, DefaultTeam: "front"})
		now := "+40d 00:00"
		got := derive(t, tn, NewPresence(), events, now)
		checkInvariants(t, got)
		rev := slices.Clone(events)
		slices.Reverse(rev)
		if again := derive(t, tn, NewPresence(), rev, now); !reflect.DeepEqual(again, got) {
			t.Fatalf("reversed arrival order differs:\n%s\nvs\n%s", summary(again), summary(got))
		}
	})
}

func checkInvariants(t *testing.T, cs []Conversation) {
	t.Helper()
	for i, c := range cs {
		for _, d := range c.Durations {
			if d.Ms < 0 || d.BusinessMs < 0 || d.BusinessMs > d.Ms {
				t.Fatalf("conversation %d: bad duration %+v", i, d)
			}
		}
		if len(c.History) == 0 {
			t.Fatalf("conversation %d has no status history", i)
		}
		for j, h := range c.History {
			last := j == len(c.History)-1
			if !last && (h.To.IsZero() || !h.To.After(h.From.Time) || !h.To.Equal(c.History[j+1].From.Time)) {
				t.Fatalf("conversation %d: history not contiguous at %d: %+v", i, j, c.History)
			}
			if last && (!h.To.IsZero() || h.Status != c.Status || h.Reason != c.RecoverReason) {
				t.Fatalf("conversation %d: last interval %+v disagrees with status %s(%s)", i, h, c.Status, c.RecoverReason)
			}
		}
		if (c.Status == "closed") != !c.ClosedAt.IsZero() {
			t.Fatalf("conversation %d: status %s with closed_at %v", i, c.Status, c.ClosedAt)
		}
		if (c.Status == "to_recover") != (c.RecoverReason != "") {
			t.Fatalf("conversation %d: status %s with reason %q", i, c.Status, c.RecoverReason)
		}
		if i < len(cs)-1 && c.Status != "closed" {
			t.Fatalf("conversation %d is not the last but is %s", i, c.Status)
		}
	}
}
