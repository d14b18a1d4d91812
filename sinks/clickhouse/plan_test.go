package clickhouse

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzParsePlan: commit metadata of any content (another tool's, a
// corrupt one) never panics and is a plan only when it is exactly one the
// sink writes, which parses back to its end.
func FuzzParsePlan(f *testing.F) {
	f.Add(encodePlan(41))
	f.Add("floorwatch-sink/v1 end=-3")
	f.Add("floorwatch-sink/v1 end=99999999999999999999")
	f.Add("")
	f.Fuzz(func(t *testing.T, meta string) {
		end := parsePlan(meta)
		if end < -1 {
			t.Fatalf("parsePlan(%q) = %d", meta, end)
		}
		if end >= 0 && !strings.HasPrefix(meta, planPrefix) {
			t.Fatalf("parsePlan(%q) = %d without the plan prefix", meta, end)
		}
		if end >= 0 && parsePlan(encodePlan(end)) != end {
			t.Fatalf("plan %d does not round-trip", end)
		}
		if n, err := strconv.ParseInt(strings.TrimPrefix(meta, planPrefix), 10, 64); err == nil && n >= 0 &&
			strings.HasPrefix(meta, planPrefix) && end != n {
			t.Fatalf("parsePlan(%q) = %d, want %d", meta, end, n)
		}
	})
}
