package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// fixtureEnv is the environment every fixture is loaded with.
func fixtureEnv(name string) string {
	return map[string]string{
		"TEST_CH_PASSWORD":      "env-ch-password",
		"TEST_VERIFY_TOKEN":     "env-verify-token",
		"TEST_API_KEY":          "env-api-key",
		"TEST_SUPERVISOR_TOKEN": "env-supervisor-token",
	}[name]
}

// TestGoodFixturesLoad: every testdata/*.good.yaml loads without a problem.
func TestGoodFixturesLoad(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.good.yaml")
	if len(files) == 0 {
		t.Fatal("no good fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := Load(f, fixtureEnv); err != nil {
				t.Fatalf("Load(%s):\n%v", f, err)
			}
		})
	}
}

// TestBadFixturesListEveryProblem: every testdata/*.bad.yaml fails with
// exactly the lines of the .errors golden file beside it.
func TestBadFixturesListEveryProblem(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(f, fixtureEnv)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load(%s) = %v, want an *Error", f, err)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".errors"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./config -update)", err)
			}
			if got != string(want) {
				t.Errorf("problems of %s:\n--- got\n%s--- want\n%s", f, got, want)
			}
		})
	}
}

// TestRootConfigIsValid: the config.yaml shipped at the root loads.
func TestRootConfigIsValid(t *testing.T) {
	cfg, err := Load("../config.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatalf("../config.yaml:\n%v", err)
	}
	if got := cfg.Directory().Tenants(); len(got) < 1 {
		t.Errorf("root config has no tenants: %v", got)
	}
}
