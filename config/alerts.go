package config

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Alerts are a tenant's alert rules and where their changes of state are
// sent (SPEC 4.2).
type Alerts struct {
	Notify []AlertNotify `yaml:"notify"`
	Rules  []AlertRule   `yaml:"rules"`
}

// AlertNotify is one receiver of a tenant's alert notifications: each is
// POSTed to URL, signed with Secret (X-Floorwatch-Signature).
type AlertNotify struct {
	URL    string `yaml:"url"`
	Secret Secret `yaml:"secret"`
}

// AlertRule compares one metric, of a team or of the whole tenant, with a
// threshold: above or below, strictly.
type AlertRule struct {
	Name string `yaml:"name"`
	// Team, when set, restricts the metric to the team's cases and
	// operators; empty: the whole tenant.
	Team   string    `yaml:"team"`
	Metric string    `yaml:"metric"`
	Above  Threshold `yaml:"above"`
	Below  Threshold `yaml:"below"`
}

// Threshold is a rule's limit as written: a duration for oldest_wait
// (5m), a share from 0 to 1 for service_level_30m, a whole count for the
// others. Its meaning depends on the metric, so it is checked with it.
type Threshold struct {
	raw string
	set bool
}

// UnmarshalText keeps the text; AlertRule's validation reads it.
func (t *Threshold) UnmarshalText(b []byte) error {
	t.raw = strings.TrimSpace(string(b))
	t.set = t.raw != "" // what `config show` prints for an absent one
	return nil
}

// MarshalText writes the threshold as it was given.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.raw), nil }

// IsZero reports an absent threshold, so `config show` leaves it out.
func (t Threshold) IsZero() bool { return !t.set }

// value reads the threshold in the metric's unit (milliseconds for a
// duration), or explains what is wrong with it.
func (t Threshold) value(metric string) (float64, error) {
	switch metric {
	case schemas.AlertOldestWait:
		d, err := time.ParseDuration(t.raw)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("want a duration such as 5m for %s, got %q", metric, t.raw)
		}
		return float64(d.Milliseconds()), nil
	case schemas.AlertServiceLevel30m:
		f, err := strconv.ParseFloat(t.raw, 64)
		if err != nil || f < 0 || f > 1 {
			return 0, fmt.Errorf("want a share from 0 to 1 for %s, got %q", metric, t.raw)
		}
		return f, nil
	}
	n, err := strconv.ParseInt(t.raw, 10, 32)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a whole number from 0 for %s, got %q", metric, t.raw)
	}
	return float64(n), nil
}

var thresholdType = reflect.TypeFor[Threshold]()

var alertMetricSet = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range schemas.AlertMetrics {
		m[k] = true
	}
	return m
}()

// validate checks one tenant's alerts (key is the section's path) against
// its teams; a team-less tenant (teams unset) accepts any team name, as
// its events may name any.
func (a *Alerts) validate(ps *problems, key string, teams map[string]Team) {
	urls := map[string]string{}
	for i, n := range a.Notify {
		nk := index(join(key, "notify"), i)
		checkNotifyURL(ps, join(nk, "url"), n.URL)
		if prev, dup := urls[n.URL]; dup && n.URL != "" {
			ps.add(join(nk, "url"), "the same URL is already %s", prev)
		}
		urls[n.URL] = nk
		if !n.Secret.IsSet() {
			ps.add(join(nk, "secret"), "is required: receivers verify the signature with it")
		}
	}
	if len(a.Rules) > 0 && len(a.Notify) == 0 {
		ps.add(join(key, "notify"), "is required when there are rules: changes of state are sent there")
	}
	names := map[string]string{}
	for i, r := range a.Rules {
		rk := index(join(key, "rules"), i)
		switch {
		case r.Name == "":
			ps.add(join(rk, "name"), "is required")
		case strings.TrimSpace(r.Name) != r.Name || len(r.Name) > 64 || strings.ContainsAny(r.Name, "|\n\r\t"):
			ps.add(join(rk, "name"), "want at most 64 characters, without '|', control characters or surrounding spaces, got %q", r.Name)
		default:
			if prev, dup := names[r.Name]; dup {
				ps.add(join(rk, "name"), "duplicate rule name %q (also %s)", r.Name, prev)
			}
			names[r.Name] = rk
		}
		if r.Team != "" && len(teams) > 0 {
			if _, ok := teams[r.Team]; !ok {
				ps.add(join(rk, "team"), "%q is not among the tenant's teams", r.Team)
			}
		}
		if !alertMetricSet[r.Metric] {
			if r.Metric == "" {
				ps.add(join(rk, "metric"), "is required (one of %s)", strings.Join(schemas.AlertMetrics, ", "))
			} else {
				ps.add(join(rk, "metric"), "unknown metric %q%s (want one of %s)", r.Metric, suggest(r.Metric, alertMetricSet),
					strings.Join(schemas.AlertMetrics, ", "))
			}
			continue
		}
		switch {
		case !r.Above.set && !r.Below.set:
			ps.add(join(rk, "above"), "a threshold is required: above or below")
		case r.Above.set && r.Below.set:
			ps.add(join(rk, "below"), "give above or below, not both (write two rules)")
		}
		for _, t := range []struct {
			name string
			th   Threshold
		}{{"above", r.Above}, {"below", r.Below}} {
			if t.th.set {
				if _, err := t.th.value(r.Metric); err != nil {
					ps.add(join(rk, t.name), "%v", err)
				}
			}
		}
	}
}

// checkNotifyURL requires an absolute http or https URL with a host.
func checkNotifyURL(ps *problems, key, v string) {
	u, err := url.Parse(v)
	if v == "" {
		ps.add(key, "is required")
		return
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		ps.add(key, "want an absolute http or https URL without credentials before the host, got %q", redactURL(v))
	}
}

// redactURL keeps a bad URL's scheme and host for the message; its path
// and query may carry a credential.
func redactURL(v string) string {
	if u, err := url.Parse(v); err == nil && u.Host != "" {
		if u.User != nil {
			return u.Scheme + "://…@" + u.Hostname() + "/…"
		}
		return u.Scheme + "://" + u.Host + "/…"
	}
	if len(v) > 12 {
		return v[:12] + "…"
	}
	return v
}

// rules returns a's rules with their thresholds in the metric's unit; a
// valid Alerts only.
func (a *Alerts) rules() []schemas.AlertRule {
	out := make([]schemas.AlertRule, 0, len(a.Rules))
	for _, r := range a.Rules {
		rule := schemas.AlertRule{Name: r.Name, Metric: r.Metric}
		if r.Team != "" {
			rule.Team = &r.Team
		}
		if v, err := r.Above.value(r.Metric); r.Above.set && err == nil {
			rule.Above = &v
		}
		if v, err := r.Below.value(r.Metric); r.Below.set && err == nil {
			rule.Below = &v
		}
		out = append(out, rule)
	}
	return out
}

// NotifyTarget is one receiver of a tenant's alert notifications.
type NotifyTarget struct {
	URL    string
	Secret []byte
}

func (a *Alerts) targets() []NotifyTarget {
	out := make([]NotifyTarget, 0, len(a.Notify))
	for _, n := range a.Notify {
		out = append(out, NotifyTarget{URL: n.URL, Secret: []byte(n.Secret.Value())})
	}
	return slices.Clip(out)
}
