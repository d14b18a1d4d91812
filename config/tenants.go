package config

import (
	"regexp"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Tenant is one company served by the deployment (SPEC 2.3). Tenants come
// from the file only; their secrets may point at files or environment
// variables (see docs/configuration.md).
type Tenant struct {
	// ID names the tenant in every output row; lower-case letters, digits, - and _.
	ID string `yaml:"id"`
	// Accounts are the business-side ids of the tenant's channel accounts.
	Accounts Accounts `yaml:"accounts"`
	// APIKeys authenticate the tenant's POST /v1/events (Bearer token).
	APIKeys []Secret `yaml:"api_keys"`
	// Supervisors may use the tenant's supervisor API and console (SPEC 4.1).
	Supervisors []Supervisor `yaml:"supervisors"`
	// Alerts are the tenant's alert rules and notify URLs (SPEC 4.2).
	Alerts Alerts `yaml:"alerts"`
	// Channels are the tenant's webhook credentials; an unset one falls
	// back to the top-level channels section.
	Channels Channels `yaml:"channels"`
	// BusinessHours apply to teams without their own; unset means always open.
	BusinessHours *BusinessHours `yaml:"business_hours"`
	// Teams maps a team name (as platform events give it) to its settings.
	Teams      map[string]Team `yaml:"teams"`
	Thresholds Thresholds      `yaml:"thresholds"`
	// SupportWindows per channel: a duration, or "none".
	SupportWindows map[string]Window `yaml:"support_windows"`
	// EchoesAsReplies counts human-agent echoes as operator replies (SPEC 3).
	EchoesAsReplies bool `yaml:"echoes_as_replies"`
	// DefaultTeam receives routed conversations when EchoesAsReplies is on.
	DefaultTeam string `yaml:"default_team"`
	// ClickHouseReader, when set, is the tenant's own ClickHouse user,
	// which reads only the tenant's rows.
	ClickHouseReader *ClickHouseReader `yaml:"clickhouse_reader"`
}

// Accounts lists a tenant's account ids per channel.
type Accounts struct {
	WhatsApp  []string `yaml:"whatsapp"`  // phone_number_id
	Messenger []string `yaml:"messenger"` // Facebook page id
	Instagram []string `yaml:"instagram"` // Instagram professional account id
	X         []string `yaml:"x"`         // X user id
}

// Of returns the account ids of channel ch.
func (a *Accounts) Of(ch schemas.Channel) []string {
	switch ch {
	case schemas.WhatsApp:
		return a.WhatsApp
	case schemas.Messenger:
		return a.Messenger
	case schemas.Instagram:
		return a.Instagram
	case schemas.X:
		return a.X
	}
	return nil
}

// Team is one team's own settings; unset values fall back to the tenant's.
type Team struct {
	BusinessHours      *BusinessHours `yaml:"business_hours"`
	ServiceLevelTarget time.Duration  `yaml:"service_level_target"`
}

// Thresholds are the tenant's SPEC 3 delays.
type Thresholds struct {
	// UnansweredAfter marks an assigned conversation's wait to recover.
	UnansweredAfter time.Duration `yaml:"unanswered_after"`
	// AutoCloseAfter closes a conversation with no event for this long.
	AutoCloseAfter time.Duration `yaml:"auto_close_after"`
	// ServiceLevelTarget is the first-response target of teams without one.
	ServiceLevelTarget time.Duration `yaml:"service_level_target"`
}

func (t *Tenant) setDefaults() {
	t.Thresholds = Thresholds{
		UnansweredAfter:    schemas.DefaultUnansweredAfter,
		AutoCloseAfter:     schemas.DefaultAutoCloseAfter,
		ServiceLevelTarget: schemas.DefaultServiceLevelTarget,
	}
	t.SupportWindows = map[string]Window{}
	for _, ch := range schemas.Channels {
		t.SupportWindows[string(ch)] = Window(schemas.DefaultSupportWindow(ch))
	}
}

var tenantIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// validate checks what one tenant can check alone; checks across tenants
// (duplicate ids, accounts, keys) are in Config.validateTenants.
func (t *Tenant) validate(ps *problems, key string) {
	if t.ID == "" {
		ps.add(join(key, "id"), "is required")
	} else if !tenantIDRE.MatchString(t.ID) {
		ps.add(join(key, "id"), "want lower-case letters, digits, - and _ (at most 64), got %q", t.ID)
	}
	for i, k := range t.APIKeys {
		if !k.IsSet() {
			ps.add(index(join(key, "api_keys"), i), "must not be empty")
		}
	}
	t.BusinessHours.validate(ps, join(key, "business_hours"))
	for name, team := range t.Teams {
		tk := join(join(key, "teams"), name)
		if strings.TrimSpace(name) == "" || strings.Contains(name, "|") {
			ps.add(tk, "team name must be non-blank and without '|'")
		}
		team.BusinessHours.validate(ps, join(tk, "business_hours"))
		checkNonNegative(ps, join(tk, "service_level_target"), team.ServiceLevelTarget)
	}
	t.Thresholds.validate(ps, join(key, "thresholds"))
	for ch := range t.SupportWindows {
		if !schemas.Channel(ch).Valid() {
			ps.add(join(join(key, "support_windows"), ch), "unknown channel (want whatsapp, messenger, instagram or x)")
		}
	}
	t.validateDefaultTeam(ps, key)
	t.Alerts.validate(ps, join(key, "alerts"), t.Teams)
	t.ClickHouseReader.validate(ps, join(key, "clickhouse_reader"))
}

func (t *Tenant) validateDefaultTeam(ps *problems, key string) {
	if t.DefaultTeam == "" {
		if t.EchoesAsReplies {
			ps.add(join(key, "default_team"), "is required when echoes_as_replies is on")
		}
		return
	}
	if _, ok := t.Teams[t.DefaultTeam]; !ok {
		ps.add(join(key, "default_team"), "%q is not among the tenant's teams", t.DefaultTeam)
	}
}

func (th *Thresholds) validate(ps *problems, key string) {
	checkDuration(ps, join(key, "unanswered_after"), th.UnansweredAfter)
	checkDuration(ps, join(key, "auto_close_after"), th.AutoCloseAfter)
	checkDuration(ps, join(key, "service_level_target"), th.ServiceLevelTarget)
}

func checkNonNegative(ps *problems, key string, d time.Duration) {
	if d < 0 {
		ps.add(key, "must not be negative, got %s", d)
	}
}
