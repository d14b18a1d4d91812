package report

import (
	"embed"
	"fmt"
)

//go:embed queries/*.sql
var queryFiles embed.FS

// Indicators lists the indicator queries, in the order of SPEC 3. Each is
// queries/<name>.sql, documented verbatim in docs/queries.md.
func Indicators() []string {
	return []string{"total", "active", "queued", "to_recover", "expired", "attended", "unattended",
		"pending_first_response", "transferred", "closed", "first_response", "reply", "resolution", "service_level"}
}

// Queries lists every query of the report: the indicators, then
// complete_until (how far the processors' output is final).
func Queries() []string { return append(Indicators(), "complete_until") }

// Query returns the SQL of a query of Queries.
func Query(name string) (string, error) {
	b, err := queryFiles.ReadFile("queries/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("no query %q", name)
	}
	return string(b), nil
}
