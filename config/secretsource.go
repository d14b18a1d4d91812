package config

import (
	"os"
	"path/filepath"
	"strings"
)

// secretSource resolves secrets given inline, by file or by environment
// variable. Messages about secrets never include their values.
type secretSource struct {
	ps     *problems
	getenv func(string) string
	// dir resolves relative *_file paths: the config file's directory.
	dir string
}

// form resolves a secret written as key (suffix ""), key_file or key_env.
func (s *secretSource) form(key, suffix string, raw any) Secret {
	str, ok := scalarString(raw)
	if !ok {
		s.ps.add(key, "want a string, got %s", kindOf(raw))
		return Secret{}
	}
	switch suffix {
	case "_file":
		return s.file(key, str)
	case "_env":
		return s.env(key, str)
	}
	return NewSecret(str)
}

// inline resolves a list item: a string, or a mapping with exactly one of
// value, file or env.
func (s *secretSource) inline(key string, raw any) Secret {
	m, isMap := asMap(raw)
	if !isMap {
		return s.form(key, "", raw)
	}
	if len(m) != 1 {
		s.ps.add(key, "want exactly one of value, file or env")
		return Secret{}
	}
	for k, v := range m {
		switch k {
		case "value":
			return s.form(join(key, k), "", v)
		case "file", "env":
			return s.form(join(key, k), "_"+k, v)
		}
		s.ps.add(join(key, k), "unknown key (want value, file or env)")
	}
	return Secret{}
}

func (s *secretSource) file(key, path string) Secret {
	if path == "" {
		s.ps.add(key, "must name a file")
		return Secret{}
	}
	if !filepath.IsAbs(path) && s.dir != "" {
		path = filepath.Join(s.dir, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		s.ps.add(key, "cannot read secret file: %v", err)
		return Secret{}
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		s.ps.add(key, "secret file %s is empty", path)
	}
	return NewSecret(v)
}

func (s *secretSource) env(key, name string) Secret {
	if name == "" {
		s.ps.add(key, "must name an environment variable")
		return Secret{}
	}
	v := s.getenv(name)
	if v == "" {
		s.ps.add(key, "environment variable %s is not set or empty", name)
	}
	return NewSecret(v)
}

// kindOf names a value's shape without its content.
func kindOf(raw any) string {
	switch raw.(type) {
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a mapping"
	case bool:
		return "a boolean"
	}
	return "a number"
}
