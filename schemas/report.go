package schemas

// Report is the indicator report of SPEC 5, printed by `floorwatch replay`
// and `floorwatch report`: both must give the same JSON for the same
// traffic. Segments are sorted by their key values in the order of By;
// without By there is exactly one segment, with an empty key. A service
// level with no first responses is null; the average and percentiles of an
// empty set are null; percentiles are whole milliseconds.
//
// CompleteUntil is the event time up to which the figures are final: for
// replay, To (it read every request); for report, the lowest watermark of
// the processors' partitions, capped at To (a report as of To says nothing
// past it), or null when no partition has written a watermark.
type Report struct {
	From          Time            `json:"from"`
	To            Time            `json:"to"`
	CompleteUntil Time            `json:"complete_until"`
	By            []string        `json:"by"`
	Segments      []ReportSegment `json:"segments"`
}

// ReportSegment is one segment of a Report.
type ReportSegment struct {
	Key                  map[string]string `json:"key"`
	Total                int64             `json:"total"`
	Active               int64             `json:"active"`
	Queued               int64             `json:"queued"`
	ToRecover            int64             `json:"to_recover"`
	Expired              int64             `json:"expired"`
	Attended             int64             `json:"attended"`
	Unattended           int64             `json:"unattended"`
	PendingFirstResponse int64             `json:"pending_first_response"`
	Transferred          int64             `json:"transferred"`
	Closed               int64             `json:"closed"`
	ServiceLevel         *float64          `json:"service_level"`
	FirstResponse        ReportStats       `json:"first_response"`
	Reply                ReportStats       `json:"reply"`
	Resolution           ReportStats       `json:"resolution"`
}

// ReportStats summarizes one kind of duration: count, exact average and
// nearest-rank percentiles from the duration sketch (see sketch.go),
// clamped to the smallest and largest duration of the set (durations.go),
// in calendar time and in business time (only the business hours of the
// team that ended the duration count).
type ReportStats struct {
	Count         int64    `json:"count"`
	AvgMs         *float64 `json:"avg_ms"`
	P50Ms         *int64   `json:"p50_ms"`
	P90Ms         *int64   `json:"p90_ms"`
	P99Ms         *int64   `json:"p99_ms"`
	BusinessAvgMs *float64 `json:"business_avg_ms"`
	BusinessP50Ms *int64   `json:"business_p50_ms"`
	BusinessP90Ms *int64   `json:"business_p90_ms"`
	BusinessP99Ms *int64   `json:"business_p99_ms"`
}
