package report

import (
	"encoding/json"
	"testing"
)

func stats(count int64, avg float64, p50, p90, p99 int64) map[string]any {
	return map[string]any{"count": count, "avg_ms": avg, "p50_ms": value(p50), "p90_ms": value(p90), "p99_ms": value(p99)}
}

var none = map[string]any{"count": 0, "avg_ms": nil, "p50_ms": nil, "p90_ms": nil, "p99_ms": nil}

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
				stats(2, 420000, 60000, 780000, 780000), stats(1, 120000, 120000, 120000, 120000),
				stats(1, 2400000, 2400000, 2400000, 2400000)),
		}},
		{"by team", []string{"team"}, []map[string]any{
			seg(map[string]string{"team": "t1"}, 4, 1, 1, 1, 3, 1, 1, 1, 1, f64(0.5),
				stats(2, 420000, 60000, 780000, 780000), stats(1, 120000, 120000, 120000, 120000),
				stats(1, 2400000, 2400000, 2400000, 2400000)),
			seg(map[string]string{"team": "t2"}, 1, 0, 1, 0, 0, 1, 0, 0, 0, nil, none, none, none),
		}},
		{"by team and operator", []string{"team", "operator"}, []map[string]any{
			seg(map[string]string{"team": "t1", "operator": ""}, 1, 0, 1, 0, 1, 0, 0, 1, 0, nil, none, none, none),
			seg(map[string]string{"team": "t1", "operator": "o1"}, 3, 1, 0, 1, 2, 1, 1, 0, 1, f64(0.5),
				stats(2, 420000, 60000, 780000, 780000), stats(1, 120000, 120000, 120000, 120000),
				stats(1, 2400000, 2400000, 2400000, 2400000)),
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
