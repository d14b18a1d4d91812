package indicators

import (
	"math"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Report is the indicators of a period as `floorwatch replay` prints them:
// the shared schemas.Report, so that `floorwatch report` prints the same JSON.
type Report = schemas.Report

// ReportSegment is one segment of a Report.
type ReportSegment = schemas.ReportSegment

// Stats summarizes one kind of duration.
type Stats = schemas.ReportStats

// Report renders the builder's segments. Without dimensions it always has
// exactly one segment, with an empty key.
func (b *Builder) Report(from, to time.Time) Report {
	// Replay reads every request: its figures are final up to To.
	r := Report{From: schemas.At(from), To: schemas.At(to), CompleteUntil: schemas.At(to), By: []string{},
		Segments: []ReportSegment{}}
	for _, d := range b.dims {
		r.By = append(r.By, string(d))
	}
	segs := b.Segments()
	if len(b.dims) == 0 && len(segs) == 0 {
		segs = []*Segment{{}}
	}
	for _, s := range segs {
		key := map[string]string{}
		for i, d := range b.dims {
			key[string(d)] = s.Values[i]
		}
		r.Segments = append(r.Segments, s.Aggregate.report(key))
	}
	return r
}

func (a *Aggregate) report(key map[string]string) ReportSegment {
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
	bavg := float64(d.BusinessSumMs) / float64(d.Count)
	s.AvgMs, s.BusinessAvgMs = &avg, &bavg
	s.P50Ms, s.P90Ms, s.P99Ms = percentile(&d.Sketch, 0.5), percentile(&d.Sketch, 0.9), percentile(&d.Sketch, 0.99)
	s.BusinessP50Ms, s.BusinessP90Ms, s.BusinessP99Ms = percentile(&d.BusinessSketch, 0.5),
		percentile(&d.BusinessSketch, 0.9), percentile(&d.BusinessSketch, 0.99)
	return s
}

// percentile is the sketch's q-quantile rounded half away from zero to
// whole milliseconds (the report queries' floor(v + 0.5)), nil when empty.
func percentile(s *Sketch, q float64) *int64 {
	v, ok := s.Quantile(q)
	if !ok {
		return nil
	}
	ms := int64(math.Round(v))
	return &ms
}
