package config

import (
	"strings"
	"testing"
	"time"
)

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// TestEnvironmentOverridesFileAndDefaults: FLOORWATCH_<PATH> beats the file.
func TestEnvironmentOverridesFileAndDefaults(t *testing.T) {
	cfg, err := Load("testdata/minimal.good.yaml", envOf(map[string]string{
		"FLOORWATCH_KAFKA_BROKERS":                "a:1, b:2",
		"FLOORWATCH_INGEST_MAX_BODY_BYTES":        "4194304",
		"FLOORWATCH_INGEST_PUBLISH_TIMEOUT":       "250ms",
		"FLOORWATCH_LOG_FORMAT":                   "json",
		"FLOORWATCH_CLICKHOUSE_PASSWORD":          "env-password",
		"FLOORWATCH_CHANNELS_WHATSAPP_APP_SECRET": "env-wa-secret",
		"FLOORWATCH_API_KEYS":                     "k1,k2",
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"brokers split on commas", strings.Join(cfg.Kafka.Brokers, " "), "a:1 b:2"},
		{"integer", cfg.Ingest.MaxBodyBytes, int64(4 << 20)},
		{"duration", cfg.Ingest.PublishTimeout, 250 * time.Millisecond},
		{"string", cfg.Log.Format, "json"},
		{"secret", cfg.ClickHouse.Password.Value(), "env-password"},
		{"nested secret", cfg.Channels.WhatsApp.AppSecret.Value(), "env-wa-secret"},
		{"file value kept", cfg.Channels.WhatsApp.VerifyToken.Value(), "shared-token"},
		{"list of secrets", len(cfg.APIKeys), 2},
		{"default kept", cfg.Ingest.MaxBatchEvents, 1000},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

// TestEnvironmentSecretFormBeatsFileForm: an env *_env or *_file replaces
// the file's inline form instead of clashing with it.
func TestEnvironmentSecretFormBeatsFileForm(t *testing.T) {
	cfg, err := Load("testdata/minimal.good.yaml", envOf(map[string]string{
		"FLOORWATCH_CHANNELS_WHATSAPP_APP_SECRET_ENV": "MY_SECRET",
		"MY_SECRET": "indirect",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Channels.WhatsApp.AppSecret.Value(); got != "indirect" {
		t.Errorf("app secret = %q, want indirect", got)
	}
}

// TestBadEnvironmentValueNamesTheVariable: a bad value says where it came from.
func TestBadEnvironmentValueNamesTheVariable(t *testing.T) {
	_, err := Load("testdata/empty.good.yaml", envOf(map[string]string{
		"FLOORWATCH_INGEST_MAX_IN_FLIGHT": "many",
		"FLOORWATCH_KAFKA_BROKERS":        " , ",
	}))
	want := "ingest.max_in_flight: want an integer, got \"many\" (from FLOORWATCH_INGEST_MAX_IN_FLIGHT)\n" +
		"kafka.brokers: at least one broker is required"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestNoFileMeansDefaultsAndEnvironment: path "" loads defaults.
func TestNoFileMeansDefaultsAndEnvironment(t *testing.T) {
	cfg, err := Load("", envOf(map[string]string{"FLOORWATCH_METRICS_LISTEN": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Kafka.Brokers[0] != "127.0.0.1:19092" || cfg.ClickHouse.Addr != "127.0.0.1:19000" ||
		cfg.ClickHouse.Database != "floorwatch" || cfg.Ingest.Listen != "127.0.0.1:8080" {
		t.Errorf("defaults are not the local ones: %+v", cfg)
	}
}

// TestEveryLeafHasAnEnvironmentName documents a few names.
func TestEveryLeafHasAnEnvironmentName(t *testing.T) {
	names := map[string]bool{}
	for _, l := range envLeaves() {
		names[l.env] = true
	}
	for _, want := range []string{"FLOORWATCH_INGEST_MAX_BODY_BYTES", "FLOORWATCH_KAFKA_BROKERS",
		"FLOORWATCH_CLICKHOUSE_PASSWORD_FILE", "FLOORWATCH_CHANNELS_X_CONSUMER_SECRET",
		"FLOORWATCH_PROCESS_GAUGE_INTERVAL", "FLOORWATCH_API_KEYS", "FLOORWATCH_API_LISTEN", "FLOORWATCH_API_PUBLISH_TIMEOUT"} {
		if !names[want] {
			t.Errorf("no key is reachable as %s", want)
		}
	}
}

// TestTheAPISectionAndTopLevelAPIKeysDoNotCollide: api.listen and the
// top-level api_keys share the FLOORWATCH_API_ prefix; each variable sets
// its own key only.
func TestTheAPISectionAndTopLevelAPIKeysDoNotCollide(t *testing.T) {
	env := map[string]string{"FLOORWATCH_API_LISTEN": "127.0.0.1:0", "FLOORWATCH_API_PUBLISH_TIMEOUT": "750ms",
		"FLOORWATCH_API_KEYS": "key-one,key-two"}
	cfg, err := Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.API.Listen != "127.0.0.1:0" || cfg.API.PublishTimeout != 750*time.Millisecond || len(cfg.APIKeys) != 2 {
		t.Errorf("api %+v, %d api keys; want 127.0.0.1:0, 750ms and 2 keys", cfg.API, len(cfg.APIKeys))
	}
}
