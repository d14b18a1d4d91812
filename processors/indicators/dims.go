package indicators

import (
	"fmt"
	"strings"

	"github.com/floorwatch/floorwatch/schemas"
)

// Dim is a segment dimension of SPEC 3.
type Dim string

const (
	DimTenant          Dim = "tenant"
	DimChannel         Dim = "channel"
	DimInteractionType Dim = "interaction_type"
	DimTeam            Dim = "team"
	DimOperator        Dim = "operator"
)

// Dims lists every dimension in the order of SPEC 3.
var Dims = []Dim{DimTenant, DimChannel, DimInteractionType, DimTeam, DimOperator}

// ParseDims parses a comma-separated list ("team,operator"); "" is none.
// Unknown and repeated names are errors.
func ParseDims(s string) ([]Dim, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []Dim
	seen := map[Dim]bool{}
	for _, p := range strings.Split(s, ",") {
		d := Dim(strings.TrimSpace(p))
		known := false
		for _, k := range Dims {
			known = known || k == d
		}
		if !known {
			return nil, fmt.Errorf("unknown dimension %q (want tenant, channel, interaction_type, team or operator)", d)
		}
		if seen[d] {
			return nil, fmt.Errorf("dimension %q given twice", d)
		}
		seen[d] = true
		out = append(out, d)
	}
	return out, nil
}

// value returns seg's value of d.
func value(seg schemas.Segment, d Dim) string {
	switch d {
	case DimTenant:
		return seg.Tenant
	case DimChannel:
		return string(seg.Channel)
	case DimInteractionType:
		return seg.InteractionType
	case DimTeam:
		return seg.Team
	case DimOperator:
		return seg.Operator
	}
	return ""
}

// project keeps the values of dims, in their order.
func project(seg schemas.Segment, dims []Dim) []string {
	out := make([]string, len(dims))
	for i, d := range dims {
		out[i] = value(seg, d)
	}
	return out
}
