package grafana

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Dashboard is the part of a dashboard JSON file the tests and benchmarks
// read: its title, template variables and panels.
type Dashboard struct {
	Title      string `json:"title"`
	Templating struct {
		List []Variable `json:"list"`
	} `json:"templating"`
	Panels []Panel `json:"panels"`
}

// Variable is one template variable.
type Variable struct {
	Name       string `json:"name"`
	Multi      bool   `json:"multi"`
	IncludeAll bool   `json:"includeAll"`
	AllValue   string `json:"allValue"`
	Query      string `json:"query"`
}

// Panel is one panel: its first target's SQL (with the plugin's macros and
// template variables) and, under "floorwatch", the columns it must return
// and, for a panel whose rows have only some of the segment columns (the
// alert history: tenant and team), the segment variables it filters on.
type Panel struct {
	Title   string `json:"title"`
	Targets []struct {
		RawSQL string `json:"rawSql"`
	} `json:"targets"`
	Floorwatch struct {
		Columns  []string `json:"columns"`
		Segments []string `json:"segments"`
	} `json:"floorwatch"`
}

// queriesClickHouse reports whether any panel of d has SQL.
func (d Dashboard) queriesClickHouse() bool {
	for _, p := range d.Panels {
		if p.SQL() != "" {
			return true
		}
	}
	return false
}

// SQL is the panel's query as written in the dashboard.
func (p Panel) SQL() string {
	if len(p.Targets) == 0 {
		return ""
	}
	return p.Targets[0].RawSQL
}

// Load reads every *.json dashboard of dir that queries ClickHouse (the
// supervisor dashboards and pipeline health), in file name order. A
// dashboard of the pipeline's Prometheus metrics (its panels carry
// PromQL, no SQL) is left out: its checks read the file themselves.
func Load(dir fs.FS) ([]Dashboard, error) {
	names, err := fs.Glob(dir, "*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Dashboard
	for _, n := range names {
		b, err := fs.ReadFile(dir, n)
		if err != nil {
			return nil, err
		}
		var d Dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(n), err)
		}
		if !d.queriesClickHouse() {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// Vars are the values selected in a dashboard's template variables; a
// variable absent from Vars (or with no value) is on "All".
type Vars map[string][]string

// AllValue is every segment variable's custom "All" value. Grafana
// interpolates a custom all value as is, whatever the format asked for, so
// it carries its own quotes: ${team:singlequote} reads '__all' on "All"
// and 'sales','support' with two teams selected, and a panel filters with
// ('__all' IN (${team:singlequote}) OR team IN (${team:singlequote})).
const AllValue = "'__all'"

// Expand replaces the grafana-clickhouse-datasource macros and the
// template variables ("All" selected) the way Grafana sends them.
func Expand(sql string, from, to time.Time, interval time.Duration) string {
	return ExpandVars(sql, from, to, interval, nil)
}

// ExpandVars is Expand with vars selected: ${v:singlequote} becomes the
// selected values, each single-quoted with ' and \ escaped, joined by
// commas; ${v} the values joined by commas, as they are. A variable on
// "All" becomes AllValue in both forms.
func ExpandVars(sql string, from, to time.Time, interval time.Duration, vars Vars) string {
	col := `\(([^()]*(?:\([^()]*\))?[^()]*)\)`
	rules := []struct{ re, with string }{
		{`\$__timeFilter_ms` + col, fmt.Sprintf("$1 >= fromUnixTimestamp64Milli(%d) AND $1 <= fromUnixTimestamp64Milli(%d)", from.UnixMilli(), to.UnixMilli())},
		{`\$__timeFilter` + col, fmt.Sprintf("$1 >= toDateTime(%d) AND $1 <= toDateTime(%d)", from.Unix(), to.Unix())},
		{`\$__timeInterval_ms` + col, fmt.Sprintf("toStartOfInterval(toDateTime64($1, 3), INTERVAL %d millisecond)", interval.Milliseconds())},
		{`\$__timeInterval` + col, fmt.Sprintf("toStartOfInterval(toDateTime($1), INTERVAL %d second)", int(interval.Seconds()))},
		{`\$__fromTime_ms`, fmt.Sprintf("fromUnixTimestamp64Milli(%d)", from.UnixMilli())},
		{`\$__toTime_ms`, fmt.Sprintf("fromUnixTimestamp64Milli(%d)", to.UnixMilli())},
		{`\$__fromTime`, fmt.Sprintf("toDateTime(%d)", from.Unix())},
		{`\$__toTime`, fmt.Sprintf("toDateTime(%d)", to.Unix())},
		{`\$__interval_s`, fmt.Sprint(int(interval.Seconds()))},
	}
	for _, r := range rules {
		sql = regexp.MustCompile(r.re).ReplaceAllString(sql, r.with)
	}
	return variable.ReplaceAllStringFunc(sql, func(m string) string {
		g := variable.FindStringSubmatch(m)
		values := vars[g[1]]
		if len(values) == 0 {
			return AllValue
		}
		if g[2] == "singlequote" {
			quoted := make([]string, len(values))
			for i, v := range values {
				quoted[i] = "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
			}
			return strings.Join(quoted, ",")
		}
		return strings.Join(values, ",")
	})
}

// variable matches ${name} and ${name:format}.
var variable = regexp.MustCompile(`\$\{([a-z_]+)(?::([a-z]+))?\}`)
