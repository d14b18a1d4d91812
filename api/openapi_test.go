package api

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// openAPI is api/openapi.yaml, decoded.
func openAPI(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi: %q, want 3.x", v)
	}
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// The server's routes and methods are the document's paths and
// operations, both ways.
func TestRoutesAreTheOpenAPIDocumentsPaths(t *testing.T) {
	doc := openAPI(t)
	var documented []string
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if slices.Contains(httpMethods, method) {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	var served []string
	for _, r := range (&Server{}).Routes() {
		served = append(served, r.Method+" "+r.Path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	for _, r := range served {
		if !slices.Contains(documented, r) {
			t.Errorf("the server answers %s, which api/openapi.yaml does not document", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(served, r) {
			t.Errorf("api/openapi.yaml documents %s, which the server does not answer", r)
		}
	}
	if len(served) == 0 {
		t.Fatal("the server has no routes")
	}
}

// What the server answers, on every route and for each documented error,
// is what the document says: every property documented, every required
// one present, types, enums and time formats.
func TestAnswersMatchTheOpenAPIDocument(t *testing.T) {
	doc := openAPI(t)
	e := newEnv(t)
	loadCases(t, e.conn)
	exec(t, e.conn, `INSERT INTO durations (conversation_id, version, kind, seq, tenant, channel, interaction_type, team, operator,
		ended_at, ms, business_ms, target_ms) VALUES
		('ar', 1, 'first_response', 0, 'acme', 'x', 'messaging', 'support', 'bob', '2026-11-20 09:03:00', 60001, 60001, 300000),
		('aa', 1, 'first_response', 0, 'acme', 'whatsapp', 'messaging', 'support', 'bob', '2026-11-20 10:03:00', 60000, 60000, 300000)`)
	loadAlerts(t, e.conn)
	// The two average to 60 000.5 ms: answers hold whole milliseconds.
	action := map[string]string{"to_team": "support", "idempotency_key": "doc"}
	for _, c := range []struct {
		method, path, route, token string
		body                       any
		status                     int
		documentedAs               string // the operation whose 405 it is
	}{
		{"GET", "/api/v1/me", "", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/indicators?from=2026-11-20T00:00:00Z&to=2026-11-20T11:00:00Z&by=team,operator", "/api/v1/indicators", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/indicators?from=2026-11-20T00:00:00Z&to=2026-11-20T11:00:00Z", "/api/v1/indicators", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/cases?list=current", "/api/v1/cases", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/cases?list=queued&limit=1", "/api/v1/cases", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/cases?list=to_recover", "/api/v1/cases", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/cases?list=expired", "/api/v1/cases", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/cases?list=at_risk&within=1h", "/api/v1/cases", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/cases?list=nope", "/api/v1/cases", acmeToken, nil, 400, ""},
		{"GET", "/api/v1/operators", "", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/teams", "", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/teams", "", "", nil, 401, ""},
		{"GET", "/api/v1/alerts", "", acmeToken, nil, 200, ""},
		{"GET", "/api/v1/alerts", "", globexToken, nil, 200, ""},
		{"GET", "/api/v1/alerts?rule=sl-drop", "/api/v1/alerts", acmeToken, nil, 400, ""},
		{"POST", "/api/v1/cases/aq/transfer", "/api/v1/cases/{conversation_id}/transfer", acmeToken, action, 202, ""},
		{"POST", "/api/v1/cases/gq/transfer", "/api/v1/cases/{conversation_id}/transfer", acmeToken, map[string]string{"to_team": "a", "idempotency_key": "x"}, 404, ""},
		{"POST", "/api/v1/cases/ac/transfer", "/api/v1/cases/{conversation_id}/transfer", acmeToken, map[string]string{"to_team": "a", "idempotency_key": "y"}, 409, ""},
		{"POST", "/api/v1/cases/aq/transfer", "/api/v1/cases/{conversation_id}/transfer", acmeToken, `{"to_team":"` + strings.Repeat("a", 20000) + `"}`, 413, ""},
		{"GET", "/api/v1/cases/aq/recover", "/api/v1/cases/{conversation_id}/recover", acmeToken, nil, 405, "post"},
		{"POST", "/api/v1/cases", "/api/v1/cases", acmeToken, "{}", 405, "get"},
		{"POST", "/api/v1/cases/aq/recover", "/api/v1/cases/{conversation_id}/recover", acmeToken, map[string]string{"idempotency_key": "z"}, 409, ""},
		{"POST", "/api/v1/cases/ar/recover", "/api/v1/cases/{conversation_id}/recover", acmeToken, map[string]string{"idempotency_key": "z"}, 202, ""},
	} {
		a := do(t, e.http.URL, c.method, c.path, c.token, c.body)
		if a.status != c.status {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, a.status, a.body, c.status)
			continue
		}
		route := c.route
		if route == "" {
			route = c.path
		}
		docMethod := strings.ToLower(c.method)
		if c.documentedAs != "" {
			docMethod = c.documentedAs
		}
		schema := responseSchema(t, doc, route, docMethod, c.status)
		var v any
		if err := json.Unmarshal(a.body, &v); err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		for _, p := range conform(doc, schema, v, "body") {
			t.Errorf("%s %s (%d): %s\n%s", c.method, c.path, c.status, p, a.body)
		}
	}
}

func responseSchema(t *testing.T, doc map[string]any, path, method string, status int) map[string]any {
	t.Helper()
	op, ok := dig(doc, "paths", path, method).(map[string]any)
	if !ok {
		t.Fatalf("no %s %s in the document", method, path)
	}
	resp, ok := dig(op, "responses", strconv.Itoa(status)).(map[string]any)
	if !ok {
		t.Fatalf("%s %s documents no %d answer", method, path, status)
	}
	resp = resolve(doc, resp)
	schema, ok := dig(resp, "content", "application/json", "schema").(map[string]any)
	if !ok {
		t.Fatalf("%s %s %d has no JSON schema", method, path, status)
	}
	return schema
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// resolve follows a local $ref.
func resolve(doc, node map[string]any) map[string]any {
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		next, ok := dig(doc, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...).(map[string]any)
		if !ok {
			return map[string]any{"x-unresolved": ref}
		}
		node = next
	}
}

var apiTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// conform lists where v departs from the schema (a subset of JSON Schema:
// $ref, type, enum, properties, required, additionalProperties, items,
// format date-time as the API writes it).
func conform(doc, schema map[string]any, v any, at string) []string {
	schema = resolve(doc, schema)
	if ref, ok := schema["x-unresolved"]; ok {
		return []string{fmt.Sprintf("%s: unresolved $ref %v", at, ref)}
	}
	var problems []string
	if types := typesOf(schema); len(types) > 0 && !slices.Contains(types, kindOf(v)) &&
		!(kindOf(v) == "integer" && slices.Contains(types, "number")) {
		return []string{fmt.Sprintf("%s: %s, want %v", at, kindOf(v), types)}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		problems = append(problems, fmt.Sprintf("%s: %v is not among %v", at, v, enum))
	}
	if s, ok := v.(string); ok && schema["format"] == "date-time" && !apiTime.MatchString(s) {
		problems = append(problems, fmt.Sprintf("%s: %q is not RFC 3339 UTC with milliseconds", at, s))
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := x[r]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required %s is missing", at, r))
			}
		}
		for k, val := range x {
			if p, ok := props[k].(map[string]any); ok {
				problems = append(problems, conform(doc, p, val, at+"."+k)...)
				continue
			}
			switch extra := schema["additionalProperties"].(type) {
			case map[string]any:
				problems = append(problems, conform(doc, extra, val, at+"."+k)...)
			case bool:
				if !extra {
					problems = append(problems, fmt.Sprintf("%s: %s is not documented", at, k))
				}
			default:
				if props != nil {
					problems = append(problems, fmt.Sprintf("%s: %s is not documented", at, k))
				}
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, val := range x {
				problems = append(problems, conform(doc, items, val, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return problems
}

func typesOf(schema map[string]any) []string {
	switch t := schema["type"].(type) {
	case string:
		return []string{t}
	case []any:
		return asStrings(t)
	}
	return nil
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}
