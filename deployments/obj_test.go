package deployments

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// obj is a decoded manifest (or part of one), read by path.
type obj map[string]any

func (o obj) val(path ...string) any {
	var cur any = map[string]any(o)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func (o obj) str(path ...string) string {
	switch v := o.val(path...).(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

func (o obj) m(path ...string) obj {
	m, _ := o.val(path...).(map[string]any)
	return obj(m)
}

func (o obj) list(path ...string) []any {
	l, _ := o.val(path...).([]any)
	return l
}

func (o obj) strings(path ...string) []string {
	var out []string
	for _, v := range o.list(path...) {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func (o obj) stringMap(path ...string) map[string]string {
	out := map[string]string{}
	for k, v := range o.m(path...) {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// containers returns a workload's pod containers.
func (o obj) containers() []map[string]any {
	var out []map[string]any
	for _, c := range o.list("spec", "template", "spec", "containers") {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// namedPorts maps a container's port names to their numbers.
func (o obj) namedPorts() map[string]int {
	out := map[string]int{}
	for _, p := range o.list("ports") {
		po := obj(p.(map[string]any))
		var n int
		fmt.Sscan(po.str("containerPort"), &n)
		out[po.str("name")] = n
	}
	return out
}

// objects are the manifests of one rendering.
type objects []obj

func (os objects) find(kind, name string) obj {
	for _, o := range os {
		if o.str("kind") == kind && o.str("metadata", "name") == name {
			return o
		}
	}
	return nil
}

func (os objects) get(t *testing.T, kind, name string) obj {
	t.Helper()
	o := os.find(kind, name)
	if o == nil {
		t.Fatalf("no %s %s rendered", kind, name)
	}
	return o
}

// configMapName is the generated name (hash suffix) of floorwatch-config.
func (os objects) configMapName(t *testing.T) string {
	t.Helper()
	for _, o := range os {
		if n := o.str("metadata", "name"); o.str("kind") == "ConfigMap" && strings.HasPrefix(n, "floorwatch-config") {
			return n
		}
	}
	t.Fatal("no floorwatch-config ConfigMap rendered")
	return ""
}

func deepCopy(t *testing.T, o obj) obj {
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var c obj
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
