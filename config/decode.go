package config

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// decoder copies the merged settings tree (maps, lists, scalars) into
// Config strictly: every key must name a field, every value must fit its
// field, and each problem is recorded with its full key path.
type decoder struct {
	ps      *problems
	secrets *secretSource
	// fromEnv maps a key path to the environment variable that set it, so
	// a bad value names where it came from.
	fromEnv map[string]string
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (d *decoder) bad(key, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if env, ok := d.fromEnv[key]; ok {
		msg += " (from " + env + ")"
	}
	d.ps.add(key, "%s", msg)
}

// decode stores raw into v; a nil raw (a key with no value) keeps v.
func (d *decoder) decode(key string, raw any, v reflect.Value) {
	if raw == nil {
		return
	}
	switch {
	case v.Type() == secretType:
		v.Set(reflect.ValueOf(d.secrets.inline(key, raw)))
		return
	case v.Type() == durationType:
		d.duration(key, raw, v)
		return
	case reflect.PointerTo(v.Type()).Implements(textUnmarshaler):
		d.text(key, raw, v)
		return
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := scalarString(raw); ok {
			v.SetString(s)
		} else {
			d.bad(key, "want a string, got %s", describe(raw))
		}
	case reflect.Bool:
		d.boolean(key, raw, v)
	case reflect.Int, reflect.Int64:
		d.integer(key, raw, v)
	case reflect.Slice:
		d.list(key, raw, v)
	case reflect.Map:
		d.mapping(key, raw, v)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			setDefaults(v.Elem())
		}
		d.decode(key, raw, v.Elem())
	case reflect.Struct:
		if m, ok := asMap(raw); ok {
			d.fields(key, m, v)
		} else {
			d.bad(key, "want a mapping, got %s", describe(raw))
		}
	default:
		panic(fmt.Sprintf("config: field %s of unsupported type %s", key, v.Type()))
	}
}

// fields decodes a mapping into a struct; keys naming no field are errors.
func (d *decoder) fields(key string, m map[string]any, v reflect.Value) {
	known := map[string]bool{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name := yamlName(f)
		if name == "" {
			continue
		}
		known[name] = true
		if f.Type == secretType {
			known[name+"_file"], known[name+"_env"] = true, true
			d.secretField(key, name, m, v.Field(i))
			continue
		}
		if raw, ok := m[name]; ok {
			d.decode(join(key, name), raw, v.Field(i))
		}
	}
	for _, k := range sortedKeys(m) {
		if !known[k] {
			d.ps.add(join(key, k), "unknown key%s", suggest(k, known))
		}
	}
}

// secretField resolves name, name_file or name_env, at most one of them.
func (d *decoder) secretField(key, name string, m map[string]any, v reflect.Value) {
	var forms []string
	for _, k := range []string{name, name + "_file", name + "_env"} {
		if m[k] != nil {
			forms = append(forms, k)
		}
	}
	switch {
	case len(forms) > 1:
		d.bad(join(key, forms[1]), "give only one of %s", strings.Join(forms, ", "))
	case len(forms) == 1:
		k := forms[0]
		s := d.secrets.form(join(key, k), strings.TrimPrefix(k, name), m[k])
		v.Set(reflect.ValueOf(s))
	}
}

func (d *decoder) list(key string, raw any, v reflect.Value) {
	items, ok := raw.([]any)
	if s, isString := raw.(string); isString {
		// From the environment: "a:1,b:2".
		items, ok = nil, true
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				items = append(items, part)
			}
		}
	}
	if !ok {
		d.bad(key, "want a list, got %s", describe(raw))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		setDefaults(out.Index(i))
		d.decode(index(key, i), item, out.Index(i))
	}
	v.Set(out)
}

// mapping merges a mapping into a map, keeping entries it does not name.
func (d *decoder) mapping(key string, raw any, v reflect.Value) {
	m, ok := asMap(raw)
	if !ok {
		d.bad(key, "want a mapping, got %s", describe(raw))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, k := range sortedKeys(m) {
		elem := reflect.New(v.Type().Elem()).Elem()
		if old := v.MapIndex(reflect.ValueOf(k)); old.IsValid() {
			elem.Set(old)
		} else {
			setDefaults(elem)
		}
		d.decode(join(key, k), m[k], elem)
		v.SetMapIndex(reflect.ValueOf(k), elem)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// asMap accepts both map shapes YAML decoders produce; keys become strings.
func asMap(raw any) (map[string]any, bool) {
	switch m := raw.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
		return out, true
	}
	return nil, false
}

func (d *decoder) duration(key string, raw any, v reflect.Value) {
	s, ok := raw.(string)
	if !ok {
		d.bad(key, "want a duration with a unit such as 15m or 168h, got %s", describe(raw))
		return
	}
	dur, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		d.bad(key, "want a duration with a unit such as 15m or 168h, got %q", s)
		return
	}
	v.SetInt(int64(dur))
}

func (d *decoder) text(key string, raw any, v reflect.Value) {
	s, ok := scalarString(raw)
	if f, isFloat := raw.(float64); isFloat && v.Type() == thresholdType {
		s, ok = strconv.FormatFloat(f, 'f', -1, 64), true // a share: 0.8
	}
	if !ok {
		d.bad(key, "want a string, got %s", describe(raw))
		return
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		d.bad(key, "%v", err)
	}
}

func (d *decoder) boolean(key string, raw any, v reflect.Value) {
	switch b := raw.(type) {
	case bool:
		v.SetBool(b)
	case string:
		parsed, err := strconv.ParseBool(strings.TrimSpace(b))
		if err != nil {
			d.bad(key, "want true or false, got %q", b)
			return
		}
		v.SetBool(parsed)
	default:
		d.bad(key, "want true or false, got %s", describe(raw))
	}
}

func (d *decoder) integer(key string, raw any, v reflect.Value) {
	var n int64
	var err error
	switch x := raw.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case string:
		n, err = strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	default:
		err = fmt.Errorf("not an integer")
	}
	if err != nil || v.OverflowInt(n) {
		d.bad(key, "want an integer, got %s", describe(raw))
		return
	}
	v.SetInt(n)
}

// scalarString accepts strings and integers (account ids are often
// written unquoted); floats would lose digits, so they are refused.
func scalarString(raw any) (string, bool) {
	switch x := raw.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	}
	return "", false
}

func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		return strconv.Quote(x)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a mapping"
	case float64:
		return fmt.Sprintf("the number %v (quote ids and write durations with a unit)", x)
	}
	return fmt.Sprintf("%v", raw)
}
