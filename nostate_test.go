package instagram_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoPackageLevelState keeps the root package free of package-level
// mutable state: every package-level variable must be an error value
// (errors.New, fmt.Errorf or a *ValidationError literal), a compiled
// regular expression, or the NoRetries policy value. Maps, slices,
// pools, counters and caches belong on the Client.
func TestNoPackageLevelState(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	checked := 0
	for _, ent := range entries {
		name := ent.Name()
		if ent.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					checked++
					if n.Name == "_" || n.Name == "NoRetries" {
						continue
					}
					if i >= len(vs.Values) || !allowedValue(vs.Values[i]) {
						t.Errorf("%s: package-level variable %s holds state; put it on the Client or make it a constant or function", fset.Position(n.Pos()), n.Name)
					}
				}
			}
		}
	}
	require.NotZero(t, checked, "no package-level variables found: is the test reading the right directory?")
}

func allowedValue(e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.CallExpr:
		if sel, ok := v.Fun.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok {
				switch pkg.Name + "." + sel.Sel.Name {
				case "errors.New", "fmt.Errorf", "regexp.MustCompile":
					return true
				}
			}
		}
	case *ast.UnaryExpr:
		if cl, ok := v.X.(*ast.CompositeLit); ok && v.Op == token.AND {
			if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "ValidationError" {
				return true
			}
		}
	}
	return false
}
