package stream

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
)

// outputs is what a run's records add up to: metric totals per (minute,
// segment), the latest row per conversation and the latest status
// interval per (conversation, seq), deleted ones left out, versions and
// clocks blanked.
type outputs struct {
	metrics map[string]string
	rows    map[string]string
	history map[string]string
}

type total struct {
	opened, closed, transfers, within int64
	durations                         [3]durTotal
}

type durTotal struct {
	count, sum, bsum int64
	buckets          map[int32]int64
}

func (d *durTotal) add(x schemas.DurationDelta) {
	d.count += x.Count
	d.sum += x.SumMs
	d.bsum += x.BusinessSumMs
	for b, n := range x.Buckets {
		if d.buckets == nil {
			d.buckets = map[int32]int64{}
		}
		d.buckets[b] += n
		if d.buckets[b] == 0 {
			delete(d.buckets, b)
		}
	}
}

func (d durTotal) String() string {
	var parts []string
	for _, b := range slices.Sorted(maps.Keys(d.buckets)) {
		parts = append(parts, fmt.Sprintf("%d:%d", b, d.buckets[b]))
	}
	return fmt.Sprintf("n=%d sum=%d bsum=%d [%s]", d.count, d.sum, d.bsum, strings.Join(parts, " "))
}

func summarize(r windows.Records) outputs {
	sums := map[string]*total{}
	for _, d := range r.Deltas {
		k := d.Minute.String() + " " + d.Segment.String()
		t := sums[k]
		if t == nil {
			t = &total{}
			sums[k] = t
		}
		t.opened += d.Opened
		t.closed += d.Closed
		t.transfers += d.Transfers
		t.within += d.FirstResponseWithinTarget
		t.durations[0].add(d.FirstResponse)
		t.durations[1].add(d.Reply)
		t.durations[2].add(d.Resolution)
	}
	out := outputs{metrics: map[string]string{}, rows: map[string]string{}, history: map[string]string{}}
	for k, t := range sums {
		s := fmt.Sprintf("opened=%d closed=%d transfers=%d within=%d fr{%v} reply{%v} res{%v}",
			t.opened, t.closed, t.transfers, t.within, t.durations[0], t.durations[1], t.durations[2])
		if s != "opened=0 closed=0 transfers=0 within=0 fr{n=0 sum=0 bsum=0 []} reply{n=0 sum=0 bsum=0 []} res{n=0 sum=0 bsum=0 []}" {
			out.metrics[k] = s
		}
	}
	rows := map[string]schemas.ConversationRow{}
	for _, row := range r.Rows {
		if b, ok := rows[row.ConversationID]; !ok || row.Version > b.Version {
			rows[row.ConversationID] = row
		}
	}
	for id, row := range rows {
		if !row.Deleted {
			row.Version, row.CompleteUntil = 0, schemas.Time{}
			out.rows[id] = fmt.Sprintf("%+v", row)
		}
	}
	hist := map[string]schemas.StatusChange{}
	for _, c := range r.Changes {
		k := fmt.Sprintf("%s/%03d", c.ConversationID, c.Seq)
		if b, ok := hist[k]; !ok || c.Version > b.Version {
			hist[k] = c
		}
	}
	for k, c := range hist {
		if !c.Deleted {
			c.Version = 0
			out.history[k] = fmt.Sprintf("%+v", c)
		}
	}
	return out
}

// diff describes the first differences between two summaries, or "".
func (o outputs) diff(w outputs) string {
	var b strings.Builder
	cmp := func(name string, got, want map[string]string) {
		n := 0
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] && n < 3 {
				fmt.Fprintf(&b, "%s %s:\n  got  %s\n  want %s\n", name, k, got[k], want[k])
				n++
			}
		}
		for _, k := range slices.Sorted(maps.Keys(got)) {
			if _, ok := want[k]; !ok && n < 3 {
				fmt.Fprintf(&b, "%s %s: unexpected %s\n", name, k, got[k])
				n++
			}
		}
		if len(got) != len(want) {
			fmt.Fprintf(&b, "%s: %d entries, want %d\n", name, len(got), len(want))
		}
	}
	cmp("metric", o.metrics, w.metrics)
	cmp("row", o.rows, w.rows)
	cmp("history", o.history, w.history)
	return b.String()
}
