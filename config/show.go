package config

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// YAML renders the effective configuration in the file's own shape, keys
// in declaration order, durations as "15m", every secret as "<redacted>"
// (or "" when unset). What it prints loads back to the same configuration
// apart from the secrets.
func (c *Config) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(node(reflect.ValueOf(c).Elem())); err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	return buf.Bytes(), nil
}

func node(v reflect.Value) *yaml.Node {
	switch {
	case v.Type() == secretType:
		return scalar(v.Interface().(Secret).shown(), "!!str")
	case v.Type() == durationType:
		return scalar(shortDuration(time.Duration(v.Int())), "!!str")
	case v.Type().Implements(reflect.TypeFor[encoding.TextMarshaler]()):
		b, _ := v.Interface().(encoding.TextMarshaler).MarshalText()
		return scalar(string(b), "!!str")
	}
	switch v.Kind() {
	case reflect.String:
		return scalar(v.String(), "!!str")
	case reflect.Bool:
		return scalar(strconv.FormatBool(v.Bool()), "!!bool")
	case reflect.Int, reflect.Int64:
		return scalar(strconv.FormatInt(v.Int(), 10), "!!int")
	case reflect.Pointer:
		if v.IsNil() {
			return scalar("null", "!!null")
		}
		return node(v.Elem())
	case reflect.Slice:
		return sequence(v)
	case reflect.Map:
		return mapNode(v)
	case reflect.Struct:
		return structNode(v)
	}
	panic(fmt.Sprintf("config: cannot show %s", v.Type()))
}

func scalar(s, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: s, Tag: tag}
}

func sequence(v reflect.Value) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	if v.Type().Elem().Kind() != reflect.Struct || v.Type().Elem() == secretType {
		n.Style = yaml.FlowStyle
	}
	for i := range v.Len() {
		n.Content = append(n.Content, node(v.Index(i)))
	}
	return n
}

func mapNode(v reflect.Value) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	keys := make([]string, 0, v.Len())
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	slices.SortFunc(keys, weekdayFirst)
	for _, k := range keys {
		n.Content = append(n.Content, scalar(k, "!!str"), node(v.MapIndex(reflect.ValueOf(k))))
	}
	return n
}

// weekdayFirst orders weekday keys mon..sun and other keys by name.
func weekdayFirst(a, b string) int {
	da, okA := weekdayOf(a)
	db, okB := weekdayOf(b)
	if okA && okB {
		return (int(da)+6)%7 - (int(db)+6)%7
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func structNode(v reflect.Value) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := range v.NumField() {
		name := yamlName(v.Type().Field(i))
		if name == "" {
			continue
		}
		n.Content = append(n.Content, scalar(name, "!!str"), node(v.Field(i)))
	}
	return n
}

// shortDuration writes 48h for 48h0m0s and 2m for 2m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
