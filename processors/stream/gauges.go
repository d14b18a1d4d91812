package stream

import (
	"slices"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// gaugeStatuses are the open-case statuses a GaugeSnapshot counts.
var gaugeStatuses = []string{schemas.StatusBot, schemas.StatusQueued, schemas.StatusActive,
	schemas.StatusToRecover, schemas.StatusExpired}

// gaugeCounts are one segment's open conversations per gaugeStatuses index.
type gaugeCounts [5]int64

// openRef returns what the key's open conversation (the last one, if
// not closed) adds to the gauges.
func openRef(convs []conversation.Conversation) gaugeRef {
	if len(convs) == 0 {
		return gaugeRef{status: -1}
	}
	c := &convs[len(convs)-1]
	i := slices.Index(gaugeStatuses, c.Status)
	if i < 0 {
		return gaugeRef{status: -1}
	}
	return gaugeRef{seg: c.Segment(), status: i}
}

// count moves a key's gauge contribution from old to cur.
func (p *partition) count(old, cur gaugeRef) {
	if old.status >= 0 {
		p.gauges[old.seg][old.status]--
	}
	if cur.status >= 0 {
		g := p.gauges[cur.seg]
		if g == nil {
			g = &gaugeCounts{}
			p.gauges[cur.seg] = g
		}
		g[cur.status]++
	}
}

// snapshot writes one GaugeSnapshot per segment at the partition's
// clock; a segment that dropped to zero is written once, then forgotten.
func (p *partition) snapshot(c *core, out emitter) {
	at := schemas.UnixMilli(p.clock)
	for _, seg := range p.sortedSegments() {
		g := p.gauges[seg]
		c.emitJSON(out, c.topics.Gauges, seg.String(), &schemas.GaugeSnapshot{V: 1, At: at, Partition: p.id, Segment: seg,
			Bot: g[0], Queued: g[1], Active: g[2], ToRecover: g[3], Expired: g[4]})
		if *g == (gaugeCounts{}) {
			delete(p.gauges, seg)
		}
	}
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
		for _, v := range g {
			n += v
		}
	}
	return n
}
