package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseInterval: any string either parses to a valid interval within
// one day or is refused; it never panics.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"09:00-12:30", "00:00-24:00", "18:00-09:00", "24:00-24:00", "9:00-17:00", "-", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := parseInterval(s)
		if err == nil && (iv.Start < 0 || iv.End > 24*60 || iv.Start >= iv.End) {
			t.Errorf("parseInterval(%q) = %+v", s, iv)
		}
	})
}

// FuzzLoad: any bytes either load into a valid configuration with a
// directory, or fail with an *Error; never a panic.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := load(data, "testdata/fuzz.yaml", fixtureEnv)
		var ce *Error
		switch {
		case err != nil && !errors.As(err, &ce):
			t.Fatalf("error of type %T: %v", err, err)
		case err == nil:
			if verr := cfg.Validate(); verr != nil {
				t.Fatalf("Load accepted an invalid configuration: %v", verr)
			}
			_ = cfg.Directory().Tenants()
			if _, err := cfg.YAML(); err != nil {
				t.Fatalf("YAML: %v", err)
			}
		}
	})
}
