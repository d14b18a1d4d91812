package clickhouse

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func recs(offsets ...int64) []*kgo.Record {
	var out []*kgo.Record
	for _, o := range offsets {
		out = append(out, &kgo.Record{Topic: "t", Offset: o})
	}
	return out
}

func TestPartitionCutsBatches(t *testing.T) {
	now := time.Unix(1000, 0)
	cases := []struct {
		name             string
		committed, plan  int64
		offsets          []int64
		at               time.Duration // after the first record
		wantStart, wantN int64         // wantN < 0: no batch
		wantEnd          int64
	}{
		{"full at batch rows", 0, -1, []int64{0, 1, 2, 3, 4}, 0, 0, 3, 2},
		{"not due before the interval", 0, -1, []int64{0, 1}, 0, 0, -1, 0},
		{"everything once the interval passed", 0, -1, []int64{0, 1}, time.Second, 0, 2, 1},
		{"a plan wins over batch rows", 0, 4, []int64{0, 1, 2, 3, 4, 5}, 0, 0, 5, 4},
		{"a plan waits for its last record", 0, 4, []int64{0, 1, 2}, time.Hour, 0, -1, 0},
		{"a plan ending on a gap (transaction marker) ends there", 0, 3, []int64{0, 1, 2, 4}, 0, 0, 3, 3},
		{"starts at the committed offset, not the first record", 5, -1, []int64{7, 8, 9}, 0, 5, 3, 9},
		{"records already written are skipped", 5, -1, []int64{3, 4, 5, 6, 7}, 0, 5, 3, 7},
		{"a plan whose records are gone is dropped", 0, 4, []int64{10, 11, 12}, 0, 0, 3, 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPartition("t", 0, c.committed, c.plan)
			for _, r := range recs(c.offsets...) {
				p.add(r, now)
			}
			b := p.cut(now.Add(c.at), 3, time.Second)
			if c.wantN < 0 {
				if b != nil {
					t.Fatalf("got batch [%d, %d], want none", b.start, b.end)
				}
				return
			}
			if b == nil {
				t.Fatal("got no batch")
			}
			if b.start != c.wantStart || int64(len(b.records)) != c.wantN || b.end != c.wantEnd {
				t.Errorf("got [%d, %d] with %d records, want [%d, %d] with %d", b.start, b.end, len(b.records),
					c.wantStart, c.wantEnd, c.wantN)
			}
		})
	}
}

func TestPlansRoundTripThroughCommitMetadata(t *testing.T) {
	for _, end := range []int64{0, 41, 1 << 40} {
		if got := parsePlan(encodePlan(end)); got != end {
			t.Errorf("plan %d came back as %d", end, got)
		}
	}
	for _, meta := range []string{"", "member-1", "floorwatch-sink/v1 end=x", "floorwatch-sink/v1 end=-3"} {
		if got := parsePlan(meta); got != -1 {
			t.Errorf("metadata %q read as plan %d", meta, got)
		}
	}
}
