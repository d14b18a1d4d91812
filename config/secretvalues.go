package config

import "reflect"

// SecretValues returns the value of every secret set in c (API keys, app
// secrets, verify tokens, consumer secrets, passwords, whatever section
// holds them), each once. It exists for checks that no secret leaks into
// logs or outputs; nothing else should need secrets in bulk.
func (c *Config) SecretValues() []string {
	seen := map[string]bool{}
	var out []string
	walkSecrets(reflect.ValueOf(c).Elem(), func(s Secret) {
		if v := s.Value(); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	})
	return out
}

// walkSecrets calls f on every Secret reachable from v through exported
// fields, pointers, slices, arrays and maps.
func walkSecrets(v reflect.Value, f func(Secret)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkSecrets(v.Elem(), f)
		}
	case reflect.Struct:
		if v.Type() == secretType {
			f(v.Interface().(Secret))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkSecrets(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkSecrets(v.Index(i), f)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walkSecrets(it.Value(), f)
		}
	}
}
