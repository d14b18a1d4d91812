package config

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

func loadDir(t *testing.T, path string) *Directory {
	t.Helper()
	cfg, err := Load(path, fixtureEnv)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return cfg.Directory()
}

// TestAPIKeysNameTheirTenant: each key finds its tenant; others find none.
func TestAPIKeysNameTheirTenant(t *testing.T) {
	d := loadDir(t, "testdata/tenants.good.yaml")
	for _, c := range []struct {
		key, tenant string
		ok          bool
	}{
		{"acme-key-1", "acme", true},
		{"acme-key-2", "acme", true},
		{"globex-key", "globex", true},
		{"acme-key-", "", false},
		{"ACME-KEY-1", "", false},
		{"", "", false},
	} {
		tenant, ok := d.TenantForAPIKey(c.key)
		if tenant != c.tenant || ok != c.ok {
			t.Errorf("TenantForAPIKey(%q) = %q, %v; want %q, %v", c.key, tenant, ok, c.tenant, c.ok)
		}
	}
}

// TestAccountsNameTheirTenant, including ids written unquoted.
func TestAccountsNameTheirTenant(t *testing.T) {
	d := loadDir(t, "testdata/tenants.good.yaml")
	for _, c := range []struct {
		ch      schemas.Channel
		account string
		tenant  string
		ok      bool
	}{
		{schemas.WhatsApp, "100000000000001", "acme", true},
		{schemas.WhatsApp, "100000000000011", "acme", true},
		{schemas.X, "1800000000000000001", "acme", true},
		{schemas.Messenger, "200000000000002", "globex", true},
		{schemas.Messenger, "100000000000001", "", false},
		{schemas.Instagram, "unknown", "", false},
	} {
		tenant, ok := d.TenantOf(c.ch, c.account)
		if tenant != c.tenant || ok != c.ok {
			t.Errorf("TenantOf(%s, %s) = %q, %v; want %q, %v", c.ch, c.account, tenant, ok, c.tenant, c.ok)
		}
	}
	if got := d.Tenants(); !reflect.DeepEqual(got, []string{"acme", "globex"}) {
		t.Errorf("Tenants() = %v", got)
	}
}

// TestWebhookSecretsFallBackAndShare: a tenant without its own secret uses
// the top-level one; a secret used by several tenants has no tenant.
func TestWebhookSecretsFallBackAndShare(t *testing.T) {
	d := loadDir(t, "testdata/tenants.good.yaml")
	want := map[schemas.Channel][]TenantSecret{
		schemas.WhatsApp:  {{"acme", []byte("acme-wa-secret")}},
		schemas.Messenger: {{"", []byte("fallback-meta-secret")}},
		schemas.Instagram: nil, // neither acme, globex nor the top level set one
		schemas.X:         {{"acme", []byte("acme-x-secret")}},
	}
	for ch, w := range want {
		if got := d.WebhookSecrets(ch); !reflect.DeepEqual(got, w) {
			t.Errorf("WebhookSecrets(%s) = %q, want %q", ch, got, w)
		}
	}
	if got := d.VerifyTokens(schemas.Messenger); !reflect.DeepEqual(got, [][]byte{[]byte("fallback-token")}) {
		t.Errorf("VerifyTokens(messenger) = %q", got)
	}
	if got := d.VerifyTokens(schemas.X); got != nil {
		t.Errorf("VerifyTokens(x) = %q, want none", got)
	}
}

// TestWithoutTenantsEverythingIsDefault (SPEC 2.3).
func TestWithoutTenantsEverythingIsDefault(t *testing.T) {
	d := loadDir(t, "testdata/minimal.good.yaml")
	if tenant, ok := d.TenantOf(schemas.Instagram, "any-account"); tenant != "default" || !ok {
		t.Errorf("TenantOf = %q, %v; want default", tenant, ok)
	}
	if tenant, ok := d.TenantForAPIKey("default-key"); tenant != "default" || !ok {
		t.Errorf("TenantForAPIKey = %q, %v; want default", tenant, ok)
	}
	if got := d.WebhookSecrets(schemas.WhatsApp); !reflect.DeepEqual(got, []TenantSecret{{"default", []byte("shared-wa-secret")}}) {
		t.Errorf("WebhookSecrets(whatsapp) = %q", got)
	}
	if got := d.WebhookSecrets(schemas.Messenger); len(got) != 0 {
		t.Errorf("WebhookSecrets(messenger) = %q, want none", got)
	}
	if got, want := d.Policy("default"), schemas.DefaultPolicy("default"); !reflect.DeepEqual(got, want) {
		t.Errorf("Policy(default) = %+v, want %+v", got, want)
	}
	if !d.Policy("default").BusinessHours.AlwaysOpen() {
		t.Error("default tenant is not always open")
	}
	if got := d.Tenants(); !reflect.DeepEqual(got, []string{"default"}) {
		t.Errorf("Tenants() = %v", got)
	}
}

