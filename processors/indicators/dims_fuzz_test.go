package indicators

import (
	"strings"
	"testing"
)

// FuzzParseDims: any --by value never panics; what parses has no repeat
// and only known dimensions, and prints back to a value that parses the same.
func FuzzParseDims(f *testing.F) {
	f.Add("tenant,channel,interaction_type,team,operator")
	f.Add(" team , operator")
	f.Add("team,team")
	f.Add(",")
	f.Fuzz(func(t *testing.T, s string) {
		dims, err := ParseDims(s)
		if err != nil {
			return
		}
		seen := map[Dim]bool{}
		names := make([]string, len(dims))
		for i, d := range dims {
			if seen[d] || !strings.Contains(",tenant,channel,interaction_type,team,operator,", ","+string(d)+",") {
				t.Fatalf("ParseDims(%q) = %v", s, dims)
			}
			seen[d] = true
			names[i] = string(d)
		}
		again, err := ParseDims(strings.Join(names, ","))
		if err != nil || len(again) != len(dims) {
			t.Fatalf("%v printed back does not parse the same: %v, %v", dims, again, err)
		}
	})
}
