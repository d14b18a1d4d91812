package report

import (
	"encoding/json"
	"testing"
)

// stats is the expected duration object of one set of durations, given
// as calendar ms and business ms of the same durations: count, exact
// averages, and nearest-rank percentiles as the sketch reads them,
// clamped to the set's smallest and largest duration.
func stats(ms, bms []int64) map[string]any {
	return map[string]any{"count": len(ms), "avg_ms": avg(ms), "p50_ms": rank(ms, 0.5), "p90_ms": rank(ms, 0.9),
		"p99_ms": rank(ms, 0.99), "business_avg_ms": avg(bms), "business_p50_ms": rank(bms, 0.5),
		"business_p90_ms": rank(bms, 0.9), "business_p99_ms": rank(bms, 0.99)}
}

var none = map[string]any{"count": 0, "avg_ms": nil, "p50_ms": nil, "p90_ms": nil, "p99_ms": nil,
	"business_avg_ms": nil, "business_p50_ms": nil, "business_p90_ms": nil, "business_p99_ms": nil}

// seg is one expected segment; counts in the order of the report.
func seg(key map[string]string, total, active, queued, toRecover, attended, unattended, pending, transferred, closed int64,
	sl *float64, fr, reply, res map[string]any) map[string]any {
	return map[string]any{"key": key, "total": total, "active": active, "queued": queued, "to_recover": toRecover,
		"expired": 0, "attended": attended, "unattended": unattended, "pending_first_response": pending,
		"transferred": transferred, "closed": closed, "service_level": sl,
		"first_response": fr, "reply": reply, "resolution": res}
}

func TestReportOfTheDataSetMatchesTheHandCheckedFigures(t *testing.T) {
	conn, ctx := loaded(t)
	from, to := day("09:00").Time, day("10:00").Time
	cases := []struct {
		name string
		by   []string
		want []map[string]any
	}{
		{"one segment without dimensions", nil, []map[string]any{
			seg(map[string]string{}, 5, 1, 2, 1, 3, 2, 1, 1, 1, f64(0.5),
				frWant, replyWant, resWant),
		}},
		{"by team", []string{"team"}, []map[string]any{
			seg(map[string]string{"team": "t1"}, 4, 1, 1, 1, 3, 1, 1, 1, 1, f64(0.5),
				frWant, replyWant, resWant),
			seg(map[string]string{"team": "t2"}, 1, 0, 1, 0, 0, 1, 0, 0, 0, nil, none, none, none),
		}},
		{"by team and operator", []string{"team", "operator"}, []map[string]any{
			seg(map[string]string{"team": "t1", "operator": ""}, 1, 0, 1, 0, 1, 0, 0, 1, 0, nil, none, none, none),
			seg(map[string]string{"team": "t1", "operator": "o1"}, 3, 1, 0, 1, 2, 1, 1, 0, 1, f64(0.5),
				frWant, replyWant, resWant),
			seg(map[string]string{"team": "t2", "operator": ""}, 1, 0, 1, 0, 0, 1, 0, 0, 0, nil, none, none, none),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Build(ctx, conn, from, to, c.by, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(r.Segments, "", "  ")
			want, _ := json.MarshalIndent(c.want, "", "  ")
			if !jsonEqual(t, got, want) {
				t.Errorf("segments:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
