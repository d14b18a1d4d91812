package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestShowGolden: the effective configuration of tenants.good.yaml, with
// defaults filled in and secrets redacted, is testdata/show.golden; and
// what show prints loads back (secrets aside) to the same output.
func TestShowGolden(t *testing.T) {
	cfg, err := Load("testdata/tenants.good.yaml", fixtureEnv)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/show.golden", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/show.golden")
	if err != nil {
		t.Fatalf("%v (run go test ./config -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("show output differs from testdata/show.golden:\n%s", got)
	}

	// Reload what show printed: it must be a valid configuration file
	// (strict keys, same shape), which it is once secrets are replaced
	// (by values long enough for a supervisor token).
	shown := string(got)
	for i := 0; strings.Contains(shown, redacted); i++ {
		shown = strings.Replace(shown, redacted, fmt.Sprintf("reloaded-secret-%04d", i), 1)
	}
	tmp := t.TempDir() + "/shown.yaml"
	if err := os.WriteFile(tmp, []byte(shown), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Load(tmp, fixtureEnv)
	if err != nil {
		t.Fatalf("show output does not load back:\n%v", err)
	}
	if out, _ := again.YAML(); string(out) != string(got) {
		t.Errorf("show output is not stable on reload:\n%s", out)
	}
}
