package report

import (
	"flag"
	"os"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the query blocks of docs/queries.md from queries/*.sql")

const docsPath = "../../docs/queries.md"

// block matches one documented query: a marker, then a sql code block.
var block = regexp.MustCompile("(?s)<!-- query: ([a-z_]+) -->\n```sql\n(.*?)```\n")

func TestDocsShowEveryQueryVerbatim(t *testing.T) {
	b, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	seen := map[string]bool{}
	out := block.ReplaceAllStringFunc(doc, func(m string) string {
		name := block.FindStringSubmatch(m)[1]
		seen[name] = true
		q, err := Query(name)
		if err != nil {
			t.Errorf("docs/queries.md documents %s, which has no query file", name)
			return m
		}
		return "<!-- query: " + name + " -->\n```sql\n" + q + "```\n"
	})
	for _, name := range Queries() {
		if !seen[name] {
			t.Errorf("docs/queries.md lacks <!-- query: %s --> and its sql block", name)
		}
	}
	if *update {
		if err := os.WriteFile(docsPath, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if out != doc {
		t.Errorf("docs/queries.md differs from queries/*.sql; run go test ./sinks/report -run TestDocs -update")
	}
}