// TestPolicyConversion: split shifts sorted, holidays, team overrides,
// thresholds and support windows reach schemas.Policy.
func TestPolicyConversion(t *testing.T) {
	p := loadDir(t, "testdata/tenants.good.yaml").Policy("acme")
	hours := schemas.BusinessHours{TimeZone: "Europe/Paris", Holidays: []string{"2026-12-25"}}
	hours.Weekly[time.Monday] = []schemas.ClockInterval{clock(540, 750), clock(810, 1080)}
	hours.Weekly[time.Saturday] = []schemas.ClockInterval{clock(0, 1440)}
	night := schemas.BusinessHours{TimeZone: "Asia/Tokyo"}
	night.Weekly[time.Tuesday] = []schemas.ClockInterval{clock(0, 360), clock(1320, 1440)}
	want := schemas.Policy{
		Tenant:             "acme",
		UnansweredAfter:    10 * time.Minute,
		AutoCloseAfter:     48 * time.Hour,
		ServiceLevelTarget: schemas.DefaultServiceLevelTarget,
		SupportWindows: map[schemas.Channel]time.Duration{
			schemas.WhatsApp: 24 * time.Hour, schemas.Messenger: 24 * time.Hour, schemas.Instagram: 0, schemas.X: 12 * time.Hour},
		BusinessHours: hours,
		Teams: map[string]schemas.TeamPolicy{
			"Sales": {ServiceLevelTarget: 2 * time.Minute},
			"night": {BusinessHours: &night},
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Policy(acme) =\n%+v\nwant\n%+v", p, want)
	}
	if p.TeamTarget("Sales") != 2*time.Minute || p.TeamHours("Sales").TimeZone != "Europe/Paris" {
		t.Error("team Sales does not fall back to the tenant's hours")
	}
	g := loadDir(t, "testdata/tenants.good.yaml").Policy("globex")
	if !g.EchoesAsReplies || g.DefaultTeam != "frontdesk" || !g.BusinessHours.AlwaysOpen() {
		t.Errorf("Policy(globex) = %+v", g)
	}
}

func clock(start, end int) schemas.ClockInterval {
	return schemas.ClockInterval{Start: start, End: end}
}

// TestSupervisorTokensNameTheirTenantAndSupervisor: inline, environment
// and file tokens each find their supervisor; anything else finds none.
func TestSupervisorTokensNameTheirTenantAndSupervisor(t *testing.T) {
	d := loadDir(t, "testdata/tenants.good.yaml")
	for _, c := range []struct {
		token, tenant, name string
		ok                  bool
	}{
		{"acme-supervisor-sam-token", "acme", "Sam", true},
		{"env-supervisor-token", "acme", "Ana Lima", true},
		{"globex-supervisor-gina-token", "globex", "gina", true},
		{"acme-supervisor-sam-toke", "", "", false},
		{"acme-key-1", "", "", false}, // an API key is not a supervisor token
		{"", "", "", false},
	} {
		tenant, name, ok := d.SupervisorForToken(c.token)
		if tenant != c.tenant || name != c.name || ok != c.ok {
			t.Errorf("SupervisorForToken(%q) = %q, %q, %v; want %q, %q, %v", c.token, tenant, name, ok, c.tenant, c.name, c.ok)
		}
	}
	single := loadDir(t, "testdata/minimal.good.yaml")
	if tenant, name, ok := single.SupervisorForToken("default-supervisor-token"); tenant != schemas.DefaultTenant || name != "dana" || !ok {
		t.Errorf("without tenants: SupervisorForToken = %q, %q, %v; want default, dana, true", tenant, name, ok)
	}
}

// TestChannelsAreThoseWithAccounts: a tenant's channels are those it has
// accounts on; without tenants, every channel.
func TestChannelsAreThoseWithAccounts(t *testing.T) {
	d := loadDir(t, "testdata/tenants.good.yaml")
	if got, want := d.Channels("acme"), []schemas.Channel{schemas.WhatsApp, schemas.Messenger, schemas.X}; !reflect.DeepEqual(got, want) {
		t.Errorf("Channels(acme) = %v, want %v", got, want)
	}
	if got := d.Channels("nobody"); len(got) != 0 {
		t.Errorf("Channels(nobody) = %v, want none", got)
	}
	if got := loadDir(t, "testdata/minimal.good.yaml").Channels(schemas.DefaultTenant); !reflect.DeepEqual(got, schemas.Channels) {
		t.Errorf("without tenants: Channels = %v, want every channel", got)
	}
}

// TestAlertRulesAreInTheMetricsUnits: thresholds reach the evaluator in
// the metric's unit (milliseconds, shares, counts), teams as given, and
// the notify targets with their secrets; a tenant without rules has none.
func TestAlertRulesAreInTheMetricsUnits(t *testing.T) {
	d := loadDir(t, "testdata/alerts.good.yaml")
	f := func(v float64) *float64 { return &v }
	s := func(v string) *string { return &v }
	want := []schemas.AlertRule{
		{Name: "sales-queue", Team: s("sales"), Metric: "oldest_wait", Above: f(300000)},
		{Name: "sl-drop", Metric: "service_level_30m", Below: f(0.8)},
		{Name: "at-risk", Metric: "at_risk_cases", Above: f(3)},
		{Name: "queue", Team: s("support"), Metric: "queue_length", Above: f(10)},
		{Name: "to-recover", Metric: "to_recover_cases", Above: f(0)},
		{Name: "expired", Metric: "expired_cases", Above: f(5)},
		{Name: "nobody", Team: s("support"), Metric: "operators_available", Below: f(1)},
	}
	if got := d.AlertRules("acme"); !reflect.DeepEqual(got, want) {
		t.Errorf("AlertRules(acme):\n got %s\nwant %s", jsonOf(got), jsonOf(want))
	}
	targets := d.AlertTargets("acme")
	if len(targets) != 2 || targets[0].URL != "https://hooks.example/floorwatch" || string(targets[0].Secret) != "hook-secret" ||
		string(targets[1].Secret) != "env-api-key" {
		t.Errorf("AlertTargets(acme) = %+v", targets)
	}
	if d.AlertRules("globex") != nil || d.AlertTargets("globex") != nil {
		t.Error("globex has no rules, yet some are listed")
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
