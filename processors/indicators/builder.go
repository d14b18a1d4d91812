package indicators

import (
	"slices"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// Targets returns the service-level target of a tenant's team
// (schemas.Policy.TeamTarget).
type Targets func(tenant, team string) time.Duration

// Builder computes the indicators of the period [From, To) per segment
// from conversations derived at clock To (conversation.State.Derive with
// now = To, events at or after To left out). Add each conversation once,
// then read Segments. Not safe for concurrent use.
type Builder struct {
	from, to int64 // unix ms
	dims     []Dim
	targets  Targets
	segs     map[string]*Segment
}

// Segment is one combination of the chosen dimensions and its indicators.
type Segment struct {
	Values []string // in the order of the Builder's dims
	Aggregate
}

// NewBuilder returns a Builder for [from, to) grouped by dims.
func NewBuilder(from, to time.Time, dims []Dim, targets Targets) *Builder {
	return &Builder{from: from.UnixMilli(), to: to.UnixMilli(), dims: dims, targets: targets, segs: map[string]*Segment{}}
}

func (b *Builder) segment(seg schemas.Segment) *Segment {
	vals := project(seg, b.dims)
	k := strings.Join(vals, "\x00")
	s, ok := b.segs[k]
	if !ok {
		s = &Segment{Values: vals}
		b.segs[k] = s
	}
	return s
}

func (b *Builder) in(t schemas.Time) bool {
	ms := t.UnixMilli()
	return !t.IsZero() && ms >= b.from && ms < b.to
}

func (b *Builder) before(t schemas.Time, ms int64) bool { return !t.IsZero() && t.UnixMilli() < ms }

// Add counts c, as derived at To.
func (b *Builder) Add(c *conversation.Conversation) {
	if !b.before(c.OpenedAt, b.to) || b.before(c.ClosedAt, b.from) {
		return // not in total, and nothing of it ends in the period
	}
	seg := c.Segment()
	a := &b.segment(seg).Aggregate
	a.Total++
	switch c.Status {
	case schemas.StatusActive:
		a.Active++
	case schemas.StatusQueued:
		a.Queued++
	case schemas.StatusToRecover:
		a.ToRecover++
	case schemas.StatusExpired:
		a.Expired++
	}
	attended := b.before(c.AttendedAt, b.to)
	switch {
	case attended:
		a.Attended++
	case b.before(c.RoutedAt, b.to):
		a.Unattended++
	}
	open := c.ClosedAt.IsZero() || c.ClosedAt.UnixMilli() >= b.to
	if open && c.Operator != "" && !c.LastCustomerMessageAt.IsZero() && !b.before(c.FirstResponseAt, b.to) {
		a.PendingFirstResponse++
	}
	if slices.ContainsFunc(c.Transfers, b.in) {
		a.Transferred++
	}
	if b.in(c.ClosedAt) {
		a.Closed++
	}
	for _, d := range c.Durations {
		if b.in(d.EndedAt) {
			b.addDuration(seg, d)
		}
	}
}

// addDuration counts d in the segment of the team and operator that ended it.
func (b *Builder) addDuration(seg schemas.Segment, d schemas.DurationRecord) {
	seg.Team, seg.Operator = d.Team, d.Operator
	a := &b.segment(seg).Aggregate
	switch d.Kind {
	case "first_response":
		a.FirstResponse.Add(d.Ms, d.BusinessMs, 1)
		if d.Ms <= b.targets(seg.Tenant, d.Team).Milliseconds() {
			a.FirstResponseWithinTarget++
		}
	case "reply":
		a.Reply.Add(d.Ms, d.BusinessMs, 1)
	case "resolution":
		a.Resolution.Add(d.Ms, d.BusinessMs, 1)
	}
}

// Segments returns every segment, sorted by its values.
func (b *Builder) Segments() []*Segment {
	out := make([]*Segment, 0, len(b.segs))
	for _, s := range b.segs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y *Segment) int { return slices.Compare(x.Values, y.Values) })
	return out
}
