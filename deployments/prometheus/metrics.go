package prometheus

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// MetricNames returns the floorwatch_* series that the Go code under root
// registers: the Name of every metric options literal
// (prometheus.CounterOpts{Name: "floorwatch_..."} and the like), tests
// left out. A histogram's name stands for its _bucket, _sum and _count
// series too (HasMetric).
func MetricNames(root string) (map[string]bool, error) {
	names := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Name" {
				return true
			}
			if l, ok := kv.Value.(*ast.BasicLit); ok && l.Kind == token.STRING {
				if s, err := strconv.Unquote(l.Value); err == nil && strings.HasPrefix(s, "floorwatch_") {
					names[s] = true
				}
			}
			return true
		})
		return nil
	})
	return names, err
}

// HasMetric reports whether series is one of names, or a histogram's
// _bucket, _sum or _count series of one.
func HasMetric(names map[string]bool, series string) bool {
	if names[series] {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(series, suffix); ok && names[base] {
			return true
		}
	}
	return false
}

var seriesName = regexp.MustCompile(`\bfloorwatch_[a-z0-9_]+`)

// SeriesIn returns the floorwatch_* names an expression mentions.
func SeriesIn(expr string) []string {
	return seriesName.FindAllString(expr, -1)
}
