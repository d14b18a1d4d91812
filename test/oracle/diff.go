package oracle

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/floorwatch/floorwatch/schemas"
)

// Diff compares two reports field by field and returns one line per
// difference ("segment {team=sales}: queued: 3 ≠ 4"), want's value first;
// none when they are equal. Averages and shares are compared exactly.
func Diff(want, got schemas.Report) []string {
	var out []string
	if want.From != got.From || want.To != got.To || want.CompleteUntil != got.CompleteUntil {
		out = append(out, fmt.Sprintf("period: from %s to %s complete_until %s ≠ from %s to %s complete_until %s",
			want.From, want.To, want.CompleteUntil, got.From, got.To, got.CompleteUntil))
	}
	if !slices.Equal(want.By, got.By) {
		out = append(out, fmt.Sprintf("by: %v ≠ %v", want.By, got.By))
	}
	ws, gs := segmentsByKey(want), segmentsByKey(got)
	for _, k := range slices.Sorted(maps.Keys(ws)) {
		g, ok := gs[k]
		if !ok {
			out = append(out, fmt.Sprintf("segment %s: only in the first report: %s", k, compact(ws[k])))
			continue
		}
		out = append(out, fields(k, flatten(ws[k]), flatten(g))...)
	}
	for _, k := range slices.Sorted(maps.Keys(gs)) {
		if _, ok := ws[k]; !ok {
			out = append(out, fmt.Sprintf("segment %s: only in the second report: %s", k, compact(gs[k])))
		}
	}
	return out
}

func segmentsByKey(r schemas.Report) map[string]schemas.ReportSegment {
	m := map[string]schemas.ReportSegment{}
	for _, s := range r.Segments {
		parts := []string{}
		for _, d := range r.By {
			parts = append(parts, d+"="+s.Key[d])
		}
		m["{"+strings.Join(parts, " ")+"}"] = s
	}
	return m
}

// flatten maps every field of a segment ("reply.p90_ms") to its JSON value.
func flatten(s schemas.ReportSegment) map[string]string {
	b, _ := json.Marshal(s)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	out := map[string]string{}
	for k, v := range m {
		var sub map[string]json.RawMessage
		if k != "key" && json.Unmarshal(v, &sub) == nil {
			for sk, sv := range sub {
				out[k+"."+sk] = string(sv)
			}
			continue
		}
		out[k] = string(v)
	}
	return out
}

func fields(seg string, want, got map[string]string) []string {
	var out []string
	for _, f := range slices.Sorted(maps.Keys(want)) {
		if want[f] != got[f] {
			out = append(out, fmt.Sprintf("segment %s: %s: %s ≠ %s", seg, f, want[f], got[f]))
		}
	}
	return out
}

func compact(s schemas.ReportSegment) string {
	b, _ := json.Marshal(s)
	return string(b)
}
