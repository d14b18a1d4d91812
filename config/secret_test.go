package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const clear = "hunter2-clear-value"

// TestSecretNeverPrints: no printing path reveals a secret's value.
func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(clear)
	type holder struct {
		Public  Secret
		private Secret
		List    []Secret
	}
	h := holder{Public: s, private: s, List: []Secret{s}}
	j, _ := json.Marshal(h)
	y, _ := yaml.Marshal(h)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "secret", s, "holder", h)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", s), "%+v": fmt.Sprintf("%+v", h), "%#v": fmt.Sprintf("%#v", h),
		"%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s), "%x": fmt.Sprintf("%x", s),
		"struct %v": fmt.Sprintf("%v", h), "json": string(j), "yaml": string(y), "slog": logged.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, clear) || strings.Contains(out, fmt.Sprintf("%x", clear)) {
			t.Errorf("%s reveals the secret: %s", how, out)
		}
	}
	if got := fmt.Sprint(s); got != "<redacted>" {
		t.Errorf("fmt.Sprint = %q, want <redacted>", got)
	}
	if s.Value() != clear || string(s.Bytes()) != clear {
		t.Error("Value or Bytes lost the secret")
	}
}

// TestShowRedactsEverySecret: config show prints no secret of any fixture.
func TestShowRedactsEverySecret(t *testing.T) {
	cfg, err := Load("testdata/indirection.good.yaml", fixtureEnv)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"env-ch-password", "env-verify-token", "env-api-key", "file-app-secret", "file-api-key"} {
		if strings.Contains(string(out), v) {
			t.Errorf("show reveals %q:\n%s", v, out)
		}
	}
	if !strings.Contains(string(out), "password: <redacted>") {
		t.Errorf("show does not mark the password as set:\n%s", out)
	}
}

// TestSecretIndirection: *_file reads the file (trailing newline trimmed,
// path relative to the config file) and *_env reads the variable.
func TestSecretIndirection(t *testing.T) {
	cfg, err := Load("testdata/indirection.good.yaml", fixtureEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cfg.ClickHouse.Password.Value(), cfg.Channels.WhatsApp.AppSecret.Value(),
		cfg.Channels.WhatsApp.VerifyToken.Value(), cfg.Tenants[0].APIKeys[0].Value(), cfg.Tenants[0].APIKeys[1].Value()}
	want := []string{"env-ch-password", "file-app-secret", "env-verify-token", "file-api-key", "env-api-key"}
	if fmt.Sprint(len(got)) != fmt.Sprint(len(want)) || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %q, want %q", got, want)
	}
}
