package config

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a configuration: the full key path
// (e.g. "tenants[1].teams.sales.business_hours") and what is wrong.
type Problem struct {
	Key     string
	Message string
}

func (p Problem) String() string {
	if p.Key == "" {
		return p.Message
	}
	return p.Key + ": " + p.Message
}

// Error is what Load and Validate return: every problem found, in a
// stable order. Error() gives one "key: message" line per problem.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects Problems while decoding and validating.
type problems struct {
	list []Problem
}

func (ps *problems) add(key, format string, a ...any) {
	ps.list = append(ps.list, Problem{Key: key, Message: fmt.Sprintf(format, a...)})
}

// err returns nil without problems, else an *Error with them sorted by
// key so that output is stable whatever order checks ran in.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := append([]Problem(nil), ps.list...)
	sort.SliceStable(list, func(i, j int) bool { return keyLess(list[i].Key, list[j].Key) })
	return &Error{Problems: list}
}

// keyLess orders key paths so that tenants[2] comes before tenants[10].
func keyLess(a, b string) bool {
	pa, pb := splitKey(a), splitKey(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		var na, nb int
		_, ea := fmt.Sscanf(pa[i], "%d", &na)
		_, eb := fmt.Sscanf(pb[i], "%d", &nb)
		if ea == nil && eb == nil {
			return na < nb
		}
		return pa[i] < pb[i]
	}
	return len(pa) < len(pb)
}

func splitKey(k string) []string {
	return strings.FieldsFunc(k, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}

// join builds a key path: join("a", "b") = "a.b", join("", "b") = "b".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
