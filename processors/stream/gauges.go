package stream

import (
	"slices"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// gaugeStatuses are the open-case statuses a GaugeSnapshot counts.
var gaugeStatuses = []string{schemas.StatusBot, schemas.StatusQueued, schemas.StatusActive,
	schemas.StatusToRecover, schemas.StatusExpired}

// gaugeCounts are one segment's open conversations per gaugeStatuses index.
type gaugeCounts [5]int64

// gaugeSlot is one segment's counts; every entry counted in it points to
// it, so a slot whose counts are all zero has no entry left.
type gaugeSlot struct {
	seg    schemas.Segment
	counts gaugeCounts
}

// gaugeRef is what an open conversation adds to the gauges.
type gaugeRef struct {
	seg    schemas.Segment
	status int // index in gaugeStatuses; -1 when nothing is open
}

var notOpen = gaugeRef{status: -1}

// openRef returns what the key's open conversation (the last one, if
// not closed) adds to the gauges.
func openRef(convs []conversation.Conversation) gaugeRef {
	if len(convs) == 0 {
		return notOpen
	}
	c := &convs[len(convs)-1]
	i := slices.Index(gaugeStatuses, c.Status)
	if i < 0 {
		return notOpen
	}
	return gaugeRef{seg: c.Segment(), status: i}
}

// count moves ent's gauge contribution to cur.
func (p *partition) count(ent *entry, cur gaugeRef) {
	if ent.open != nil {
		ent.open.counts[ent.status]--
		ent.open, ent.status = nil, 0
	}
	if cur.status >= 0 {
		g := p.gauges[cur.seg]
		if g == nil {
			g = &gaugeSlot{seg: cur.seg}
			p.gauges[cur.seg] = g
		}
		g.counts[cur.status]++
		ent.open, ent.status = g, int8(cur.status)
	}
}

// snapshot writes the partition's next GaugeSnapshot, every segment with
// open conversations at its tenant's clock, in one record keyed by the
// partition (one gauges-topic partition, in order); segments that dropped
// to zero are forgotten. The round goes into the partition's changelog
// record.
func (p *partition) snapshot(c *core, out emitter, wall time.Time) {
	p.round++
	p.clockDirty = true
	g := schemas.GaugeSnapshot{V: schemas.GaugeVersion, Partition: p.id, Round: p.round, At: schemas.At(wall),
		Segments: []schemas.GaugeCount{}}
	for _, seg := range p.sortedSegments() {
		n := &p.gauges[seg].counts
		if *n == (gaugeCounts{}) {
			delete(p.gauges, seg)
			continue
		}
		g.Segments = append(g.Segments, schemas.GaugeCount{Segment: seg, At: schemas.UnixMilli(p.clockOf(seg.Tenant).now),
			Bot: n[0], Queued: n[1], Active: n[2], ToRecover: n[3], Expired: n[4]})
	}
	c.emitJSON(out, c.topics.Gauges, strconv.Itoa(int(p.id)), &g)
}

func (p *partition) sortedSegments() []schemas.Segment {
	segs := make([]schemas.Segment, 0, len(p.gauges))
	for s := range p.gauges {
		segs = append(segs, s)
	}
	slices.SortFunc(segs, func(a, b schemas.Segment) int {
		if a.String() < b.String() {
			return -1
		}
		if a.String() > b.String() {
			return 1
		}
		return 0
	})
	return segs
}

// openConversations counts the partition's open conversations.
func (p *partition) openConversations() int64 {
	var n int64
	for _, g := range p.gauges {
		for _, v := range g.counts {
			n += v
		}
	}
	return n
}
