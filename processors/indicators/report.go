package indicators

import (
	"math"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Report is the indicators of a period as `floorwatch replay` prints them
// (SPEC 5). Decisions: a service level with no first responses is null;
// the average and percentiles of an empty set are null; percentiles are
// rounded to whole milliseconds.
type Report struct {
	From     schemas.Time    `json:"from"`
	To       schemas.Time    `json:"to"`
	By       []Dim           `json:"by"`
	Segments []ReportSegment `json:"segments"`
}

// ReportSegment is one segment of a Report.
type ReportSegment struct {
	Key                  map[Dim]string `json:"key"`
	Total                int64          `json:"total"`
	Active               int64          `json:"active"`
	Queued               int64          `json:"queued"`
	ToRecover            int64          `json:"to_recover"`
	Expired              int64          `json:"expired"`
	Attended             int64          `json:"attended"`
	Unattended           int64          `json:"unattended"`
	PendingFirstResponse int64          `json:"pending_first_response"`
	Transferred          int64          `json:"transferred"`
	Closed               int64          `json:"closed"`
	ServiceLevel         *float64       `json:"service_level"`
	FirstResponse        Stats          `json:"first_response"`
	Reply                Stats          `json:"reply"`
	Resolution           Stats          `json:"resolution"`
}

// Stats summarizes one kind of duration.
type Stats struct {
	Count int64    `json:"count"`
	AvgMs *float64 `json:"avg_ms"`
	P50Ms *int64   `json:"p50_ms"`
	P90Ms *int64   `json:"p90_ms"`
	P99Ms *int64   `json:"p99_ms"`
}

// Report renders the builder's segments. Without dimensions it always has
// exactly one segment, with an empty key.
func (b *Builder) Report(from, to time.Time) Report {
	r := Report{From: schemas.At(from), To: schemas.At(to), By: b.dims, Segments: []ReportSegment{}}
	if r.By == nil {
		r.By = []Dim{}
	}
	segs := b.Segments()
	if len(b.dims) == 0 && len(segs) == 0 {
		segs = []*Segment{{}}
	}
	for _, s := range segs {
		key := map[Dim]string{}
		for i, d := range b.dims {
			key[d] = s.Values[i]
		}
		r.Segments = append(r.Segments, s.Aggregate.report(key))
	}
	return r
}

func (a *Aggregate) report(key map[Dim]string) ReportSegment {
	rs := ReportSegment{Key: key, Total: a.Total, Active: a.Active, Queued: a.Queued,
		ToRecover: a.ToRecover, Expired: a.Expired, Attended: a.Attended, Unattended: a.Unattended,
		PendingFirstResponse: a.PendingFirstResponse, Transferred: a.Transferred, Closed: a.Closed,
		FirstResponse: a.FirstResponse.Stats(), Reply: a.Reply.Stats(), Resolution: a.Resolution.Stats()}
	if a.FirstResponse.Count > 0 {
		sl := float64(a.FirstResponseWithinTarget) / float64(a.FirstResponse.Count)
		rs.ServiceLevel = &sl
	}
	return rs
}

// Stats returns count, exact average and sketch percentiles of d.
func (d *Durations) Stats() Stats {
	s := Stats{Count: d.Count}
	if d.Count <= 0 {
		return s
	}
	avg := float64(d.SumMs) / float64(d.Count)
	s.AvgMs = &avg
	s.P50Ms, s.P90Ms, s.P99Ms = d.percentile(0.5), d.percentile(0.9), d.percentile(0.99)
	return s
}

func (d *Durations) percentile(q float64) *int64 {
	v, ok := d.Sketch.Quantile(q)
	if !ok {
		return nil
	}
	ms := int64(math.Round(v))
	return &ms
}
