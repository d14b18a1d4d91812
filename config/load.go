package config

import (
	"os"
	"path/filepath"
	"reflect"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// Load reads the YAML file at path (none when path is ""), applies
// FLOORWATCH_* overrides read through getenv, resolves secrets, fills
// defaults and validates. Its error is an *Error that lists every problem
// with its key. Unknown keys are problems; unknown FLOORWATCH_* variables
// are not (getenv cannot list them).
func Load(path string, getenv func(string) string) (*Config, error) {
	var data []byte
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{Problems: []Problem{{Message: "read config: " + err.Error()}}}
		}
		data = b
	}
	return load(data, path, getenv)
}

// load decodes data as if read from path (which names it in messages and
// anchors relative *_file paths).
func load(data []byte, path string, getenv func(string) string) (*Config, error) {
	var ps problems
	settings, fromEnv, err := merge(data, getenv)
	if err != nil {
		ps.add(path, "%v", err)
		return nil, ps.err()
	}
	c := Default()
	d := &decoder{ps: &ps, fromEnv: fromEnv,
		secrets: &secretSource{ps: &ps, getenv: getenv, dir: filepath.Dir(path)}}
	d.decode("", settings, reflect.ValueOf(c).Elem())
	c.Kafka.TLS.resolve(filepath.Dir(path))
	c.ClickHouse.TLS.resolve(filepath.Dir(path))
	// A value that failed to decode keeps its default, so validating
	// anyway adds no echo and still reports every other problem.
	c.validate(&ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	c.dir = newDirectory(c)
	return c, nil
}

// merge is the one path from bytes to settings:
//
//  1. the file is parsed once, by yaml.v3, keys as written;
//  2. viper takes that tree without the tenants section and applies the
//     FLOORWATCH_* overrides on top (the merge the design gives viper);
//  3. the tenants section is put back as written.
//
// The tenants section bypasses viper because viper folds every key to
// lower case, and under tenants keys are data (team names such as
// "Sales-EU" in `teams:`), while no environment variable overrides a
// tenant. fromEnv maps each overridden key to its variable, for messages.
func merge(data []byte, getenv func(string) string) (map[string]any, map[string]string, error) {
	var file map[string]any
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, nil, err
	}
	tenants, hasTenants := file["tenants"]
	delete(file, "tenants")
	v := viper.New()
	if err := v.MergeConfigMap(file); err != nil {
		return nil, nil, err
	}
	fromEnv := map[string]string{}
	var overridden []envLeaf
	for _, leaf := range envLeaves() {
		if val := getenv(leaf.env); val != "" {
			v.Set(leaf.key, val)
			fromEnv[leaf.key] = leaf.env
			overridden = append(overridden, leaf)
		}
	}
	settings := v.AllSettings()
	if hasTenants {
		settings["tenants"] = tenants
	}
	for _, leaf := range overridden {
		dropSiblings(settings, leaf, fromEnv)
	}
	return settings, fromEnv, nil
}
