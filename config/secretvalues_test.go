package config

import (
	"slices"
	"testing"
)

func TestSecretValuesListsEverySecretOnce(t *testing.T) {
	yaml := `
clickhouse: {password: ch-pass}
channels:
  messenger: {app_secret: shared-meta, verify_token: shared-verify}
tenants:
  - id: acme
    accounts: {whatsapp: ["1"], messenger: ["2"], x: ["3"]}
    api_keys: [acme-key-1, {env: ACME_KEY_2}]
    channels:
      whatsapp: {app_secret: acme-wa, verify_token: acme-verify}
      x: {consumer_secret: acme-x}
  - id: globex
    accounts: {messenger: ["4"]}
    api_keys: [globex-key]
`
	cfg, err := load([]byte(yaml), "", envOf(map[string]string{"ACME_KEY_2": "acme-key-2"}))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.SecretValues()
	slices.Sort(got)
	want := []string{"acme-key-1", "acme-key-2", "acme-verify", "acme-wa", "acme-x", "ch-pass",
		"globex-key", "shared-meta", "shared-verify"}
	if !slices.Equal(got, want) {
		t.Errorf("SecretValues() = %v\nwant %v", got, want)
	}
}
