package config

import (
	"reflect"
	"strings"
)

// envLeaf is a key that an environment variable can set.
type envLeaf struct {
	key string // "kafka.brokers"
	env string // "FLOORWATCH_KAFKA_BROKERS"
	// secret is the secret's base key when key is one of its three forms.
	secret string
}

// envLeaves lists every key reachable from the environment: scalars, lists
// of scalars, and the three forms of each secret, outside the tenants
// list (which has no stable names; see docs/configuration.md).
func envLeaves() []envLeaf {
	var out []envLeaf
	walkLeaves("", reflect.TypeFor[Config](), &out)
	return out
}

func walkLeaves(prefix string, t reflect.Type, out *[]envLeaf) {
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name == "" {
			continue
		}
		key := join(prefix, name)
		switch {
		case f.Type == secretType:
			for _, suffix := range []string{"", "_file", "_env"} {
				*out = append(*out, envLeaf{key: key + suffix, env: envName(key + suffix), secret: key})
			}
		case f.Type.Kind() == reflect.Struct && f.Type != durationType:
			walkLeaves(key, f.Type, out)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct && f.Type.Elem() != secretType:
			// Lists of sections (tenants) come from the file only.
		case f.Type.Kind() == reflect.Map || f.Type.Kind() == reflect.Pointer:
			// Maps and optional sections have no fixed key names.
		default:
			*out = append(*out, envLeaf{key: key, env: envName(key)})
		}
	}
}

// envName maps "ingest.max_body_bytes" to FLOORWATCH_INGEST_MAX_BODY_BYTES.
func envName(key string) string {
	return "FLOORWATCH_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// dropSiblings removes the file's other forms of a secret that the
// environment set, so environment beats file whatever form each used;
// two forms both from the environment stay, to be reported.
func dropSiblings(settings map[string]any, leaf envLeaf, fromEnv map[string]string) {
	if leaf.secret == "" {
		return
	}
	parts := strings.Split(leaf.secret, ".")
	m := settings
	for _, p := range parts[:len(parts)-1] {
		next, ok := asMap(m[p])
		if !ok {
			return
		}
		m[p] = next
		m = next
	}
	for _, suffix := range []string{"", "_file", "_env"} {
		if _, set := fromEnv[leaf.secret+suffix]; !set {
			delete(m, parts[len(parts)-1]+suffix)
		}
	}
}
