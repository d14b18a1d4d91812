package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return env[k] }}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// TestConfigValidate: ok and exit 0 when valid; every problem as
// "key: message" on stderr and exit 1 when not; exit 2 on misuse.
func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		stdout   string
		inStderr []string
	}{
		{"valid root file", nil, []string{"config", "validate", "--config", "../../config.yaml"}, 0,
			"ok: 2 tenants, 6 channel accounts, 2 API keys\n", nil},
		{"file from FLOORWATCH_CONFIG", map[string]string{"FLOORWATCH_CONFIG": "../../config/testdata/minimal.good.yaml"},
			[]string{"config", "validate"}, 0, "ok: 1 tenants, 0 channel accounts, 1 API keys\n", nil},
		{"every problem listed", nil, []string{"config", "validate", "--config", "../../config/testdata/unknown_keys.bad.yaml"}, 1, "",
			[]string{"ingest.lisen: unknown key", "tenants[1].teams.sales.buisness_hours: unknown key"}},
		{"env override problem", map[string]string{"FLOORWATCH_INGEST_MAX_BODY_BYTES": "-1"},
			[]string{"config", "validate", "--config", "../../config.yaml"}, 1, "",
			[]string{"ingest.max_body_bytes: must be positive, got -1\n"}},
		{"missing file", nil, []string{"config", "validate", "--config", "nope.yaml"}, 1, "", []string{"read config: open nope.yaml"}},
		{"no action", nil, []string{"config"}, 2, "", []string{"usage: floorwatch config validate|show"}},
		{"extra argument", nil, []string{"config", "show", "x"}, 2, "", []string{"unexpected argument"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, c.env, c.args...)
			if code != c.code || stdout != c.stdout {
				t.Errorf("exit %d, stdout %q; want %d, %q (stderr %q)", code, stdout, c.code, c.stdout, stderr)
			}
			for _, s := range c.inStderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr %q lacks %q", stderr, s)
				}
			}
		})
	}
}

// TestConfigShowRedacts: show prints the effective YAML with no secret.
func TestConfigShowRedacts(t *testing.T) {
	code, stdout, stderr := runCmd(t, map[string]string{"FLOORWATCH_CLICKHOUSE_PASSWORD": "pw-from-env"},
		"config", "show", "--config", "../../config.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, secret := range []string{"pw-from-env", "dev-acme-api-key", "dev-acme-whatsapp-app-secret", "dev-globex-verify-token"} {
		if strings.Contains(stdout, secret) {
			t.Errorf("show reveals %q", secret)
		}
	}
	for _, want := range []string{"password: <redacted>", "publish_timeout: 5s", "id: globex"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, stdout)
		}
	}
}
