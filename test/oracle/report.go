package oracle

import (
	"fmt"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Query is one report: the period [From, To), the dimensions of SPEC 5's
// --by, in order.
type Query struct {
	From, To time.Time
	By       []string
}

// Report computes the report of SPEC 5 for q: the conversations at To,
// counted in the segment they have then, and the durations that ended in
// [From, To) in the team and operator that ended them.
func (o *Oracle) Report(q Query) (schemas.Report, error) {
	for _, d := range q.By {
		if !slices.Contains([]string{"tenant", "channel", "interaction_type", "team", "operator"}, d) {
			return schemas.Report{}, fmt.Errorf("unknown dimension %q", d)
		}
	}
	convs, err := o.Conversations(q.To)
	if err != nil {
		return schemas.Report{}, err
	}
	from, to := q.From.UnixMilli(), q.To.UnixMilli()
	agg := newAggregates(q.By)
	for i := range convs {
		c := &convs[i]
		if c.ClosedAt != 0 && c.ClosedAt < from {
			continue // closed before the period: not in its total
		}
		pending := c.Status != StatusClosed && c.LastCustomerAt != 0 && c.FirstResponseAt == 0
		a := agg.at(segmentValues(c, c.InteractionType, c.Team, c.Operator))
		a.count(c, from, to, pending && c.Operator != "")
		for _, d := range c.Durations {
			if d.End >= from && d.End < to {
				agg.at(segmentValues(c, c.InteractionType, d.Team, d.Operator)).addDuration(d)
			}
		}
	}
	return agg.report(q), nil
}

// segment is a conversation's five segment values.
type segment struct{ tenant, channel, interactionType, team, operator string }

func segmentValues(c *Conversation, interactionType, team, operator string) segment {
	if interactionType == "" {
		interactionType = schemas.DefaultInteractionType
	}
	return segment{c.Key.Tenant, string(c.Key.Channel), interactionType, team, operator}
}

func (s segment) value(dim string) string {
	switch dim {
	case "tenant":
		return s.tenant
	case "channel":
		return s.channel
	case "interaction_type":
		return s.interactionType
	case "team":
		return s.team
	case "operator":
		return s.operator
	}
	return ""
}
